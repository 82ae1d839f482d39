import { actorOf, generateKey, hashSecret, type Principal } from '#auth/keys';
import { recordedBy, type Deps } from '#config/deps';
import { keyAggregate } from '#domain/aggregates';
import { decideKeyCreate, decideKeyRevoke } from '#domain/api-key';
import { streams } from '#domain/changes';
import type { ApiKeyRole } from '#domain/schemas';
import { handle } from '#journal/handle';
import { DeliveryStore } from '#webhooks/deliveries';
import { disableSubscriptionsOf, OWNER_REVOKED } from '#webhooks/subscriptions';

/** Creates a key and returns it in full: the only time it is ever shown. */
export async function createKey(d: Deps, input: { name: string; role: ApiKeyRole }, principal: Principal) {
  const id = d.newId();
  const key = generateKey(id);
  const secretHash = hashSecret(key);
  await handle(d.journal, streams.key(id), keyAggregate, (s) => decideKeyCreate({ ...input, secretHash }, s), recordedBy(d, actorOf(principal)));
  return { id, name: input.name, role: input.role, key };
}

export async function revokeKey(d: Deps, id: string, principal: Principal): Promise<void> {
  await handle(d.journal, streams.key(id), keyAggregate, decideKeyRevoke, recordedBy(d, actorOf(principal)));
  // webhooks: the key's subscriptions stop with it (the dispatcher and fan-out also check the owner's key).
  await disableSubscriptionsOf(d, new DeliveryStore(d.client, d.tables.deliveries), id, OWNER_REVOKED);
}
