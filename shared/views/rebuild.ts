/**
 * Rebuilds every view from the journal alone: a parallel Scan of the journal (segments), a fold per stream,
 * writes in batches, then the views the journal does not support are removed.
 *
 * 'offline' (nothing else writes views: the local store is locked by the rebuild) writes with BatchWriteItem,
 * 25 items a request. 'live' (a deployed service keeps projecting meanwhile) writes each item conditionally on
 * its version, so a rebuild never puts a view back behind what the projector already wrote.
 */
import { BatchWriteCommand, DeleteCommand, ScanCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { CommitItem } from '#journal/commit';
import { changesOf } from '#journal/commit';
import type { Journal } from '#journal/journal';
import { ALL_CALENDARS, directoryKey, spanItems, toViewItem, type ViewItem } from './items.ts';
import { directoryEntries, materializedItems, materializedRange } from './occurrences.ts';
import { addMonths, foldView, writeView } from './projector.ts';
import type { CalendarEvent } from '#domain/event';
import { rebuiltFeedDirectories, writeRebuiltFeedDirectory } from '#feeds/periods';

export interface RebuildSummary {
  streams: number;
  changes: number;
  viewsWritten: number;
  viewsRemoved: number;
  millis: number;
}

export interface RebuildProgress {
  phase: 'scan' | 'write';
  /** Commits scanned, or streams written. */
  done: number;
  /** Streams to write (known once the scan is over). */
  total?: number;
  /** Changes per second so far. */
  rate: number;
  /** Seconds left, when it can be told. */
  etaSeconds?: number;
}

export interface RebuildDeps {
  client: DynamoDBDocumentClient;
  journal: Journal;
  viewsTable: string;
  mode?: 'offline' | 'live';
  onProgress?: (progress: RebuildProgress) => void;
  /** Parallel Scan segments of the journal and of the views. */
  segments?: number;
  /** Write requests in flight. */
  concurrency?: number;
  /** The clock series are materialized at (0017); the wall clock when absent. */
  now?: () => Date;
}

const BATCH = 25;

export async function rebuildViews(deps: RebuildDeps): Promise<RebuildSummary> {
  const started = performance.now();
  const segments = deps.segments ?? 8;
  const rate = (changes: number) => changes / Math.max((performance.now() - started) / 1000, 0.001);
  const byStream = new Map<string, CommitItem[]>();
  let scanned = 0;
  let changes = 0;
  await Promise.all(
    Array.from({ length: segments }, async (_, segment) => {
      for await (const commit of deps.journal.scan({ segment, total: segments })) {
        const commits = byStream.get(commit.streamId) ?? byStream.set(commit.streamId, []).get(commit.streamId)!;
        commits.push(commit);
        changes += commit.changes.length;
        if (++scanned % 1000 === 0) deps.onProgress?.({ phase: 'scan', done: scanned, rate: rate(changes) });
      }
    }),
  );

  const items: ViewItem[] = [];
  const directories = new Map<string, { months: Set<string>; after: Set<string>; before: Set<string> }>();
  for (const [streamId, commits] of byStream) {
    const state = foldView(streamId, commits.sort((a, b) => a.version - b.version).flatMap(changesOf));
    if (!state) continue;
    const item = toViewItem(streamId, state);
    const event = state as CalendarEvent;
    const range = item.calendar && event.schedule.recurrence ? materializedRange(event, deps.now?.() ?? new Date()) : undefined;
    if (range) Object.assign(item, { materializedFrom: range.from, materializedTo: range.to });
    const occurrenceItems = materializedItems(streamId, range && event, range);
    items.push(item, ...spanItems(item), ...occurrenceItems);
    const entries = directoryEntries([item, ...occurrenceItems]);
    for (const scope of item.calendar ? [item.calendar, ALL_CALENDARS] : []) {
      const directory = directories.get(scope) ?? directories.set(scope, { months: new Set(), after: new Set(), before: new Set() }).get(scope)!;
      for (const name of ['months', 'after', 'before'] as const) for (const month of entries[name]) directory[name].add(month);
    }
  }
  // --- feeds: a calendar's last event change, which live projection keeps with its feed revision (#feeds/digest)
  const lastEventChange = new Map<string, string>();
  for (const item of items) {
    const changedAt = item.calendar && item.shape !== undefined ? String(item.doc.updatedAt) : undefined;
    if (changedAt && changedAt > (lastEventChange.get(item.calendar!) ?? '')) lastEventChange.set(item.calendar!, changedAt);
  }
  for (const item of items) if (item.entity === 'calendar' && lastEventChange.has(String(item.doc.id))) item.feedChangedAt = lastEventChange.get(String(item.doc.id));
  // Each feed partition's period directory, complete and with fresh revisions: no segment packed before is read again.
  const feedDirectories = rebuiltFeedDirectories(items) as unknown as ViewItem[];
  // --- end feeds
  const directoryItems = [...directories].map(
    ([scope, { months, after, before }]) =>
      ({ pk: directoryKey(scope), ...Object.fromEntries(Object.entries({ months, seriesAfter: after, seriesBefore: before }).filter(([, values]) => values.size > 0)) }) as unknown as ViewItem,
  );

  const streams = byStream.size;
  let written = 0;
  const streamsWritten = () => Math.min(streams, Math.round((written / Math.max(items.length, 1)) * streams));
  const writeProgress = () => {
    const done = streamsWritten();
    const perSecond = rate(changes) * (done / Math.max(streams, 1));
    deps.onProgress?.({ phase: 'write', done, total: streams, rate: rate(changes), etaSeconds: perSecond > 0 ? (streams - done) / perSecond : undefined });
  };
  let viewsWritten = 0;
  const all = [...items, ...directoryItems, ...feedDirectories];
  if ((deps.mode ?? 'live') === 'offline') {
    await inParallel(chunks(all, BATCH), deps.concurrency ?? 8, async (batch) => {
      await batchWrite(
        deps,
        batch.map((item) => ({ PutRequest: { Item: { ...item } } })),
      );
      viewsWritten += batch.length;
      written += batch.length;
      writeProgress();
    });
  } else {
    await inParallel(chunks(items, BATCH), deps.concurrency ?? 8, async (batch) => {
      const results = await Promise.all(batch.map((item) => writeView(deps, item, 'same-or-newer')));
      viewsWritten += results.filter(Boolean).length;
      written += batch.length;
      writeProgress();
    });
    // Added to, never replaced: the live projector may be adding months meanwhile.
    await Promise.all([...directories].map(([scope, sets]) => addMonths(deps, scope, [...sets.months], { after: [...sets.after], before: [...sets.before] })));
    await inParallel(feedDirectories, deps.concurrency ?? 8, (directory) => writeRebuiltFeedDirectory(deps.client, deps.viewsTable, directory as never));
  }
  const viewsRemoved = await removeOrphans(deps, new Set(all.map((item) => item.pk)), segments);
  deps.onProgress?.({ phase: 'write', done: streams, total: streams, rate: rate(changes), etaSeconds: 0 });
  return { streams, changes, viewsWritten, viewsRemoved, millis: performance.now() - started };
}

/** View items that the journal does not support (their stream is gone, a span the event left) go. */
async function removeOrphans(deps: RebuildDeps, kept: Set<string>, segments: number): Promise<number> {
  let removed = 0;
  await Promise.all(
    Array.from({ length: segments }, async (_, segment) => {
      let startKey: Record<string, unknown> | undefined;
      do {
        const page = await deps.client.send(new ScanCommand({ TableName: deps.viewsTable, ProjectionExpression: 'pk', ExclusiveStartKey: startKey, Segment: segment, TotalSegments: segments }));
        const orphans = (page.Items ?? []).map((item) => item.pk as string).filter((pk) => !kept.has(pk));
        if (deps.mode === 'offline') {
          for (const batch of chunks(orphans, BATCH))
            await batchWrite(
              deps,
              batch.map((pk) => ({ DeleteRequest: { Key: { pk } } })),
            );
        } else {
          for (const pk of orphans) await deps.client.send(new DeleteCommand({ TableName: deps.viewsTable, Key: { pk } }));
        }
        removed += orphans.length;
        startKey = page.LastEvaluatedKey;
      } while (startKey);
    }),
  );
  return removed;
}

type WriteRequest = { PutRequest: { Item: Record<string, unknown> } } | { DeleteRequest: { Key: Record<string, unknown> } };

/** One BatchWriteItem, retrying what DynamoDB left unprocessed (with backoff, as AWS advises). */
async function batchWrite(deps: RebuildDeps, requests: WriteRequest[]): Promise<void> {
  let pending = requests;
  for (let attempt = 0; pending.length > 0; attempt++) {
    if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, Math.min(1000, 25 * 2 ** attempt)));
    const result = await deps.client.send(new BatchWriteCommand({ RequestItems: { [deps.viewsTable]: pending } }));
    pending = (result.UnprocessedItems?.[deps.viewsTable] ?? []) as WriteRequest[];
  }
}

function chunks<T>(items: T[], size: number): T[][] {
  return Array.from({ length: Math.ceil(items.length / size) }, (_, i) => items.slice(i * size, i * size + size));
}

async function inParallel<T>(items: T[], concurrency: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await work(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
}
