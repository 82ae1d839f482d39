/**
 * Webhooks under load and under a hostile partner, on the local runtime (dynalite in process, receivers on
 * 127.0.0.1 in the same process):
 * - isolation: change → receipt for 10 healthy endpoints, alone and next to one endpoint that accepts
 *   connections and never answers, with a backlog of 10,000 deliveries; the ratio of the two p99s;
 * - throughput: 1,000 writes × 10 subscribers through the API (change → receipt p50/p99, deliveries/s), and
 *   the dispatcher alone draining 10,000 stored deliveries; RSS before and after each (after a GC).
 * - replay: a replay job over BENCH_WEBHOOK_REPLAY changes, with the AWS estimate (bench/webhook-replay.ts).
 * Sizes: BENCH_WEBHOOK_WRITES (1000), BENCH_WEBHOOK_BACKLOG (10000), BENCH_WEBHOOK_CHANGES (40 a side),
 * BENCH_WEBHOOK_WARM_UP (5), BENCH_WEBHOOK_REPLAY (100000); BENCH_WEBHOOK_PARTS picks parts;
 * BENCH_WEBHOOK_PROFILE=file.cpuprofile profiles the measured window of the writes and dispatch parts.
 */
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import { cpus, loadavg, totalmem } from 'node:os';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { deps } from '#config/deps';
import { DeliveryStore, type NewDelivery } from '#webhooks/deliveries';
import { startReceiver } from '../test/helpers/receiver.ts';
import { startTestRuntime } from '../test/helpers/runtime.ts';
import { countCalls, measureReplay } from './webhook-replay.ts';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
process.env.LOG_LEVEL ??= 'error';
process.env.ALLOW_PRIVATE_WEBHOOK_TARGETS = '1';

const HEALTHY = 10;
const WRITES = Number(process.env.BENCH_WEBHOOK_WRITES ?? 1000);
const BACKLOG = Number(process.env.BENCH_WEBHOOK_BACKLOG ?? 10_000);
/** Changes measured on each side of the isolation comparison (×10 endpoints = samples), after WARM_UP changes. */
const CHANGES = Number(process.env.BENCH_WEBHOOK_CHANGES ?? 40);
const WARM_UP = Number(process.env.BENCH_WEBHOOK_WARM_UP ?? 5);
/** Changes in one A B B A cycle of the isolation comparison (half of them each side). */
const ROUND = 10;
const REPLAY = Number(process.env.BENCH_WEBHOOK_REPLAY ?? 100_000);
const INTERVAL_MS = 1000;
/** Which parts run (comma-separated; all by default): isolation, writes, dispatch, replay. */
const PARTS = (process.env.BENCH_WEBHOOK_PARTS ?? 'isolation,writes,dispatch,replay').split(',');
const part = (name: string) => PARTS.includes(name);

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
const rssMb = () => {
  gc();
  return Math.round(process.memoryUsage().rss / 1_048_576);
};
const loadAverage = () =>
  loadavg()
    .map((load) => load.toFixed(1))
    .join(' ');
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

/**
 * Change → receipt at the healthy endpoints, one change at a time (so a sample is latency, not queueing), in one
 * runtime: a warm-up, then rounds alone and beside the hanging endpoint in the order A B B A (so a drift in the
 * machine's load falls on both sides alike). "Alone" is the hanging subscription disabled (its lane stopped);
 * "beside" is it enabled again, its backlog of BACKLOG due and its health record reset, so every such round
 * starts with a full batch of hanging attempts before the lane backs off.
 */
async function isolation(): Promise<{ alone: number[]; beside: number[]; hangingAttempts: number; rounds: number }> {
  const { t, healthy } = await setUp(HEALTHY);
  const hanging = await startReceiver(() => 'hang');
  const { id } = (await t.call('POST', '/webhooks', { body: { url: hanging.url, types: ['event.created'] } })).body as { id: string };
  await t.call('PATCH', `/webhooks/${id}`, { body: { disabled: true } });
  await storeBacklog(id, BACKLOG, 'hang');
  let sent = 0;
  const change = async () => {
    const created = await t.call('POST', '/events', eventBody(`Change ${sent}`));
    const recordedAt = Date.parse(created.body.createdAt);
    sent++;
    await Promise.all(healthy.map((receiver) => receiver.waitFor(sent, 120_000)));
    return healthy.map((receiver) => receiver.received[sent - 1]!.at - recordedAt);
  };
  for (let i = 0; i < WARM_UP; i++) await change();
  const samples = { alone: [] as number[], beside: [] as number[] };
  // Short rounds, A B B A again and again, so that the shared machine's changing load falls on both sides alike.
  const rounds = Math.max(1, Math.round(CHANGES / ROUND));
  for (let r = 0; r < rounds; r++) {
    for (const side of ['alone', 'beside', 'beside', 'alone'] as const) {
      await t.call('PATCH', `/webhooks/${id}`, { body: { disabled: side === 'alone' } });
      for (let i = 0; i < ROUND / 2; i++) samples[side].push(...(await change()));
    }
  }
  const hangingAttempts = hanging.received.length;
  await t.close();
  await Promise.all([...healthy, hanging].map((receiver) => receiver.close()));
  return { ...samples, hangingAttempts, rounds };
}

/** WRITES changes written as fast as the API takes them, fanned out to 10 subscribers. */
async function writesThroughput() {
  const { t, healthy } = await setUp(HEALTHY);
  const rssBefore = rssMb();
  const counter = countCalls(deps().client);
  const profiling = await startProfile();
  const started = performance.now();
  const recordedAt: number[] = [];
  for (let i = 0; i < WRITES; i++) recordedAt.push(Date.parse((await t.call('POST', '/events', eventBody(`Write ${i}`))).body.createdAt));
  await Promise.all(healthy.map((receiver) => receiver.waitFor(WRITES, 300_000)));
  const seconds = (performance.now() - started) / 1000;
  await profiling?.();
  const latencies = healthy.flatMap((receiver) => receiver.received.map((request) => request.at - Date.parse((JSON.parse(request.body) as { data: { change: { at: string } } }).data.change.at)));
  await t.close();
  await Promise.all(healthy.map((receiver) => receiver.close()));
  const calls = [...counter.calls].sort((a, b) => b[1] - a[1]);
  return { seconds, latencies, deliveries: latencies.length, rssBefore, rssAfter: rssMb(), writes: recordedAt.length, calls };
}

/** With BENCH_WEBHOOK_PROFILE=file, a CPU profile of the measured window only (open it in Chrome DevTools); returns the stop. */
async function startProfile(): Promise<(() => Promise<void>) | undefined> {
  const file = process.env.BENCH_WEBHOOK_PROFILE;
  if (!file) return undefined;
  const session = new Session();
  session.connect();
  const post = (method: string) => new Promise<unknown>((resolve, reject) => session.post(method, (error, result) => (error ? reject(error) : resolve(result))));
  await post('Profiler.enable');
  await post('Profiler.start');
  return async () => {
    const { profile } = (await post('Profiler.stop')) as { profile: unknown };
    writeFileSync(file, JSON.stringify(profile));
    session.disconnect();
  };
}

/** The dispatcher alone: BACKLOG deliveries already stored over 10 lanes, drained to fast receivers. */
async function dispatchThroughput() {
  const { t, healthy } = await setUp(HEALTHY);
  const webhooks = ((await t.call('GET', '/webhooks?limit=200')).body.items as { id: string; url: string }[]).filter((w) => healthy.some((r) => r.url === w.url));
  const perLane = Math.floor(BACKLOG / webhooks.length);
  // Stored while the subscriptions are disabled (their lanes stopped), so that nothing is sent before the clock starts.
  for (const webhook of webhooks) await t.call('PATCH', `/webhooks/${webhook.id}`, { body: { disabled: true } });
  for (const [i, webhook] of webhooks.entries()) await storeBacklog(webhook.id, perLane, `d${i}_`);
  const rssBefore = rssMb();
  const profiling = await startProfile();
  const started = performance.now();
  await Promise.all(webhooks.map((webhook) => t.call('PATCH', `/webhooks/${webhook.id}`, { body: { disabled: false } })));
  await Promise.all(healthy.map((receiver) => receiver.waitFor(perLane, 600_000)));
  const seconds = (performance.now() - started) / 1000;
  await profiling?.();
  const deliveries = healthy.reduce((sum, receiver) => sum + receiver.received.length, 0);
  await t.close();
  await Promise.all(healthy.map((receiver) => receiver.close()));
  return { seconds, deliveries, rssBefore, rssAfter: rssMb() };
}

async function main(): Promise<void> {
  console.log(
    `Taqweem webhooks bench — ${cpus()[0]?.model ?? 'unknown CPU'} ×${cpus().length}, ${Math.round(totalmem() / 1_073_741_824)} GB, Node ${process.version}; local runtime (dynalite in memory, receivers in process), dispatcher woken by fan-out and every ${INTERVAL_MS} ms`,
  );
  if (part('isolation')) {
    console.log(
      `Isolation: change → receipt at ${HEALTHY} healthy endpoints, one change at a time; ${WARM_UP} warm-up changes, then ${CHANGES} changes each side in rounds A B B A of ${ROUND / 2} changes (load: ${loadAverage()})`,
    );
    const { alone, beside, hangingAttempts, rounds } = await isolation();
    const line = (label: string, samples: number[]) => console.log(`  ${label.padEnd(52)} p50 ${percentile(samples, 50)} ms  p99 ${percentile(samples, 99)} ms  (${samples.length} samples)`);
    line(`${HEALTHY} healthy endpoints alone (hanging one disabled)`, alone);
    line(`beside 1 hanging endpoint with ${BACKLOG} backlog`, beside);
    console.log(`  the hanging endpoint got ${hangingAttempts} attempts in ${rounds * 2} rounds beside (each round starts it healthy: a batch of 32, then one probe at a time)`);
    console.log(
      `  isolation ratio (p99 beside / p99 alone): ${(percentile(beside, 99) / percentile(alone, 99)).toFixed(2)} (target ≤ 1.10); p50 ratio ${(percentile(beside, 50) / percentile(alone, 50)).toFixed(2)} (load after: ${loadAverage()})`,
    );
  }
  if (part('writes')) {
    const writes = await writesThroughput();
    console.log(`Throughput: ${writes.writes} writes × ${HEALTHY} subscribers through the API`);
    console.log(
      `  ${writes.deliveries} deliveries in ${writes.seconds.toFixed(1)} s = ${Math.round(writes.deliveries / writes.seconds)} deliveries/s end to end; change → receipt p50 ${percentile(writes.latencies, 50)} ms  p99 ${percentile(writes.latencies, 99)} ms (target ≤ 2000)  max ${Math.max(...writes.latencies)} ms`,
    );
    const callsPerChange = writes.calls.map(([name, n]) => `${name} ${(n / writes.writes).toFixed(1)}`).join(', ');
    console.log(`  store calls per change (API write, projection, fan-out, dispatch): ${(writes.calls.reduce((sum, [, n]) => sum + n, 0) / writes.writes).toFixed(1)} (${callsPerChange})`);
    console.log(`  RSS ${writes.rssBefore} MB before, ${writes.rssAfter} MB after (after GC)`);
  }
  if (part('dispatch')) {
    const dispatch = await dispatchThroughput();
    console.log(`Dispatcher alone: ${dispatch.deliveries} stored deliveries over ${HEALTHY} lanes`);
    console.log(`  ${Math.round(dispatch.deliveries / dispatch.seconds)} deliveries/s (${dispatch.seconds.toFixed(1)} s; target ≥ 1000); RSS ${dispatch.rssBefore} MB before, ${dispatch.rssAfter} MB after`);
  }
  if (part('replay')) await measureReplay(REPLAY, (line) => console.log(line));
  console.log(`(load average at the end: ${loadAverage()})`);
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
