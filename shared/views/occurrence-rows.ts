/**
 * Occurrence rows of event lists beyond what is materialized (0017): the occurrences of series whose materialized
 * range the window leaves, expanded on read over the window only (never from the series' start), from the series'
 * docs (one BatchGetItem per 100 series).
 */
import { BatchGetCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { CalendarEvent } from '#domain/event';
import { seriesOf } from '#domain/event';
import { occurrences } from '#domain/recurrence';
import { INDEX, MONTH_SHARDS, type ViewItem } from './items.ts';
import { BEYOND, occurrenceItem, type IndexDoc } from './occurrences.ts';

const DAY_MS = 86_400_000;
/** The first slice of a window expanded on read; it doubles while a slice finds nothing (an annual series far ahead). */
const FIRST_SLICE_DAYS = 31;

export type SeriesDocs = Map<string, CalendarEvent>;

interface Store {
  client: DynamoDBDocumentClient;
  table: string;
}

/** The docs of these series that `docs` does not hold yet, read in BatchGetItems of 100 (doc only, not the feed fragments). */
export async function loadSeries(store: Store, ids: Iterable<string>, docs: SeriesDocs): Promise<void> {
  const missing = [...new Set(ids)].filter((id) => !docs.has(id));
  const batches = Array.from({ length: Math.ceil(missing.length / 100) }, (_, i) => missing.slice(i * 100, i * 100 + 100));
  await Promise.all(
    batches.map(async (batch) => {
      let keys: Record<string, unknown>[] | undefined = batch.map((id) => ({ pk: `event#${id}` }));
      while (keys && keys.length > 0) {
        const reply = await store.client.send(new BatchGetCommand({ RequestItems: { [store.table]: { Keys: keys, ProjectionExpression: 'doc' } } }));
        for (const item of reply.Responses?.[store.table] ?? []) docs.set(String(item.doc.id), item.doc as CalendarEvent);
        keys = reply.UnprocessedKeys?.[store.table]?.Keys as Record<string, unknown>[] | undefined;
      }
    }),
  );
}

export interface BeyondWindow {
  calendar?: string;
  from?: string;
  /** The window's end: `to`, or the default horizon of a list without one. */
  to: string;
  status?: string;
  tag?: string;
  includePrivate: boolean;
  /** Only rows after this sort key (the cursor's). */
  after?: string;
  /** Rows wanted: expansion stops once it has this many before its bound. */
  wanted: number;
}

/** Rows expanded on read, sorted, all of those starting before `bound`; `complete` when that is the window's end. */
export interface Expanded {
  items: ViewItem[];
  bound: string;
  complete: boolean;
}

/**
 * Occurrences of series outside their materialized range within the window. Reads the index items of series whose
 * range stops before the window ends (or starts after it begins) and are alive in it; expands them slice by slice
 * from the later of the window's start and the cursor, so a page costs its rows, not the window nor the series' past.
 */
export async function expandBeyond(store: Store, window: BeyondWindow, docs: SeriesDocs): Promise<Expanded> {
  const entries = await beyondEntries(store, window);
  const none = { items: [], bound: window.to, complete: true };
  if (entries.length === 0) return none;
  await loadSeries(
    store,
    entries.map((entry) => entry.doc.id),
    docs,
  );
  const cursorStart = window.after ? window.after.slice(0, 24) : undefined;
  const lower = Math.max(...[window.from, cursorStart].filter((bound): bound is string => bound !== undefined).map(Date.parse), Math.min(...entries.map((entry) => Date.parse(entry.segment[0]))));
  const upper = Date.parse(window.to);
  const items: ViewItem[] = [];
  let slice = FIRST_SLICE_DAYS * DAY_MS;
  for (let from = lower; from < upper; from += slice, slice *= items.length === 0 ? 2 : 1) {
    const to = Math.min(from + slice, upper);
    // The first slice also takes occurrences begun before the window, unless a cursor already passed them.
    const open = from === lower && (cursorStart === undefined || (window.from !== undefined && cursorStart < window.from));
    for (const entry of entries) items.push(...expandSlice(docs.get(entry.doc.id), entry.segment, [open ? undefined : from, to], window));
    if (items.length > window.wanted) {
      items.sort((a, b) => (a.sortKey < b.sortKey ? -1 : 1));
      return { items, bound: new Date(to).toISOString(), complete: to >= upper };
    }
  }
  items.sort((a, b) => (a.sortKey < b.sortKey ? -1 : 1));
  return { items, bound: window.to, complete: true };
}

interface Entry {
  doc: IndexDoc;
  /** Starts in [segment[0], segment[1]) are not materialized and are expanded here. */
  segment: [string, string];
}

/** The series of the scope whose range the window leaves, with the part of the window they must expand. */
async function beyondEntries(store: Store, window: BeyondWindow): Promise<Entry[]> {
  const after = await queryIndex(store, window, BEYOND.after, 'sortKey < :bound', window.to, window.from ? 'endUtc > :from' : undefined);
  const before = await queryIndex(store, window, BEYOND.before, window.from ? 'sortKey > :bound' : undefined, window.from, undefined);
  return [...after.map((doc): Entry => ({ doc, segment: [doc.to, window.to] })), ...before.filter((doc) => doc.start < window.to).map((doc): Entry => ({ doc, segment: [doc.start, doc.from] }))];
}

async function queryIndex(store: Store, window: BeyondWindow, side: string, keyCondition: string | undefined, bound: string | undefined, filter: string | undefined): Promise<IndexDoc[]> {
  const partitions = window.calendar
    ? [{ index: INDEX.byCalendarMonth, attribute: 'calendarMonth', value: `${window.calendar}#${side}` }]
    : Array.from({ length: MONTH_SHARDS }, (_, shard) => ({ index: INDEX.byMonth, attribute: 'month', value: `${side}#${shard}` }));
  const filters = [filter, window.includePrivate ? undefined : 'visibility = :public'].filter(Boolean);
  const values: Record<string, unknown> = {};
  if (keyCondition) values[':bound'] = bound;
  if (filter) values[':from'] = window.from;
  if (!window.includePrivate) values[':public'] = 'public';
  const docs: IndexDoc[] = [];
  for (const partition of partitions) {
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await store.client.send(
        new QueryCommand({
          TableName: store.table,
          IndexName: partition.index,
          KeyConditionExpression: ['#partition = :partition', keyCondition].filter(Boolean).join(' AND '),
          FilterExpression: filters.length > 0 ? filters.join(' AND ') : undefined,
          ExpressionAttributeNames: { '#partition': partition.attribute },
          ExpressionAttributeValues: { ':partition': partition.value, ...values },
          ExclusiveStartKey: startKey,
        }),
      );
      docs.push(...(page.Items ?? []).map((item) => item.doc as IndexDoc));
      startKey = page.LastEvaluatedKey;
    } while (startKey);
  }
  return docs;
}

/**
 * The rows of one series starting in the slice ∩ its segment and overlapping the window, filtered as a bucket Query
 * filters its items. The first slice has no lower bound of its own: it also takes occurrences that began before the
 * window and reach into it.
 */
function expandSlice(series: CalendarEvent | undefined, segment: [string, string], [from, to]: [number | undefined, number], window: BeyondWindow): ViewItem[] {
  const recurring = series && seriesOf(series);
  if (!series || !recurring) return [];
  const windowFrom = window.from ? Date.parse(window.from) : Number.NEGATIVE_INFINITY;
  const first = Date.parse(segment[0]);
  const start = Math.max(from ?? windowFrom, first);
  const end = Math.min(to, Date.parse(segment[1]));
  if (start >= end) return [];
  return occurrences(recurring, { from: start, to: end }, { includeCancelled: true, limit: Number.MAX_SAFE_INTEGER })
    .filter((o) => Date.parse(o.start) >= Math.max(from ?? first, first) && Date.parse(o.start) < end && Date.parse(o.end) > windowFrom)
    .map((o) => occurrenceItem(`event#${series.id}`, series, o))
    .filter((item) => (!window.after || item.sortKey > window.after) && (!window.status || item.status === window.status) && (!window.tag || item.tags?.includes(window.tag)));
}
