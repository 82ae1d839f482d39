/**
 * The dispatcher: works every lane (one endpoint's deliveries) that has something due, each on its own lease
 * and each attempt on its own timeout. A healthy lane sends its due deliveries a batch at a time; a lane whose
 * last attempt failed is backing off: one probe at a time, not before its probe time, so a failing or hanging
 * endpoint costs one attempt per probe, whatever its backlog. Outcomes decide what comes next: success, a retry
 * on schedule, or failure; 410 Gone and endpoints failing for days disable their subscription.
 */
import type { Deps } from '#config/deps';
import { log } from '#config/log';
import type { Webhook } from '#domain/webhook';
import { parseRetryAfter, retryDelay, type WebhookConfig } from './config.ts';
import { DeliveryStore, type Delivery, type Lane, type Outcome } from './deliveries.ts';
import { activeSecrets, signerFor } from './secrets.ts';
import { postWebhook, type AttemptOutcome } from './send.ts';
import { advanceReplays } from './replay.ts';
import { disableSubscription, liveSubscription } from './subscriptions.ts';

export interface SweepSummary {
  lanes: number;
  attempted: number;
  succeeded: number;
  retrying: number;
  failed: number;
}

/** A lane gives the rest of its work to the next run after this long, so every run ends in bounded time. */
const LANE_BUDGET_MS = 30_000;
/** Attempts in flight at once on a healthy lane (one keep-alive connection each). */
const LANE_BATCH = 32;
/** Lanes worked at once by one run. */
const LANES_AT_ONCE = 64;
/** Lanes a run in this process holds: another run here skips them rather than spend a claim that must fail. */
const heldHere = new Set<string>();

/** Sends a message to a subscription's endpoint, signed with its active secrets. */
export async function sendMessage(d: Deps, config: WebhookConfig, webhook: Webhook, messageId: string, payload: string): Promise<AttemptOutcome> {
  const at = d.now();
  const secrets = await activeSecrets(d.client, d.tables.secrets, webhook.id, at);
  if (secrets.length === 0) return { at: at.toISOString(), durationMs: 0, error: 'the subscription has no signing secret' };
  return postWebhook(webhook.url, payload, signerFor(secrets)(messageId, at, payload), config.attemptTimeoutMs, d.now);
}

type Verdict = 'succeeded' | 'retrying' | 'failed';
interface Attempted extends Outcome {
  verdict: Verdict;
  ok: boolean;
  gone: boolean;
  retryAfterMs?: number;
}

const isSuccess = (outcome: AttemptOutcome) => outcome.statusCode !== undefined && outcome.statusCode >= 200 && outcome.statusCode < 300;

/** One attempt and its verdict; the caller records a batch's outcomes together. */
async function attempt(d: Deps, config: WebhookConfig, webhook: Webhook, sign: ReturnType<typeof signerFor>, delivery: Delivery): Promise<Attempted> {
  const at = d.now();
  const outcome = await postWebhook(webhook.url, delivery.payload, sign(delivery.id, at, delivery.payload), config.attemptTimeoutMs, d.now);
  if (isSuccess(outcome)) return { delivery, outcome, next: { status: 'succeeded' }, verdict: 'succeeded', ok: true, gone: false };
  const gone = outcome.statusCode === 410;
  const retryAfterMs = outcome.statusCode === 429 || outcome.statusCode === 503 ? parseRetryAfter(outcome.retryAfter, d.now()) : undefined;
  const delay = gone ? undefined : retryDelay(config, delivery.retryStep, retryAfterMs);
  const failed = { delivery, outcome, ok: false, gone, retryAfterMs };
  if (delay === undefined) return { ...failed, next: { status: 'failed' }, verdict: 'failed' };
  return { ...failed, next: { status: 'pending', at: new Date(d.now().getTime() + delay) }, verdict: 'retrying' };
}

/** After a failed attempt: back off, or disable the subscription (410 Gone, or failing for too long). True when it goes on. */
async function backOff(d: Deps, config: WebhookConfig, store: DeliveryStore, lane: Lane, failure: Attempted): Promise<boolean> {
  const now = d.now();
  const probeAfter = new Date(now.getTime() + (retryDelay(config, Math.min(lane.failures ?? 0, config.retrySchedule.length - 1), failure.retryAfterMs) ?? 0));
  const failingSince = await store.noteFailure(lane.webhookId, now, probeAfter);
  lane.failures = (lane.failures ?? 0) + 1;
  lane.probeAfter = probeAfter.toISOString();
  const reason = failure.gone ? 'the endpoint answered 410 Gone' : now.getTime() - Date.parse(failingSince) >= config.disableAfterMs ? `the endpoint has failed without a success since ${failingSince}` : undefined;
  if (!reason) return true;
  await disableSubscription(d, store, lane.webhookId, reason);
  return false;
}

/**
 * Works one lane for up to LANE_BUDGET_MS. Answers false when it stopped the lane; otherwise the earliest
 * pending due time when its last read showed it (null: nothing pending), for settling without another read.
 */
async function workLane(d: Deps, config: WebhookConfig, store: DeliveryStore, lane: Lane, holder: string, summary: SweepSummary): Promise<false | { earliest?: string | null }> {
  const now = d.now();
  const leaseMs = config.attemptTimeoutMs + 5_000;
  const backingOff = () => (lane.failures ?? 0) > 0;
  if (backingOff() && lane.probeAfter && Date.parse(lane.probeAfter) > now.getTime()) return {};
  await store.reapplyRequeues(lane, now);
  // Read together: the subscription (and its owner's key), its secrets, and the next deliveries (a backing-off lane: one probe).
  let limit = backingOff() ? 1 : LANE_BATCH;
  const [webhook, secrets, first] = await Promise.all([liveSubscription(d, store, lane.webhookId), activeSecrets(d.client, d.tables.secrets, lane.webhookId, now), store.nextIn(lane.webhookId, limit)]);
  if (!webhook) return false;
  if (secrets.length === 0) return {};
  const sign = signerFor(secrets);
  const started = performance.now();
  const dueBy = (next: Delivery[], at: Date) => next.filter((delivery) => delivery.dueAt !== undefined && delivery.dueAt <= at.toISOString());
  let next = first;
  let batch = dueBy(next, now);
  // A batch's outcomes are written while the next batch is sent (the next page is read after the last one's final
  // item, so it never holds a delivery whose outcome is still being written); every exit waits for the writing.
  let writing: Promise<void> = Promise.resolve();
  let writeFailed: { error: unknown } | undefined;
  const written = async () => {
    await writing;
    if (writeFailed) throw writeFailed.error;
  };
  try {
    // The claim just checked that the lane is not stopped; each later batch renews (and re-checks) first.
    while (batch.length > 0) {
      if (writeFailed) throw writeFailed.error;
      if (performance.now() - started >= LANE_BUDGET_MS) return {};
      const results = await Promise.all(batch.map((delivery) => attempt(d, config, webhook, sign, delivery)));
      // At most one batch's outcomes are being written: the previous write ends before this one starts.
      await written();
      writing = store.recordOutcomes(results).catch((error: unknown) => {
        writeFailed ??= { error };
      });
      for (const result of results) summary[result.verdict]++;
      summary.attempted += results.length;
      const failure = results.find((result) => !result.ok);
      if (failure) {
        await written();
        return (await backOff(d, config, store, lane, failure)) && {};
      }
      if (backingOff()) {
        await store.noteRecovery(lane.webhookId);
        lane.failures = 0;
        delete lane.probeAfter;
      }
      // A page not all due, or short, held all the lane's pending work due now (settling notices anything enqueued since).
      if (batch.length < next.length || next.length < limit) return { earliest: next[batch.length]?.dueAt ?? null };
      const renewed = await store.renewLane(lane.webhookId, holder, d.now(), leaseMs);
      if (!renewed) return false;
      let after: Delivery | undefined = next.at(-1);
      if (renewed.requeued?.size) {
        // A retry listed meanwhile is re-applied over the outcome written for it, so the writing finishes first.
        await written();
        await store.reapplyRequeues(renewed, d.now());
        after = undefined;
      }
      limit = LANE_BATCH;
      next = await store.nextIn(lane.webhookId, limit, after);
      batch = dueBy(next, d.now());
    }
    return { earliest: next[0]?.dueAt ?? null };
  } finally {
    await written();
  }
}

/**
 * One pass over the lanes with work due. Lanes are found in the `byLaneDue` index (one entry per endpoint),
 * so a backlog of any size on one endpoint costs the pass one lane, never the others' turn. Safe to run
 * several passes at once, on one machine or many: a lane is leased before it is worked.
 */
export async function sweep(d: Deps, config: WebhookConfig): Promise<SweepSummary> {
  const store = new DeliveryStore(d.client, d.tables.deliveries, config.deliveryTtlMs);
  const holder = d.newId();
  const leaseMs = config.attemptTimeoutMs + 5_000;
  const summary: SweepSummary = { lanes: 0, attempted: 0, succeeded: 0, retrying: 0, failed: 0 };
  const running = new Set<Promise<void>>();
  // Replay jobs advance beside the lanes, each on its own lease.
  const replays = advanceReplays(d, config).catch((error: unknown) => log('error', 'webhook replays failed', { error: String(error) }));
  const work = async (webhookId: string) => {
    // Again while work arrives as the lane settles (the wake that came with it found the lane leased).
    for (let again = true; again; ) {
      const lane = await store.claimLane(webhookId, holder, d.now(), leaseMs);
      if (!lane) return;
      summary.lanes++;
      let worked: Awaited<ReturnType<typeof workLane>> = false;
      try {
        worked = await workLane(d, config, store, lane, holder, summary);
      } finally {
        again = worked !== false && (await store.settleLane(lane, holder, d.now(), worked.earliest));
      }
    }
  };
  const workHere = async (webhookId: string) => {
    heldHere.add(webhookId);
    try {
      await work(webhookId);
    } finally {
      heldHere.delete(webhookId);
    }
  };
  for await (const webhookId of store.dueLanes(d.now())) {
    if (heldHere.has(webhookId)) continue;
    const run: Promise<void> = workHere(webhookId)
      .catch((error: unknown) => log('error', 'webhook lane failed', { webhookId, error: String(error) }))
      .finally(() => running.delete(run));
    running.add(run);
    if (running.size >= LANES_AT_ONCE) await Promise.race(running);
  }
  await Promise.all([...running, replays]);
  return summary;
}
