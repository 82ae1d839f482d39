/**
 * From committed changes to persisted deliveries: every event change that a live subscription wants becomes a
 * pending delivery, keyed by subscription and change, so a redelivered stream record creates nothing twice.
 */
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { presentEventWith } from '#auth/present';
import type { Deps } from '#config/deps';
import { eventAggregate, fold, webhookAggregate } from '#domain/aggregates';
import { CHANGE_SCHEMA_VERSION, streamKind, type Recorded } from '#domain/changes';
import { eventChangeTypes } from '#domain/schemas';
import { seesPrivateDetails, wants, type Webhook } from '#domain/webhook';
import { changesOf, type CommitItem } from '#journal/commit';
import type { DeliveryStore, NewDelivery } from './deliveries.ts';
import { changeMessage, messageId } from './messages.ts';
import { ownerRevoked } from './subscriptions.ts';

/** A change this code cannot fan out (a type or schema version it does not know, e.g. during a deploy or rollback). */
export class UnknownChange extends Error {
  override name = 'UnknownChange';
}

/** The live subscriptions: enabled, not deleted, and their owner's key not revoked (each owner's key read once). */
export async function liveWebhooks(d: Deps): Promise<Webhook[]> {
  const webhooks: Webhook[] = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await d.client.send(
      new QueryCommand({
        TableName: d.tables.views,
        IndexName: 'byEntity',
        KeyConditionExpression: 'entity = :webhook',
        ExpressionAttributeValues: { ':webhook': 'webhook' },
        ExclusiveStartKey: startKey,
      }),
    );
    for (const item of page.Items ?? []) {
      const webhook = item.doc as Webhook;
      if (!webhook.disabled && !webhook.deleted) webhooks.push(webhook);
    }
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return withLiveOwners(d, webhooks);
}

async function withLiveOwners(d: Deps, webhooks: Webhook[]): Promise<Webhook[]> {
  const owners = [...new Set(webhooks.map((webhook) => webhook.owner.keyId))];
  const revoked = new Set<string>();
  await Promise.all(owners.map(async (keyId) => (await ownerRevoked(d, webhooks.find((w) => w.owner.keyId === keyId)!.owner)) && revoked.add(keyId)));
  return webhooks.filter((webhook) => !revoked.has(webhook.owner.keyId));
}

/**
 * Keeps a batch's subscriptions in journal order: a subscription created, changed or disabled earlier in the
 * same batch (perhaps not yet in the views), or a key revoked, counts for the records after it.
 */
export async function followSubscriptions(d: Deps, webhooks: Webhook[], commit: CommitItem): Promise<Webhook[]> {
  const kind = streamKind(commit.streamId);
  if (kind === 'key') return withLiveOwners(d, webhooks);
  if (kind !== 'webhook') return webhooks;
  const webhook = fold(webhookAggregate, await d.journal.read(commit.streamId));
  const others = webhooks.filter((w) => `webhook#${w.id}` !== commit.streamId);
  return webhook && !webhook.disabled && !webhook.deleted ? withLiveOwners(d, [...others, webhook]) : others;
}

/** The deliveries one event change makes, for the given subscriptions. */
export function deliveriesFor(change: Recorded, history: Recorded[], webhooks: Webhook[]): NewDelivery[] {
  const event = fold(
    eventAggregate,
    history.filter((c) => c.version <= change.version),
  );
  if (!event) return [];
  return webhooks
    .filter((webhook) => wants(webhook, change, event))
    .map((webhook) => ({
      webhookId: webhook.id,
      id: messageId(change.id),
      type: change.type,
      eventId: event.id,
      changeVersion: change.version,
      payload: JSON.stringify(changeMessage(change, presentEventWith(event, seesPrivateDetails(webhook.owner)))),
    }));
}

const knownTypes = new Set<string>(eventChangeTypes);

/** Refuses a change this code does not know, so that it is parked rather than misread. */
export function checkKnown(change: { type: string; schemaVersion: number; streamId: string }): void {
  if (!knownTypes.has(change.type)) throw new UnknownChange(`unknown change type ${change.type} in ${change.streamId}`);
  if (change.schemaVersion > CHANGE_SCHEMA_VERSION) throw new UnknownChange(`${change.type} has schema version ${change.schemaVersion}; this code knows up to ${CHANGE_SCHEMA_VERSION}`);
}

/**
 * Creates the deliveries for one committed item, given the live subscriptions; returns how many were new.
 * `histories` caches event streams across a batch; changes older than `horizonMs` are left to replay.
 */
export async function fanOutCommit(d: Deps, store: DeliveryStore, commit: CommitItem, webhooks: Webhook[], options: { horizonMs: number; histories?: Map<string, Recorded[]> }): Promise<number> {
  if (streamKind(commit.streamId) !== 'event') return 0;
  const changes = changesOf(commit);
  changes.forEach(checkKnown);
  if (webhooks.length === 0 || d.now().getTime() - Date.parse(commit.at) > options.horizonMs) return 0;
  const histories = options.histories ?? new Map<string, Recorded[]>();
  let history = histories.get(commit.streamId);
  if (!history || (history.at(-1)?.version ?? 0) < commit.lastVersion) {
    history = await d.journal.read(commit.streamId);
    histories.set(commit.streamId, history);
  }
  const known = history;
  return store.enqueue(
    changes.flatMap((change) => deliveriesFor(change, known, webhooks)),
    d.now(),
  );
}
