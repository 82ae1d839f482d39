/**
 * Reads of the byFeed index (infra/tables.ts): the fragment items of one partition in a range of `feedEnd`, and
 * the step that turns stored fragments into fragments a feed may join (rendering again the outdated ones).
 */
import { BatchGetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { Deps } from '#config/deps';
import type { CalendarEvent } from '#domain/event';
import { FEED_INDEX, fragmentOf, renderFragment, RENDERING_VERSION, type FeedFragment, type StoredFragment } from './fragments.ts';
import { periodCeiling } from './periods.ts';

/** A fragment item as the index returns it. */
export type IndexedFragment = { pk: string; feedEnd: string } & StoredFragment;

/** A range of `feedEnd`: from (inclusive) through the last end in `throughPeriod` ("2026-11-08", periods.ts); open when absent. */
export interface EndRange {
  from?: string;
  throughPeriod?: string;
}

/**
 * The fragment items of `partition` whose end is in `range`, in `feedEnd` order. With `limit`, one page of at most
 * that many, and undefined if there are more.
 */
export async function queryFeedIndex(d: Deps, partition: string, range: EndRange, limit?: number): Promise<IndexedFragment[] | undefined> {
  const to = range.throughPeriod === undefined ? undefined : periodCeiling(range.throughPeriod);
  const condition = to !== undefined ? 'feedEnd BETWEEN :from AND :to' : range.from !== undefined ? 'feedEnd >= :from' : undefined;
  const values = { ':partition': partition, ...(condition ? { ':from': range.from ?? '0' } : {}), ...(to !== undefined ? { ':to': to } : {}) };
  const items: IndexedFragment[] = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await d.client.send(
      new QueryCommand({
        TableName: d.tables.views,
        IndexName: FEED_INDEX,
        KeyConditionExpression: condition ? `feedPartition = :partition AND ${condition}` : 'feedPartition = :partition',
        ExpressionAttributeValues: values,
        ExclusiveStartKey: startKey,
        Limit: limit,
      }),
    );
    if (limit !== undefined && page.LastEvaluatedKey) return undefined;
    items.push(...((page.Items ?? []) as IndexedFragment[]));
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return items;
}

/**
 * The fragments of these items a feed may join: those rendered by an older RENDERING_VERSION, or Hijri series
 * rendered in an earlier year than `now`'s (their RDATE horizon), are rendered again from their event.
 */
export async function usableFragments(d: Deps, items: readonly IndexedFragment[], now: Date): Promise<FeedFragment[]> {
  const fragments: FeedFragment[] = [];
  const outdated: string[] = [];
  for (const item of items) {
    const fragment = fragmentOf(item);
    if (fragment?.r === RENDERING_VERSION && (fragment.hy === undefined || fragment.hy >= now.getUTCFullYear())) fragments.push(fragment);
    else outdated.push(item.pk);
  }
  return outdated.length === 0 ? fragments : [...fragments, ...(await renderAgain(d, outdated, now))];
}

/**
 * Fragments rendered from their events' docs (one BatchGet per 100). Not written back: the projector is the views'
 * only writer; the next change or `npm run rebuild-views` stores them, and each container's body cache keeps the feed.
 */
async function renderAgain(d: Deps, keys: string[], now: Date): Promise<FeedFragment[]> {
  const events: CalendarEvent[] = [];
  for (let i = 0; i < keys.length; i += 100) {
    let request: Record<string, { Keys: Record<string, unknown>[]; ProjectionExpression?: string }> | undefined = {
      [d.tables.views]: { Keys: keys.slice(i, i + 100).map((pk) => ({ pk })), ProjectionExpression: '#doc', ExpressionAttributeNames: { '#doc': 'doc' } } as never,
    };
    while (request && Object.keys(request).length > 0) {
      const reply = await d.client.send(new BatchGetCommand({ RequestItems: request as never }));
      events.push(...((reply.Responses?.[d.tables.views] ?? []).map((item) => item.doc) as CalendarEvent[]));
      request = reply.UnprocessedKeys as typeof request;
    }
  }
  return events.map((event) => renderFragment(event, now));
}
