/**
 * The local runtime delivers stream records as AWS does: in order per stream, independent streams in parallel.
 * While one calendar's import is in flight, its projection held by a store that does not answer (a real slow
 * dependency, delayed at the HTTP level), a write to another calendar answers and is projected at once.
 */
import { createServer, request, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { tableNames } from '#config/env';
import { startTestRuntime } from '../helpers/runtime.ts';

let t: Awaited<ReturnType<typeof startTestRuntime>>;
beforeAll(async () => {
  t = await startTestRuntime();
});
afterAll(() => t.close());

const WRITES = new Set(['PutItem', 'UpdateItem', 'DeleteItem', 'BatchWriteItem', 'TransactWriteItems'].map((name) => `DynamoDB_20120810.${name}`));

/** An HTTP proxy in front of the store that holds view writes mentioning `word` until released. */
async function holdingProxy(target: string, word: string) {
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  let held = 0;
  let onHeld: () => void = () => undefined;
  const firstHeld = new Promise<void>((resolve) => (onHeld = resolve));
  const forward = (req: IncomingMessage, body: Buffer, res: import('node:http').ServerResponse) => {
    const upstream = request(`${target}${req.url}`, { method: req.method, headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 500, answer.headers);
      answer.pipe(res);
    });
    upstream.end(body);
  };
  const server: Server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    const text = body.toString('utf8');
    if (WRITES.has(String(req.headers['x-amz-target'])) && text.includes(tableNames().views) && text.includes(`"${word}"`)) {
      held += 1;
      onHeld();
      await released;
    }
    forward(req, body, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    firstHeld,
    held: () => held,
    release,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

const ics = (count: number) =>
  [
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    'PRODID:-//test//isolation//EN',
    ...Array.from({ length: count }, (_, i) => [
      'BEGIN:VEVENT',
      `UID:held-${i}@example.org`,
      'DTSTAMP:20261128T080000Z',
      `DTSTART;VALUE=DATE:202612${String(i + 1).padStart(2, '0')}`,
      `SUMMARY:Held ${i}`,
      'END:VEVENT',
    ]).flat(),
    'END:VCALENDAR',
    '',
  ].join('\r\n');

it("answers and projects a write to one calendar while another calendar's import is held in its projection", async () => {
  const calendar = (name: string) => ({ name: { en: name }, defaultLanguage: 'en', timeZone: 'Asia/Muscat' });
  expect((await t.call('PUT', '/calendars/drill', { body: calendar('Drill') })).status).toBe(201);
  expect((await t.call('PUT', '/calendars/other', { body: calendar('Other') })).status).toBe(201);
  const proxy = await holdingProxy(t.runtime.storeEndpoint, 'drill');
  const direct = process.env.DYNAMODB_ENDPOINT;
  // Handlers reach the store through the proxy from now on (they read DYNAMODB_ENDPOINT per invocation).
  process.env.DYNAMODB_ENDPOINT = proxy.url;
  try {
    let importAnswered = false;
    const importing = t.call('POST', '/calendars/drill/import', { rawBody: ics(3), headers: { 'content-type': 'text/calendar' } }).finally(() => (importAnswered = true));
    await proxy.firstHeld;

    const blocked = new Promise<'blocked'>((resolve) => setTimeout(() => resolve('blocked'), 15_000).unref());
    const created = await Promise.race([t.call('POST', '/events', { body: { calendar: 'other', title: { en: 'Not held up' }, schedule: { type: 'allDay', startDate: '2026-07-14', endDate: '2026-07-14' } } }), blocked]);
    expect(created).not.toBe('blocked');
    // The write was answered, and its projection is there, while the import's projection is still held.
    const listed = await t.call('GET', '/events?calendar=other');
    expect(listed.body.items.map((event: { title: { en: string } }) => event.title.en)).toEqual(['Not held up']);
    expect(importAnswered).toBe(false);
    expect(proxy.held()).toBeGreaterThan(0);

    proxy.release();
    expect((await importing).status).toBe(200);
    const drill = await t.call('GET', '/events?calendar=drill');
    expect(drill.body.items).toHaveLength(3);
  } finally {
    proxy.release();
    process.env.DYNAMODB_ENDPOINT = direct;
    await proxy.close();
  }
}, 60_000);
