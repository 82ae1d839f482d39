/** Rebuilds every view from the journal alone. */
import { DeleteCommand, ScanCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Journal } from '#journal/journal';
import type { CommitItem } from '#journal/commit';
import { changesOf } from '#journal/commit';
import { toViewItem } from './items.ts';
import { foldView, writeView } from './projector.ts';

export interface RebuildSummary {
  streams: number;
  changes: number;
  viewsWritten: number;
  viewsRemoved: number;
  millis: number;
}

export interface RebuildDeps {
  client: DynamoDBDocumentClient;
  journal: Journal;
  viewsTable: string;
  onProgress?: (done: number, total: number) => void;
  concurrency?: number;
}

export async function rebuildViews(deps: RebuildDeps): Promise<RebuildSummary> {
  const started = performance.now();
  const byStream = new Map<string, CommitItem[]>();
  for await (const commit of deps.journal.scan()) {
    const commits = byStream.get(commit.streamId) ?? [];
    commits.push(commit);
    byStream.set(commit.streamId, commits);
  }
  const streamIds = [...byStream.keys()];
  let changes = 0;
  let viewsWritten = 0;
  let done = 0;
  await inParallel(streamIds, deps.concurrency ?? 16, async (streamId) => {
    const recorded = byStream.get(streamId)!.sort((a, b) => a.version - b.version).flatMap(changesOf);
    changes += recorded.length;
    const state = foldView(streamId, recorded);
    if (state && (await writeView(deps, toViewItem(streamId, state), 'same-or-newer'))) viewsWritten++;
    deps.onProgress?.(++done, streamIds.length);
  });
  const viewsRemoved = await removeOrphans(deps, new Set(streamIds));
  return { streams: streamIds.length, changes, viewsWritten, viewsRemoved, millis: performance.now() - started };
}

/** View items whose stream is not in the journal were not derived from it: they go. */
async function removeOrphans(deps: RebuildDeps, streamIds: Set<string>): Promise<number> {
  let removed = 0;
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await deps.client.send(new ScanCommand({ TableName: deps.viewsTable, ProjectionExpression: 'pk', ExclusiveStartKey: startKey }));
    for (const item of page.Items ?? []) {
      if (streamIds.has(item.pk as string)) continue;
      await deps.client.send(new DeleteCommand({ TableName: deps.viewsTable, Key: { pk: item.pk } }));
      removed++;
    }
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return removed;
}

async function inParallel<T>(items: T[], concurrency: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await work(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
}
