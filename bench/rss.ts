/**
 * The local runtime's memory under a long mixed load (issue #9 point 9): RSS after forced GC, after 5,000
 * requests and after `total`, in this process (which is the runtime's, as under `npm start`). Beside RSS: the
 * V8 heap in use and, for the in-memory store, the bytes of data it holds, so data is told apart from a leak.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setFlagsFromString, writeHeapSnapshot } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { startRuntime } from '../infra/local/runtime.ts';
import { trackInMemoryStores } from '../infra/local/store-footprint.ts';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
const storeFootprint = trackInMemoryStores();

const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MiB`;

/** 'memory' is DATA_DIR=memory (and the tests); 'disk' is `npm start`'s default, LevelDB files in DATA_DIR. */
export type RssStore = 'memory' | 'disk';

interface Sample {
  rss: number;
  heapUsed: number;
  data: number;
}

async function settled(): Promise<Sample> {
  for (let i = 0; i < 3; i++) gc();
  const { rss, heapUsed } = process.memoryUsage();
  return { rss, heapUsed, data: (await storeFootprint()).bytes };
}

export async function measureRss(total: number, storeKind: RssStore, print: (line: string) => void): Promise<void> {
  const adminKey = 'bench-admin-key-0123456789abcdef';
  const dataDir = storeKind === 'disk' ? mkdtempSync(join(tmpdir(), 'taqweem-rss-')) : undefined;
  const runtime = await startRuntime({ adminApiKey: adminKey, log: () => undefined, ...(dataDir ? { storePath: join(dataDir, 'dynalite') } : {}) });
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
  // A heap snapshot costs RSS of its own: for finding a leak (BENCH_RSS_SNAPSHOTS=<folder>), not for the figures.
  const snapshot = (count: number) => process.env.BENCH_RSS_SNAPSHOTS && print(`    heap snapshot: ${writeHeapSnapshot(join(process.env.BENCH_RSS_SNAPSHOTS, `rss-${storeKind}-${count}.heapsnapshot`))}`);
  const started = performance.now();
  print(
    `\nLocal runtime RSS after forced GC, store ${storeKind === 'memory' ? 'in memory (DATA_DIR=memory, tests)' : "on disk (npm start's default)"} (mixed: 40% month lists, 25% event reads, 8% PATCH, 2% POST, 10% calendars, 1% feeds, 14% health; 4 clients)`,
  );
  await run(5_000);
  const early = await settled();
  const describe = (sample: Sample) => `heap used ${mib(sample.heapUsed)}${storeKind === 'memory' ? `, store data ${mib(sample.data)}` : ''}`;
  print(`  baseline: after 5,000 requests       ${mib(early.rss)}  (${describe(early)})`);
  snapshot(5_000);
  const checkpoints = process.env.BENCH_RSS_CHECKPOINTS?.split(',').map(Number) ?? [25_000, 50_000, total];
  for (const checkpoint of checkpoints.filter((count, i, all) => count <= total && all.indexOf(count) === i)) {
    await run(checkpoint);
    const sample = await settled();
    const ratio = sample.rss / early.rss;
    const withoutData = (sample.rss - sample.data) / (early.rss - early.data);
    const rate = Math.round(checkpoint / ((performance.now() - started) / 1000));
    print(
      `  after ${checkpoint.toLocaleString('en')} requests`.padEnd(38) +
        `${mib(sample.rss)}  ${ratio.toFixed(2)}× (target ≤ 1.3×: ${ratio <= 1.3 ? 'met' : 'NOT met'})` +
        `${storeKind === 'memory' ? `; RSS − store data ${withoutData.toFixed(2)}×` : ''}  (${describe(sample)}; ${rate} requests/s)`,
    );
    snapshot(checkpoint);
  }
  await runtime.close();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
}
