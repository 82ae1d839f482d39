/**
 * Reads from the views: lists of events, calendars and keys, paged with signed cursors. An event list reads
 * the month buckets its window overlaps and nothing else (docs/decisions/0012-month-buckets.md).
 */
import { GetCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { cursorKey, readCursor, writeCursor } from './cursor.ts';
import { expandBeyond, type SeriesDocs } from './occurrence-rows.ts';
import { ALL_CALENDARS, directoryKey, INDEX, MONTH_SHARDS, monthOf, monthStart, type Entity, type ViewItem } from './items.ts';

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/** What a list needs: the store, and the admin key's hash that cursors are signed with (see cursor.ts). */
export interface ViewReader {
  client: DynamoDBDocumentClient;
  tables: { views: string };
  adminKeyHash: () => Promise<string | undefined>;
  /** The clock a list without `to` counts its horizon from (0017); the wall clock when absent. */
  now?: () => Date;
}

export interface EventFilter {
  calendar?: string;
  /** Events ending after this instant (ISO, as toISOString writes it). */
  from?: string;
  /** Events starting before this instant. */
  to?: string;
  status?: string;
  tag?: string;
  /** Title search (shared/views/search.ts): every term of it in some title. */
  q?: string;
  includePrivate: boolean;
  limit: number;
  cursor?: string;
}

/** Where a list stopped: the month bucket and the sort key of the last event returned. */
export interface Position {
  m: string;
  k: string;
}

/** A list without `to` shows occurrences of series until this many days after `from` (or now): an endless series has no last month. */
export const DEFAULT_HORIZON_DAYS = 366;
const DAY_MS = 86_400_000;

/**
 * One page of events overlapping the window, by start: single events and occurrences of series (0017). Materialized
 * items come from the month buckets; occurrences outside a series' materialized range are expanded on read and
 * merged in by sort key, so a cursor (the last row's month and sort key) serves both.
 */
export async function listEvents(reader: ViewReader, filter: EventFilter): Promise<Page<Record<string, unknown>>> {
  const key = cursorKey(reader.adminKeyHash);
  const position = filter.cursor ? await readCursor(key, 'events', filter.cursor, ['m', 'k']) : undefined;
  const store = { client: reader.client, table: reader.tables.views };
  const horizon = filter.to ?? new Date(Date.parse(filter.from ?? (reader.now?.() ?? new Date()).toISOString()) + DEFAULT_HORIZON_DAYS * DAY_MS).toISOString();
  const materialized = await readWindow(reader.client, reader.tables.views, filter, position, horizon);
  const docs: SeriesDocs = new Map();
  const expanded = materialized.beyond ? await expandBeyond(store, { ...filter, to: horizon, after: position?.k, wanted: filter.limit }, docs) : { items: [], complete: true };
  const firstMonth = filter.from ? monthOf(filter.from) : undefined;
  const merged = [...materialized.items, ...expanded.items.map((item) => ({ item, month: [monthOf(item.sortKey), firstMonth ?? ''].sort().at(-1)! }))].sort((a, b) => (a.item.sortKey < b.item.sortKey ? -1 : 1));
  const page = merged.slice(0, filter.limit);
  const last = page.at(-1);
  const more = merged.length > filter.limit || materialized.next !== undefined || !expanded.complete;
  const rows = page.map((entry) => entry.item.doc);
  return { items: rows, nextCursor: more && last ? await writeCursor(key, 'events', { m: last.month, k: last.item.sortKey }) : null };
}

interface Listed {
  item: ViewItem;
  /** The bucket month it was read from (a cursor's `m`). */
  month: string;
}

/**
 * The events overlapping [from, to), by start. Each month bucket lists the events that overlap it; an event is
 * returned from the first bucket of the window it is in: from month(from) all overlapping items, from later
 * months only those starting there (a key condition), so an event spanning months comes once, in start order.
 * Without `to`, occurrences starting at or after `horizon` are left out (single events are not).
 */
async function readWindow(client: DynamoDBDocumentClient, table: string, filter: Omit<EventFilter, 'cursor'>, position?: Position, horizon?: string): Promise<{ items: Listed[]; next?: Position; beyond: boolean }> {
  const { firstMonth, months, beyond } = await windowMonths(client, table, filter, position, horizon);
  const skip = (item: ViewItem) => !filter.to && horizon !== undefined && item.doc.occurrence !== undefined && String(item.startUtc ?? item.sortKey) >= horizon;
  const items: Listed[] = [];
  for (const [i, month] of months.entries()) {
    const after = position?.m === month ? position.k : undefined;
    const lower = [month === firstMonth ? undefined : monthStart(month), after]
      .filter((bound) => bound !== undefined)
      .sort()
      .at(-1);
    const merged = new MergedPartitions(partitions(filter.calendar, month).map((partition) => new PartitionReader(client, table, partition, bucketQuery(filter, lower), filter.limit + 1)));
    for (let item = await merged.next(); item; item = await merged.next()) {
      if (item.sortKey === after || skip(item) || endedAtFrom(item, filter.from)) continue;
      items.push({ item, month });
      if (items.length < filter.limit) continue;
      const more = (await merged.peek()) !== undefined || i < months.length - 1;
      return { items, next: more ? { m: month, k: item.sortKey } : undefined, beyond };
    }
  }
  return { items, beyond };
}

/**
 * The listed months a window overlaps, from the position's on; `firstMonth` is the window's (month of `from`).
 * `beyond` says whether some series of the scope may have occurrences in the window outside its materialized range
 * (0017), from the directory's `after`/`before` months, so a list without such series spends no request on them.
 */
export async function windowMonths(
  client: DynamoDBDocumentClient,
  table: string,
  filter: Pick<EventFilter, 'calendar' | 'from' | 'to'>,
  position?: Position,
  horizon?: string,
): Promise<{ firstMonth?: string; months: string[]; beyond: boolean }> {
  const firstMonth = filter.from ? monthOf(filter.from) : undefined;
  const lastMonth = filter.to ? monthOf(new Date(Date.parse(filter.to) - 1).toISOString()) : undefined;
  const directory = await listedMonths(client, table, filter.calendar ?? ALL_CALENDARS);
  const months = directory.months.filter((month) => (!firstMonth || month >= firstMonth) && (!lastMonth || month <= lastMonth) && (!position || month >= position.m));
  const end = filter.to ?? horizon;
  const beyond = directory.after.some((month) => !end || monthStart(month) < end) || directory.before.some((month) => !firstMonth || month >= firstMonth);
  return { firstMonth, months, beyond };
}

/** The months that hold a scope's events, ascending (one small read; a month left empty costs one empty Query), and its series' range months. */
async function listedMonths(client: DynamoDBDocumentClient, table: string, scope: string): Promise<{ months: string[]; after: string[]; before: string[] }> {
  const item = (await client.send(new GetCommand({ TableName: table, Key: { pk: directoryKey(scope) } }))).Item;
  const sorted = (name: string) => [...((item?.[name] as Set<string> | undefined) ?? [])].sort();
  return { months: sorted('months'), after: sorted('seriesAfter'), before: sorted('seriesBefore') };
}

interface Partition {
  index: string;
  attribute: string;
  value: string;
}

function partitions(calendar: string | undefined, month: string): Partition[] {
  if (calendar) return [{ index: INDEX.byCalendarMonth, attribute: 'calendarMonth', value: `${calendar}#${month}` }];
  return Array.from({ length: MONTH_SHARDS }, (_, shard) => ({ index: INDEX.byMonth, attribute: 'month', value: `${month}#${shard}` }));
}

export interface BucketQuery {
  sortKeyCondition?: string;
  filters: string[];
  values: Record<string, unknown>;
  names: Record<string, string>;
}

/**
 * An item the `endUtc >= :from` filter let through that ends at `from` without starting there: outside the window.
 * (startUtc is not projected into the list indexes, so the sort key, `<start>#<id>`, tells where it starts.)
 */
export const endedAtFrom = (item: ViewItem, from: string | undefined): boolean => from !== undefined && item.endUtc === from && !item.sortKey.startsWith(`${from}#`);

export function bucketQuery(filter: Omit<EventFilter, 'cursor'>, lower: string | undefined): BucketQuery {
  const query: BucketQuery = { filters: [], values: {}, names: {} };
  // Sort keys are `<start>#<id>`, so none equals `to`: BETWEEN's inclusive end is `start < to`.
  if (lower !== undefined) query.values[':lower'] = lower;
  if (filter.to !== undefined) query.values[':to'] = filter.to;
  if (lower !== undefined && filter.to !== undefined) query.sortKeyCondition = 'sortKey BETWEEN :lower AND :to';
  else if (lower !== undefined) query.sortKeyCondition = 'sortKey >= :lower';
  else if (filter.to !== undefined) query.sortKeyCondition = 'sortKey < :to';
  if (filter.from) {
    // edges3 (F11): an instant at `from` is in the window too (RFC 4791 §9.9); endedAtFrom drops the rest of `=`.
    query.filters.push('endUtc >= :from');
    query.values[':from'] = filter.from;
  }
  if (filter.status) {
    query.filters.push('#status = :status');
    query.names['#status'] = 'status';
    query.values[':status'] = filter.status;
  }
  if (filter.tag) {
    query.filters.push('contains(tags, :tag)');
    query.values[':tag'] = filter.tag;
  }
  if (!filter.includePrivate) {
    query.filters.push('visibility = :public');
    query.values[':public'] = 'public';
  }
  return query;
}

/** One index partition read in sort-key order, a page at a time, as its items are asked for. */
class PartitionReader {
  private buffer: ViewItem[] = [];
  private startKey: Record<string, unknown> | undefined;
  private done = false;

  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly table: string,
    private readonly partition: Partition,
    private readonly query: BucketQuery,
    private readonly pageSize: number,
  ) {}

  async head(): Promise<ViewItem | undefined> {
    while (this.buffer.length === 0 && !this.done) {
      const names = { '#partition': this.partition.attribute, ...this.query.names };
      const page = await this.client.send(
        new QueryCommand({
          TableName: this.table,
          IndexName: this.partition.index,
          KeyConditionExpression: ['#partition = :partition', this.query.sortKeyCondition].filter(Boolean).join(' AND '),
          FilterExpression: this.query.filters.length > 0 ? this.query.filters.join(' AND ') : undefined,
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: { ':partition': this.partition.value, ...this.query.values },
          ExclusiveStartKey: this.startKey,
          Limit: this.pageSize,
        }),
      );
      this.buffer = (page.Items ?? []) as ViewItem[];
      this.startKey = page.LastEvaluatedKey;
      this.done = !this.startKey;
    }
    return this.buffer[0];
  }

  shift(): void {
    this.buffer.shift();
  }
}

/** Several partitions of one month merged by sort key (the shards of an all-calendars list). */
class MergedPartitions {
  constructor(private readonly readers: PartitionReader[]) {}

  async peek(): Promise<ViewItem | undefined> {
    return (await this.smallest())?.item;
  }

  async next(): Promise<ViewItem | undefined> {
    const smallest = await this.smallest();
    smallest?.reader.shift();
    return smallest?.item;
  }

  private async smallest(): Promise<{ reader: PartitionReader; item: ViewItem } | undefined> {
    const heads = await Promise.all(this.readers.map(async (reader) => ({ reader, item: await reader.head() })));
    return heads.filter((head): head is { reader: PartitionReader; item: ViewItem } => head.item !== undefined).sort((a, b) => (a.item.sortKey < b.item.sortKey ? -1 : 1))[0];
  }
}

/** Calendars, keys or feed tokens, by id; `prefix` narrows to sort keys that start with it (a calendar's tokens). */
export async function listEntities(reader: ViewReader, query: { entity: Entity; prefix?: string; owner?: string; limit: number; cursor?: string }): Promise<Page<Record<string, unknown>>> {
  const key = cursorKey(reader.adminKeyHash);
  const list = `${query.entity}:${query.prefix ?? ''}:${query.owner ?? ''}`;
  const position = query.cursor ? await readCursor(key, list, query.cursor, ['p', 's']) : undefined;
  const values: Record<string, unknown> = { ':entity': query.entity };
  const names: Record<string, string> = {};
  const filters: string[] = [];
  if (query.prefix) values[':prefix'] = query.prefix;
  if (query.owner) {
    filters.push('#owner = :owner');
    names['#owner'] = 'owner';
    values[':owner'] = query.owner;
  }
  if (query.entity === 'webhook') {
    filters.push('#doc.deleted = :false');
    names['#doc'] = 'doc';
    values[':false'] = false;
  }
  const items: ViewItem[] = [];
  let startKey: Record<string, unknown> | undefined = position && { pk: position.p, sortKey: position.s, entity: query.entity };
  // A filter applies after DynamoDB's Limit, so keep reading until the page is full or the index ends.
  while (items.length < query.limit) {
    const page = await reader.client.send(
      new QueryCommand({
        TableName: reader.tables.views,
        IndexName: INDEX.byEntity,
        KeyConditionExpression: `entity = :entity${query.prefix ? ' AND begins_with(sortKey, :prefix)' : ''}`,
        FilterExpression: filters.length > 0 ? filters.join(' AND ') : undefined,
        ExpressionAttributeValues: values,
        ExpressionAttributeNames: Object.keys(names).length > 0 ? names : undefined,
        ExclusiveStartKey: startKey,
        Limit: query.limit - items.length,
      }),
    );
    items.push(...((page.Items ?? []) as ViewItem[]));
    startKey = page.LastEvaluatedKey;
    if (!startKey) return { items: items.map((item) => item.doc), nextCursor: null };
  }
  const last = items.at(-1)!;
  return { items: items.map((item) => item.doc), nextCursor: await writeCursor(key, list, { p: last.pk, s: last.sortKey }) };
}
