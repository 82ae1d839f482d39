/** `npm run bench` (local memory): the runtime's RSS after 5,000 and after BENCH_RSS_REQUESTS (100,000) mixed requests. */
import { cpus, totalmem } from 'node:os';
import { measureRss } from './rss.ts';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
const total = Number(process.env.BENCH_RSS_REQUESTS ?? 100_000);
console.log(
  `Taqweem local memory bench — ${cpus()[0]?.model ?? 'unknown CPU'} ×${cpus().length}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}, dynalite in memory; ${total.toLocaleString('en')} requests`,
);
await measureRss(total, (line) => console.log(line));
