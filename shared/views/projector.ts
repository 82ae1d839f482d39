/**
 * Keeps views in step with the journal. Safe under redelivery and reordering: each view item remembers the
 * last version applied, the projector reads the journal from there, and writes only if nobody wrote newer.
 */
import { GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { calendarAggregate, eventAggregate, feedTokenAggregate, fold, keyAggregate, webhookAggregate, type Aggregate } from '#domain/aggregates';
import { streamKind, type Change, type Recorded, type StreamKind } from '#domain/changes';
import type { Journal } from '#journal/journal';
import { toViewItem, type ViewItem, type ViewState } from './items.ts';
import { isConditionFailure } from '#journal/conditions';

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

/** Brings one stream's view up to at least `version`. Returns false when the view was already there. */
export async function projectStream(deps: ProjectorDeps, streamId: string, version: number): Promise<boolean> {
  const current = (await deps.client.send(new GetCommand({ TableName: deps.viewsTable, Key: { pk: streamId }, ConsistentRead: true }))).Item as ViewItem | undefined;
  const applied = current?.lastAppliedVersion ?? 0;
  if (applied >= version) return false;
  const changes = await deps.journal.read(streamId, applied);
  const state = foldView(streamId, changes, current?.doc as ViewState | undefined);
  if (!state) return false;
  return writeView(deps, toViewItem(streamId, state), 'newer');
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
