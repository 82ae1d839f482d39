/** A restart with a new subscriber: the local runtime's catch-up must not send it what came before it. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startReceiver, type Received } from '../helpers/receiver.ts';
import { startTestRuntime } from '../helpers/runtime.ts';

const settings = { ALLOW_PRIVATE_WEBHOOK_TARGETS: '1' };
const titleOf = (request: Received) => (JSON.parse(request.body) as { data: { event: { title: { en: string } } } }).data.event.title.en;
afterAll(() => {
  for (const name of Object.keys(settings)) delete process.env[name];
});

describe('subscription start', () => {
  it('sends a subscription only what was recorded after it, across a restart', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'taqweem-webhooks-'));
    const path = join(dir, 'dynalite');
    Object.assign(process.env, settings);
    const hook = await startReceiver();
    try {
      let local = await startTestRuntime({ storePath: path, scheduleIntervalMs: 50 });
      const call = local.call;
      await call('PUT', '/calendars/drill', { body: { name: { en: 'Drill' }, defaultLanguage: 'en', timeZone: 'Asia/Muscat' } });
      const body = (title: string) => ({ body: { calendar: 'drill', title: { en: title }, schedule: { type: 'allDay', startDate: '2026-07-14', endDate: '2026-07-14' } } });
      for (let i = 0; i < 3; i++) await call('POST', '/events', body(`Older ${i}`));
      expect((await call('POST', '/webhooks', { body: { url: hook.url, types: ['*'] } })).status).toBe(201);
      await call('POST', '/events', body('Newer'));
      await hook.waitFor(1);
      await local.close();
      local = await startTestRuntime({ storePath: path, scheduleIntervalMs: 50 });
      await local.call('POST', '/events', body('After the restart'));
      await hook.waitFor(2);
      await new Promise((resolve) => setTimeout(resolve, 500));
      await local.close();
      expect(hook.received.map(titleOf)).toEqual(['Newer', 'After the restart']);
    } finally {
      await hook.close();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
