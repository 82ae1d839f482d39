/**
 * Whether a subscription may be sent anything, now: it exists, is enabled, and its owner's API key still stands.
 * Disabling stops the lane first (no lease can be renewed after that, so no further batch leaves) and then
 * records the `webhook.disabled` change with its reason.
 */
import { ADMIN_KEY_ID } from '#auth/keys';
import { recordedBy, type Deps } from '#config/deps';
import { fold, keyAggregate, webhookAggregate } from '#domain/aggregates';
import { streams, type WebhookOwner } from '#domain/changes';
import { decideWebhook, type Webhook } from '#domain/webhook';
import { handle } from '#journal/handle';
import { listEntities } from '#views/queries';
import type { DeliveryStore } from './deliveries.ts';

export const OWNER_REVOKED = "the owner's API key was revoked";

/** True when the owner's key was revoked (or never existed); the configured admin key has no stream and is never revoked this way. */
export async function ownerRevoked(d: Deps, owner: WebhookOwner): Promise<boolean> {
  if (owner.keyId === ADMIN_KEY_ID) return false;
  const key = fold(keyAggregate, await d.journal.read(streams.key(owner.keyId)));
  return !key || key.revoked;
}

/** Stops the subscription's lane, then records `webhook.disabled` (a no-op when it already is). */
export async function disableSubscription(d: Deps, store: DeliveryStore, webhookId: string, reason: string): Promise<void> {
  await store.stopLane(webhookId, reason);
  await handle(d.journal, streams.webhook(webhookId), webhookAggregate, (s) => decideWebhook({ type: 'disable', reason }, s), recordedBy(d, 'system:webhooks'));
}

/**
 * The subscription, read from the journal, if it may be sent anything now; otherwise its lane is stopped (and a
 * subscription whose owner's key was revoked is disabled) and the answer is undefined.
 */
export async function liveSubscription(d: Deps, store: DeliveryStore, webhookId: string): Promise<Webhook | undefined> {
  const webhook = fold(webhookAggregate, await d.journal.read(streams.webhook(webhookId)));
  if (!webhook || webhook.deleted || webhook.disabled) {
    await store.stopLane(webhookId, webhook?.disabledReason ?? (webhook?.deleted ? 'deleted' : 'disabled'));
    return undefined;
  }
  if (await ownerRevoked(d, webhook.owner)) {
    await disableSubscription(d, store, webhookId, OWNER_REVOKED);
    return undefined;
  }
  return webhook;
}

/** Disables every subscription a key owns (when the key is revoked); returns how many were live. */
export async function disableSubscriptionsOf(d: Deps, store: DeliveryStore, keyId: string, reason: string): Promise<number> {
  let disabled = 0;
  let cursor: string | undefined;
  do {
    const page = await listEntities(d, { entity: 'webhook', owner: keyId, limit: 200, cursor });
    for (const doc of page.items as unknown as Webhook[]) {
      if (doc.disabled) continue;
      await disableSubscription(d, store, doc.id, reason);
      disabled++;
    }
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return disabled;
}
