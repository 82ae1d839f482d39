/** What the webhook functions do: subscriptions, secrets, test messages, deliveries, replays. */
import { actorOf, type Principal } from '#auth/keys';
import { recordedBy, type Deps } from '#config/deps';
import { fold, webhookAggregate } from '#domain/aggregates';
import { streamKind, streams, type WebhookSettings } from '#domain/changes';
import { DomainError, invalidField } from '#domain/errors';
import { parseInstant } from '#domain/time';
import { canSee, decideWebhook, type Manager, type Webhook, type WebhookCommand } from '#domain/webhook';
import { handle } from '#journal/handle';
import { changesOf } from '#journal/commit';
import type { WebhookConfig } from '#webhooks/config';
import { DeliveryStore, type Delivery, type DeliveryStatus } from '#webhooks/deliveries';
import { sendMessage } from '#webhooks/dispatch';
import { deliveriesFor } from '#webhooks/fanout';
import { messageId, testMessage } from '#webhooks/messages';
import { newWebhookSecret, rotateSecret, saveSecret } from '#webhooks/secrets';
import { checkWebhookUrl } from '#webhooks/targets';

function managerOf(principal: Principal): Manager {
  if (principal.kind !== 'key') throw new DomainError('unauthorized', 'webhooks need an API key');
  return { keyId: principal.id, role: principal.role };
}

async function run(d: Deps, id: string, command: WebhookCommand, principal: Principal): Promise<Webhook> {
  const { state } = await handle(d.journal, streams.webhook(id), webhookAggregate, (s) => decideWebhook(command, s), recordedBy(d, actorOf(principal)));
  return state!;
}

export async function readWebhook(d: Deps, id: string, principal: Principal): Promise<Webhook> {
  const webhook = fold(webhookAggregate, await d.journal.read(streams.webhook(id)));
  if (!canSee(webhook, managerOf(principal))) throw new DomainError('not_found', 'webhook not found');
  return webhook;
}

/** Creates a subscription and returns its signing secret: the only time it is shown. */
export async function createWebhook(d: Deps, settings: WebhookSettings, principal: Principal): Promise<{ webhook: Webhook; secret: string }> {
  const manager = managerOf(principal);
  await checkWebhookUrl(settings.url);
  const id = d.newId();
  const secret = newWebhookSecret();
  // The secret is stored first: a subscription must never exist without one.
  await saveSecret(d.client, d.tables.secrets, id, secret);
  const webhook = await run(d, id, { type: 'create', settings, owner: { keyId: manager.keyId, role: manager.role as Webhook['owner']['role'] } }, principal);
  return { webhook, secret };
}

export async function updateWebhook(d: Deps, id: string, patch: Extract<WebhookCommand, { type: 'update' }>['patch'], principal: Principal): Promise<Webhook> {
  if (patch.url) await checkWebhookUrl(patch.url);
  const webhook = await run(d, id, { type: 'update', patch, manager: managerOf(principal) }, principal);
  // Enabled again: the endpoint's failure streak starts over, or the next failure would disable it at once.
  if (patch.disabled === false) await new DeliveryStore(d.client, d.tables.deliveries).noteHealth(id, true, d.now());
  return webhook;
}

export async function deleteWebhook(d: Deps, id: string, principal: Principal): Promise<void> {
  await run(d, id, { type: 'delete', manager: managerOf(principal) }, principal);
}

export async function rotateWebhookSecret(d: Deps, config: WebhookConfig, id: string, principal: Principal) {
  await readWebhook(d, id, principal);
  const secret = newWebhookSecret();
  const previousValidUntil = new Date(d.now().getTime() + config.secretOverlapMs).toISOString();
  await rotateSecret(d.client, d.tables.secrets, id, secret, previousValidUntil);
  await run(d, id, { type: 'rotateSecret', previousValidUntil, manager: managerOf(principal) }, principal);
  return { secret, previousSecretValidUntil: previousValidUntil };
}

export async function sendTestMessage(d: Deps, config: WebhookConfig, webhookId: string, principal: Principal) {
  const webhook = await readWebhook(d, webhookId, principal);
  const testId = messageId(`test_${d.newId()}`);
  return { messageId: testId, outcome: await sendMessage(d, config, webhook, testId, JSON.stringify(testMessage(webhook.id, d.now()))) };
}

/** A delivery as the API shows it; the list leaves out the message body. */
export function presentDelivery(delivery: Delivery, withPayload: boolean): Record<string, unknown> {
  const { due: _due, dueAt: _dueAt, leaseUntil: _lease, payload, ...shown } = delivery;
  return withPayload ? { ...shown, payload: JSON.parse(payload) as unknown } : shown;
}

export async function listDeliveries(d: Deps, id: string, principal: Principal, query: { status?: DeliveryStatus; limit: number; cursor?: string }) {
  await readWebhook(d, id, principal);
  const page = await new DeliveryStore(d.client, d.tables.deliveries).list(id, query);
  return { items: page.items.map((delivery) => presentDelivery(delivery, false)), nextCursor: page.nextCursor };
}

export async function readDelivery(d: Deps, id: string, deliveryId: string, principal: Principal): Promise<Delivery> {
  await readWebhook(d, id, principal);
  const delivery = deliveryId.startsWith('msg_') ? await new DeliveryStore(d.client, d.tables.deliveries).get(id, deliveryId) : undefined;
  if (!delivery) throw new DomainError('not_found', 'delivery not found');
  return delivery;
}

export async function retryDelivery(d: Deps, id: string, deliveryId: string, principal: Principal): Promise<Delivery> {
  await readDelivery(d, id, deliveryId, principal);
  const store = new DeliveryStore(d.client, d.tables.deliveries);
  await store.requeue(id, deliveryId, d.now());
  return (await store.get(id, deliveryId))!;
}

/**
 * Sends again every change since `since` that the subscription wants, each under its original message id:
 * deliveries that exist are queued again, the others are created.
 * @debt Scans the whole journal; an index by time would make this proportional to what is replayed.
 */
export async function replay(d: Deps, id: string, sinceText: string, principal: Principal): Promise<{ requeued: number; created: number }> {
  const since = parseInstant(sinceText);
  if (since === undefined) throw invalidField('since', 'must be an RFC 3339 instant, e.g. 2026-07-01T00:00:00Z', 'invalid_format');
  const webhook = await readWebhook(d, id, principal);
  if (webhook.disabled) throw new DomainError('conflict', 'the webhook is disabled; enable it first (PATCH {"disabled": false})');
  const store = new DeliveryStore(d.client, d.tables.deliveries);
  const subscription = { ...webhook, disabled: false };
  const counts = { requeued: 0, created: 0 };
  const histories = new Map<string, Awaited<ReturnType<typeof d.journal.read>>>();
  const commits = [];
  for await (const commit of d.journal.scan()) if (streamKind(commit.streamId) === 'event' && Date.parse(commit.at) >= since) commits.push(commit);
  commits.sort((a, b) => a.at.localeCompare(b.at) || a.version - b.version);
  for (const change of commits.flatMap(changesOf)) {
    if (!histories.has(change.streamId)) histories.set(change.streamId, await d.journal.read(change.streamId));
    for (const delivery of deliveriesFor(change, histories.get(change.streamId)!, [subscription])) {
      if (await store.requeue(id, delivery.id, d.now())) counts.requeued++;
      else if (await store.create(delivery, d.now())) counts.created++;
    }
  }
  return counts;
}

