/** What the webhook functions do: subscriptions, secrets, test messages, deliveries, replays. */
import { actorOf, type Principal } from '#auth/keys';
import { recordedBy, type Deps } from '#config/deps';
import { fold, webhookAggregate } from '#domain/aggregates';
import { streams, type SignatureScheme, type WebhookSettings } from '#domain/changes';
import { DomainError, invalidField } from '#domain/errors';
import { parseInstant } from '#domain/time';
import { canSee, decideWebhook, type Manager, type Webhook, type WebhookCommand } from '#domain/webhook';
import { handle } from '#journal/handle';
import type { WebhookConfig } from '#webhooks/config';
import { DeliveryStore, type Delivery, type DeliveryStatus } from '#webhooks/deliveries';
import { sendMessage } from '#webhooks/dispatch';
import { messageId, testMessage } from '#webhooks/messages';
import { newSigningKey, rotateSecret, saveSecret } from '#webhooks/secrets';
import { checkWebhookUrl } from '#webhooks/targets';
import { nudgeDispatcher } from '#webhooks/nudge';
import { ownerRevoked } from '#webhooks/subscriptions';
import { readReplay, startReplay, type ReplayJob } from '#webhooks/replay';
import { log } from '#config/log';

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

/**
 * Creates a subscription. `v1`: returns its shared secret, the only time it is shown. `v1a`: the webhook carries
 * its public key (`whpk_…`) and the private key stays in the secrets table.
 */
export async function createWebhook(d: Deps, input: WebhookSettings & { signature?: SignatureScheme }, principal: Principal): Promise<{ webhook: Webhook; secret?: string }> {
  const manager = managerOf(principal);
  const { signature = 'v1', ...settings } = input;
  await checkWebhookUrl(settings.url);
  const id = d.newId();
  const key = newSigningKey(signature);
  // The secret is stored first: a subscription must never exist without one.
  await saveSecret(d.client, d.tables.secrets, id, key.stored);
  const signing = signature === 'v1a' ? { signature, publicKey: key.publicKey } : {};
  const webhook = await run(d, id, { type: 'create', settings, signing, owner: { keyId: manager.keyId, role: manager.role as Webhook['owner']['role'] } }, principal);
  return { webhook, ...(key.secret ? { secret: key.secret } : {}) };
}

export async function updateWebhook(d: Deps, id: string, patch: Extract<WebhookCommand, { type: 'update' }>['patch'], principal: Principal): Promise<Webhook> {
  if (patch.url) await checkWebhookUrl(patch.url);
  const store = new DeliveryStore(d.client, d.tables.deliveries);
  // Disabled: the lane stops before the change is recorded, so nothing leaves once this answers.
  if (patch.disabled === true) {
    await readWebhook(d, id, principal);
    await store.stopLane(id, 'disabled by its owner');
  }
  // Enabled again only while the owner's key stands (one key read, for this request alone).
  const revoked = patch.disabled === false && (await ownerRevoked(d, (await readWebhook(d, id, principal)).owner));
  const webhook = await run(d, id, { type: 'update', patch, manager: managerOf(principal), ownerRevoked: revoked }, principal);
  // Enabled again: the endpoint's failure streak starts over (or the next failure would disable it at once), and waiting deliveries go out.
  if (patch.disabled === false) await store.resumeLane(id, d.now());
  return webhook;
}

export async function deleteWebhook(d: Deps, id: string, principal: Principal): Promise<void> {
  await readWebhook(d, id, principal);
  await new DeliveryStore(d.client, d.tables.deliveries).stopLane(id, 'deleted');
  await run(d, id, { type: 'delete', manager: managerOf(principal) }, principal);
}

/** A new key in the subscription's scheme; the previous one keeps signing until the overlap ends. `v1a` answers the new public key only. */
export async function rotateWebhookSecret(d: Deps, config: WebhookConfig, id: string, principal: Principal) {
  const webhook = await readWebhook(d, id, principal);
  const key = newSigningKey(webhook.signature);
  const previousValidUntil = new Date(d.now().getTime() + config.secretOverlapMs).toISOString();
  await rotateSecret(d.client, d.tables.secrets, id, key.stored, previousValidUntil, d.now());
  await run(d, id, { type: 'rotateSecret', previousValidUntil, publicKey: key.publicKey, manager: managerOf(principal) }, principal);
  return key.publicKey ? { publicKey: key.publicKey, previousPublicKeyValidUntil: previousValidUntil } : { secret: key.secret, previousSecretValidUntil: previousValidUntil };
}

export async function sendTestMessage(d: Deps, config: WebhookConfig, webhookId: string, principal: Principal) {
  const webhook = await readWebhook(d, webhookId, principal);
  const testId = messageId(`test_${d.newId()}`);
  return { messageId: testId, outcome: await sendMessage(d, config, webhook, testId, JSON.stringify(testMessage(webhook.id, d.now()))) };
}

/** A delivery as the API shows it; the list leaves out the message body. */
export function presentDelivery(delivery: Delivery, withPayload: boolean): Record<string, unknown> {
  const { dueAt: _dueAt, requeues: _requeues, expiresAt: _expiresAt, payload, ...shown } = delivery;
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
  // The delivery as queued: the dispatcher may send it before this answers.
  return (await new DeliveryStore(d.client, d.tables.deliveries).requeue(id, deliveryId, d.now()))!;
}

/**
 * Starts a replay job: every change since `since` that the subscription wants goes out again under its
 * original message id. The dispatcher runs the job (woken now); GET …/replays/{jobId} follows it.
 */
export async function replay(d: Deps, config: WebhookConfig, id: string, sinceText: string, principal: Principal): Promise<ReplayJob> {
  const since = parseInstant(sinceText);
  if (since === undefined) throw invalidField('since', 'must be an RFC 3339 instant, e.g. 2026-07-01T00:00:00Z', 'invalid_format');
  const webhook = await readWebhook(d, id, principal);
  if (webhook.disabled) throw new DomainError('conflict', 'the webhook is disabled; enable it first (PATCH {"disabled": false})');
  const job = await startReplay(d, config, id, new Date(since));
  await nudgeDispatcher().catch((error: unknown) => log('warn', 'could not wake the dispatcher', { error: String(error) }));
  return job;
}

export async function readReplayJob(d: Deps, id: string, jobId: string, principal: Principal): Promise<ReplayJob> {
  await readWebhook(d, id, principal);
  const job = jobId.startsWith('rpl_') ? await readReplay(d, id, jobId) : undefined;
  if (!job) throw new DomainError('not_found', 'replay job not found');
  return job;
}
