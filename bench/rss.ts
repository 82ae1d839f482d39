/**
 * The local runtime's memory under a long mixed load (issue #9 point 9): RSS after forced GC, after 5,000
 * requests and after `total`, in this process (which is the runtime's, as under `npm start`).
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { startRuntime } from '../infra/local/runtime.ts';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MiB`;

function settledRss(): number {
  for (let i = 0; i < 3; i++) gc();
  return process.memoryUsage().rss;
}

export async function measureRss(total: number, print: (line: string) => void): Promise<void> {
  const adminKey = 'bench-admin-key-0123456789abcdef';
  const runtime = await startRuntime({ adminApiKey: adminKey, log: () => undefined });
  const headers = { authorization: `Bearer ${adminKey}`, 'content-type': 'application/json' };
  const call = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`${runtime.url}${path}`, { method, headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
    const text = await response.text();
    if (response.status >= 500) throw new Error(`${method} ${path}: ${response.status} ${text}`);
    return response.headers.get('content-type')?.includes('json') && text ? (JSON.parse(text) as { id?: string }) : {};
  };
  const event = (calendar: string, day: number) => ({
    calendar,
    title: { en: `Load ${day}`, ar: 'حمل' },
    schedule: { type: 'timed', start: `2027-04-${String((day % 28) + 1).padStart(2, '0')}T09:00`, end: `2027-04-${String((day % 28) + 1).padStart(2, '0')}T10:00`, timeZone: 'Asia/Kuwait' },
  });
  for (const id of ['load', 'load-feed']) await call('PUT', `/calendars/${id}`, { name: { en: id }, defaultLanguage: 'en', timeZone: 'Asia/Kuwait' });
  for (let i = 0; i < 20; i++) await call('POST', '/events', event('load-feed', i));
  const ids: string[] = [];
  for (let i = 0; i < 200; i++) ids.push((await call('POST', '/events', event('load', i))).id!);

  // The mix: mostly reads (month lists, events, calendars), some writes, a few feeds.
  const request = (i: number) => {
    const id = ids[i % ids.length]!;
    const slot = i % 100;
    if (slot < 40) return call('GET', '/events?calendar=load&from=2027-04-01T00:00:00Z&to=2027-05-01T00:00:00Z&limit=50');
    if (slot < 65) return call('GET', `/events/${id}`);
    if (slot < 73) return call('PATCH', `/events/${id}`, { tags: [`t${i % 7}`] });
    if (slot < 75) return call('POST', '/events', event('load', i));
    if (slot < 85) return call('GET', '/calendars/load');
    if (slot < 86) return call('GET', '/feeds/load-feed.ics');
    return call('GET', '/health');
  };
  let next = 0;
  const run = async (until: number) => {
    await Promise.all(
      Array.from({ length: 4 }, async () => {
        while (next < until) await request(next++);
      }),
    );
  };
  const started = performance.now();
  print(`\nLocal runtime RSS after forced GC (mixed: 40% month lists, 25% event reads, 8% PATCH, 2% POST, 10% calendars, 1% feeds, 14% health; 4 clients)`);
  await run(5_000);
  const early = settledRss();
  print(`  baseline: after 5,000 requests       ${mib(early)}`);
  for (const checkpoint of [25_000, 50_000, total].filter((count, i, all) => count <= total && all.indexOf(count) === i)) {
    await run(checkpoint);
    const rss = settledRss();
    const ratio = rss / early;
    const rate = Math.round(checkpoint / ((performance.now() - started) / 1000));
    print(`  after ${checkpoint.toLocaleString('en')} requests`.padEnd(38) + `${mib(rss)}  ${ratio.toFixed(2)}× (target ≤ 1.3×: ${ratio <= 1.3 ? 'met' : 'NOT met'}); ${rate} requests/s`);
  }
  await runtime.close();
}
