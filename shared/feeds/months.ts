/**
 * Month revisions of a feed partition (decision 0010, fourth session). Per calendar and visibility one directory
 * item lists every month (of byFeed's `feedEnd`) that holds fragments, each with a random revision the projector
 * renews whenever a fragment enters, changes in or leaves that month. Packed month segments (segments.ts) are
 * keyed by that revision: a change makes the month's segment unusable at once, and nothing ever rewrites one.
 *
 * A directory is `complete` when it is known to name every month: written so by the rebuild, or started with the
 * calendar by the projector. A calendar whose events were projected before directories existed has none, or an
 * incomplete one, and its feeds read the index as before until `npm run rebuild-views`.
 */
import { randomUUID } from 'node:crypto';
import { UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { isConditionFailure } from '#journal/conditions';

/** Where an event's fragment is in byFeed (its view item's keys), as the projector knows it before and after a write. */
export interface FeedKeys {
  feedPartition?: string;
  feedEnd?: string;
}

/** A month's revision as stored: `<random>@<epoch ms when set>`. */
export interface MonthRevision {
  revision: string;
  revisedAt: number;
}

export const feedDirectoryKey = (partition: string): string => `feedmonths#${partition}`;
const MONTH_PREFIX = 'm';
const monthAttribute = (month: string) => `${MONTH_PREFIX}${month}`;
const newRevision = () => `${randomUUID()}@${Date.now()}`;

/** The month of a byFeed sort key (`<end>#<id>`), "2026-11". */
export const feedMonthOf = (feedEnd: string): string => feedEnd.slice(0, 7);

/** The months a directory item names, with their revisions, in order. */
export function directoryMonths(item: Record<string, unknown>): [string, MonthRevision][] {
  return Object.entries(item)
    .filter(([name, value]) => name.startsWith(MONTH_PREFIX) && /^m\d{4}-\d{2}$/.test(name) && typeof value === 'string')
    .map(([name, value]): [string, MonthRevision] => {
      const [revision, at] = (value as string).split('@');
      return [name.slice(MONTH_PREFIX.length), { revision: revision!, revisedAt: Number(at) }];
    })
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

const placeOf = (keys: FeedKeys | undefined): [string, string] | undefined => (keys?.feedPartition && keys.feedEnd ? [keys.feedPartition, feedMonthOf(keys.feedEnd)] : undefined);

/** The (partition, month) pairs an event write touches: where its fragment was and where it is, once each. */
function placesOf(previous: FeedKeys | undefined, next: FeedKeys | undefined): Map<string, string[]> {
  const byPartition = new Map<string, string[]>();
  for (const place of [placeOf(previous), placeOf(next)]) {
    if (!place) continue;
    const months = byPartition.get(place[0]) ?? byPartition.set(place[0], []).get(place[0])!;
    if (!months.includes(place[1])) months.push(place[1]);
  }
  return byPartition;
}

/**
 * Before an event's view is written: the month its fragment enters is named in its directory (with a revision
 * only if it had none), so a crash after the view write never leaves a fragment in a month no directory names.
 */
export async function enterFeedMonth(client: DynamoDBDocumentClient, viewsTable: string, previous: FeedKeys | undefined, next: FeedKeys): Promise<void> {
  const place = placeOf(next);
  const before = placeOf(previous);
  if (!place || (before && before[0] === place[0] && before[1] === place[1])) return;
  await setMonths(client, viewsTable, place[0], [place[1]], 'if-absent');
}

/**
 * After an event's view is written (and before its calendar's feed revision moves): new revisions for the months
 * its fragment left and entered, so no segment packed before the write is read again.
 */
export async function reviseFeedMonths(client: DynamoDBDocumentClient, viewsTable: string, previous: FeedKeys | undefined, next: FeedKeys | undefined): Promise<void> {
  await Promise.all([...placesOf(previous, next)].map(([partition, months]) => setMonths(client, viewsTable, partition, months, 'renew')));
}

/** A calendar's directories start complete when its view is first written: none of its events can be older. */
export async function startFeedDirectories(client: DynamoDBDocumentClient, viewsTable: string, calendarId: string): Promise<void> {
  await Promise.all(
    ['public', 'private'].map((visibility) =>
      client.send(
        new UpdateCommand({
          TableName: viewsTable,
          Key: { pk: feedDirectoryKey(`${calendarId}#${visibility}`) },
          UpdateExpression: 'SET complete = if_not_exists(complete, :yes)',
          ExpressionAttributeValues: { ':yes': true },
        }),
      ),
    ),
  );
}

/** How many months one UpdateItem sets (its expression stays far below DynamoDB's 4 KB). */
const MONTHS_PER_UPDATE = 50;

async function setMonths(client: DynamoDBDocumentClient, viewsTable: string, partition: string, months: string[], mode: 'if-absent' | 'renew', complete = false): Promise<void> {
  for (let i = 0; i < months.length || (complete && i === 0); i += MONTHS_PER_UPDATE) {
    const slice = months.slice(i, i + MONTHS_PER_UPDATE);
    const sets = slice.map((_, j) => (mode === 'renew' ? `#m${j} = :m${j}` : `#m${j} = if_not_exists(#m${j}, :m${j})`));
    if (complete) sets.push('complete = :yes');
    try {
      await client.send(
        new UpdateCommand({
          TableName: viewsTable,
          Key: { pk: feedDirectoryKey(partition) },
          UpdateExpression: `SET ${sets.join(', ')}`,
          ...(slice.length > 0 ? { ExpressionAttributeNames: Object.fromEntries(slice.map((month, j) => [`#m${j}`, monthAttribute(month)])) } : {}),
          ExpressionAttributeValues: { ...Object.fromEntries(slice.map((_, j) => [`:m${j}`, newRevision()])), ...(complete ? { ':yes': true } : {}) },
        }),
      );
    } catch (error) {
      if (!isItemTooLarge(error)) throw error;
      // Hundreds of years of months in one calendar: its feeds read the index as before, never a stale segment.
      await client.send(new UpdateCommand({ TableName: viewsTable, Key: { pk: feedDirectoryKey(partition) }, UpdateExpression: 'REMOVE complete' }));
    }
  }
}

const isItemTooLarge = (error: unknown): boolean => error instanceof Error && error.name === 'ValidationException' && /size/i.test(error.message) && !isConditionFailure(error);

/**
 * The directories a rebuild writes, complete, with fresh revisions (segments packed before the rebuild are never
 * read again): one per visibility of every calendar, naming the months of the fragments among `items`.
 */
export function rebuiltFeedDirectories(items: readonly ({ pk: string; entity?: string; doc: Record<string, unknown> } & FeedKeys)[]): Record<string, unknown>[] {
  const directories = new Map<string, Record<string, unknown>>();
  const directory = (partition: string) => directories.get(partition) ?? directories.set(partition, { pk: feedDirectoryKey(partition), complete: true }).get(partition)!;
  for (const item of items) {
    if (item.entity === 'calendar') for (const visibility of ['public', 'private']) directory(`${String(item.doc.id)}#${visibility}`);
    const place = placeOf(item);
    if (place) directory(place[0])[monthAttribute(place[1])] = newRevision();
  }
  return [...directories.values()];
}

/** A rebuilt directory written beside a live projector: its months and completeness are set, never replaced whole. */
export async function writeRebuiltFeedDirectory(client: DynamoDBDocumentClient, viewsTable: string, item: Record<string, unknown>): Promise<void> {
  const partition = String(item.pk).slice(feedDirectoryKey('').length);
  await setMonths(
    client,
    viewsTable,
    partition,
    directoryMonths(item).map(([month]) => month),
    'renew',
    true,
  );
}
