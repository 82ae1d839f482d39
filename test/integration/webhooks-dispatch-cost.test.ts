/**
 * What the dispatcher spends per delivery (issue #10 point 8): a lane's backlog is read a batch at a time, one
 * read per batch (a short read ends the lane's run), outcomes are written 25 to a call, and attempts to one
 * endpoint reuse kept-alive connections. A retry asked while an attempt is in flight survives that attempt's
 * outcome being written over it.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ADMIN_KEY_ID, type Principal } from '#auth/keys';
import { createWebhook } from '#commands/webhooks';
import type { Deps } from '#config/deps';
import { newId } from '#domain/ids';
import { webhookConfig } from '#webhooks/config';
import { DeliveryStore, LANE, type NewDelivery } from '#webhooks/deliveries';
import { sweep } from '#webhooks/dispatch';
import { startReceiver } from '../helpers/receiver.ts';
import { startTestStore } from '../helpers/store.ts';

let store: Awaited<ReturnType<typeof startTestStore>>;
let receiver: Awaited<ReturnType<typeof startReceiver>>;
let d: Deps;
const admin: Principal = { kind: 'key', id: ADMIN_KEY_ID, role: 'admin' };
const config = () => webhookConfig({ ALLOW_PRIVATE_WEBHOOK_TARGETS: '1' });

beforeAll(async () => {
  process.env.ALLOW_PRIVATE_WEBHOOK_TARGETS = '1';
  store = await startTestStore();
  receiver = await startReceiver();
  d = { client: store.client, journal: store.journal, tables: store.tables, now: () => new Date(), newId: () => newId(), adminKeyHash: async () => undefined };
});
afterAll(async () => {
  delete process.env.ALLOW_PRIVATE_WEBHOOK_TARGETS;
  await receiver.close();
  await store.close();
});

/** Records every store call during `act`: the command's name, and the key's id for single-item writes. */
async function callsDuring(act: () => Promise<unknown>): Promise<{ name: string; index?: string; id?: string }[]> {
  const calls: { name: string; index?: string; id?: string }[] = [];
  const send = store.client.send.bind(store.client) as (command: unknown) => Promise<unknown>;
  store.client.send = ((command: { constructor: { name: string }; input: { IndexName?: string; Key?: { id?: string } } }) => {
    calls.push({ name: command.constructor.name, index: command.input.IndexName, id: command.input.Key?.id });
    return send(command);
  }) as typeof store.client.send;
  try {
    await act();
  } finally {
    store.client.send = send as typeof store.client.send;
  }
  return calls;
}

it('drains a backlog of 100 with one lane read per batch of 32, outcomes 25 to a write, and far fewer connections than deliveries', async () => {
  // Prepare: a subscription and 100 pending deliveries on its lane.
  const { webhook } = await createWebhook(d, { url: receiver.url, types: ['*'] }, admin);
  const deliveries = new DeliveryStore(store.client, store.tables.deliveries);
  const backlog: NewDelivery[] = Array.from({ length: 100 }, (_, i) => ({ webhookId: webhook.id, id: `msg_cost${String(i).padStart(3, '0')}`, type: 'event.created', payload: JSON.stringify({ i }) }));
  await deliveries.enqueue(backlog, new Date(Date.now() - 1000));

  // Act: one dispatcher pass.
  let summary: Awaited<ReturnType<typeof sweep>> | undefined;
  const calls = await callsDuring(async () => (summary = await sweep(d, config())));

  // Assess: every delivery arrived once; batches of 32, 32, 32 and 4 (the short one ends the run without another
  // read); outcomes written by BatchWriteItem (2 a batch of 32, 1 for 4), never one update per delivery; sockets reused.
  expect(summary).toMatchObject({ attempted: 100, succeeded: 100 });
  expect(new Set(receiver.received.map((request) => request.headers['webhook-id'])).size).toBe(100);
  expect(calls.filter((call) => call.index === 'byLane')).toHaveLength(4);
  expect(calls.filter((call) => call.name === 'BatchWriteCommand')).toHaveLength(7);
  expect(calls.filter((call) => call.name === 'UpdateCommand' && call.id !== LANE)).toHaveLength(0);
  expect(receiver.connections.count).toBeLessThanOrEqual(32);
  const lane = await deliveries.lane(webhook.id);
  expect(lane?.holder).toBeUndefined();
  expect((await deliveries.get(webhook.id, 'msg_cost099'))?.status).toBe('succeeded');
});

it('sends a retry asked for while an attempt that then succeeds is in flight, after that attempt', async () => {
  // Prepare: an endpoint that answers its first request 200 only after a retry of that very delivery was asked for.
  let answered = 0;
  let askRetry: () => Promise<void> = async () => undefined;
  const slow: Server = createServer((req, res) => {
    req.resume();
    req.on('end', async () => {
      if (++answered === 1) await askRetry();
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((resolve) => slow.listen(0, '127.0.0.1', resolve));
  const { webhook } = await createWebhook(d, { url: `http://127.0.0.1:${(slow.address() as AddressInfo).port}/hooks`, types: ['*'] }, admin);
  const deliveries = new DeliveryStore(store.client, store.tables.deliveries);
  await deliveries.enqueue([{ webhookId: webhook.id, id: 'msg_inflight', type: 'event.created', payload: '{}' }], new Date(Date.now() - 1000));
  askRetry = async () => void (await deliveries.requeue(webhook.id, 'msg_inflight', new Date()));

  // Act: dispatcher passes until nothing is left.
  for (let pass = 0; pass < 3; pass++) await sweep(d, config());
  await new Promise<void>((resolve) => slow.close(() => resolve()));

  // Assess: sent twice (the attempt in flight, then the retry), both outcomes kept, and the lane's list of retries emptied.
  expect(answered).toBe(2);
  const delivery = await deliveries.get(webhook.id, 'msg_inflight');
  expect(delivery).toMatchObject({ status: 'succeeded', requeues: 1 });
  expect(delivery?.attempts.map((attempt) => attempt.statusCode)).toEqual([200, 200]);
  expect((await deliveries.lane(webhook.id))?.requeued).toBeUndefined();
});

it('marks a backing-off lane that is filed at its probe with two requests, and leaves it due at its probe', async () => {
  // Prepare: a lane whose endpoint failed, backing off for 5 minutes with a delivery pending, settled at its probe.
  const { webhook } = await createWebhook(d, { url: receiver.url, types: ['*'] }, admin);
  const deliveries = new DeliveryStore(store.client, store.tables.deliveries);
  const now = new Date();
  await deliveries.enqueue([{ webhookId: webhook.id, id: 'msg_backoff1', type: 'event.created', payload: '{}' }], now);
  const lane = (await deliveries.claimLane(webhook.id, 'holder', now, 15_000))!;
  const probeAfter = new Date(now.getTime() + 300_000);
  await deliveries.noteFailure(webhook.id, now, probeAfter);
  lane.probeAfter = probeAfter.toISOString();
  await deliveries.settleLane(lane, 'holder', now);
  const enqueuedBefore = (await deliveries.lane(webhook.id))?.enqueued ?? 0;

  // Act: fan-out stores one more delivery for it.
  const calls = await callsDuring(() => deliveries.enqueue([{ webhookId: webhook.id, id: 'msg_backoff2', type: 'event.created', payload: '{}' }], new Date()));

  // Assess: the put, the refused move into the back-off and the counted enqueue (no third request); still due at its probe.
  expect(calls.map((call) => [call.name, call.id])).toEqual([
    ['PutCommand', undefined],
    ['UpdateCommand', LANE],
    ['UpdateCommand', LANE],
  ]);
  const after = await deliveries.lane(webhook.id);
  expect(after?.laneDueAt?.split('#')[0]).toBe(probeAfter.toISOString());
  expect(after?.enqueued).toBe(enqueuedBefore + 1);
});
