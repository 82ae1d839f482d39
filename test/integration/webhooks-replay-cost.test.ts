/**
 * What a replay job spends per change (issue #10 point 5): it reads the time index a page at a time, reads an
 * event's history only when the commit is not the stream's first, finds which deliveries exist 100 at a time and
 * writes the new ones 25 at a time; the dispatcher then sends each once, under its message id.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ADMIN_KEY_ID, type Principal } from '#auth/keys';
import { putCalendar } from '#commands/calendars';
import { changeEvent, createEvent } from '#commands/events';
import { createWebhook } from '#commands/webhooks';
import type { Deps } from '#config/deps';
import { newId } from '#domain/ids';
import { createEventSchema } from '#domain/schemas';
import { webhookConfig } from '#webhooks/config';
import { sweep } from '#webhooks/dispatch';
import { advanceReplays, readReplay, startReplay } from '#webhooks/replay';
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

it('replays 30 creations and 1 cancellation reading one event history, with one existence read and 2 batch writes, and sends each once', async () => {
  // Prepare: 30 events, one of them cancelled, recorded before the subscription (so it has none of their deliveries).
  const d: Deps = { client: store.client, journal: store.journal, tables: store.tables, now: () => new Date(), newId: () => newId(), adminKeyHash: async () => undefined };
  const admin: Principal = { kind: 'key', id: ADMIN_KEY_ID, role: 'admin' };
  await putCalendar(d, 'replayed', { name: { en: 'Replayed' }, defaultLanguage: 'en', timeZone: 'Asia/Kuwait' }, admin);
  const since = new Date();
  const input = createEventSchema().parse({ calendar: 'replayed', title: { en: 'Replayed' }, schedule: { type: 'allDay', startDate: '2026-07-14', endDate: '2026-07-14' } });
  const events = [];
  for (let i = 0; i < 30; i++) events.push((await createEvent(d, input, admin)).event);
  await changeEvent(d, events[0]!.id, { type: 'cancel' }, admin);
  const { webhook } = await createWebhook(d, { url: receiver.url, types: ['*'] }, admin);
  const config = webhookConfig({ ALLOW_PRIVATE_WEBHOOK_TARGETS: '1' });
  const job = await startReplay(d, config, webhook.id, since);
  const calls: { name: string; table?: string; index?: string }[] = [];
  const send = store.client.send.bind(store.client) as (command: unknown) => Promise<unknown>;
  store.client.send = ((command: { constructor: { name: string }; input: { TableName?: string; IndexName?: string } }) => {
    calls.push({ name: command.constructor.name, table: command.input.TableName, index: command.input.IndexName });
    return send(command);
  }) as typeof store.client.send;

  // Act: the job runs to its end.
  try {
    while ((await advanceReplays(d, config)) === 0);
  } finally {
    store.client.send = send as typeof store.client.send;
  }

  // Assess: 31 changes, 31 deliveries created; the only history read is the cancelled event's (its second commit);
  // no delivery written one at a time.
  expect((await readReplay(d, webhook.id, job.id))?.counts).toEqual({ changes: 31, requeued: 0, created: 31, skipped: 0 });
  const historyReads = calls.filter((call) => call.name === 'QueryCommand' && call.table === store.tables.journal && call.index === undefined);
  expect(historyReads).toHaveLength(2); // the subscription's stream, and the cancelled event's
  expect(calls.filter((call) => call.name === 'BatchGetCommand')).toHaveLength(1);
  expect(calls.filter((call) => call.name === 'BatchWriteCommand')).toHaveLength(2);
  expect(calls.filter((call) => call.name === 'PutCommand')).toHaveLength(0);
  await sweep(d, config);
  expect(receiver.received).toHaveLength(31);
  expect(new Set(receiver.received.map((request) => request.headers['webhook-id'])).size).toBe(31);
});
