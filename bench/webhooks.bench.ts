/**
 * Webhooks under load and under a hostile partner, on the local runtime (dynalite in process, receivers on
 * 127.0.0.1 in the same process):
 * - isolation: change → receipt for 10 healthy endpoints, alone and next to one endpoint that accepts
 *   connections and never answers, with a backlog of 10,000 deliveries; the ratio of the two p99s;
 * - throughput: 1,000 writes × 10 subscribers through the API (change → receipt p50/p99, deliveries/s), and
 *   the dispatcher alone draining 10,000 stored deliveries; RSS before and after each (after a GC).
 * Sizes: BENCH_WEBHOOK_WRITES (1000), BENCH_WEBHOOK_BACKLOG (10000), BENCH_WEBHOOK_CHANGES (40).
 */
import { cpus, totalmem } from 'node:os';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { deps } from '#config/deps';
import { DeliveryStore, type NewDelivery } from '#webhooks/deliveries';
import { startReceiver } from '../test/helpers/receiver.ts';
import { startTestRuntime } from '../test/helpers/runtime.ts';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
process.env.LOG_LEVEL ??= 'error';
process.env.ALLOW_PRIVATE_WEBHOOK_TARGETS = '1';

const HEALTHY = 10;
const WRITES = Number(process.env.BENCH_WEBHOOK_WRITES ?? 1000);
const BACKLOG = Number(process.env.BENCH_WEBHOOK_BACKLOG ?? 10_000);
const CHANGES = Number(process.env.BENCH_WEBHOOK_CHANGES ?? 40);
const INTERVAL_MS = 1000;

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
const rssMb = () => {
  gc();
  return Math.round(process.memoryUsage().rss / 1_048_576);
};
const percentile = (samples: number[], p: number) => [...samples].sort((a, b) => a - b)[Math.min(samples.length - 1, Math.floor((p / 100) * samples.length))]!;
const eventBody = (title: string) => ({ body: { calendar: 'ato', title: { en: title }, schedule: { type: 'allDay', startDate: '2026-07-14', endDate: '2026-07-14' } } });

async function setUp(endpoints: number) {
  const t = await startTestRuntime({ scheduleIntervalMs: INTERVAL_MS });
  await t.call('PUT', '/calendars/ato', { body: { name: { en: 'ATO' }, defaultLanguage: 'en', timeZone: 'Asia/Kuwait' } });
  const healthy = await Promise.all(Array.from({ length: endpoints }, () => startReceiver()));
  for (const receiver of healthy) await t.call('POST', '/webhooks', { body: { url: receiver.url, types: ['event.created'] } });
  return { t, healthy };
}

/** Stores `count` pending deliveries for one subscription, as fan-out would. */
async function storeBacklog(webhookId: string, count: number, tag: string): Promise<void> {
  const d = deps();
  const store = new DeliveryStore(d.client, d.tables.deliveries);
  for (let i = 0; i < count; i += 25) {
    const batch: NewDelivery[] = Array.from({ length: Math.min(25, count - i) }, (_, j) => ({
      webhookId,
      id: `msg_${tag}${String(i + j).padStart(6, '0')}`,
      type: 'event.created',
      payload: JSON.stringify({ type: 'event.created', timestamp: new Date().toISOString(), data: { backlog: i + j } }),
    }));
    await store.enqueue(batch, new Date());
  }
}

/** Change → receipt for the healthy endpoints, one change at a time (so the sample is latency, not queueing). */
async function isolation(withHangingBacklog: boolean): Promise<number[]> {
  const { t, healthy } = await setUp(HEALTHY);
  const hanging = withHangingBacklog ? await startReceiver(() => 'hang') : undefined;
  if (hanging) {
    const { id } = (await t.call('POST', '/webhooks', { body: { url: hanging.url, types: ['event.created'] } })).body as { id: string };
    await storeBacklog(id, BACKLOG, 'hang');
  }
  const latencies: number[] = [];
  for (let i = 0; i < CHANGES; i++) {
    const created = await t.call('POST', '/events', eventBody(`Change ${i}`));
    const recordedAt = Date.parse(created.body.createdAt);
    await Promise.all(healthy.map((receiver) => receiver.waitFor(i + 1, 60_000)));
    for (const receiver of healthy) latencies.push(receiver.received[i]!.at - recordedAt);
  }
  await t.close();
  await Promise.all([...healthy, ...(hanging ? [hanging] : [])].map((receiver) => receiver.close()));
  return latencies;
}

/** WRITES changes written as fast as the API takes them, fanned out to 10 subscribers. */
async function writesThroughput() {
  const { t, healthy } = await setUp(HEALTHY);
  const rssBefore = rssMb();
  const started = performance.now();
  const recordedAt: number[] = [];
  for (let i = 0; i < WRITES; i++) recordedAt.push(Date.parse((await t.call('POST', '/events', eventBody(`Write ${i}`))).body.createdAt));
  await Promise.all(healthy.map((receiver) => receiver.waitFor(WRITES, 300_000)));
  const seconds = (performance.now() - started) / 1000;
  const latencies = healthy.flatMap((receiver) => receiver.received.map((request) => request.at - Date.parse((JSON.parse(request.body) as { data: { change: { at: string } } }).data.change.at)));
  await t.close();
  await Promise.all(healthy.map((receiver) => receiver.close()));
  return { seconds, latencies, deliveries: latencies.length, rssBefore, rssAfter: rssMb(), writes: recordedAt.length };
}

/** The dispatcher alone: BACKLOG deliveries already stored over 10 lanes, drained to fast receivers. */
async function dispatchThroughput() {
  const { t, healthy } = await setUp(HEALTHY);
  const webhooks = ((await t.call('GET', '/webhooks?limit=200')).body.items as { id: string; url: string }[]).filter((w) => healthy.some((r) => r.url === w.url));
  const perLane = Math.floor(BACKLOG / webhooks.length);
  for (const [i, webhook] of webhooks.entries()) await storeBacklog(webhook.id, perLane, `d${i}_`);
  const rssBefore = rssMb();
  const started = performance.now();
  await Promise.all(healthy.map((receiver) => receiver.waitFor(perLane, 600_000)));
  const seconds = (performance.now() - started) / 1000;
  await t.close();
  await Promise.all(healthy.map((receiver) => receiver.close()));
  return { seconds, deliveries: perLane * webhooks.length, rssBefore, rssAfter: rssMb() };
}

async function main(): Promise<void> {
  console.log(
    `Taqweem webhooks bench — ${cpus()[0]?.model ?? 'unknown CPU'} ×${cpus().length}, ${Math.round(totalmem() / 1_073_741_824)} GB, Node ${process.version}; local runtime (dynalite in memory, receivers in process), dispatcher woken by fan-out and every ${INTERVAL_MS} ms`,
  );
  console.log(`Isolation: change → receipt at ${HEALTHY} healthy endpoints, ${CHANGES} changes one at a time`);
  const alone = await isolation(false);
  console.log(`  ${HEALTHY} healthy endpoints alone                         p50 ${percentile(alone, 50)} ms  p99 ${percentile(alone, 99)} ms`);
  const beside = await isolation(true);
  console.log(`  beside 1 hanging endpoint with ${BACKLOG} backlog       p50 ${percentile(beside, 50)} ms  p99 ${percentile(beside, 99)} ms`);
  console.log(`  isolation ratio (p99 beside / p99 alone): ${(percentile(beside, 99) / percentile(alone, 99)).toFixed(2)} (target ≤ 1.10)`);
  const writes = await writesThroughput();
  console.log(`Throughput: ${writes.writes} writes × ${HEALTHY} subscribers through the API`);
  console.log(
    `  ${writes.deliveries} deliveries in ${writes.seconds.toFixed(1)} s = ${Math.round(writes.deliveries / writes.seconds)} deliveries/s end to end; change → receipt p50 ${percentile(writes.latencies, 50)} ms  p99 ${percentile(writes.latencies, 99)} ms (target ≤ 2000)`,
  );
  console.log(`  RSS ${writes.rssBefore} MB before, ${writes.rssAfter} MB after (after GC)`);
  const dispatch = await dispatchThroughput();
  console.log(`Dispatcher alone: ${dispatch.deliveries} stored deliveries over ${HEALTHY} lanes`);
  console.log(`  ${Math.round(dispatch.deliveries / dispatch.seconds)} deliveries/s (${dispatch.seconds.toFixed(1)} s; target ≥ 1000); RSS ${dispatch.rssBefore} MB before, ${dispatch.rssAfter} MB after`);
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
