/**
 * Webhook fault drills with real receivers on 127.0.0.1: an endpoint that hangs and one that refuses, a key
 * revoked mid-stream, a retry asked during an attempt, two rotations.
 */
import { createServer } from 'node:net';
import { Webhook as Verifier } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { documentClient, tableNames } from '#config/env';
import { DeliveryStore } from '#webhooks/deliveries';
import { eventually, startReceiver, type Answer, type Received } from '../helpers/receiver.ts';
import { startTestRuntime } from '../helpers/runtime.ts';

const settings = { ALLOW_PRIVATE_WEBHOOK_TARGETS: '1', WEBHOOK_RETRY_SCHEDULE: '100ms,200ms,300ms', WEBHOOK_ATTEMPT_TIMEOUT: '2s' };
let t: Awaited<ReturnType<typeof startTestRuntime>>;
const receivers: Awaited<ReturnType<typeof startReceiver>>[] = [];

async function receiver(answer?: (request: Received, count: number) => Answer) {
  const started = await startReceiver(answer);
  receivers.push(started);
  return started;
}

async function keyFor(role: string) {
  return (await t.call('POST', '/keys', { body: { name: `drill ${role}`, role } })).body as { id: string; key: string };
}

async function subscribe(url: string, key: string, body: Record<string, unknown> = {}) {
  const reply = await t.call('POST', '/webhooks', { key, body: { url, types: ['event.created'], calendars: ['drill'], ...body } });
  expect(reply.status).toBe(201);
  return reply.body as { id: string; secret: string };
}

const createEvent = async (title: string) =>
  (await t.call('POST', '/events', { body: { calendar: 'drill', title: { en: title }, schedule: { type: 'allDay', startDate: '2026-07-14', endDate: '2026-07-14' } } })).body as { id: string };

const titleOf = (request: Received) => (JSON.parse(request.body) as { data: { event: { title: { en: string } } } }).data.event.title.en;

/** A port on 127.0.0.1 that refuses connections: bound once, then closed. */
async function refusingUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}/hooks`;
}

beforeAll(async () => {
  Object.assign(process.env, settings);
  t = await startTestRuntime({ scheduleIntervalMs: 50 });
  await t.call('PUT', '/calendars/drill', { body: { name: { en: 'Drill' }, defaultLanguage: 'en', timeZone: 'Asia/Muscat' } });
});
afterAll(async () => {
  await t.close();
  await Promise.all(receivers.map((r) => r.close()));
  for (const name of Object.keys(settings)) delete process.env[name];
});

describe('isolation', () => {
  it('serves healthy endpoints in full while a hanging and a refusing endpoint with backlogs get one probe at a time', async () => {
    const partner = await keyFor('partner');
    const hanging = await receiver(() => 'hang');
    const healthy = await receiver();
    const hangingHook = await subscribe(hanging.url, partner.key);
    const refusingHook = await subscribe(await refusingUrl(), partner.key);
    await subscribe(healthy.url, partner.key);
    const changes = 20;
    for (let i = 0; i < changes; i++) await createEvent(`Backlog ${i}`);
    await healthy.waitFor(changes, 30_000);
    expect(new Set(healthy.received.map(titleOf)).size).toBe(changes);
    // Each attempt at the hanging endpoint waits for its 2 s timeout; backing off, it gets one at a time, never a batch.
    expect(hanging.received.length).toBeGreaterThan(0);
    expect(hanging.concurrency.max).toBe(1);
    const store = new DeliveryStore(documentClient(), tableNames().deliveries);
    for (const hook of [hangingHook, refusingHook]) {
      const lane = await eventually(async () => {
        const found = await store.lane(hook.id);
        return (found?.failures ?? 0) > 0 ? found : undefined;
      });
      expect(lane.failingSince).toEqual(expect.any(String));
    }
    const refused = (await t.call('GET', `/webhooks/${refusingHook.id}/deliveries?limit=200`, { key: partner.key })).body.items as { attempts: { at: string; error?: string }[] }[];
    expect(refused).toHaveLength(changes);
    // The refusing endpoint got probes, one at a time and each after a back-off (≥ 90 ms here), never its whole backlog at once.
    const attempts = refused
      .flatMap((delivery) => delivery.attempts)
      .map((attempt) => Date.parse(attempt.at))
      .sort((a, b) => a - b);
    expect(attempts.length).toBeGreaterThan(0);
    for (let i = 1; i < attempts.length; i++) expect(attempts[i]! - attempts[i - 1]!).toBeGreaterThanOrEqual(90);
  }, 120_000);
});

describe('revocation', () => {
  it("disables a revoked key's subscriptions at once: nothing more leaves, pending retries included", async () => {
    const partner = await keyFor('partner');
    let revoked = false;
    const hook = await receiver(() => ({ status: revoked ? 200 : 503 }));
    const { id } = await subscribe(hook.url, partner.key);
    await createEvent('Before revocation 1');
    await createEvent('Before revocation 2');
    await hook.waitFor(2);
    expect((await t.call('DELETE', `/keys/${partner.id}`)).status).toBe(204);
    // Answered 200 only from a moment after the revocation, so an attempt that was already in flight cannot pass as one sent after it.
    setTimeout(() => (revoked = true), 300);
    await createEvent('After revocation');
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(hook.received.filter((request) => titleOf(request) === 'After revocation')).toHaveLength(0);
    const succeeded = (await t.call('GET', `/webhooks/${id}/deliveries?status=succeeded`)).body.items;
    expect(succeeded).toHaveLength(0);
    expect((await t.call('GET', `/webhooks/${id}`)).body).toMatchObject({ disabled: true, disabledReason: "the owner's API key was revoked" });
    expect((await t.call('GET', `/webhooks/${id}`, { key: partner.key })).status).toBe(401);
  }, 30_000);
});

describe('retries and rotations', () => {
  it('sends a retry asked for during an attempt after that attempt', async () => {
    const admin = t.adminKey;
    const hook = await receiver((_request, count) => (count === 1 ? 'hang' : { status: 200 }));
    const { id } = await subscribe(hook.url, admin, { calendars: ['drill'] });
    await createEvent('Retried mid-flight');
    await hook.waitFor(1);
    const [delivery] = (await t.call('GET', `/webhooks/${id}/deliveries`)).body.items as { id: string }[];
    // The first attempt hangs (until its 2 s timeout): the retry is asked for while it is in flight.
    expect((await t.call('POST', `/webhooks/${id}/deliveries/${delivery!.id}/retry`)).status).toBe(202);
    await hook.waitFor(2, 15_000);
    const done = await eventually(async () => {
      const found = (await t.call('GET', `/webhooks/${id}/deliveries/${delivery!.id}`)).body;
      return found.status === 'succeeded' ? found : undefined;
    }, 15_000);
    expect(done.attempts.at(-1)).toMatchObject({ statusCode: 200 });
    expect(hook.received.map((r) => r.headers['webhook-id'])).toEqual([delivery!.id, delivery!.id]);
  }, 40_000);

  it('keeps every rotated secret valid for the window its rotation promised', async () => {
    const hook = await receiver();
    const { id, secret: original } = await subscribe(hook.url, t.adminKey);
    const first = (await t.call('POST', `/webhooks/${id}/rotate-secret`)).body;
    const second = (await t.call('POST', `/webhooks/${id}/rotate-secret`)).body;
    await createEvent('After two rotations');
    await hook.waitFor(1);
    const [message] = hook.received;
    expect(String(message!.headers['webhook-signature']).split(' ')).toHaveLength(3);
    for (const secret of [original, first.secret, second.secret]) {
      expect(new Verifier(secret).verify(message!.body, message!.headers as Record<string, string>)).toMatchObject({ type: 'event.created' });
    }
  });
});
