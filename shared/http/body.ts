/**
 * Request bodies to text, strictly (audit F9, docs/decisions/0027). Every body is UTF-8; bytes that are not are
 * refused (400 invalid_encoding), never decoded leniently into U+FFFD and recorded. API Gateway hands a body over
 * as base64 (`isBase64Encoded`) or as a string, and does not document what it does with bytes that are not UTF-8
 * under a textual media type: base64 keeps them for us to find; a string would already hold U+FFFD in their place.
 * So U+FFFD itself is refused too: in either shape, damaged text never reaches the journal.
 */
import { isUtf8 } from 'node:buffer';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { DomainError } from '#domain/errors';

const REPLACEMENT = '\uFFFD';

/** The body's bytes, as the client sent them (base64) or as API Gateway decoded them (a string). */
export const bodyBytes = (event: APIGatewayProxyEventV2): Buffer => (event.isBase64Encoded ? Buffer.from(event.body ?? '', 'base64') : Buffer.from(event.body ?? '', 'utf8'));

/** A lead byte's sequence length and the range its second byte must be in (Unicode Table 3-7); length 0: no lead. */
function leadOf(lead: number): [length: number, low: number, high: number] {
  if (lead >= 0xc2 && lead <= 0xdf) return [2, 0x80, 0xbf];
  if (lead === 0xe0) return [3, 0xa0, 0xbf]; // not overlong
  if (lead === 0xed) return [3, 0x80, 0x9f]; // not a surrogate
  if (lead >= 0xe1 && lead <= 0xef) return [3, 0x80, 0xbf];
  if (lead === 0xf0) return [4, 0x90, 0xbf]; // not overlong
  if (lead >= 0xf1 && lead <= 0xf3) return [4, 0x80, 0xbf];
  if (lead === 0xf4) return [4, 0x80, 0x8f]; // not above U+10FFFF
  return [0, 0, 0]; // C0 and C1 (overlong), F5–FF, a continuation byte
}

/**
 * The length of the well-formed UTF-8 sequence at `i`, or 0 when none starts there. Our own scan rather than
 * TextDecoder's fatal mode, because the refusal says where (offset and line), which TextDecoder does not.
 */
function sequenceAt(raw: Buffer, i: number): number {
  const lead = raw[i]!;
  if (lead < 0x80) return 1;
  const [length, low, high] = leadOf(lead);
  if (length === 0 || i + length > raw.length) return 0;
  const second = raw[i + 1]!;
  if (second < low || second > high) return 0;
  for (let k = 2; k < length; k++) if ((raw[i + k]! & 0xc0) !== 0x80) return 0;
  return length;
}

/** Where the first byte that is not UTF-8 is: its offset, its value and its line (1-based). */
export function firstInvalidByte(raw: Buffer): { offset: number; byte: number; line: number } {
  let offset = 0;
  let line = 1;
  while (offset < raw.length) {
    const length = sequenceAt(raw, offset);
    if (length === 0) break;
    if (raw[offset] === 0x0a) line++;
    offset += length;
  }
  return { offset, byte: raw[offset] ?? 0, line };
}

const hex = (byte: number) => `0x${byte.toString(16).toUpperCase().padStart(2, '0')}`;

/** Why bytes are refused, for the problem's message (the field is named by the caller). */
export function notUtf8Message(raw: Buffer): string {
  const { offset, byte, line } = firstInvalidByte(raw);
  return `is not UTF-8: the byte ${hex(byte)} at byte offset ${offset} (line ${line}) begins no valid UTF-8 sequence; send the text encoded in UTF-8`;
}

export const REPLACEMENT_MESSAGE = 'holds U+FFFD (�), the mark a decoder leaves where bytes were not text: the text was damaged before it was sent; send it undamaged, in UTF-8';

/** A refusal of a body's encoding, naming the field (`body`, or the JSON path of the text that holds it). */
export const invalidEncoding = (field: string, message: string) => new DomainError('invalid', `${field}: ${message}`, [{ field, code: 'invalid_encoding', message }]);

/** The bytes as text, when they are UTF-8 (lossy otherwise: the caller refuses, after finding where). */
export function decodeBody(raw: Buffer): { text: string; utf8: boolean } {
  return { text: raw.toString('utf8'), utf8: isUtf8(raw) };
}

/** The path of a parsed JSON value's first member name or string holding U+FFFD. */
export const replacementPath = (value: unknown): string | undefined => firstTextPath(value, (text) => text.includes(REPLACEMENT));

/** The path of a parsed JSON value's first member name or string that `matches` ('body' for the value itself). */
export function firstTextPath(value: unknown, matches: (text: string) => boolean, path: string[] = []): string | undefined {
  if (typeof value === 'string') return matches(value) ? path.join('.') || 'body' : undefined;
  if (typeof value !== 'object' || value === null) return undefined;
  for (const [key, member] of Object.entries(value)) {
    if (matches(key)) return [...path, key].join('.');
    const found = firstTextPath(member, matches, [...path, key]);
    if (found) return found;
  }
  return undefined;
}

/** A text body (text/calendar) as a string: refused whole when it is not UTF-8 or holds U+FFFD, naming the line. */
export function strictText(raw: Buffer): string {
  const { text, utf8 } = decodeBody(raw);
  if (!utf8) throw invalidEncoding('body', notUtf8Message(raw));
  const at = text.indexOf(REPLACEMENT);
  if (at >= 0) throw invalidEncoding('body', `line ${text.slice(0, at).split('\n').length} ${REPLACEMENT_MESSAGE}`);
  return text;
}
