/**
 * Reads from the views: lists of events, calendars and keys, paged with signed cursors. An event list reads
 * the month buckets its window overlaps and nothing else (docs/decisions/0012-month-buckets.md).
 */
import { GetCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { cursorKey, readCursor, writeCursor } from './cursor.ts';
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

export async function listEvents(reader: ViewReader, filter: EventFilter): Promise<Page<Record<string, unknown>>> {
  const key = cursorKey(reader.adminKeyHash);
  const position = filter.cursor ? await readCursor(key, 'events', filter.cursor, ['m', 'k']) : undefined;
  const { items, next } = await readWindow(reader.client, reader.tables.views, filter, position);
  return { items: items.map((item) => item.doc), nextCursor: next ? await writeCursor(key, 'events', { ...next }) : null };
}

/** Every event of a calendar (for feeds), public ones only unless told otherwise. */
export async function allCalendarEvents(client: DynamoDBDocumentClient, table: string, calendar: string, includePrivate: boolean): Promise<Record<string, unknown>[]> {
  const events: Record<string, unknown>[] = [];
  let position: Position | undefined;
  do {
    const page = await readWindow(client, table, { calendar, includePrivate, limit: 1000 }, position);
    events.push(...page.items.map((item) => item.doc));
    position = page.next;
  } while (position);
  return events;
}

/**
 * The events overlapping [from, to), by start. Each month bucket lists the events that overlap it; an event is
 * returned from the first bucket of the window it is in: from month(from) all overlapping items, from later
 * months only those starting there (a key condition), so an event spanning months comes once, in start order.
 */
async function readWindow(client: DynamoDBDocumentClient, table: string, filter: Omit<EventFilter, 'cursor'>, position?: Position): Promise<{ items: ViewItem[]; next?: Position }> {
  const { firstMonth, months } = await windowMonths(client, table, filter, position);
  const items: ViewItem[] = [];
  for (const [i, month] of months.entries()) {
    const after = position?.m === month ? position.k : undefined;
    const lower = [month === firstMonth ? undefined : monthStart(month), after]
      .filter((bound) => bound !== undefined)
      .sort()
      .at(-1);
    const merged = new MergedPartitions(partitions(filter.calendar, month).map((partition) => new PartitionReader(client, table, partition, bucketQuery(filter, lower), filter.limit + 1)));
    for (let item = await merged.next(); item; item = await merged.next()) {
      if (item.sortKey === after) continue;
      items.push(item);
      if (items.length < filter.limit) continue;
      const more = (await merged.peek()) !== undefined || i < months.length - 1;
      return { items, next: more ? { m: month, k: item.sortKey } : undefined };
    }
  }
  return { items };
}

/** The listed months a window overlaps, from the position's on; `firstMonth` is the window's (month of `from`). */
export async function windowMonths(client: DynamoDBDocumentClient, table: string, filter: Pick<EventFilter, 'calendar' | 'from' | 'to'>, position?: Position): Promise<{ firstMonth?: string; months: string[] }> {
  const firstMonth = filter.from ? monthOf(filter.from) : undefined;
  const lastMonth = filter.to ? monthOf(new Date(Date.parse(filter.to) - 1).toISOString()) : undefined;
  const months = (await listedMonths(client, table, filter.calendar ?? ALL_CALENDARS)).filter((month) => (!firstMonth || month >= firstMonth) && (!lastMonth || month <= lastMonth) && (!position || month >= position.m));
  return { firstMonth, months };
}

/** The months that hold a scope's events, ascending (one small read; a month left empty costs one empty Query). */
async function listedMonths(client: DynamoDBDocumentClient, table: string, scope: string): Promise<string[]> {
  const item = (await client.send(new GetCommand({ TableName: table, Key: { pk: directoryKey(scope) } }))).Item;
  return [...((item?.months as Set<string> | undefined) ?? [])].sort();
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

export function bucketQuery(filter: Omit<EventFilter, 'cursor'>, lower: string | undefined): BucketQuery {
  const query: BucketQuery = { filters: [], values: {}, names: {} };
  // Sort keys are `<start>#<id>`, so none equals `to`: BETWEEN's inclusive end is `start < to`.
  if (lower !== undefined) query.values[':lower'] = lower;
  if (filter.to !== undefined) query.values[':to'] = filter.to;
  if (lower !== undefined && filter.to !== undefined) query.sortKeyCondition = 'sortKey BETWEEN :lower AND :to';
  else if (lower !== undefined) query.sortKeyCondition = 'sortKey >= :lower';
  else if (filter.to !== undefined) query.sortKeyCondition = 'sortKey < :to';
  if (filter.from) {
    query.filters.push('endUtc > :from');
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
