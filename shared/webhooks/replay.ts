/**
 * Replay jobs: "send this subscription again every change it wants since an instant". A job is an item in
 * the deliveries table; the dispatcher advances running jobs in slices (leased, resumable from a saved cursor),
 * so a job outlives any one Lambda run and the API answers at once. Changes are found in the journal's sparse
 * `byTime` index (one partition per UTC day, sorted by time), reading only the days the job covers, never
 * the whole journal. Each change goes out under its original message id: deliveries that exist are queued
 * again, the others are created.
 */
import { GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Deps } from '#config/deps';
import { isConditionFailure } from '#journal/conditions';
import { log } from '#config/log';
import { fold, webhookAggregate } from '#domain/aggregates';
import { streams, type Recorded } from '#domain/changes';
import { changesOf, type CommitItem } from '#journal/commit';
import type { WebhookConfig } from './config.ts';
import { DeliveryStore } from './deliveries.ts';
import { checkKnown, deliveriesFor } from './fanout.ts';

export type ReplayStatus = 'queued' | 'running' | 'succeeded' | 'failed';

export interface ReplayJob {
  id: string;
  webhookId: string;
  status: ReplayStatus;
  /** Changes recorded from `since` up to `until` (when the job was asked for; later ones are fanned out anyway). */
  since: string;
  until: string;
  /** Journal changes read, deliveries queued again, deliveries created, changes this code could not read. */
  counts: { changes: number; requeued: number; created: number; skipped: number };
  /** The UTC day being read and where in it; absent when done. */
  progress?: { day: string; after?: Record<string, unknown> };
  createdAt: string;
  updatedAt: string;
  finishedAt?: string;
  error?: string | null;
}

interface JobItem extends Omit<ReplayJob, 'id'> {
  /** `#replay#<jobId>`. */
  id: string;
  jobId: string;
  laneDue?: 'replay';
  laneDueAt?: string;
  leaseUntil?: string;
  expiresAt: number;
}

const itemId = (jobId: string) => `#replay#${jobId}`;
/** One run works a job this long at most, then saves its place for the next run. */
const SLICE_MS = 60_000;
const PAGE = 200;

const nextDay = (day: string) => new Date(Date.parse(`${day}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);

/** The job as the API shows it. */
export function presentJob(item: JobItem): ReplayJob {
  const { jobId, id: _id, laneDue: _due, laneDueAt: _dueAt, leaseUntil: _lease, expiresAt: _expires, ...job } = item;
  return { ...job, id: jobId };
}

/** Records a queued job; the dispatcher starts it. */
export async function startReplay(d: Deps, config: WebhookConfig, webhookId: string, since: Date): Promise<ReplayJob> {
  const now = d.now().toISOString();
  const jobId = `rpl_${d.newId()}`;
  const item: JobItem = {
    webhookId,
    id: itemId(jobId),
    jobId,
    status: 'queued',
    since: since.toISOString(),
    until: now,
    counts: { changes: 0, requeued: 0, created: 0, skipped: 0 },
    progress: { day: since.toISOString().slice(0, 10) },
    createdAt: now,
    updatedAt: now,
    laneDue: 'replay',
    laneDueAt: `${now}#${jobId}`,
    expiresAt: Math.floor((d.now().getTime() + config.deliveryTtlMs) / 1000),
  };
  await d.client.send(new PutCommand({ TableName: d.tables.deliveries, Item: item }));
  return presentJob(item);
}

export async function readReplay(d: Deps, webhookId: string, jobId: string): Promise<ReplayJob | undefined> {
  const item = (await d.client.send(new GetCommand({ TableName: d.tables.deliveries, Key: { webhookId, id: itemId(jobId) }, ConsistentRead: true }))).Item as JobItem | undefined;
  return item && presentJob(item);
}

async function lease(d: Deps, item: JobItem): Promise<boolean> {
  const now = d.now();
  try {
    await d.client.send(
      new UpdateCommand({
        TableName: d.tables.deliveries,
        Key: { webhookId: item.webhookId, id: item.id },
        UpdateExpression: 'SET leaseUntil = :lease, #status = :running',
        ConditionExpression: 'attribute_exists(laneDue) AND (attribute_not_exists(leaseUntil) OR leaseUntil < :now)',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':lease': new Date(now.getTime() + SLICE_MS + 30_000).toISOString(), ':now': now.toISOString(), ':running': 'running' },
      }),
    );
    return true;
  } catch (error) {
    if (isConditionFailure(error)) return false;
    throw error;
  }
}

async function save(d: Deps, item: JobItem, done?: { status: 'succeeded' | 'failed'; error?: string }): Promise<void> {
  const values: Record<string, unknown> = { ':counts': item.counts, ':now': d.now().toISOString() };
  let update = 'SET counts = :counts, updatedAt = :now';
  if (done) {
    update += ', #status = :status, finishedAt = :now, #error = :error REMOVE laneDue, laneDueAt, leaseUntil, progress';
    Object.assign(values, { ':status': done.status, ':error': done.error ?? null });
  } else {
    update += ', progress = :progress';
    values[':progress'] = item.progress;
  }
  await d.client.send(
    new UpdateCommand({
      TableName: d.tables.deliveries,
      Key: { webhookId: item.webhookId, id: item.id },
      UpdateExpression: update,
      ExpressionAttributeNames: done ? { '#status': 'status', '#error': 'error' } : undefined,
      ExpressionAttributeValues: values,
    }),
  );
}

/**
 * Makes sure `histories` holds the commit's stream up to the commit. A stream's first commit is its own history
 * (no read: most replayed changes are creations); a stream is read once, again only if a later commit needs more.
 */
async function ensureHistory(d: Deps, histories: Map<string, Recorded[]>, commit: CommitItem): Promise<void> {
  const known = histories.get(commit.streamId);
  if (known && (known.at(-1)?.version ?? 0) >= commit.lastVersion) return;
  histories.set(commit.streamId, commit.version === 1 && !known ? changesOf(commit) : await d.journal.read(commit.streamId));
}

/** Works one job for up to SLICE_MS; returns true when it finished. */
async function advance(d: Deps, config: WebhookConfig, item: JobItem): Promise<boolean> {
  const webhook = fold(webhookAggregate, await d.journal.read(streams.webhook(item.webhookId)));
  if (!webhook || webhook.deleted || webhook.disabled) {
    await save(d, item, { status: 'failed', error: 'the subscription was disabled or deleted' });
    return true;
  }
  // Replay is the one way back past where the subscription started.
  const subscription = { ...webhook, createdAt: '' };
  const store = new DeliveryStore(d.client, d.tables.deliveries, config.deliveryTtlMs);
  const histories = new Map<string, Recorded[]>();
  const started = performance.now();
  const lastDay = item.until.slice(0, 10);
  while (item.progress && performance.now() - started < SLICE_MS) {
    const { day, after } = item.progress;
    const page = await d.client.send(
      new QueryCommand({
        TableName: d.tables.journal,
        IndexName: 'byTime',
        KeyConditionExpression: 'changedOn = :day AND changedAt BETWEEN :from AND :to',
        ExpressionAttributeValues: { ':day': day, ':from': item.since, ':to': `${item.until}#\uffff` },
        ExclusiveStartKey: after,
        Limit: PAGE,
      }),
    );
    const commits = (page.Items ?? []) as CommitItem[];
    await Promise.all(commits.map((commit) => ensureHistory(d, histories, commit)));
    const deliveries = commits.flatMap(changesOf).flatMap((change) => {
      item.counts.changes++;
      try {
        checkKnown(change);
        return deliveriesFor(change, histories.get(change.streamId)!, [subscription]);
      } catch (error) {
        // A change this code cannot read (see parked records) is counted and left out, not fatal to the job.
        item.counts.skipped++;
        log('warn', 'webhook replay skipped a change', { webhookId: item.webhookId, changeId: change.id, error: String(error) });
        return [];
      }
    });
    const sent = await store.enqueueOrRequeue(deliveries, d.now());
    item.counts.created += sent.created;
    item.counts.requeued += sent.requeued;
    if (page.LastEvaluatedKey) item.progress = { day, after: page.LastEvaluatedKey };
    else item.progress = day < lastDay ? { day: nextDay(day) } : undefined;
    if (histories.size > 5_000) histories.clear();
    // The last page is saved with the job's end, below.
    if (item.progress) await save(d, item);
  }
  if (item.progress) {
    // The slice is over: the next run (this one's next call, or any other dispatcher) takes the job at once.
    await d.client.send(new UpdateCommand({ TableName: d.tables.deliveries, Key: { webhookId: item.webhookId, id: item.id }, UpdateExpression: 'REMOVE leaseUntil' }));
    return false;
  }
  await save(d, item, { status: 'succeeded' });
  return true;
}

/** Advances every queued or running job a slice (called by each dispatcher run); returns how many finished. */
export async function advanceReplays(d: Deps, config: WebhookConfig): Promise<number> {
  const page = await d.client.send(
    new QueryCommand({ TableName: d.tables.deliveries, IndexName: 'byLaneDue', KeyConditionExpression: 'laneDue = :replay', ExpressionAttributeValues: { ':replay': 'replay' }, Limit: 25 }),
  );
  let finished = 0;
  for (const key of page.Items ?? []) {
    const item = (await d.client.send(new GetCommand({ TableName: d.tables.deliveries, Key: { webhookId: key.webhookId, id: key.id }, ConsistentRead: true }))).Item as JobItem | undefined;
    if (!item || !(await lease(d, item))) continue;
    try {
      if (await advance(d, config, item)) finished++;
    } catch (error) {
      log('error', 'webhook replay failed', { webhookId: item.webhookId, jobId: item.jobId, error: String(error) });
      await save(d, item, { status: 'failed', error: String(error) });
    }
  }
  return finished;
}
