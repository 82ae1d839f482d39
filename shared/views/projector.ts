/**
 * Keeps views in step with the journal without re-reading it. A stream record carries its commit (the journal
 * item, with its changes): the projector folds those changes onto the view as stored, and reads the journal only
 * when the record does not follow the view's version (a gap: a record lost or delivered late). Safe under
 * redelivery and reordering: each view item remembers the last version applied and is written only if nobody
 * wrote a newer one.
 */
import { DeleteCommand, GetCommand, PutCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { calendarAggregate, eventAggregate, feedTokenAggregate, fold, keyAggregate, webhookAggregate, type Aggregate } from '#domain/aggregates';
import { streamKind, type Change, type Recorded, type StreamKind } from '#domain/changes';
import { changesOf, type CommitItem } from '#journal/commit';
import { isConditionFailure } from '#journal/conditions';
import type { Journal } from '#journal/journal';
import type { CalendarEvent } from '#domain/event';
import { touchFeedRevision } from '#feeds/digest';
import { enterFeedPeriod, reviseFeedPeriods, startFeedDirectories, type FeedKeys } from '#feeds/periods';
import { ALL_CALENDARS, directoryKey, spanItems, spanKey, toViewItem, type ViewItem, type ViewState } from './items.ts';
import { directoryEntries, materializedItems, materializedRange, rangeOf } from './occurrences.ts';

const aggregates = { event: eventAggregate, calendar: calendarAggregate, key: keyAggregate, 'feed-token': feedTokenAggregate, webhook: webhookAggregate } as Record<StreamKind, Aggregate<unknown, Change>>;

export interface ProjectorDeps {
  client: DynamoDBDocumentClient;
  journal: Journal;
  viewsTable: string;
  /** The clock that moves a series' materialized range (0017); the wall clock when absent. */
  now?: () => Date;
}

/** Folds changes onto a view state; undefined when the stream has no view (nothing to show). */
export function foldView(streamId: string, changes: readonly Recorded[], state?: ViewState): ViewState | undefined {
  return fold(aggregates[streamKind(streamId)], changes, state) as ViewState | undefined;
}

/** What the projector needs of a stream's view item as stored (not the feed fragments), or undefined. */
export async function readView(deps: Pick<ProjectorDeps, 'client' | 'viewsTable'>, streamId: string): Promise<ViewItem | undefined> {
  const projection = { ProjectionExpression: 'doc, lastAppliedVersion, months, materializedFrom, materializedTo, feedPartition, feedEnd' };
  return (await deps.client.send(new GetCommand({ TableName: deps.viewsTable, Key: { pk: streamId }, ConsistentRead: true, ...projection }))).Item as ViewItem | undefined;
}

/**
 * Applies committed journal items (from stream records, in any order, duplicates allowed) to one stream's view.
 * Returns false when the view was already there.
 */
export async function projectCommits(deps: ProjectorDeps, streamId: string, commits: readonly CommitItem[]): Promise<boolean> {
  const current = await readView(deps, streamId);
  const applied = current?.lastAppliedVersion ?? 0;
  if (applied >= Math.max(...commits.map((commit) => commit.lastVersion))) return false;
  const changes = followOn(commits.flatMap(changesOf), applied) ?? (await deps.journal.read(streamId, applied, { afterCommit: true }));
  const state = foldView(streamId, changes, current?.doc as ViewState | undefined);
  if (!state) return false;
  const item = toViewItem(streamId, state);
  const kind = streamKind(streamId);
  if (kind === 'event') await writeOccurrences(deps, streamId, item, current);
  // feeds: the period the fragment enters is in its feed directory before the view is (shared/feeds/periods.ts)
  if (kind === 'event') await enterFeedPeriod(deps.client, deps.viewsTable, current as FeedKeys | undefined, item as FeedKeys);
  const written = await writeStreamView(deps, item, current);
  // feeds: the periods the fragment left and entered get new revisions, then the calendar a new feed revision
  // (shared/feeds/digest.ts), in that order: a feed under the new ETag never reads a segment packed before.
  if (kind === 'event') {
    await reviseFeedPeriods(deps.client, deps.viewsTable, current as FeedKeys | undefined, item as FeedKeys);
    await touchFeedRevision(deps.client, deps.viewsTable, state as CalendarEvent);
  }
  if (kind === 'calendar' && !current) await startFeedDirectories(deps.client, deps.viewsTable, (state as { id: string }).id);
  return written;
}

/**
 * A series' occurrence items (0017): what the new state materializes against what the stored one did, computed
 * from both docs without reading them back. Only items that differ are written (an override touches one), items
 * the series no longer makes are removed, and the range is recorded on `item` (written last, by the caller).
 */
export async function writeOccurrences(deps: Pick<ProjectorDeps, 'client' | 'viewsTable' | 'now'>, streamId: string, item: ViewItem, previous: ViewItem | undefined): Promise<void> {
  const state = item.doc as unknown as CalendarEvent;
  const before = materializedItems(streamId, previous?.doc as CalendarEvent | undefined, rangeOf(previous));
  const range = state.schedule.recurrence ? materializedRange(state, deps.now?.() ?? new Date(), rangeOf(previous)) : undefined;
  if (range) Object.assign(item, { materializedFrom: range.from, materializedTo: range.to });
  const after = materializedItems(streamId, state, range);
  if (before.length === 0 && after.length === 0) return;
  const stored = new Map(before.map((old) => [old.pk, sameContent(old)]));
  const kept = new Set(after.map((next) => next.pk));
  const changed = after.filter((next) => stored.get(next.pk) !== sameContent(next));
  const removed = before.filter((old) => !kept.has(old.pk));
  const entries = directoryEntries(after);
  const known = directoryEntries(before);
  const added = Object.fromEntries(Object.entries(entries).map(([name, months]) => [name, months.filter((month) => !known[name as keyof typeof known].includes(month))]));
  const adds = Object.values(added).some((months) => months.length > 0);
  await inBatches([
    ...changed.map((next) => () => writeView(deps, next, 'newer')),
    ...removed.map((old) => () => removeView(deps, old.pk, item.lastAppliedVersion)),
    ...(adds && item.calendar ? [item.calendar, ALL_CALENDARS].map((scope) => () => addMonths(deps, scope, added.months!, added)) : []),
  ]);
}

/**
 * An item's content apart from the version it was written at: an occurrence whose row only differs by the series'
 * version and time of change is not rewritten, so an override touches one item (its row keeps the version of its
 * own last change).
 */
const sameContent = ({ lastAppliedVersion: _version, doc, ...content }: ViewItem): string => {
  const { version: _v, updatedAt: _at, ...shown } = doc;
  return JSON.stringify([content, shown]);
};

/** Runs writes a few at a time, so a rule change over two years of a daily series does not open hundreds of requests at once. */
async function inBatches(writes: (() => Promise<unknown>)[], width = 16): Promise<void> {
  for (let i = 0; i < writes.length; i += width) await Promise.all(writes.slice(i, i + width).map((write) => write()));
}

/** The changes after `applied`, if they follow on from it without a hole; undefined when some are missing. */
function followOn(changes: Recorded[], applied: number): Recorded[] | undefined {
  const byVersion = new Map(changes.filter((change) => change.version > applied).map((change) => [change.version, change]));
  const ordered = [...byVersion.values()].sort((a, b) => a.version - b.version);
  return ordered.every((change, i) => change.version === applied + 1 + i) ? ordered : undefined;
}

/**
 * Writes a stream's view: its span items and directory entries first, its own item last, so a crash in between
 * leaves the item at the old version and the redelivered record redoes the rest.
 */
export async function writeStreamView(deps: Pick<ProjectorDeps, 'client' | 'viewsTable'>, item: ViewItem, previous: ViewItem | undefined): Promise<boolean> {
  const later = (months: string[] | undefined) => (months ?? []).slice(1);
  const stale = later(previous?.months).filter((month) => !later(item.months).includes(month));
  const added = (item.months ?? []).filter((month) => !previous?.months?.includes(month));
  await Promise.all([
    ...spanItems(item).map((span) => writeView(deps, span, 'newer')),
    ...stale.map((month) => removeView(deps, spanKey(item.pk, month), item.lastAppliedVersion)),
    ...(added.length > 0 && item.calendar ? [item.calendar, ALL_CALENDARS].map((scope) => addMonths(deps, scope, added)) : []),
  ]);
  return writeView(deps, item, 'newer');
}

/** Writes a view item unless a newer one is there ('newer'), or unless a strictly newer one is ('same-or-newer', for rebuilds). */
export async function writeView(deps: Pick<ProjectorDeps, 'client' | 'viewsTable'>, item: ViewItem, replace: 'newer' | 'same-or-newer'): Promise<boolean> {
  try {
    await deps.client.send(
      new PutCommand({
        TableName: deps.viewsTable,
        Item: item,
        ConditionExpression: `attribute_not_exists(pk) OR lastAppliedVersion ${replace === 'newer' ? '<' : '<='} :v`,
        ExpressionAttributeValues: { ':v': item.lastAppliedVersion },
      }),
    );
    return true;
  } catch (error) {
    if (isConditionFailure(error)) return false;
    throw error;
  }
}

async function removeView(deps: Pick<ProjectorDeps, 'client' | 'viewsTable'>, pk: string, version: number): Promise<void> {
  try {
    await deps.client.send(new DeleteCommand({ TableName: deps.viewsTable, Key: { pk }, ConditionExpression: 'lastAppliedVersion < :v', ExpressionAttributeValues: { ':v': version } }));
  } catch (error) {
    if (!isConditionFailure(error)) throw error;
  }
}

/**
 * Records that a scope has events in these months (a set: adding twice is adding once), and, for series (0017),
 * the months where a series' materialized range stops (`after`) or starts while the series began earlier (`before`).
 */
export async function addMonths(deps: Pick<ProjectorDeps, 'client' | 'viewsTable'>, scope: string, months: string[], ranges: { after?: string[]; before?: string[] } = {}): Promise<void> {
  const sets = Object.entries({ months, seriesAfter: ranges.after ?? [], seriesBefore: ranges.before ?? [] }).filter(([, values]) => values.length > 0);
  if (sets.length === 0) return;
  await deps.client.send(
    new UpdateCommand({
      TableName: deps.viewsTable,
      Key: { pk: directoryKey(scope) },
      UpdateExpression: `ADD ${sets.map(([name]) => `${name} :${name}`).join(', ')}`,
      ExpressionAttributeValues: Object.fromEntries(sets.map(([name, values]) => [`:${name}`, new Set(values)])),
    }),
  );
}
