/**
 * Views as snapshots for the command path: a command folds the journal's changes after a stream's view onto
 * the view's state, instead of its whole history. Only views whose doc is the whole state qualify (keys and
 * feed tokens leave their secret's hash out), and only views written in the current SHAPE.
 */
import { GetCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { streamKind, type StreamKind } from '#domain/changes';
import type { Snapshot, SnapshotSource } from '#journal/handle';
import { VIEW_SHAPE } from './items.ts';

const WHOLE_STATE: ReadonlySet<StreamKind> = new Set(['event', 'calendar', 'webhook']);

/** Reads a stream's view (its doc and version only) as a snapshot; undefined when there is none to use. */
export function viewSnapshots(client: DynamoDBDocumentClient, viewsTable: string): SnapshotSource {
  return async (streamId) => {
    if (!WHOLE_STATE.has(streamKind(streamId))) return undefined;
    const { Item } = await client.send(new GetCommand({ TableName: viewsTable, Key: { pk: streamId }, ConsistentRead: true, ProjectionExpression: 'doc, lastAppliedVersion, shape' }));
    return Item && Item.shape === VIEW_SHAPE ? ({ state: Item.doc, version: Item.lastAppliedVersion } as Snapshot) : undefined;
  };
}
