/**
 * The dispatcher: attempts every due delivery, each on its own lease and its own timeout, so one slow or dead
 * endpoint holds up only its own deliveries. Outcomes decide what comes next: success, a retry on schedule,
 * or failure; 410 Gone and endpoints failing for days disable their subscription, recorded in the journal.
 */
import { recordedBy, type Deps } from '#config/deps';
import { fold, webhookAggregate } from '#domain/aggregates';
import { streams } from '#domain/changes';
import { decideWebhook, type Webhook } from '#domain/webhook';
import { handle } from '#journal/handle';
import { parseRetryAfter, retryDelay, type WebhookConfig } from './config.ts';
import { DeliveryStore, type Delivery } from './deliveries.ts';
import { activeSecrets, signedHeaders } from './secrets.ts';
import { postWebhook, type AttemptOutcome } from './send.ts';

export interface SweepSummary {
  attempted: number;
  succeeded: number;
  retrying: number;
  failed: number;
}

/** A lane (one endpoint's deliveries, one at a time) gives the rest to the next sweep after this long. */
const LANE_BUDGET_MS = 30_000;

export async function disableWebhook(d: Deps, webhookId: string, reason: string): Promise<void> {
  await handle(d.journal, streams.webhook(webhookId), webhookAggregate, (s) => decideWebhook({ type: 'disable', reason }, s), recordedBy(d, 'system:webhooks'));
}

/** Sends a message to a subscription's endpoint, signed with its active secrets. */
export async function sendMessage(d: Deps, config: WebhookConfig, webhook: Webhook, messageId: string, payload: string): Promise<AttemptOutcome> {
  const at = d.now();
  const secrets = await activeSecrets(d.client, d.tables.secrets, webhook.id, at);
  if (secrets.length === 0) return { at: at.toISOString(), durationMs: 0, error: 'the subscription has no signing secret' };
  return postWebhook(webhook.url, payload, signedHeaders(secrets, messageId, at, payload), config.attemptTimeoutMs, d.now);
}

type Verdict = 'succeeded' | 'retrying' | 'failed';

/** One attempt at one delivery, for a subscription read once per lane (and marked disabled here if this disables it). */
async function attempt(d: Deps, config: WebhookConfig, store: DeliveryStore, delivery: Delivery, webhook: Webhook | undefined): Promise<Verdict | undefined> {
  if (!(await store.claim(delivery, d.now(), config.attemptTimeoutMs + 5_000))) return undefined;
  if (!webhook || webhook.disabled) {
    const outcome = { at: d.now().toISOString(), durationMs: 0, error: 'not sent: the subscription is disabled or deleted' };
    await store.recordAttempt(delivery, outcome, { status: 'failed' });
    return 'failed';
  }
  const outcome = await sendMessage(d, config, webhook, delivery.id, delivery.payload);
  const ok = outcome.statusCode !== undefined && outcome.statusCode >= 200 && outcome.statusCode < 300;
  const failingSince = await store.noteHealth(webhook.id, ok, d.now());
  if (ok) {
    await store.recordAttempt(delivery, outcome, { status: 'succeeded' });
    return 'succeeded';
  }
  const disableFor =
    outcome.statusCode === 410
      ? 'the endpoint answered 410 Gone'
      : failingSince && d.now().getTime() - Date.parse(failingSince) >= config.disableAfterMs
        ? `the endpoint has failed without a success since ${failingSince}`
        : undefined;
  if (disableFor) {
    await store.recordAttempt(delivery, outcome, { status: 'failed' });
    await disableWebhook(d, webhook.id, disableFor);
    webhook.disabled = true;
    return 'failed';
  }
  const retryAfter = outcome.statusCode === 429 || outcome.statusCode === 503 ? parseRetryAfter(outcome.retryAfter, d.now()) : undefined;
  const delay = retryDelay(config, delivery.retryStep, retryAfter);
  if (delay === undefined) {
    await store.recordAttempt(delivery, outcome, { status: 'failed' });
    return 'failed';
  }
  await store.recordAttempt(delivery, outcome, { status: 'pending', at: new Date(d.now().getTime() + delay) });
  return 'retrying';
}

/**
 * One pass over the due deliveries. Each endpoint gets its own lane, worked one delivery at a time and all
 * lanes at once, so a dead endpoint costs only its own lane. Safe to run several passes at once: every
 * delivery is leased before its attempt.
 */
export async function sweep(d: Deps, config: WebhookConfig, limit = 500): Promise<SweepSummary> {
  const store = new DeliveryStore(d.client, d.tables.deliveries);
  const lanes = new Map<string, Delivery[]>();
  for (const delivery of await store.due(d.now(), limit)) lanes.set(delivery.webhookId, [...(lanes.get(delivery.webhookId) ?? []), delivery]);
  const summary: SweepSummary = { attempted: 0, succeeded: 0, retrying: 0, failed: 0 };
  const holder = d.newId();
  const leaseMs = config.attemptTimeoutMs + 5_000;
  await Promise.all(
    [...lanes].map(async ([webhookId, deliveries]) => {
      const started = performance.now();
      let webhook: Webhook | undefined;
      try {
        for (const delivery of deliveries) {
          // Another dispatcher is working this endpoint (perhaps waiting on it): leave it the lane.
          if (performance.now() - started > LANE_BUDGET_MS || !(await store.claimLane(webhookId, holder, d.now(), leaseMs))) return;
          webhook ??= fold(webhookAggregate, await d.journal.read(streams.webhook(webhookId)));
          const verdict = await attempt(d, config, store, delivery, webhook);
          if (!verdict) continue;
          summary.attempted++;
          summary[verdict]++;
        }
      } finally {
        await store.releaseLane(webhookId, holder);
      }
    }),
  );
  return summary;
}
