/**
 * RFC 5545 content lines, written by hand so that every value is escaped or sanitized by its type: TEXT is
 * escaped, parameter values are quoted, URIs and identifiers lose anything that could end a line. Lines end in
 * CRLF and fold at 75 octets, never inside a UTF-8 character.
 */

// Control characters other than tab cannot appear in any iCalendar value (RFC 5545 §3.1, §3.3.11).
// eslint-disable-next-line no-control-regex
const CONTROL = /[\x00-\x08\x0b-\x1f\x7f]/g;
// eslint-disable-next-line no-control-regex
const ANY_CONTROL = /[\x00-\x1f\x7f\x85\u2028\u2029]/g;
// Every kind of line break, including the Unicode separators that JavaScript parsers (node-ical) split lines on.
const LINE_BREAK = /\r\n|\r|\n|\x85|\u2028|\u2029/g;

export type Params = Record<string, string | undefined>;

/**
 * TEXT (§3.3.11): backslash, semicolon and comma escaped. iCalendar has one line break, \n, so CR, LF, CRLF,
 * NEL, U+2028 and U+2029 all become it: the text reads the same, with its breaks normalized.
 */
export function text(value: string): string {
  return value
    .replace(LINE_BREAK, '\n')
    .replace(CONTROL, '')
    .replace(/[\\;,\n]/g, (c) => (c === '\n' ? '\\n' : `\\${c}`));
}

const RFC6868: Record<string, string> = { '^': '^^', '\n': '^n', '"': "^'" };

/**
 * A parameter value (§3.2): quoted when it holds : ; or ,. RFC 6868 caret-encodes what a parameter value cannot
 * hold: a double quote as ^', a line break as ^n, and ^ itself as ^^ (so "Dr. "Sam" Saleh" keeps its quotes).
 */
export function paramValue(value: string): string {
  const clean = value
    .replace(LINE_BREAK, '\n')
    .replace(CONTROL, ' ')
    .replace(/[\^\n"]/g, (c) => RFC6868[c]!);
  return /[:;,]/.test(clean) ? `"${clean}"` : clean;
}

/** URIs and identifiers are not TEXT and are not escaped: anything that could break the line goes instead. */
export function raw(value: string): string {
  return value.replace(ANY_CONTROL, '');
}

export function contentLine(name: string, value: string, params: Params = {}): string {
  let line = name;
  for (const [param, paramText] of Object.entries(params)) if (paramText !== undefined) line += `;${param}=${paramValue(paramText)}`;
  return fold(`${line}:${value}`);
}

/** Folds a line at 75 octets (§3.1), splitting only between characters. */
export function fold(line: string): string {
  if (Buffer.byteLength(line, 'utf8') <= 75) return `${line}\r\n`;
  let out = '';
  let current = '';
  let currentBytes = 0;
  let limit = 75;
  for (const char of line) {
    const bytes = Buffer.byteLength(char, 'utf8');
    if (currentBytes + bytes > limit) {
      out += `${current}\r\n `;
      current = '';
      currentBytes = 0;
      limit = 74; // the leading space of a continuation line counts
    }
    current += char;
    currentBytes += bytes;
  }
  return `${out}${current}\r\n`;
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** An instant in UTC form, "20260714T050000Z". */
export function utcStamp(iso: string): string {
  const d = new Date(iso);
  return `${pad(d.getUTCFullYear(), 4)}${pad(d.getUTCMonth() + 1)}${pad(d.getUTCDate())}T${pad(d.getUTCHours())}${pad(d.getUTCMinutes())}${pad(d.getUTCSeconds())}Z`;
}

/** "2026-07-14T09:00[:ss]" → "20260714T090000" (a wall time, for use with TZID). */
export function localStamp(wall: string): string {
  const [date, time = '00:00'] = wall.split('T') as [string, string?];
  const [h, m, s = '00'] = time.split(':');
  return `${date.replaceAll('-', '')}T${h}${m}${s}`;
}

/** "2026-07-14" → "20260714" (VALUE=DATE). */
export const dateStamp = (date: string): string => date.replaceAll('-', '');
