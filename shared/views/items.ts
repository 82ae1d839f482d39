/**
 * How each view is stored, shaped by the queries it serves (docs/decisions/0012-month-buckets.md):
 * - one item per stream (`pk` = the stream id) holding the state as `doc`;
 * - an event is listed in every UTC month it overlaps: its own item carries the first month's bucket keys,
 *   and a small span item (`pk` = `<stream>@<YYYY-MM>`) each later month's, so a month reads one bucket;
 * - calendars, keys, feed tokens and webhooks are listed by entity (small sets; events are not among them);
 * - per scope (a calendar, or `*` for all) a directory of the months that hold events, so an open-ended
 *   list walks only months that have something.
 */
import type { ApiKey } from '#domain/api-key';
import type { Calendar } from '#domain/calendar';
import { streamKind } from '#domain/changes';
import type { CalendarEvent } from '#domain/event';
import type { FeedToken } from '#domain/feed-token';
import type { Webhook } from '#domain/webhook';
import { utcRange } from '#domain/schedule';
import { calendarFeedAttributes } from '#feeds/digest';
import { feedItemAttributes } from '#feeds/fragments';
import { SEARCH_VERSION, searchTextOf } from './search-text.ts';

export const INDEX = { byEntity: 'byEntity', byCalendarMonth: 'byCalendarMonth', byMonth: 'byMonth' } as const;

/** Lists across all calendars spread each month over this many index partitions, so no tenant makes one hot. */
export const MONTH_SHARDS = 4;
/** An event is listed in at most this many months (ten years); longer ones show in their first ten years. */
export const MAX_LISTED_MONTHS = 120;
/** The attributes an event list reads from its index (with the keys): the index projects only these. */
export const LISTED_ATTRIBUTES = ['doc', 'endUtc', 'status', 'visibility', 'tags', 'searchText', 'searchVersion'] as const;
/** The attributes an entity list reads from its index (with the keys). */
export const ENTITY_ATTRIBUTES = ['doc', 'owner'] as const;

export type Entity = 'calendar' | 'key' | 'feedToken' | 'webhook';

/**
 * Bumped whenever a view's doc could differ from the state evolve now produces (evolve or toViewItem changed):
 * commands then stop using older views as snapshots until `npm run rebuild-views` has rewritten them.
 */
export const VIEW_SHAPE = 1;

export interface ViewItem {
  pk: string;
  lastAppliedVersion: number;
  /** VIEW_SHAPE when written (stream items only). */
  shape?: number;
  doc: Record<string, unknown>;
  sortKey: string;
  /** byEntity partition; absent on events, which are listed by month instead. */
  entity?: Entity;
  owner?: string;
  calendar?: string;
  startUtc?: string;
  endUtc?: string;
  status?: string;
  visibility?: string;
  tags?: string[];
  /** Every title folded for search, and the SEARCH_VERSION it was folded with (search-text.ts). */
  searchText?: string;
  searchVersion?: number;
  /** byCalendarMonth partition: `<calendar>#<YYYY-MM>`. */
  calendarMonth?: string;
  /** byMonth partition: `<YYYY-MM>#<shard>`. */
  month?: string;
  /** Every month the event is listed in, first to last (the first is on this item, the rest on span items). */
  months?: string[];
  /** A series (0017): its occurrences are materialized as items of their own for starts in [from, to). */
  materializedFrom?: string;
  materializedTo?: string;
  /** Feed fragment and revision attributes (shared/feeds): opaque to the views. */
  [feedAttribute: `feed${string}`]: unknown;
}

export type ViewState = CalendarEvent | Calendar | ApiKey | FeedToken | Webhook;

/** The one place that shapes a stream's view item. */
export function toViewItem(streamId: string, state: ViewState): ViewItem {
  const kind = streamKind(streamId);
  if (kind === 'event') {
    const event = state as CalendarEvent;
    const { start, end } = utcRange(event.schedule);
    // A series is listed by its occurrences' items (occurrences.ts), not by its own.
    const months = event.schedule.recurrence ? [] : monthsOverlapping(start, end);
    return {
      pk: streamId,
      sortKey: `${start}#${event.id}`,
      lastAppliedVersion: event.version,
      shape: VIEW_SHAPE,
      doc: { ...event },
      calendar: event.calendar,
      startUtc: start,
      endUtc: end,
      status: event.status,
      visibility: event.visibility,
      tags: event.tags,
      searchText: searchTextOf(event),
      searchVersion: SEARCH_VERSION,
      ...(months[0] ? { ...bucketKeys(event.calendar, event.id, months[0]), months } : {}),
      // feeds: the pre-rendered VEVENT parts and the byFeed index keys (shared/feeds/fragments.ts)
      ...feedItemAttributes(event),
    };
  }
  if (kind === 'webhook') {
    const webhook = state as Webhook;
    return { pk: streamId, entity: 'webhook', sortKey: webhook.id, owner: webhook.owner.keyId, lastAppliedVersion: webhook.version, shape: VIEW_SHAPE, doc: { ...webhook } };
  }
  if (kind === 'calendar') {
    const calendar = state as Calendar;
    // feeds: a new feed revision with every calendar change (shared/feeds/digest.ts)
    return { pk: streamId, entity: 'calendar', sortKey: calendar.id, lastAppliedVersion: calendar.version, shape: VIEW_SHAPE, doc: { ...calendar }, ...calendarFeedAttributes() };
  }
  // A secret's hash stays in the journal: views are read widely and never need it.
  const { secretHash: _hash, ...doc } = state as ApiKey | FeedToken;
  if (kind === 'key') return { pk: streamId, entity: 'key', sortKey: doc.id, lastAppliedVersion: doc.version, doc };
  const token = state as FeedToken;
  return { pk: streamId, entity: 'feedToken', sortKey: `${token.calendar}#${token.id}`, lastAppliedVersion: token.version, doc };
}

/** The span items that list an event in its later months: only what a list reads, nothing else of the item. */
export function spanItems(item: ViewItem): ViewItem[] {
  return (item.months ?? []).slice(1).map((month) => ({
    pk: spanKey(item.pk, month),
    sortKey: item.sortKey,
    lastAppliedVersion: item.lastAppliedVersion,
    doc: item.doc,
    endUtc: item.endUtc,
    status: item.status,
    visibility: item.visibility,
    tags: item.tags,
    searchText: item.searchText,
    searchVersion: item.searchVersion,
    ...bucketKeys(item.calendar!, String(item.doc.id), month),
  }));
}

export const spanKey = (streamId: string, month: string): string => `${streamId}@${month}`;

/** The directory item of a scope (a calendar id, or ALL_CALENDARS): the months that hold its events. */
export const directoryKey = (scope: string): string => `months#${scope}`;
export const ALL_CALENDARS = '*';

function bucketKeys(calendar: string, eventId: string, month: string): Pick<ViewItem, 'calendarMonth' | 'month'> {
  return { calendarMonth: `${calendar}#${month}`, month: `${month}#${shardOf(eventId)}` };
}

/** A stable shard for an id (FNV-1a), so an event stays in one shard of every month. */
export function shardOf(id: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) hash = Math.imul(hash ^ id.charCodeAt(i), 0x01000193);
  return (hash >>> 0) % MONTH_SHARDS;
}

/** `YYYY-MM` of every UTC month that [start, end) overlaps (at least start's month). */
export function monthsOverlapping(start: string, end: string): string[] {
  const last = end > start ? monthOf(new Date(Date.parse(end) - 1).toISOString()) : monthOf(start);
  const months = [monthOf(start)];
  while (months.at(-1)! < last && months.length < MAX_LISTED_MONTHS) months.push(nextMonth(months.at(-1)!));
  return months;
}

export const monthOf = (instant: string): string => instant.slice(0, 7);

/** The first instant of a month, as sort keys spell it. */
export const monthStart = (month: string): string => `${month}-01T00:00:00.000Z`;

export function nextMonth(month: string): string {
  const [year, m] = month.split('-').map(Number) as [number, number];
  return m === 12 ? `${String(year + 1).padStart(4, '0')}-01` : `${String(year).padStart(4, '0')}-${String(m + 1).padStart(2, '0')}`;
}
