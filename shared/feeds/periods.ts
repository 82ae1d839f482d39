/**
 * Period revisions of a feed partition (decision 0010, fourth session). Per calendar and visibility one directory
 * item lists every period (of byFeed's `feedEnd`: days 1–7, 8–15, 16–23 and 24–end of a month) that holds
 * fragments, each with a random revision the projector renews whenever a fragment enters, changes in or leaves that
 * period. Packed segments (segments.ts) are keyed by that revision: a change makes the period's segment unusable at
 * once, and nothing ever rewrites one. A period is about a week so that one change makes a feed Query about 1/48 of
 * a year's window, not 1/12 (as months did).
 *
 * A directory is `complete` when it is known to name every period: written so by the rebuild, or started with the
 * calendar by the projector. A calendar whose events were projected before directories existed (or had month
 * directories, `feedmonths#`, which are never read) has none, or an incomplete one, and its feeds read the index as
 * before until `npm run rebuild-views`.
 */
import { randomUUID } from 'node:crypto';
import { UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { isConditionFailure } from '#journal/conditions';

/** Where an event's fragment is in byFeed (its view item's keys), as the projector knows it before and after a write. */
export interface FeedKeys {
  feedPartition?: string;
  feedEnd?: string;
}

/** A period's revision as stored: `<random>@<epoch ms when set>`. */
export interface PeriodRevision {
  revision: string;
  revisedAt: number;
}

/** A new key (month directories, `feedmonths#`, named other attributes: one is never read as a period directory). */
export const feedDirectoryKey = (partition: string): string => `feedperiods#${partition}`;
const PERIOD_PREFIX = 'p';
const periodAttribute = (period: string) => `${PERIOD_PREFIX}${period}`;
/** A directory attribute naming a period: "p2026-11-08". */
export const isPeriodAttribute = (name: string): boolean => /^p\d{4}-\d{2}-\d{2}$/.test(name);
const newRevision = () => `${randomUUID()}@${Date.now()}`;

/**
 * The period of a byFeed sort key (`<end>#<id>`), named by its first day: "2026-11-01", "-08", "-16" or "-24".
 * Names sort as the ends they hold, so a window's periods are those from its start's period on.
 */
export function feedPeriodOf(feedEnd: string): string {
  const day = Number(feedEnd.slice(8, 10));
  return `${feedEnd.slice(0, 8)}${day < 8 ? '01' : day < 16 ? '08' : day < 24 ? '16' : '24'}`;
}

const LAST_DAYS: Record<string, string> = { '01': '07', '08': '15', '16': '23', '24': '31' };

/**
 * Above every byFeed sort key whose end is in `period` and below every later period's: its last day (the 31st for
 * the last period of any month: no month has a later day, and the next month sorts above it), then "\uffff".
 */
export const periodCeiling = (period: string): string => `${period.slice(0, 8)}${LAST_DAYS[period.slice(8)] ?? '31'}\uffff`;

/** The periods a directory item names, with their revisions, in order. */
export function directoryPeriods(item: Record<string, unknown>): [string, PeriodRevision][] {
  return Object.entries(item)
    .filter(([name, value]) => isPeriodAttribute(name) && typeof value === 'string')
    .map(([name, value]): [string, PeriodRevision] => {
      const [revision, at] = (value as string).split('@');
      return [name.slice(PERIOD_PREFIX.length), { revision: revision!, revisedAt: Number(at) }];
    })
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

const placeOf = (keys: FeedKeys | undefined): [string, string] | undefined => (keys?.feedPartition && keys.feedEnd ? [keys.feedPartition, feedPeriodOf(keys.feedEnd)] : undefined);

/** The (partition, period) pairs an event write touches: where its fragment was and where it is, once each. */
function placesOf(previous: FeedKeys | undefined, next: FeedKeys | undefined): Map<string, string[]> {
  const byPartition = new Map<string, string[]>();
  for (const place of [placeOf(previous), placeOf(next)]) {
    if (!place) continue;
    const periods = byPartition.get(place[0]) ?? byPartition.set(place[0], []).get(place[0])!;
    if (!periods.includes(place[1])) periods.push(place[1]);
  }
  return byPartition;
}

/**
 * Before an event's view is written: the period its fragment enters is named in its directory (with a revision
 * only if it had none), so a crash after the view write never leaves a fragment in a period no directory names.
 */
export async function enterFeedPeriod(client: DynamoDBDocumentClient, viewsTable: string, previous: FeedKeys | undefined, next: FeedKeys): Promise<void> {
  const place = placeOf(next);
  const before = placeOf(previous);
  if (!place || (before && before[0] === place[0] && before[1] === place[1])) return;
  await setPeriods(client, viewsTable, place[0], [place[1]], 'if-absent');
}

/**
 * After an event's view is written (and before its calendar's feed revision moves): new revisions for the periods
 * its fragment left and entered, so no segment packed before the write is read again.
 */
export async function reviseFeedPeriods(client: DynamoDBDocumentClient, viewsTable: string, previous: FeedKeys | undefined, next: FeedKeys | undefined): Promise<void> {
  await Promise.all([...placesOf(previous, next)].map(([partition, periods]) => setPeriods(client, viewsTable, partition, periods, 'renew')));
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

/** How many periods one UpdateItem sets (its expression stays far below DynamoDB's 4 KB). */
const PERIODS_PER_UPDATE = 50;

async function setPeriods(client: DynamoDBDocumentClient, viewsTable: string, partition: string, periods: string[], mode: 'if-absent' | 'renew', complete = false): Promise<void> {
  for (let i = 0; i < periods.length || (complete && i === 0); i += PERIODS_PER_UPDATE) {
    const slice = periods.slice(i, i + PERIODS_PER_UPDATE);
    const sets = slice.map((_, j) => (mode === 'renew' ? `#p${j} = :p${j}` : `#p${j} = if_not_exists(#p${j}, :p${j})`));
    // Complete with the last slice only: a directory of years of periods takes several updates, and a reader between
    // them must not take the first slice's periods for all of them.
    const last = i + PERIODS_PER_UPDATE >= periods.length;
    if (complete && last) sets.push('complete = :yes');
    try {
      await client.send(
        new UpdateCommand({
          TableName: viewsTable,
          Key: { pk: feedDirectoryKey(partition) },
          UpdateExpression: `SET ${sets.join(', ')}`,
          ...(slice.length > 0 ? { ExpressionAttributeNames: Object.fromEntries(slice.map((period, j) => [`#p${j}`, periodAttribute(period)])) } : {}),
          ExpressionAttributeValues: { ...Object.fromEntries(slice.map((_, j) => [`:p${j}`, newRevision()])), ...(complete && last ? { ':yes': true } : {}) },
        }),
      );
    } catch (error) {
      if (!isItemTooLarge(error)) throw error;
      // A century or more of periods in one calendar (~6,500 fit): its feeds read the index as before, never a stale segment.
      await client.send(new UpdateCommand({ TableName: viewsTable, Key: { pk: feedDirectoryKey(partition) }, UpdateExpression: 'REMOVE complete' }));
      return;
    }
  }
}

const isItemTooLarge = (error: unknown): boolean => error instanceof Error && error.name === 'ValidationException' && /size/i.test(error.message) && !isConditionFailure(error);

/**
 * The directories a rebuild writes, complete, with fresh revisions (segments packed before the rebuild are never
 * read again): one per visibility of every calendar, naming the periods of the fragments among `items`.
 */
export function rebuiltFeedDirectories(items: readonly ({ pk: string; entity?: string; doc: Record<string, unknown> } & FeedKeys)[]): Record<string, unknown>[] {
  const directories = new Map<string, Record<string, unknown>>();
  const directory = (partition: string) => directories.get(partition) ?? directories.set(partition, { pk: feedDirectoryKey(partition), complete: true }).get(partition)!;
  for (const item of items) {
    if (item.entity === 'calendar') for (const visibility of ['public', 'private']) directory(`${String(item.doc.id)}#${visibility}`);
    const place = placeOf(item);
    if (place) directory(place[0])[periodAttribute(place[1])] = newRevision();
  }
  return [...directories.values()];
}

/** A rebuilt directory written beside a live projector: its periods and completeness are set, never replaced whole. */
export async function writeRebuiltFeedDirectory(client: DynamoDBDocumentClient, viewsTable: string, item: Record<string, unknown>): Promise<void> {
  const partition = String(item.pk).slice(feedDirectoryKey('').length);
  await setPeriods(
    client,
    viewsTable,
    partition,
    directoryPeriods(item).map(([period]) => period),
    'renew',
    true,
  );
}
