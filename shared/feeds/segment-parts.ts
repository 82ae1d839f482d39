/**
 * The stored form of a packed segment (segments.ts): a period's entries for one feed variant, gzipped, split into as
 * few parts as keep each under a byte cap (DynamoDB items stop at 400 KB).
 */
import { gunzipSync, gzipSync } from 'node:zlib';
import type { FeedEntry } from './fragments.ts';

/** One packed event: where it ends (its byFeed sort key: the window), a Hijri series' horizon year (or null), its entry. */
export type Packed = [feedEnd: string, horizonYear: number | null, entry: FeedEntry];

/** Parts a period may be split into; a period needing more is read from the index every time. */
const MAX_PARTS = 16;
/** A part's gzipped bytes at most (DynamoDB items stop at 400 KB, key and attributes included). */
const maxPartBytes = () => Number(process.env.FEED_SEGMENT_MAX_BYTES ?? 350_000);

/** A period's entries gzipped in as few parts as keep each under the byte cap; undefined past MAX_PARTS. */
export function packPeriod(packed: readonly Packed[]): Buffer[] | undefined {
  const whole = gzipSync(encodePart(packed));
  const cap = maxPartBytes();
  if (whole.length <= cap) return [whole];
  // From as few parts as could hold the whole (a week of two events may need two; parts compress a little worse).
  for (let count = Math.max(2, Math.ceil(whole.length / cap)); count <= Math.min(MAX_PARTS, packed.length); count++) {
    const size = Math.ceil(packed.length / count);
    const parts = Array.from({ length: Math.ceil(packed.length / size) }, (_, i) => gzipSync(encodePart(packed.slice(i * size, i * size + size))));
    if (parts.every((part) => part.length <= cap)) return parts;
  }
  return undefined;
}

type Row = [feedEnd: string, horizonYear: number | null, entry: Omit<FeedEntry, 'v'>, byteLength: number];

const NEWLINE = 0x0a;

/**
 * A part's bytes: one JSON line of what each entry is filtered and ordered by (with its VEVENTs' length in bytes),
 * then the VEVENTs' UTF-8 bytes, one after the other. Reading it parses the small line and slices the rest as
 * bytes: a cold feed never decodes its megabytes of VEVENTs into strings (segment format 5; format 4 sliced a
 * decoded string, and that decoding was most of the read).
 */
function encodePart(packed: readonly Packed[]): Buffer {
  const rows = packed.map(([feedEnd, horizonYear, { v, ...entry }]): Row => [feedEnd, horizonYear, entry, v.length]);
  return Buffer.concat([Buffer.from(`${JSON.stringify(rows)}\n`, 'utf8'), ...packed.map(([, , entry]) => entry.v)]);
}

/** A part's entries; each entry's VEVENTs are a view of the gunzipped bytes (no copy). */
export function decodePart(segment: Uint8Array): Packed[] {
  const bytes = gunzip(segment);
  const newline = bytes.indexOf(NEWLINE);
  let offset = newline + 1;
  const rows = JSON.parse(bytes.toString('utf8', 0, newline)) as Row[];
  // Each row becomes its packed entry in place (its length replaced by its bytes): a cold feed decodes ten thousand.
  for (const row of rows) {
    const [, , entry, length] = row;
    (entry as FeedEntry).v = bytes.subarray(offset, offset + length);
    offset += length;
    (row as unknown[]).length = 3;
  }
  return rows as unknown as Packed[];
}

/** Above this, a gunzip's output is allocated in chunks (a trailer can be wrong; parts hold far less). */
const MAX_OUTPUT_CHUNK = 32 * 1024 * 1024;

/**
 * Gunzipped into one buffer of the size the gzip trailer states (ISIZE, RFC 1952), not 16 KiB chunks then
 * concatenated: a cold feed gunzips megabytes, and each copy of them costs.
 */
function gunzip(segment: Uint8Array): Buffer {
  const stated = Buffer.from(segment.buffer, segment.byteOffset, segment.length).readUInt32LE(segment.length - 4);
  return gunzipSync(segment, { chunkSize: Math.min(Math.max(stated + 1, 64), MAX_OUTPUT_CHUNK) });
}
