/**
 * `npm run bench` (local memory): the runtime's RSS after 5,000 and after BENCH_RSS_REQUESTS (100,000) mixed
 * requests, for each store of BENCH_RSS_STORES (memory,disk), each in a process of its own.
 */
import { spawnSync } from 'node:child_process';
import { cpus, loadavg, totalmem } from 'node:os';
import { measureRss, type RssStore } from './rss.ts';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
const total = Number(process.env.BENCH_RSS_REQUESTS ?? 100_000);
const stores = (process.env.BENCH_RSS_STORES ?? 'memory,disk').split(',') as RssStore[];
const load = () =>
  `load ${loadavg()
    .map((figure) => figure.toFixed(1))
    .join(' ')}`;

if (stores.length > 1) {
  console.log(`Taqweem local memory bench — ${cpus()[0]?.model ?? 'unknown CPU'} ×${cpus().length}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}; ${total.toLocaleString('en')} requests`);
  for (const store of stores) {
    const child = spawnSync(process.execPath, process.execArgv.concat(process.argv.slice(1)), { stdio: 'inherit', env: { ...process.env, BENCH_RSS_STORES: store } });
    if (child.status !== 0) process.exit(child.status ?? 1);
  }
} else {
  console.log(`  (${load()} at the start)`);
  await measureRss(total, stores[0]!, (line) => console.log(line));
  console.log(`  (${load()} at the end)`);
}
