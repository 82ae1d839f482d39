/** Webhooks end to end: real receivers on 127.0.0.1, signatures checked by the official standardwebhooks library. */
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { Webhook as Verifier } from 'standardwebhooks';
import { documentClient, tableNames } from '#config/env';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { eventually, startReceiver, type Answer, type Received } from '../helpers/receiver.ts';
import { startTestRuntime } from '../helpers/runtime.ts';

let t: Awaited<ReturnType<typeof startTestRuntime>>;
let partnerKey: string;
let otherPartnerKey: string;
let editorKey: string;
const receivers: Awaited<ReturnType<typeof startReceiver>>[] = [];

const settings = {
  ALLOW_PRIVATE_WEBHOOK_TARGETS: '1',
  WEBHOOK_RETRY_SCHEDULE: '100ms,200ms,300ms',
  WEBHOOK_ATTEMPT_TIMEOUT: '2s',
};

async function receiver(answer?: (request: Received, count: number) => Answer) {
  const started = await startReceiver(answer);
  receivers.push(started);
  return started;
}

async function subscribe(url: string, body: Record<string, unknown> = {}, key = partnerKey) {
  const reply = await t.call('POST', '/webhooks', { key, body: { url, types: ['*'], calendars: ['ato'], ...body } });
  expect(reply.status).toBe(201);
  return reply.body as { id: string; secret: string };
}

const createEvent = async (title: string, extra: Record<string, unknown> = {}) =>
  (await t.call('POST', '/events', { body: { calendar: 'ato', title: { en: title }, schedule: { type: 'allDay', startDate: '2026-07-14', endDate: '2026-07-14' }, ...extra } })).body as { id: string };

/** How many webhook.created commits the journal holds. */
async function subscriptionsRecorded(): Promise<number> {
  const page = await documentClient().send(
    new ScanCommand({
      TableName: tableNames().journal,
      FilterExpression: 'begins_with(streamId, :webhook) AND version = :first',
      ExpressionAttributeValues: { ':webhook': 'webhook#', ':first': 1 },
      ConsistentRead: true,
    }),
  );
  return page.Count ?? 0;
}

const deliveries = async (webhookId: string, query = '', key = partnerKey) => (await t.call('GET', `/webhooks/${webhookId}/deliveries${query}`, { key })).body.items as Record<string, any>[];

beforeAll(async () => {
  Object.assign(process.env, settings);
  t = await startTestRuntime({ scheduleIntervalMs: 50 });
  await t.call('PUT', '/calendars/ato', { body: { name: { en: 'ATO' }, defaultLanguage: 'en', timeZone: 'Asia/Kuwait' } });
  await t.call('PUT', '/calendars/other', { body: { name: { en: 'Other' }, defaultLanguage: 'en', timeZone: 'Asia/Kuwait' } });
  partnerKey = (await t.call('POST', '/keys', { body: { name: 'CPAFFC', role: 'partner' } })).body.key;
  otherPartnerKey = (await t.call('POST', '/keys', { body: { name: 'Dhofar', role: 'partner' } })).body.key;
  editorKey = (await t.call('POST', '/keys', { body: { name: 'ATO desk', role: 'editor' } })).body.key;
});
afterEach(() => {
  delete process.env.WEBHOOK_DISABLE_AFTER;
  Object.assign(process.env, settings);
});
afterAll(async () => {
  await t.close();
  await Promise.all(receivers.map((r) => r.close()));
  for (const name of Object.keys(settings)) delete process.env[name];
});

describe('delivery', () => {
  it("sends every matching change, signed so that the official library verifies it; private details follow the owner's role", async () => {
    const hook = await receiver();
    const editorHook = await receiver();
    const { id, secret } = await subscribe(hook.url);
    const editor = await subscribe(editorHook.url, {}, editorKey);
    const event = await createEvent('Signed', { participants: [{ name: 'Lin', email: 'lin@cpaffc.example' }] });
    await createEvent('Elsewhere', { calendar: 'other' });
    await createEvent('Private', { visibility: 'private' });
    await hook.waitFor(2);
    await editorHook.waitFor(3);
    // Messages of one commit go out together, in any order; `version` orders them.
    const byVersion = (a: Record<string, any>, b: Record<string, any>) => a.data.change.at.localeCompare(b.data.change.at) || a.data.change.version - b.data.change.version;
    const messages = hook.received.map((r) => new Verifier(secret).verify(r.body, r.headers as Record<string, string>) as Record<string, any>).sort(byVersion);
    expect(messages.map((m) => m.type)).toEqual(['event.created', 'participant.invited']);
    expect(messages[1]).toMatchObject({ data: { event: { id: event.id, version: 2 }, change: { type: 'participant.invited', version: 2, actor: expect.stringMatching(/^key:/) } } });
    // A partner's subscription: public events only, no e-mail addresses; an editor's: both.
    expect(hook.received.map((r) => r.body).join()).not.toContain('lin@cpaffc.example');
    const editorMessages = editorHook.received.map((r) => new Verifier(editor.secret).verify(r.body, r.headers as Record<string, string>) as Record<string, any>).sort(byVersion);
    expect(editorMessages[1]).toMatchObject({ data: { event: { participants: [{ email: 'lin@cpaffc.example' }] } } });
    expect(editorMessages[2]).toMatchObject({ data: { event: { visibility: 'private' } } });
    expect(messages[1]!.timestamp).toBe(messages[1]!.data.change.at);
    expect(hook.received[0]!.headers['webhook-id']).toMatch(/^msg_/);
    await eventually(async () => ((await deliveries(id, '?status=succeeded')).length === 2 ? true : undefined));
    expect(await t.call('GET', `/webhooks/${id}`, { key: otherPartnerKey })).toMatchObject({ status: 404 });
  });

  it('retries with the same webhook-id until the receiver comes back', async () => {
    const hook = await receiver((_request, count) => ({ status: count < 3 ? 503 : 204 }));
    const { id } = await subscribe(hook.url, { types: ['event.created'] });
    await createEvent('Flaky receiver');
    await hook.waitFor(3);
    expect(new Set(hook.received.map((r) => r.headers['webhook-id'])).size).toBe(1);
    const [delivery] = await eventually(async () => {
      const items = await deliveries(id, '?status=succeeded');
      return items.length === 1 ? items : undefined;
    }, 45_000);
    expect(delivery!.attempts.map((a: { statusCode: number }) => a.statusCode)).toEqual([503, 503, 204]);
    expect(delivery!.attempts[0]).toMatchObject({ at: expect.any(String), durationMs: expect.any(Number) });
  }, 90_000);

  it('marks a delivery failed after the schedule, then replays it with its original webhook-id', async () => {
    let healthy = false;
    const hook = await receiver(() => ({ status: healthy ? 200 : 500, body: 'x'.repeat(2000) }));
    const { id } = await subscribe(hook.url, { types: ['event.created'] });
    const before = new Date().toISOString();
    await createEvent('Failed, then replayed');
    const [failed] = await eventually(async () => {
      const items = await deliveries(id, '?status=failed');
      return items.length === 1 ? items : undefined;
    }, 45_000);
    expect(failed!.attempts).toHaveLength(4);
    const detail = (await t.call('GET', `/webhooks/${id}/deliveries/${failed!.id}`, { key: partnerKey })).body;
    expect(detail.attempts[0].response).toHaveLength(1024);
    expect(detail.payload).toMatchObject({ type: 'event.created' });
    healthy = true;
    const replayed = await t.call('POST', `/webhooks/${id}/replay`, { key: partnerKey, body: { since: before } });
    expect(replayed).toMatchObject({ status: 202, body: { id: expect.stringMatching(/^rpl_/), status: 'queued', since: before } });
    const job = await eventually(async () => {
      const found = await t.call('GET', replayed.headers.get('location')!, { key: partnerKey });
      return found.body.status === 'succeeded' ? found.body : undefined;
    });
    // One change since `before` (on the time index, not a journal scan), queued again under its message id.
    expect(job.counts).toEqual({ changes: 1, requeued: 1, created: 0, skipped: 0 });
    expect((await t.call('GET', replayed.headers.get('location')!, { key: otherPartnerKey })).status).toBe(404);
    await eventually(async () => ((await deliveries(id, '?status=succeeded')).length === 1 ? true : undefined), 45_000);
    expect(hook.received.at(-1)!.headers['webhook-id']).toBe(failed!.id);
    expect((await t.call('POST', `/webhooks/${id}/replay`, { key: partnerKey, body: { since: 'last week' } })).body.errors[0].field).toBe('since');
  }, 90_000);

  it('does not follow redirects', async () => {
    const elsewhere = await receiver();
    const hook = await receiver(() => ({ status: 307, headers: { location: elsewhere.url } }));
    const { id } = await subscribe(hook.url, { types: ['event.created'] });
    await createEvent('Redirected');
    const [failed] = await eventually(async () => {
      const items = await deliveries(id, '?status=failed');
      return items.length === 1 ? items : undefined;
    }, 45_000);
    expect(failed!.attempts.map((a: { statusCode: number }) => a.statusCode)).toEqual([307, 307, 307, 307]);
    expect(elsewhere.received).toHaveLength(0);
  }, 90_000);

  it('retries one delivery on request', async () => {
    let healthy = false;
    const hook = await receiver(() => ({ status: healthy ? 200 : 500 }));
    const { id } = await subscribe(hook.url, { types: ['event.created'] });
    await createEvent('Retried by hand');
    const [failed] = await eventually(async () => {
      const items = await deliveries(id, '?status=failed');
      return items.length === 1 ? items : undefined;
    }, 45_000);
    healthy = true;
    const retried = await t.call('POST', `/webhooks/${id}/deliveries/${failed!.id}/retry`, { key: partnerKey });
    expect(retried).toMatchObject({ status: 202, body: { status: 'pending' } });
    await eventually(async () => ((await deliveries(id, '?status=succeeded')).length === 1 ? true : undefined), 45_000);
    expect((await t.call('POST', `/webhooks/${id}/deliveries/msg_nothing/retry`, { key: partnerKey })).status).toBe(404);
  }, 90_000);

  it('keeps one dead endpoint from delaying the others', async () => {
    const dead = await receiver(() => 'hang');
    const alive = await receiver();
    await subscribe(dead.url, { types: ['event.created'] });
    await subscribe(alive.url, { types: ['event.created'] });
    await createEvent('Isolation');
    await dead.waitFor(1);
    await alive.waitFor(1);
    // The healthy endpoint was served while the dead one's attempt was still waiting for its 2 s timeout.
    expect(alive.received[0]!.at - dead.received[0]!.at).toBeLessThan(1500);
  });
});

describe('waking the dispatcher', () => {
  it('invokes it asynchronously on AWS as soon as fan-out has stored deliveries', async () => {
    const lambdaApi = await receiver(() => ({ status: 202 }));
    const aws = { DISPATCH_FUNCTION_NAME: 'taqweem-test-dispatch', AWS_ENDPOINT_URL_LAMBDA: new URL(lambdaApi.url).origin, AWS_REGION: 'eu-west-1', AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test' };
    // The local runtime sets these to itself (it answers the Invoke API); they are put back afterwards.
    const before = Object.fromEntries(Object.keys(aws).map((name) => [name, process.env[name]]));
    Object.assign(process.env, aws);
    try {
      const hook = await receiver();
      await subscribe(hook.url, { types: ['event.created'] });
      await createEvent('Wake the dispatcher');
      await lambdaApi.waitFor(1);
      expect(lambdaApi.received[0]).toMatchObject({ url: '/2015-03-31/functions/taqweem-test-dispatch/invocations', headers: { 'x-amz-invocation-type': 'Event' } });
      // Signed for Lambda in the function's region (one SigV4 request, no Lambda client in the bundle).
      expect(String(lambdaApi.received[0]!.headers.authorization)).toMatch(/^AWS4-HMAC-SHA256 Credential=test\/\d{8}\/eu-west-1\/lambda\/aws4_request, SignedHeaders=[^,]*x-amz-invocation-type/);
      // Only the schedule delivers here (the wake went to the stand-in), so this also proves the timer fallback.
      await hook.waitFor(1);
    } finally {
      for (const [name, value] of Object.entries(before)) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
    }
  });
});

describe('subscriptions', () => {
  it('answers a test message with the outcome of the attempt', async () => {
    const hook = await receiver(() => ({ status: 200, body: 'got it' }));
    const { id, secret } = await subscribe(hook.url);
    const reply = await t.call('POST', `/webhooks/${id}/test`, { key: partnerKey });
    expect(reply.body).toMatchObject({ messageId: expect.stringMatching(/^msg_/), outcome: { statusCode: 200, response: 'got it' } });
    expect(new Verifier(secret).verify(hook.received[0]!.body, hook.received[0]!.headers as Record<string, string>)).toMatchObject({ type: 'webhook.test' });
  });

  it('signs with both secrets while a rotation overlaps, so either verifies', async () => {
    const hook = await receiver();
    const { id, secret: oldSecret } = await subscribe(hook.url, { types: ['event.created'] });
    const rotated = await t.call('POST', `/webhooks/${id}/rotate-secret`, { key: partnerKey });
    expect(rotated.body.secret).toMatch(/^whsec_/);
    expect(Date.parse(rotated.body.previousSecretValidUntil) - Date.now()).toBeGreaterThan(23 * 3_600_000);
    await createEvent('After rotation');
    await hook.waitFor(1);
    const [message] = hook.received;
    expect(String(message!.headers['webhook-signature']).split(' ')).toHaveLength(2);
    for (const secret of [oldSecret, rotated.body.secret]) expect(new Verifier(secret).verify(message!.body, message!.headers as Record<string, string>)).toMatchObject({ type: 'event.created' });
    expect(JSON.stringify((await t.call('GET', `/webhooks/${id}`, { key: partnerKey })).body)).not.toContain('whsec_');
  });

  it('lists only your own, all for an admin; patches and deletes', async () => {
    const hook = await receiver();
    const mine = await subscribe(hook.url, { description: 'mine' });
    const theirs = await subscribe(hook.url, { description: 'theirs' }, otherPartnerKey);
    // Lists are views: wait until both subscriptions reached them, then the partner sees only its own.
    await t.runtime.pump.drain();
    const listed = (await t.call('GET', '/webhooks', { key: otherPartnerKey })).body.items.map((w: { id: string }) => w.id);
    expect(listed).toEqual([theirs.id]);
    const all = (await t.call('GET', '/webhooks')).body.items.map((w: { id: string }) => w.id);
    expect(all).toEqual(expect.arrayContaining([mine.id, theirs.id]));
    const patched = await t.call('PATCH', `/webhooks/${mine.id}`, { key: partnerKey, body: { types: ['event.cancelled'], description: null } });
    expect(patched.body).toMatchObject({ types: ['event.cancelled'] });
    expect(patched.body.description).toBeUndefined();
    expect((await t.call('PATCH', `/webhooks/${theirs.id}`, { key: partnerKey, body: { disabled: true } })).status).toBe(404);
    expect((await t.call('DELETE', `/webhooks/${mine.id}`, { key: partnerKey })).status).toBe(204);
    expect((await t.call('GET', `/webhooks/${mine.id}`, { key: partnerKey })).status).toBe(404);
    expect((await t.call('POST', '/webhooks', { key: null, body: { url: hook.url, types: ['*'] } })).status).toBe(401);
    expect((await t.call('POST', '/webhooks', { key: partnerKey, body: { url: hook.url, types: ['event.exploded'] } })).body.errors[0].field).toMatch(/^types/);
  });

  it('is disabled, as a recorded change, by a 410 Gone', async () => {
    const hook = await receiver(() => ({ status: 410 }));
    const { id } = await subscribe(hook.url, { types: ['event.created'] });
    await createEvent('Gone');
    const webhook = await eventually(async () => {
      const body = (await t.call('GET', `/webhooks/${id}`, { key: partnerKey })).body;
      return body.disabled ? body : undefined;
    });
    expect(webhook).toMatchObject({ disabled: true, disabledReason: 'the endpoint answered 410 Gone', version: 2 });
  });

  it('is disabled after failing without a success for the configured time', async () => {
    process.env.WEBHOOK_DISABLE_AFTER = '250ms';
    const hook = await receiver(() => ({ status: 500 }));
    const { id } = await subscribe(hook.url, { types: ['event.created'] });
    await createEvent('Failing for days');
    const webhook = await eventually(async () => {
      const body = (await t.call('GET', `/webhooks/${id}`, { key: partnerKey })).body;
      return body.disabled ? body : undefined;
    }, 45_000);
    expect(webhook.disabledReason).toMatch(/failed without a success since/);
    delete process.env.WEBHOOK_DISABLE_AFTER;
    const enabled = await t.call('PATCH', `/webhooks/${id}`, { key: partnerKey, body: { disabled: false } });
    expect(enabled.body).toMatchObject({ disabled: false });
    expect(enabled.body.disabledReason).toBeUndefined();
    process.env.WEBHOOK_DISABLE_AFTER = '250ms';
    const seen = hook.received.length;
    await createEvent('Failing again, but a fresh streak');
    // A retry comes only if the first failure did not disable the subscription again.
    await hook.waitFor(seen + 2);
  }, 90_000);
});

describe('targets', () => {
  it.each(['http://127.0.0.1/hook', 'https://10.0.0.1/hook', 'https://169.254.169.254/latest/meta-data', 'https://[::1]/hook', 'https://localhost/hook', 'http://example.com/hook'])(
    'refuses %s when private targets are not allowed',
    async (url) => {
      delete process.env.ALLOW_PRIVATE_WEBHOOK_TARGETS;
      // Earlier tests' deliveries keep running (and may record a webhook.disabled), so count subscriptions only.
      const before = await subscriptionsRecorded();
      const reply = await t.call('POST', '/webhooks', { key: partnerKey, body: { url, types: ['*'] } });
      expect(reply.status).toBe(400);
      expect(reply.body.errors[0].field).toBe('url');
      expect(await subscriptionsRecorded()).toBe(before);
    },
  );

  it('checks again at every attempt, and sends nothing to a target that became forbidden', async () => {
    const hook = await receiver();
    const { id } = await subscribe(hook.url, { types: ['event.created'] });
    delete process.env.ALLOW_PRIVATE_WEBHOOK_TARGETS;
    await createEvent('Rebinding');
    const [failed] = await eventually(async () => {
      const items = await deliveries(id, '?status=failed');
      return items.length === 1 ? items : undefined;
    }, 45_000);
    expect(failed!.attempts[0].error).toMatch(/^refused: /);
    expect(hook.received).toHaveLength(0);
  }, 90_000);
});
