/**
 * Asymmetric signatures (Standard Webhooks `v1a`, ed25519): the partner gets only the public key (`whpk_…`)
 * and verifies with it; the private key never appears in a response or a log line. The official
 * `standardwebhooks` npm package (1.1.1, the latest) verifies `v1` only, so each message is checked by two
 * independent ed25519 implementations following the specification: node:crypto and @noble/ed25519. The official
 * Go library, which cannot run here, verified live deliveries by hand (docs/decisions/0026); its published
 * vectors are in test/unit/webhook-signing-vectors.test.ts.
 */
import { createPublicKey, verify as verifyWith } from 'node:crypto';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import * as noble from '@noble/ed25519';
import { Webhook as Verifier } from 'standardwebhooks';
import { documentClient, tableNames } from '#config/env';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startReceiver, type Received } from '../helpers/receiver.ts';
import { startTestRuntime, type Reply } from '../helpers/runtime.ts';

let t: Awaited<ReturnType<typeof startTestRuntime>>;
let partnerKey: string;
const receivers: Awaited<ReturnType<typeof startReceiver>>[] = [];
const replies: Reply[] = [];
const printed: string[] = [];
const writes = { stdout: process.stdout.write, stderr: process.stderr.write };

const call = async (...args: Parameters<typeof t.call>) => {
  const reply = await t.call(...args);
  replies.push(reply);
  return reply;
};

/** The raw 32-byte key of a `whpk_` public key. */
const rawKey = (publicKey: string) => Buffer.from(publicKey.slice('whpk_'.length), 'base64');

/** The message's `v1a` signatures, decoded. */
const v1aSignatures = (request: Received) =>
  String(request.headers['webhook-signature'])
    .split(' ')
    .map((entry) => entry.split(','))
    .filter(([version]) => version === 'v1a')
    .map(([, signature]) => Buffer.from(signature!, 'base64'));

/** What the specification signs: "{webhook-id}.{webhook-timestamp}.{body}". */
const signedContent = (request: Received, body = request.body) => Buffer.from(`${request.headers['webhook-id']}.${request.headers['webhook-timestamp']}.${body}`);

function verifiedByNodeCrypto(request: Received, publicKey: string, body?: string): boolean {
  const key = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: rawKey(publicKey).toString('base64url') }, format: 'jwk' });
  return v1aSignatures(request).some((signature) => verifyWith(null, signedContent(request, body), key, signature));
}

async function verifiedByNoble(request: Received, publicKey: string, body?: string): Promise<boolean> {
  for (const signature of v1aSignatures(request)) if (await noble.verifyAsync(signature, signedContent(request, body), rawKey(publicKey))) return true;
  return false;
}

async function subscribe(url: string, body: Record<string, unknown> = {}) {
  const reply = await call('POST', '/webhooks', { key: partnerKey, body: { url, types: ['event.created'], calendars: ['ato'], signature: 'v1a', ...body } });
  expect(reply.status).toBe(201);
  return reply.body as { id: string; signature: string; publicKey: string; secret?: string };
}

const createEvent = (title: string) => call('POST', '/events', { body: { calendar: 'ato', title: { en: title }, schedule: { type: 'allDay', startDate: '2026-07-14', endDate: '2026-07-14' } } });

/** The stored private keys (`whsk_…`) of every subscription. */
async function storedPrivateKeys(): Promise<string[]> {
  const page = await documentClient().send(new ScanCommand({ TableName: tableNames().secrets, ConsistentRead: true }));
  return (page.Items ?? []).flatMap((item) => [item.current as string, ...((item.previous ?? []) as { secret: string }[]).map((p) => p.secret)]).filter((secret) => secret.startsWith('whsk_'));
}

beforeAll(async () => {
  Object.assign(process.env, { ALLOW_PRIVATE_WEBHOOK_TARGETS: '1', WEBHOOK_RETRY_SCHEDULE: '100ms,200ms', WEBHOOK_ATTEMPT_TIMEOUT: '2s' });
  // Everything printed while the service runs (Powertools logs go to stdout), to look for private keys in it.
  const capture = (stream: 'stdout' | 'stderr') =>
    ((chunk: string | Uint8Array, ...rest: unknown[]) => {
      printed.push(String(chunk));
      return (writes[stream] as (...args: unknown[]) => boolean).call(process[stream], chunk, ...rest);
    }) as typeof process.stdout.write;
  process.stdout.write = capture('stdout');
  process.stderr.write = capture('stderr');
  t = await startTestRuntime({ scheduleIntervalMs: 50 });
  await t.call('PUT', '/calendars/ato', { body: { name: { en: 'ATO' }, defaultLanguage: 'en', timeZone: 'Asia/Kuwait' } });
  partnerKey = (await t.call('POST', '/keys', { body: { name: 'CPAFFC', role: 'partner' } })).body.key;
});
afterAll(async () => {
  process.stdout.write = writes.stdout;
  process.stderr.write = writes.stderr;
  await t?.close();
  await Promise.all(receivers.map((r) => r.close()));
});

describe('v1a (ed25519) signatures', () => {
  it('gives the partner only a whpk_ public key, shown again on GET, and signs messages that verify with it', async () => {
    const hook = await startReceiver();
    receivers.push(hook);
    const created = await subscribe(hook.url);
    expect(created).toMatchObject({ signature: 'v1a', publicKey: expect.stringMatching(/^whpk_[A-Za-z0-9+/]{43}=$/) });
    expect(created.secret).toBeUndefined();
    expect(rawKey(created.publicKey)).toHaveLength(32);
    expect((await call('GET', `/webhooks/${created.id}`, { key: partnerKey })).body).toMatchObject({ signature: 'v1a', publicKey: created.publicKey });

    await createEvent('Signed with ed25519');
    await hook.waitFor(1);
    const [message] = hook.received;
    expect(String(message!.headers['webhook-signature'])).toMatch(/^v1a,[A-Za-z0-9+/]{86}==$/);
    expect(verifiedByNodeCrypto(message!, created.publicKey)).toBe(true);
    expect(await verifiedByNoble(message!, created.publicKey)).toBe(true);
    expect(JSON.parse(message!.body)).toMatchObject({ type: 'event.created', data: { event: { title: { en: 'Signed with ed25519' } } } });
    // A changed body, or another subscription's key, does not verify.
    const tampered = message!.body.replace('Signed', 'Forged');
    expect(verifiedByNodeCrypto(message!, created.publicKey, tampered)).toBe(false);
    expect(await verifiedByNoble(message!, created.publicKey, tampered)).toBe(false);
    const other = await subscribe('http://127.0.0.1:9/other');
    expect(verifiedByNodeCrypto(message!, other.publicKey)).toBe(false);
  });

  it('signs test messages with v1a too, and a v1 subscription keeps its whsec_ secret and v1 signatures', async () => {
    const hook = await startReceiver();
    receivers.push(hook);
    const asymmetric = await subscribe(hook.url);
    const tested = await call('POST', `/webhooks/${asymmetric.id}/test`, { key: partnerKey });
    expect(tested.body.outcome.statusCode).toBe(200);
    expect(verifiedByNodeCrypto(hook.received[0]!, asymmetric.publicKey)).toBe(true);
    expect(await verifiedByNoble(hook.received[0]!, asymmetric.publicKey)).toBe(true);

    const symmetric = await subscribe(hook.url, { signature: 'v1' });
    expect(symmetric).toMatchObject({ signature: 'v1', secret: expect.stringMatching(/^whsec_/) });
    expect(symmetric.publicKey).toBeUndefined();
    await call('POST', `/webhooks/${symmetric.id}/test`, { key: partnerKey });
    expect(String(hook.received[1]!.headers['webhook-signature'])).toMatch(/^v1,/);
    expect(new Verifier(symmetric.secret!).verify(hook.received[1]!.body, hook.received[1]!.headers as Record<string, string>)).toMatchObject({ type: 'webhook.test' });
  });

  it('rotates like a secret: a new public key, and both keys sign until the overlap ends', async () => {
    const hook = await startReceiver();
    receivers.push(hook);
    const { id, publicKey: oldKey } = await subscribe(hook.url);
    const rotated = await call('POST', `/webhooks/${id}/rotate-secret`, { key: partnerKey });
    expect(rotated.status).toBe(200);
    expect(rotated.body).toEqual({ publicKey: expect.stringMatching(/^whpk_/), previousPublicKeyValidUntil: expect.any(String) });
    const newKey = rotated.body.publicKey as string;
    expect(newKey).not.toBe(oldKey);
    expect(Date.parse(rotated.body.previousPublicKeyValidUntil) - Date.now()).toBeGreaterThan(23 * 3_600_000);
    expect((await call('GET', `/webhooks/${id}`, { key: partnerKey })).body.publicKey).toBe(newKey);

    await createEvent('After the rotation');
    await hook.waitFor(1);
    const [message] = hook.received;
    expect(v1aSignatures(message!)).toHaveLength(2);
    for (const key of [oldKey, newKey]) {
      expect(verifiedByNodeCrypto(message!, key)).toBe(true);
      expect(await verifiedByNoble(message!, key)).toBe(true);
    }
  });

  it('refuses an unknown scheme, naming the field', async () => {
    const reply = await call('POST', '/webhooks', { key: partnerKey, body: { url: 'http://127.0.0.1:9/x', types: ['*'], signature: 'v2' } });
    expect(reply.status).toBe(400);
    expect(reply.body.errors).toEqual([expect.objectContaining({ field: 'signature' })]);
  });

  it('never shows a private key: not in any response, nor in anything printed or logged', async () => {
    const privateKeys = await storedPrivateKeys();
    expect(privateKeys.length).toBeGreaterThanOrEqual(4);
    const seen = [...replies.map((reply) => reply.text), ...printed, ...t.logs.map((line) => JSON.stringify(line))].join('\n');
    expect(seen).toContain('whpk_');
    expect(seen).not.toContain('whsk_');
    for (const key of privateKeys) {
      const seed = key.slice('whsk_'.length);
      expect(seen).not.toContain(seed);
      expect(seen).not.toContain(Buffer.from(seed, 'base64').toString('base64url'));
      expect(seen).not.toContain(Buffer.from(seed, 'base64').toString('hex'));
    }
  });
});
