/** GET and HEAD /feeds/{calendar}.ics: a calendar as iCalendar, for subscription; streamed, so no size is too large. */
import { Readable } from 'node:stream';
import type { APIGatewayProxyResultV2 } from 'aws-lambda';
import { DomainError } from '#domain/errors';
import { feedBodies } from '#feeds/bodies';
import { feedLengths } from '#feeds/lengths';
import { loadFeedBody, loadFeedBodyWithin, loadFeedHead } from '#feeds/feed';
import { api } from '#http/api';
import { getFeedOperation } from '#http/operations';
import { calendarResponse, notModified } from '#http/respond';

export const handler = api(
  getFeedOperation(),
  async ({ deps, params, query, header, event }) => {
    // ops (#11): behind its function URL (AWS) the event has no pathParameters (routeKey $default): the path says.
    const file = params.file ?? event.rawPath.replace(/^\/feeds\//, '');
    const calendar = /^(.+)\.ics$/.exec(file)?.[1];
    if (!calendar) throw new DomainError('not_found', 'feeds are at /feeds/{calendar}.ics');
    const tags = query.tag ? query.tag.split(',') : [];
    const cancelledRetentionDays = Number(process.env.FEED_CANCELLED_RETENTION_DAYS ?? 30);
    const head = await loadFeedHead(deps, { calendar, language: query.lang, tags, excludeTentative: query.tentative === 'exclude', token: query.token, cancelledRetentionDays, pastDays: query.pastDays });
    const options = {
      etag: head.etag,
      lastModified: head.lastModified,
      cacheControl: head.withPrivateDetails ? 'private, max-age=300' : 'public, max-age=300',
      filename: `${calendar}.ics`,
      disposition: 'inline' as const,
    };
    if (notModified(header('if-none-match'), head.etag)) return calendarResponse(304, undefined, options);
    const isHead = event.requestContext.http.method === 'HEAD';
    // The body this container served under the same strong ETag: the same bytes, without reading the fragments.
    const cached = head.cacheable ? feedBodies.get(head.etag) : undefined;
    if (cached) return isHead ? withLength(calendarResponse(200, undefined, options), cached.length) : streamed(calendarResponse(200, undefined, options), [cached]);
    // HEAD says how long the GET would be: remembered from a GET with the same ETag, else the feed is assembled
    // if it is small; a larger one's HEAD goes without Content-Length (RFC 9110 §8.6 allows it) rather than
    // reading the whole window, so a HEAD costs at most one bounded Query whatever the calendar holds.
    const knownLength = isHead ? feedLengths.get(head.etag) : undefined;
    if (knownLength !== undefined) return withLength(calendarResponse(200, undefined, options), knownLength);
    if (isHead) {
      const small = await loadFeedBodyWithin(deps, head, headAssemblyLimit());
      return small === undefined ? calendarResponse(200, undefined, options) : withLength(calendarResponse(200, undefined, options), feedLengths.remember(head.etag, small));
    }
    const chunks = await loadFeedBody(deps, head);
    const length = feedLengths.remember(head.etag, chunks);
    const body = head.cacheable ? feedBodies.remember(head.etag, chunks, length) : undefined;
    return streamed(calendarResponse(200, undefined, options), body ? [body] : blocks(chunks, length));
  },
  { streamifyResponse: true },
);

/** The most fragments (per visibility) a HEAD assembles to state a Content-Length it has not seen a GET send. */
const headAssemblyLimit = () => Number(process.env.FEED_HEAD_ASSEMBLY_LIMIT ?? 500);

/** The bytes a stream writes at a time when a body is not kept: one write per VEVENT would be thousands of small writes. */
const BLOCK_BYTES = 1024 * 1024;

/** Adjacent chunks joined into blocks of about BLOCK_BYTES (the last may be smaller). */
function blocks(chunks: readonly Buffer[], length: number): Buffer[] {
  if (length <= BLOCK_BYTES) return [Buffer.concat(chunks, length)];
  const joined: Buffer[] = [];
  let block: Buffer[] = [];
  let size = 0;
  for (const chunk of chunks) {
    block.push(chunk);
    size += chunk.length;
    if (size < BLOCK_BYTES) continue;
    joined.push(Buffer.concat(block, size));
    block = [];
    size = 0;
  }
  return size > 0 ? [...joined, Buffer.concat(block, size)] : joined;
}

/** Streamed in chunks: a feed of any size is never one string, nor one 6 MB Lambda payload. */
function streamed(response: APIGatewayProxyResultV2, chunks: readonly Buffer[]): APIGatewayProxyResultV2 {
  return { ...(response as Exclude<APIGatewayProxyResultV2, string>), body: Readable.from(chunks) as unknown as string };
}

function withLength(response: APIGatewayProxyResultV2, length: number): APIGatewayProxyResultV2 {
  const structured = response as Exclude<APIGatewayProxyResultV2, string>;
  return { ...structured, headers: { ...structured.headers, 'content-length': String(length) } };
}
