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
import { ALL_CALENDARS, directoryKey, spanItems, spanKey, toViewItem, type ViewItem, type ViewState } from './items.ts';

const aggregates = { event: eventAggregate, calendar: calendarAggregate, key: keyAggregate, 'feed-token': feedTokenAggregate, webhook: webhookAggregate } as Record<StreamKind, Aggregate<unknown, Change>>;

export interface ProjectorDeps {
  client: DynamoDBDocumentClient;
  journal: Journal;
  viewsTable: string;
}

/** Folds changes onto a view state; undefined when the stream has no view (nothing to show). */
export function foldView(streamId: string, changes: readonly Recorded[], state?: ViewState): ViewState | undefined {
  return fold(aggregates[streamKind(streamId)], changes, state) as ViewState | undefined;
}

/** What the projector needs of a stream's view item as stored (not the feed fragments), or undefined. */
export async function readView(deps: Pick<ProjectorDeps, 'client' | 'viewsTable'>, streamId: string): Promise<ViewItem | undefined> {
  const projection = { ProjectionExpression: 'doc, lastAppliedVersion, months' };
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
  const written = await writeStreamView(deps, toViewItem(streamId, state), current);
  // feeds: the calendar's feed revision follows every event write (shared/feeds/digest.ts)
  if (streamKind(streamId) === 'event') await touchFeedRevision(deps.client, deps.viewsTable, state as CalendarEvent);
  return written;
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

/** Records that a scope has events in these months (a set: adding twice is adding once). */
export async function addMonths(deps: Pick<ProjectorDeps, 'client' | 'viewsTable'>, scope: string, months: string[]): Promise<void> {
  await deps.client.send(new UpdateCommand({ TableName: deps.viewsTable, Key: { pk: directoryKey(scope) }, UpdateExpression: 'ADD months :months', ExpressionAttributeValues: { ':months': new Set(months) } }));
}
