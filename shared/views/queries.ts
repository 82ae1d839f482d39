/** Reads from the views: lists of events, calendars and keys, paged with opaque cursors. */
import { QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { invalidField } from '#domain/errors';
import { INDEX, type ViewItem } from './items.ts';

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export interface EventFilter {
  calendar?: string;
  from?: string;
  to?: string;
  status?: string;
  tag?: string;
  includePrivate: boolean;
  limit: number;
  cursor?: string;
}

interface QueryPlan {
  index: string;
  keyCondition: string;
  filters: string[];
  values: Record<string, unknown>;
  names: Record<string, string>;
}

function eventQueryPlan(filter: EventFilter): QueryPlan {
  const plan: QueryPlan = filter.calendar
    ? { index: INDEX.byCalendar, keyCondition: 'calendar = :partition', filters: [], values: { ':partition': filter.calendar }, names: {} }
    : { index: INDEX.byEntity, keyCondition: 'entity = :partition', filters: [], values: { ':partition': 'event' }, names: {} };
  // Overlap with [from, to): the event starts before `to` and ends after `from`.
  if (filter.to) {
    plan.keyCondition += ' AND sortKey < :to';
    plan.values[':to'] = filter.to;
  }
  if (filter.from) {
    plan.filters.push('endUtc > :from');
    plan.values[':from'] = filter.from;
  }
  if (filter.status) {
    plan.filters.push('#status = :status');
    plan.names['#status'] = 'status';
    plan.values[':status'] = filter.status;
  }
  if (filter.tag) {
    plan.filters.push('contains(tags, :tag)');
    plan.values[':tag'] = filter.tag;
  }
  if (!filter.includePrivate) {
    plan.filters.push('visibility = :public');
    plan.values[':public'] = 'public';
  }
  return plan;
}

export async function listEvents(client: DynamoDBDocumentClient, table: string, filter: EventFilter): Promise<Page<Record<string, unknown>>> {
  return queryPage(client, table, eventQueryPlan(filter), filter.limit, filter.cursor);
}

/** Calendars, keys or feed tokens, by id; `prefix` narrows to sort keys that start with it (a calendar's tokens). */
export async function listEntities(
  client: DynamoDBDocumentClient,
  table: string,
  query: { entity: 'calendar' | 'key' | 'feedToken' | 'webhook'; prefix?: string; owner?: string; limit: number; cursor?: string },
): Promise<Page<Record<string, unknown>>> {
  const plan: QueryPlan = { index: INDEX.byEntity, keyCondition: 'entity = :partition', filters: [], values: { ':partition': query.entity }, names: {} };
  if (query.prefix) {
    plan.keyCondition += ' AND begins_with(sortKey, :prefix)';
    plan.values[':prefix'] = query.prefix;
  }
  if (query.owner) {
    plan.filters.push('#owner = :owner');
    plan.names['#owner'] = 'owner';
    plan.values[':owner'] = query.owner;
  }
  if (query.entity === 'webhook') {
    plan.filters.push('#doc.deleted = :false');
    plan.names['#doc'] = 'doc';
    plan.values[':false'] = false;
  }
  return queryPage(client, table, plan, query.limit, query.cursor);
}

/** Every event of a calendar (for feeds), public ones only unless told otherwise. */
export async function allCalendarEvents(client: DynamoDBDocumentClient, table: string, calendar: string, includePrivate: boolean): Promise<Record<string, unknown>[]> {
  const events: Record<string, unknown>[] = [];
  let cursor: string | undefined;
  do {
    const page = await listEvents(client, table, { calendar, includePrivate, limit: 1000, cursor });
    events.push(...page.items);
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return events;
}

async function queryPage(client: DynamoDBDocumentClient, table: string, plan: QueryPlan, limit: number, cursor?: string): Promise<Page<Record<string, unknown>>> {
  const items: ViewItem[] = [];
  let startKey = cursor ? decodeCursor(cursor) : undefined;
  // A filter applies after DynamoDB's Limit, so keep reading until the page is full or the index ends.
  while (items.length < limit) {
    const page = await client.send(
      new QueryCommand({
        TableName: table,
        IndexName: plan.index,
        KeyConditionExpression: plan.keyCondition,
        FilterExpression: plan.filters.length > 0 ? plan.filters.join(' AND ') : undefined,
        ExpressionAttributeValues: plan.values,
        ExpressionAttributeNames: Object.keys(plan.names).length > 0 ? plan.names : undefined,
        ExclusiveStartKey: startKey,
        Limit: limit - items.length,
      }),
    );
    items.push(...((page.Items ?? []) as ViewItem[]));
    startKey = page.LastEvaluatedKey;
    if (!startKey) return { items: items.map((item) => item.doc), nextCursor: null };
  }
  const last = items.at(-1)!;
  const lastKey = { pk: last.pk, sortKey: last.sortKey, ...(plan.index === INDEX.byCalendar ? { calendar: last.calendar } : { entity: last.entity }) };
  return { items: items.map((item) => item.doc), nextCursor: encodeCursor(lastKey) };
}

function encodeCursor(key: Record<string, unknown>): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

function decodeCursor(cursor: string): Record<string, unknown> {
  try {
    const key = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (typeof key === 'object' && key !== null && !Array.isArray(key) && Object.values(key).every((v) => typeof v === 'string')) {
      return key as Record<string, unknown>;
    }
  } catch {
    // fall through to the error below
  }
  throw invalidField('query.cursor', 'is not a cursor this API returned', 'invalid_cursor');
}
