/**
 * From committed changes to persisted deliveries: every event change that a live subscription wants becomes a
 * pending delivery, keyed by subscription and change, so a redelivered stream record creates nothing twice.
 */
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { Principal } from '#auth/keys';
import { presentEvent } from '#commands/events';
import type { Deps } from '#config/deps';
import { eventAggregate, fold } from '#domain/aggregates';
import { streamKind, type Recorded } from '#domain/changes';
import { wants, type Webhook } from '#domain/webhook';
import { DeliveryStore } from './deliveries.ts';
import { changeMessage, messageId } from './messages.ts';

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
  return webhooks;
}

const ownerOf = (webhook: Webhook): Principal => ({ kind: 'key', id: webhook.owner.keyId, role: webhook.owner.role });

/** The deliveries one event change makes, for the given subscriptions. */
export function deliveriesFor(change: Recorded, history: Recorded[], webhooks: Webhook[]) {
  const event = fold(eventAggregate, history.filter((c) => c.version <= change.version));
  if (!event) return [];
  return webhooks
    .filter((webhook) => wants(webhook, change, event.calendar))
    .map((webhook) => ({
      webhookId: webhook.id,
      id: messageId(change.id),
      type: change.type,
      eventId: event.id,
      changeVersion: change.version,
      payload: JSON.stringify(changeMessage(change, presentEvent(event, ownerOf(webhook)))),
    }));
}

/** Creates the deliveries for committed changes, given the live subscriptions; returns how many were new. */
export async function fanOut(d: Deps, changes: Recorded[], webhooks: Webhook[]): Promise<number> {
  const eventChanges = changes.filter((change) => streamKind(change.streamId) === 'event');
  if (eventChanges.length === 0 || webhooks.length === 0) return 0;
  const store = new DeliveryStore(d.client, d.tables.deliveries);
  const histories = new Map<string, Recorded[]>();
  let created = 0;
  for (const change of eventChanges) {
    if (!histories.has(change.streamId)) histories.set(change.streamId, await d.journal.read(change.streamId));
    const results = await Promise.all(deliveriesFor(change, histories.get(change.streamId)!, webhooks).map((delivery) => store.create(delivery, d.now())));
    created += results.filter(Boolean).length;
  }
  return created;
}
