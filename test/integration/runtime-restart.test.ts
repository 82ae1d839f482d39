/**
 * A start costs what the last run left undelivered, not the journal's length (the stream log, stream-log.ts),
 * and a kill between commits and their delivery still loses nothing: views and webhooks catch up.
 */
import { spawn } from 'node:child_process';
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import type { ClientRequest } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { repositoryRoot } from '../../infra/local/runtime.ts';
import { eventually, startReceiver, type Received } from '../helpers/receiver.ts';
import { startTestRuntime } from '../helpers/runtime.ts';

const folders: string[] = [];
const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'taqweem-restart-'));
  folders.push(dir);
  return dir;
};
const settings = { ALLOW_PRIVATE_WEBHOOK_TARGETS: '1' };
afterAll(() => {
  for (const dir of folders) rmSync(dir, { recursive: true, force: true });
  for (const name of Object.keys(settings)) delete process.env[name];
});

const calendar = { name: { en: 'Drill' }, defaultLanguage: 'en', timeZone: 'Asia/Muscat' };
const event = (title: string) => ({ calendar: 'drill', title: { en: title }, schedule: { type: 'allDay', startDate: '2026-07-14', endDate: '2026-07-14' } });

/** The DynamoDB calls made while `work` runs, by operation (every store call in this process goes through node:http). */
async function storeCalls(work: () => Promise<unknown>): Promise<Record<string, number>> {
  const calls: Record<string, number> = {};
  const count = (message: unknown) => {
    const target = String((message as { request: ClientRequest }).request.getHeader('x-amz-target') ?? '');
    if (target) calls[target.replace('DynamoDB_20120810.', '')] = (calls[target.replace('DynamoDB_20120810.', '')] ?? 0) + 1;
  };
  subscribe('http.client.request.start', count);
  try {
    await work();
  } finally {
    unsubscribe('http.client.request.start', count);
  }
  return calls;
}

it('starts without reading the journal when everything was delivered, however many commits it holds', async () => {
  const path = join(tempDir(), 'dynalite');
  const first = await startTestRuntime({ storePath: path });
  await first.call('PUT', '/calendars/drill', { body: calendar });
  for (let i = 0; i < 40; i++) expect((await first.call('POST', '/events', { body: event(`Event ${i}`) })).status).toBe(201);
  await first.close();

  let second: Awaited<ReturnType<typeof startTestRuntime>> | undefined;
  const calls = await storeCalls(async () => {
    second = await startTestRuntime({ storePath: path });
  });
  try {
    // Creating the tables (they exist) is all a start asks of the store: no scan, no read, nothing projected again.
    expect(calls).toEqual({ CreateTable: 5 });
    expect((await second!.call('GET', '/events?calendar=drill&limit=100')).body.items).toHaveLength(40);
  } finally {
    await second?.close();
  }
}, 60_000);

it('delivers, after a kill -9, the commits that were recorded and never delivered: to the views and to webhooks', async () => {
  Object.assign(process.env, settings);
  const dataDir = tempDir();
  const path = join(dataDir, 'dynalite');
  const hook = await startReceiver();
  const titleOf = (request: Received) => (JSON.parse(request.body) as { data: { event: { title: { en: string } } } }).data.event.title.en;
  try {
    const first = await startTestRuntime({ storePath: path });
    await first.call('PUT', '/calendars/drill', { body: calendar });
    await first.call('POST', '/events', { body: event('Before the subscription') });
    expect((await first.call('POST', '/webhooks', { body: { url: hook.url, types: ['event.created'] } })).status).toBe(201);
    await first.close();

    // A process whose stream records would arrive ten minutes after each write: killed before any does.
    const key = 'restart-test-admin-key';
    const child = spawn(process.execPath, ['--import', 'tsx', 'infra/local/main.ts'], {
      cwd: repositoryRoot,
      env: { ...process.env, PORT: '0', DATA_DIR: dataDir, ADMIN_API_KEY: key, SEED: '0', TAQWEEM_STREAM_LAG_MS: '600000' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    const url = await new Promise<string>((resolve, reject) => {
      const onData = (chunk: Buffer) => {
        output += chunk.toString();
        const found = /running at (http:\/\/\S+)/.exec(output)?.[1];
        if (found && output.includes('Ctrl-C')) resolve(found);
      };
      child.stdout.on('data', onData);
      child.stderr.on('data', onData);
      child.once('exit', (code) => reject(new Error(`exited with ${code}: ${output}`)));
    });
    const titles = ['Killed 0', 'Killed 1', 'Killed 2'];
    for (const title of titles) {
      const reply = await fetch(`${url}/events`, { method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, body: JSON.stringify(event(title)) });
      expect(reply.status).toBe(201);
    }
    child.kill('SIGKILL');
    await new Promise((resolve) => child.once('close', resolve));
    expect(hook.received).toHaveLength(0);

    const second = await startTestRuntime({ storePath: path, scheduleIntervalMs: 50 });
    try {
      const listed = await second.call('GET', '/events?calendar=drill');
      expect(listed.body.items.map((e: { title: { en: string } }) => e.title.en).sort()).toEqual(['Before the subscription', ...titles]);
      await hook.waitFor(3);
      await eventually(async () => ((await second.call('GET', '/events?calendar=drill')).status === 200 ? true : undefined));
      expect(hook.received.map(titleOf).sort()).toEqual(titles);
    } finally {
      await second.close();
    }
  } finally {
    await hook.close();
  }
}, 90_000);
