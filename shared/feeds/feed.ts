/**
 * A feed request. Its validators (ETag, Last-Modified) come from one small read of the calendar's view item,
 * which carries the feed revision the projector moves with every change; a 304 and a HEAD need nothing else.
 * The body reads the pre-rendered fragments in the feed's window (packed per period where it can, else from the
 * byFeed index) and joins them.
 */
import { createHash, randomUUID } from 'node:crypto';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { feedTokenOpens } from '#commands/feed-tokens';
import type { Deps } from '#config/deps';
import type { Calendar } from '#domain/calendar';
import { streams } from '#domain/changes';
import { DomainError } from '#domain/errors';
import type { FeedRevision } from './digest.ts';
import { feedEntry, RENDERING_VERSION, type FeedEntry, type FeedFragment, type FeedVariant } from './fragments.ts';
import { queryFeedIndex, usableFragments } from './index-reads.ts';
import { readSegmented, segmentsOn } from './segments.ts';
import { calendarHeader } from './render.ts';
import { cancellationShows, utcDay, windowStart } from './window.ts';
import { zoneYearsUntil } from './series.ts';
import { ZoneYears } from './zones.ts';

export { RENDERING_VERSION };

export interface FeedQuery {
  calendar: string;
  language?: string;
  tags: string[];
  excludeTentative: boolean;
  token?: string;
  /** How many UTC days a cancelled event stays in the feed (with STATUS:CANCELLED) before it leaves; 0: none. */
  cancelledRetentionDays: number;
  /** Narrows the calendar's window (see window.ts). */
  pastDays?: number;
}

/** What a feed's headers need: known after one read of the calendar's view item (and the token's, if any). */
export interface FeedHead {
  query: FeedQuery;
  /** The calendar as that read found it: its body is assembled from the same version its ETag names. */
  calendar: Calendar;
  language: string;
  withPrivateDetails: boolean;
  etag: string;
  lastModified: Date;
  /** Earliest end shown; undefined: all. */
  windowStart: string | undefined;
  now: Date;
  /** The ETag is final (not provisional while the index settles): the body may be kept under it. */
  cacheable: boolean;
}

/** After a change, the index may lag the table (DynamoDB's GSIs are eventually consistent; dynalite's are not). */
const settleMillis = () => Number(process.env.FEED_INDEX_SETTLE_MS ?? 0);

export async function loadFeedHead(d: Deps, query: FeedQuery): Promise<FeedHead> {
  const { Item: item } = await d.client.send(
    new GetCommand({
      TableName: d.tables.views,
      Key: { pk: streams.calendar(query.calendar) },
      // The whole calendar (a small document): the body needs it, and reading it here saves the body a second read.
      ProjectionExpression: '#doc, feedRevision, feedChangedAt, feedRevisedAt',
      ExpressionAttributeNames: { '#doc': 'doc' },
    }),
  );
  if (!item) throw new DomainError('not_found', `calendar ${query.calendar} not found`);
  const calendar = item.doc as Calendar;
  const { feedRevision, feedChangedAt, feedRevisedAt } = item as FeedRevision;
  const withPrivateDetails = query.token !== undefined;
  // A feed URL with a wrong or revoked token is simply not there, as a calendar app should be told.
  if (query.token !== undefined && !(await feedTokenOpens(d, query.calendar, query.token))) throw new DomainError('not_found', 'no such feed');
  const now = d.now();
  const language = query.language ?? calendar.defaultLanguage;
  const start = windowStart(now, calendar.feedPastDays, query.pastDays);
  // A revision set moments ago may not be in the index yet: its ETag is provisional and will not match later.
  const settling = feedRevision === undefined || now.getTime() - (feedRevisedAt ?? 0) < settleMillis();
  const inputs = [
    RENDERING_VERSION,
    process.versions.tz ?? '',
    query.calendar,
    calendar.version,
    feedRevision ?? randomUUID(),
    settling,
    language,
    withPrivateDetails,
    [...query.tags].sort(),
    query.excludeTentative,
    query.cancelledRetentionDays,
    start ?? 'all',
    utcDay(now),
  ];
  const etag = `"${createHash('sha256').update(JSON.stringify(inputs)).digest('base64url').slice(0, 32)}"`;
  const lastModified = new Date(Math.max(Date.parse(calendar.updatedAt), feedChangedAt ? Date.parse(feedChangedAt) : 0));
  return { query, calendar, language, withPrivateDetails, etag, lastModified, windowStart: start, now, cacheable: !settling };
}

/** The feed's UTF-8 bytes, as chunks (a large feed is never one string): header and VTIMEZONEs, then one VEVENT each. */
export async function loadFeedBody(d: Deps, head: FeedHead): Promise<Buffer[]> {
  return (await loadFeedBodyWithin(d, head, undefined))!;
}

/**
 * The feed's chunks if its window holds fewer than `maxFragments` fragments per visibility, read in one Query
 * page each; undefined when it holds more (what a HEAD may spend to learn a length: never the whole history).
 */
export async function loadFeedBodyWithin(d: Deps, head: FeedHead, maxFragments: number | undefined): Promise<Buffer[] | undefined> {
  const { calendar } = head;
  const visibilities = head.withPrivateDetails ? ['public', 'private'] : ['public'];
  const variant: FeedVariant = { language: head.language, defaultLanguage: calendar.defaultLanguage, withPrivateDetails: head.withPrivateDetails };
  const read = await Promise.all(visibilities.map((visibility) => readEntries(d, `${calendar.id}#${visibility}`, head.windowStart, maxFragments, variant, head.now)));
  if (read.some((entries) => entries === undefined)) return undefined;
  return joinEntries(calendar, read.flat() as FeedEntry[], head);
}

/** The feed's chunks from its fragments: filtered, ordered by start then id, with the VTIMEZONEs they need. No I/O. */
export function joinFeed(calendar: Calendar, fragments: FeedFragment[], head: FeedHead): Buffer[] {
  const variant = { language: head.language, defaultLanguage: calendar.defaultLanguage, withPrivateDetails: head.withPrivateDetails };
  return joinEntries(
    calendar,
    fragments.map((fragment) => feedEntry(fragment, variant)),
    head,
  );
}

/** The feed's chunks from its entries (fragments chosen for its language and variant). No I/O. */
export function joinEntries(calendar: Calendar, entries: FeedEntry[], head: FeedHead): Buffer[] {
  const shown = entries.filter((entry) => shows(entry, head)).sort((a, b) => (a.s === b.s ? compare(a.id, b.id) : compare(a.s, b.s)));
  const zones = new ZoneYears();
  for (const { z, zx } of shown) for (const [zone, from, to] of z ? [z, ...(zx ?? [])] : []) zones.add(zone, from, zoneYearsUntil(from, to, head.now));
  const options = { language: head.language, withPrivateDetails: head.withPrivateDetails };
  const preamble = `BEGIN:VCALENDAR\r\n${calendarHeader(calendar, options)}${zones.components(calendar.timeZone, head.now.getUTCFullYear()).join('')}`;
  return [Buffer.from(preamble, 'utf8'), ...shown.map((entry) => entry.v), END];
}

const END = Buffer.from('END:VCALENDAR\r\n', 'utf8');
const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

function shows(fragment: FeedEntry, head: FeedHead): boolean {
  const { tags, excludeTentative, cancelledRetentionDays } = head.query;
  if (tags.length > 0 && !tags.some((tag) => fragment.g.includes(tag))) return false;
  if (excludeTentative && fragment.t) return false;
  return fragment.c === undefined || cancellationShows(fragment.c, head.now, cancelledRetentionDays);
}

/**
 * Every entry in one partition's window: from its packed period segments where they can be used (segments.ts),
 * else one Query of the index. With `maxFragments`, one Query page of at most that many, and undefined if there
 * are more (what a HEAD may spend).
 */
async function readEntries(d: Deps, partition: string, start: string | undefined, maxFragments: number | undefined, variant: FeedVariant, now: Date): Promise<FeedEntry[] | undefined> {
  const segmented = maxFragments === undefined && segmentsOn() ? await readSegmented(d, partition, start, variant, now) : undefined;
  if (segmented) return segmented;
  const items = await queryFeedIndex(d, partition, { from: start }, maxFragments);
  return items && (await usableFragments(d, items, now)).map((fragment) => feedEntry(fragment, variant));
}
