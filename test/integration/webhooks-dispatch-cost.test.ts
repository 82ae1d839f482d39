/**
 * What the dispatcher spends per delivery (issue #10 point 8): a lane's backlog is read a batch at a time, one
 * read per batch (which also settles the lane), and attempts to one endpoint reuse kept-alive connections.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ADMIN_KEY_ID, type Principal } from '#auth/keys';
import { createWebhook } from '#commands/webhooks';
import type { Deps } from '#config/deps';
import { newId } from '#domain/ids';
import { webhookConfig } from '#webhooks/config';
import { DeliveryStore, type NewDelivery } from '#webhooks/deliveries';
import { sweep } from '#webhooks/dispatch';
import { startReceiver } from '../helpers/receiver.ts';
import { startTestStore } from '../helpers/store.ts';

let store: Awaited<ReturnType<typeof startTestStore>>;
let receiver: Awaited<ReturnType<typeof startReceiver>>;

beforeAll(async () => {
  process.env.ALLOW_PRIVATE_WEBHOOK_TARGETS = '1';
  store = await startTestStore();
  receiver = await startReceiver();
});
afterAll(async () => {
  delete process.env.ALLOW_PRIVATE_WEBHOOK_TARGETS;
  await receiver.close();
  await store.close();
});

it('drains a backlog of 96 with one lane read per batch of 32 and far fewer connections than deliveries', async () => {
  // Prepare: a subscription and 96 pending deliveries on its lane.
  const d: Deps = { client: store.client, journal: store.journal, tables: store.tables, now: () => new Date(), newId: () => newId(), adminKeyHash: async () => undefined };
  const admin: Principal = { kind: 'key', id: ADMIN_KEY_ID, role: 'admin' };
  const { webhook } = await createWebhook(d, { url: receiver.url, types: ['*'] }, admin);
  const deliveries = new DeliveryStore(store.client, store.tables.deliveries);
  const backlog: NewDelivery[] = Array.from({ length: 96 }, (_, i) => ({ webhookId: webhook.id, id: `msg_cost${String(i).padStart(3, '0')}`, type: 'event.created', payload: JSON.stringify({ i }) }));
  await deliveries.enqueue(backlog, new Date(Date.now() - 1000));
  const lanes: string[] = [];
  const send = store.client.send.bind(store.client) as (command: unknown) => Promise<unknown>;
  store.client.send = ((command: { input: { IndexName?: string; TableName?: string } }) => {
    if (command.input.IndexName === 'byLane') lanes.push('read');
    return send(command);
  }) as typeof store.client.send;

  // Act: one dispatcher pass.
  const summary = await sweep(d, webhookConfig({ ALLOW_PRIVATE_WEBHOOK_TARGETS: '1' }));
  store.client.send = send as typeof store.client.send;

  // Assess: every delivery arrived once; 3 full batches and the read that found the lane empty; sockets reused.
  expect(summary).toMatchObject({ attempted: 96, succeeded: 96 });
  expect(new Set(receiver.received.map((request) => request.headers['webhook-id'])).size).toBe(96);
  expect(lanes).toHaveLength(4);
  expect(receiver.connections.count).toBeLessThanOrEqual(32);
  expect((await deliveries.lane(webhook.id))?.holder).toBeUndefined();
});
