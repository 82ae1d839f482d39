/** The local runtime as a person runs it: persistence, seeding, crashes. */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createEvent } from '#commands/events';
import { putCalendar } from '#commands/calendars';
import { newId } from '#domain/ids';
import { createEventSchema } from '#domain/schemas';
import { repositoryRoot } from '../../infra/local/runtime.ts';
import { startTestRuntime } from '../helpers/runtime.ts';
import { startTestStore } from '../helpers/store.ts';
import { eventually, startReceiver } from '../helpers/receiver.ts';

const folders: string[] = [];
const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'taqweem-'));
  folders.push(dir);
  return dir;
};
afterAll(() => folders.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

describe('a crash between a commit and its projection', () => {
  it('loses nothing: the views catch up when the runtime starts again', async () => {
    const path = tempDir();
    // Commits land in the journal while nothing consumes the stream, as if the process died right after them.
    const store = await startTestStore(path);
    const d = { client: store.client, journal: store.journal, tables: store.tables, now: () => new Date(), newId: () => newId(), adminKeyHash: async () => undefined };
    const admin = { kind: 'key', id: 'admin', role: 'admin' } as const;
    await putCalendar(d, 'ato', { name: { en: 'ATO' }, defaultLanguage: 'ar', timeZone: 'Asia/Kuwait' }, admin);
    const input = createEventSchema().parse({ calendar: 'ato', title: { en: 'Committed, never projected' }, schedule: { type: 'allDay', startDate: '2026-07-14', endDate: '2026-07-14' } });
    const { event } = await createEvent(d, input, admin);
    await store.close();

    const t = await startTestRuntime({ storePath: path });
    try {
      const listed = await t.call('GET', '/events?calendar=ato');
      expect(listed.body.items.map((e: { id: string }) => e.id)).toEqual([event.id]);
      expect((await t.call('GET', '/calendars')).body.items.map((c: { id: string }) => c.id)).toEqual(['ato']);
    } finally {
      await t.close();
    }
  });
});

function startService(dataDir: string, env: Record<string, string> = {}): Promise<{ child: ChildProcess; url: string; output: () => string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'infra/local/main.ts'], {
    cwd: repositoryRoot,
    // Without POWERTOOLS_METRICS_DISABLED from this process: npm start must default it itself.
    env: { ...process.env, POWERTOOLS_METRICS_DISABLED: undefined, PORT: '0', DATA_DIR: dataDir, ADMIN_API_KEY: '', SEED: '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  return new Promise((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const url = /running at (http:\/\/\S+)/.exec(output)?.[1];
      if (url && output.includes('Ctrl-C')) resolve({ child, url, output: () => output });
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`exited with ${code}: ${output}`)));
  });
}

describe('npm start', () => {
  it('seeds an empty store once, prints and keeps the admin key, and survives kill -9', async () => {
    const dataDir = tempDir();
    const first = await startService(dataDir);
    const adminKey = readFileSync(join(dataDir, 'admin-key'), 'utf8').trim();
    expect(statSync(join(dataDir, 'admin-key')).mode & 0o777).toBe(0o600);
    expect(first.output()).toContain(adminKey);
    expect(first.output()).toContain('loaded the launch customer');
    // The list is a view: in the lagged mode (this child inherits TAQWEEM_STREAM_LAG_MS) it fills in after start.
    type Listed = { items: { schedule: { type: string; month: string } }[] };
    const seeded = await eventually(async () => {
      const list = (await (await fetch(`${first.url}/events?calendar=ato`)).json()) as Listed;
      return list.items.length >= 4 ? list : undefined;
    });
    expect(seeded.items.map((e: { schedule: { type: string; month: string } }) => `${e.schedule.type} ${e.schedule.month}`)).toEqual(['month 2026-06', 'month 2026-07', 'month 2026-10', 'month 2026-12']);
    const created = await fetch(`${first.url}/events`, {
      method: 'POST',
      headers: { authorization: `Bearer ${adminKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ calendar: 'ato', title: { en: 'Survives kill -9' }, schedule: { type: 'allDay', startDate: '2026-12-01', endDate: '2026-12-01' } }),
    });
    expect(created.status).toBe(201);
    expect((await fetch(`${first.url}/feeds/ato.ics`)).status).toBe(200);
    // EMF lines are for CloudWatch: locally the terminal shows none (the feed and the dispatcher's sweeps record metrics).
    expect(first.output()).not.toContain('"_aws"');
    first.child.kill('SIGKILL');
    await new Promise((resolve) => first.child.once('close', resolve));

    const second = await startService(dataDir);
    try {
      expect(second.output()).toContain('not seeded');
      expect(second.output()).not.toContain(adminKey);
      const after = await eventually(async () => {
        const list = (await (await fetch(`${second.url}/events?calendar=ato`)).json()) as { items: unknown[] };
        return list.items.length >= 5 ? list : undefined;
      });
      expect(after.items).toHaveLength(5);
      const auth = await fetch(`${second.url}/keys`, { headers: { authorization: `Bearer ${adminKey}` } });
      expect(auth.status).toBe(200);
    } finally {
      second.child.kill('SIGTERM');
      await new Promise((resolve) => second.child.once('close', resolve));
    }
  }, 60_000);
});

describe('webhook deliveries', () => {
  it('survive kill -9 mid-retry: after a restart every delivery completes', async () => {
    let healthy = false;
    const hook = await startReceiver(() => ({ status: healthy ? 200 : 500 }));
    const dataDir = tempDir();
    const env = {
      ADMIN_API_KEY: 'crash-test-admin-key',
      ALLOW_PRIVATE_WEBHOOK_TARGETS: '1',
      WEBHOOK_RETRY_SCHEDULE: '300ms,300ms,300ms,300ms,300ms,300ms',
      WEBHOOK_ATTEMPT_TIMEOUT: '1s',
      SCHEDULE_INTERVAL_MS: '100',
      SEED: '0',
    };
    const auth = { authorization: 'Bearer crash-test-admin-key', 'content-type': 'application/json' };
    const first = await startService(dataDir, env);
    expect(first.output()).toContain('ALLOW_PRIVATE_WEBHOOK_TARGETS=1');
    await fetch(`${first.url}/calendars/ato`, { method: 'PUT', headers: auth, body: JSON.stringify({ name: { en: 'ATO' }, defaultLanguage: 'en', timeZone: 'Asia/Kuwait' }) });
    const webhook = (await (await fetch(`${first.url}/webhooks`, { method: 'POST', headers: auth, body: JSON.stringify({ url: hook.url, types: ['event.created'] }) })).json()) as { id: string };
    await fetch(`${first.url}/events`, {
      method: 'POST',
      headers: auth,
      body: JSON.stringify({ calendar: 'ato', title: { en: 'Delivered despite a crash' }, schedule: { type: 'allDay', startDate: '2026-07-14', endDate: '2026-07-14' } }),
    });
    await hook.waitFor(1);
    first.child.kill('SIGKILL');
    await new Promise((resolve) => first.child.once('close', resolve));
    healthy = true;
    const before = hook.received.length;

    const second = await startService(dataDir, env);
    try {
      // An attempt cut short by the crash keeps its lease (attempt timeout + 5 s), then is made again.
      await hook.waitFor(before + 1, 20_000);
      const status = await eventually(async () => {
        const reply = (await (await fetch(`${second.url}/webhooks/${webhook.id}/deliveries`, { headers: auth })).json()) as { items: { status: string }[] };
        return reply.items[0]?.status === 'succeeded' ? reply.items : undefined;
      });
      expect(status).toHaveLength(1);
      expect(new Set(hook.received.map((r) => r.headers['webhook-id'])).size).toBe(1);
    } finally {
      second.child.kill('SIGTERM');
      await new Promise((resolve) => second.child.once('close', resolve));
      await hook.close();
    }
  }, 60_000);
});
