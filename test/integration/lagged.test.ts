/**
 * The local runtime in its AWS-like mode (ops #11): a write is answered before its stream records reach the
 * consumers, so views lag behind the journal as they do behind DynamoDB Streams. Reads of one entity go to
 * the journal and are never stale; lists are views and catch up.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { eventually } from '../helpers/receiver.ts';
import { startTestRuntime } from '../helpers/runtime.ts';

const LAG_MS = 400;
let t: Awaited<ReturnType<typeof startTestRuntime>>;
beforeAll(async () => {
  t = await startTestRuntime({ streamLagMs: LAG_MS });
});
afterAll(() => t.close());

const calendar = { name: { en: 'Lagged' }, defaultLanguage: 'en', timeZone: 'Asia/Kuwait' };
const listed = async (id: string) => ((await t.call('GET', '/calendars?limit=200', { key: null })).body.items as { id: string }[]).some((c) => c.id === id);

it('answers a write before the views see it, then the views catch up', async () => {
  const started = Date.now();
  const put = await t.call('PUT', '/calendars/lagged', { body: calendar });
  expect(put.status).toBe(201);
  // Read-your-write on the entity itself holds at once: it is read from the journal.
  expect((await t.call('GET', '/calendars/lagged', { key: null })).body).toMatchObject({ id: 'lagged', version: 1 });
  // The list is a view: within the lag it does not show the new calendar yet (proving the lag is real)…
  if (Date.now() - started < LAG_MS / 2) expect(await listed('lagged')).toBe(false);
  // …and then it does, without any further write.
  await eventually(async () => ((await listed('lagged')) ? true : undefined), 10_000);
  expect(Date.now() - started).toBeGreaterThanOrEqual(LAG_MS);
});

it('drains lagging records too, so a stop loses none', async () => {
  await t.call('PUT', '/calendars/drained', { body: calendar });
  await t.runtime.pump.drain();
  expect(await listed('drained')).toBe(true);
});
