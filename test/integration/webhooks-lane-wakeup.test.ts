/**
 * A delivery enqueued while its lane is being released is not left waiting for the idle recheck (60 s).
 * Found by the v1a drill with the official Go library (0026): under load, a change recorded while its lane's
 * previous run was settling reached three endpoints 60 s late. markLaneDue first tries to move the lane's due
 * time earlier; while the lane is held that fails (it is filed at its old, earlier time), and if the holder
 * settles the lane as idle before markLaneDue counts the enqueue, nobody files it due again.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ADMIN_KEY_ID, type Principal } from '#auth/keys';
import { createWebhook } from '#commands/webhooks';
import type { Deps } from '#config/deps';
import { newId } from '#domain/ids';
import { DeliveryStore, LANE, laneTime } from '#webhooks/deliveries';
import { startTestStore } from '../helpers/store.ts';

let store: Awaited<ReturnType<typeof startTestStore>>;
let d: Deps;
const admin: Principal = { kind: 'key', id: ADMIN_KEY_ID, role: 'admin' };

beforeAll(async () => {
  process.env.ALLOW_PRIVATE_WEBHOOK_TARGETS = '1';
  store = await startTestStore();
  d = { client: store.client, journal: store.journal, tables: store.tables, now: () => new Date(), newId: () => newId(), adminKeyHash: async () => undefined };
});
afterAll(async () => {
  delete process.env.ALLOW_PRIVATE_WEBHOOK_TARGETS;
  await store.close();
});

/** Runs `between` once, right before the first lane update whose expression matches `expression`. */
function before(expression: RegExp, between: () => Promise<unknown>): () => void {
  const send = store.client.send.bind(store.client) as (command: unknown) => Promise<unknown>;
  let done = false;
  store.client.send = (async (command: { constructor: { name: string }; input: { UpdateExpression?: string; Key?: { id?: string } } }) => {
    if (!done && command.constructor.name === 'UpdateCommand' && command.input.Key?.id === LANE && expression.test(command.input.UpdateExpression ?? '')) {
      done = true;
      store.client.send = send as typeof store.client.send;
      await between();
    }
    return send(command);
  }) as typeof store.client.send;
  return () => {
    store.client.send = send as typeof store.client.send;
  };
}

it('files the lane due at once when its holder settled it as idle between the refused filing and the counted enqueue', async () => {
  // Prepare: a lane filed a second ago and held by a dispatcher whose run found nothing pending.
  const { webhook } = await createWebhook(d, { url: 'http://127.0.0.1:9/hook', types: ['*'] }, admin);
  const deliveries = new DeliveryStore(store.client, store.tables.deliveries);
  await deliveries.markLaneDue(webhook.id, new Date(Date.now() - 1000));
  const lane = await deliveries.claimLane(webhook.id, 'holder', new Date(), 15_000);
  expect(lane).toBeDefined();
  // The holder settles (nothing pending, enqueued unchanged) right after markLaneDue's filing is refused.
  const restore = before(/^REMOVE idle ADD enqueued/, () => deliveries.settleLane(lane!, 'holder', new Date(), null));

  // Act: fan-out stores a delivery on the lane.
  const enqueuedAt = new Date();
  try {
    await deliveries.enqueue([{ webhookId: webhook.id, id: 'msg_wakeup', type: 'event.created', payload: '{}' }], enqueuedAt);
  } finally {
    restore();
  }

  // Assess: the lane is released and due now (a sweep picks it), not at the idle recheck a minute later.
  const after = await deliveries.lane(webhook.id);
  expect(after?.holder).toBeUndefined();
  expect(Date.parse(laneTime(after?.laneDueAt ?? ''))).toBeLessThanOrEqual(enqueuedAt.getTime());
  const due: string[] = [];
  for await (const id of deliveries.dueLanes(new Date())) due.push(id);
  expect(due).toContain(webhook.id);
});
