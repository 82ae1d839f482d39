/**
 * Webhooks under load and under a hostile partner, on the local runtime (dynalite in process; the receivers,
 * which stand for partners' servers, in a child process: bench/webhook-receivers.ts; both share the machine):
 * - isolation: change → receipt for 10 healthy endpoints, alone and next to one endpoint that accepts
 *   connections and never answers, with a backlog of 10,000 deliveries; the ratio of the two p99s, in
 *   BENCH_WEBHOOK_ISOLATION_RUNS groups of interleaved rounds (median and spread of the groups' ratios);
 * - throughput: 1,000 writes × 10 subscribers through the API (change → receipt p50/p99, deliveries/s), and
 *   the dispatcher alone draining 10,000 stored deliveries, BENCH_WEBHOOK_DISPATCH_RUNS times in one process;
 *   RSS and heap used (after forced GC) before and after each run, beside the bytes the store holds.
 * - replay: a replay job over BENCH_WEBHOOK_REPLAY changes, with the AWS estimate (bench/webhook-replay.ts).
 * Sizes: BENCH_WEBHOOK_WRITES (1000), BENCH_WEBHOOK_BACKLOG (10000), BENCH_WEBHOOK_CHANGES (100 a side a group),
 * BENCH_WEBHOOK_ISOLATION_RUNS (3), BENCH_WEBHOOK_DISPATCH_RUNS (3), BENCH_WEBHOOK_WARM_UP (5),
 * BENCH_WEBHOOK_REPLAY (100000); BENCH_WEBHOOK_PARTS picks parts;
 * BENCH_WEBHOOK_PROFILE=file.cpuprofile profiles the measured window of the writes and dispatch parts.
 */
import './webhooks-env.ts';
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import { cpus, loadavg, totalmem } from 'node:os';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { deps } from '#config/deps';
import { DeliveryStore, type NewDelivery } from '#webhooks/deliveries';
import { trackInMemoryStores } from '../infra/local/store-footprint.ts';
import { startTestRuntime } from '../test/helpers/runtime.ts';
import { countCalls, measureReplay } from './webhook-replay.ts';
import { startRemoteReceivers, type RemoteReceiver, type RemoteReceivers } from './webhook-receivers.ts';

const HEALTHY = 10;
const WRITES = Number(process.env.BENCH_WEBHOOK_WRITES ?? 1000);
const BACKLOG = Number(process.env.BENCH_WEBHOOK_BACKLOG ?? 10_000);
/** Changes measured on each side of the isolation comparison in a group (×10 endpoints = samples), after WARM_UP changes. */
const CHANGES = Number(process.env.BENCH_WEBHOOK_CHANGES ?? 100);
const ISOLATION_RUNS = Number(process.env.BENCH_WEBHOOK_ISOLATION_RUNS ?? 3);
const DISPATCH_RUNS = Number(process.env.BENCH_WEBHOOK_DISPATCH_RUNS ?? 3);
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
const storeFootprint = trackInMemoryStores();
/** RSS and V8 heap in use after forced GC, and the bytes the in-memory store holds (data, not a leak), in MB. */
async function memory() {
  for (let i = 0; i < 3; i++) gc();
  const { rss, heapUsed } = process.memoryUsage();
  const mb = (bytes: number) => bytes / 1_048_576;
  return { rss: mb(rss), heap: mb(heapUsed), store: mb((await storeFootprint()).bytes) };
}
const showMemory = (m: Awaited<ReturnType<typeof memory>>) => `RSS ${m.rss.toFixed(0)} MB, heap ${m.heap.toFixed(1)} MB, store data ${m.store.toFixed(1)} MB`;
const loadAverage = () =>
  loadavg()
    .map((load) => load.toFixed(1))
    .join(' ');
const percentile = (samples: number[], p: number) => [...samples].sort((a, b) => a - b)[Math.min(samples.length - 1, Math.floor((p / 100) * samples.length))]!;
const median = (values: number[]) => percentile(values, 50);
const eventBody = (title: string) => ({ body: { calendar: 'ato', title: { en: title }, schedule: { type: 'allDay', startDate: '2026-07-14', endDate: '2026-07-14' } } });

async function setUp(receivers: RemoteReceivers, endpoints: number) {
  const t = await startTestRuntime({ scheduleIntervalMs: INTERVAL_MS });
  await t.call('PUT', '/calendars/ato', { body: { name: { en: 'ATO' }, defaultLanguage: 'en', timeZone: 'Asia/Kuwait' } });
  const healthy = await receivers.start(endpoints);
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

interface IsolationGroup {
  alone: number[];
  beside: number[];
}

/**
 * Change → receipt at the healthy endpoints, one change at a time (so a sample is latency, not queueing), in one
 * runtime: a warm-up, then ISOLATION_RUNS groups, each of rounds alone and beside the hanging endpoint in the
 * order A B B A (so a drift in the machine's load falls on both sides alike). "Alone" is the hanging subscription
 * disabled (its lane stopped); "beside" is it enabled again, its backlog of BACKLOG due and its health record
 * reset, so every such round starts with a full batch of hanging attempts before the lane backs off.
 */
async function isolation(receivers: RemoteReceivers): Promise<{ groups: IsolationGroup[]; hangingAttempts: number; rounds: number }> {
  const { t, healthy } = await setUp(receivers, HEALTHY);
  const [hanging] = (await receivers.start(1, { hang: true })) as [RemoteReceiver];
  const { id } = (await t.call('POST', '/webhooks', { body: { url: hanging.url, types: ['event.created'] } })).body as { id: string };
  await t.call('PATCH', `/webhooks/${id}`, { body: { disabled: true } });
  await storeBacklog(id, BACKLOG, 'hang');
  let sent = 0;
  const change = async () => {
    const created = await t.call('POST', '/events', eventBody(`Change ${sent}`));
    const recordedAt = Date.parse(created.body.createdAt);
    sent++;
    await Promise.all(healthy.map((receiver) => receiver.waitFor(sent, 120_000)));
    return Promise.all(healthy.map(async (receiver) => (await receiver.received(sent - 1))[0]!.at - recordedAt));
  };
  for (let i = 0; i < WARM_UP; i++) await change();
  const groups: IsolationGroup[] = [];
  const rounds = Math.max(1, Math.round(CHANGES / ROUND));
  for (let g = 0; g < ISOLATION_RUNS; g++) {
    const samples: IsolationGroup = { alone: [], beside: [] };
    // Short rounds, A B B A again and again, so that the shared machine's changing load falls on both sides alike.
    for (let r = 0; r < rounds; r++) {
      for (const side of ['alone', 'beside', 'beside', 'alone'] as const) {
        await t.call('PATCH', `/webhooks/${id}`, { body: { disabled: side === 'alone' } });
        for (let i = 0; i < ROUND / 2; i++) samples[side].push(...(await change()));
      }
    }
    groups.push(samples);
  }
  const hangingAttempts = (await hanging.received()).length;
  await t.close();
  return { groups, hangingAttempts, rounds };
}

/** WRITES changes written as fast as the API takes them, fanned out to 10 subscribers. */
async function writesThroughput(receivers: RemoteReceivers) {
  const { t, healthy } = await setUp(receivers, HEALTHY);
  const before = await memory();
  const counter = countCalls(deps().client);
  const profiling = await startProfile();
  const started = performance.now();
  for (let i = 0; i < WRITES; i++) await t.call('POST', '/events', eventBody(`Write ${i}`));
  await Promise.all(healthy.map((receiver) => receiver.waitFor(WRITES, 300_000)));
  const seconds = (performance.now() - started) / 1000;
  await profiling?.();
  const latencies = (await Promise.all(healthy.map((receiver) => receiver.received()))).flat().map((r) => r.at - r.changeAt);
  await t.close();
  const calls = [...counter.calls].sort((a, b) => b[1] - a[1]);
  return { seconds, latencies, deliveries: latencies.length, before, after: await memory(), calls };
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

/** Resolves once the lane is held by no dispatcher (its run over, its outcomes written). */
async function settled(webhookId: string): Promise<void> {
  const d = deps();
  const store = new DeliveryStore(d.client, d.tables.deliveries);
  while ((await store.lane(webhookId))?.holder) await new Promise((resolve) => setTimeout(resolve, 20));
}

/**
 * The dispatcher alone: BACKLOG deliveries stored over 10 lanes, drained to fast receivers; DISPATCH_RUNS times in
 * one runtime, memory measured before the first and after each (the store keeps every delivery: its data is shown beside).
 */
async function dispatchThroughput(receivers: RemoteReceivers) {
  const { t, healthy } = await setUp(receivers, HEALTHY);
  const webhooks = ((await t.call('GET', '/webhooks?limit=200')).body.items as { id: string; url: string }[]).filter((w) => healthy.some((r) => r.url === w.url));
  const perLane = Math.floor(BACKLOG / webhooks.length);
  const memoryBefore = await memory();
  const runs: { seconds: number; deliveries: number; calls: number; byCommand: string; cpuMs: number; receiversCpuMs: number; memory: Awaited<ReturnType<typeof memory>> }[] = [];
  for (let run = 1; run <= DISPATCH_RUNS; run++) {
    // Stored while the subscriptions are disabled (their lanes stopped), so that nothing is sent before the clock starts.
    for (const webhook of webhooks) await t.call('PATCH', `/webhooks/${webhook.id}`, { body: { disabled: true } });
    for (const [i, webhook] of webhooks.entries()) await storeBacklog(webhook.id, perLane, `r${run}d${i}_`);
    const counter = countCalls(deps().client);
    const profiling = run === 1 ? await startProfile() : undefined;
    const [cpuStarted, receiversCpuStarted] = [process.cpuUsage(), await receivers.cpuMs()];
    const started = performance.now();
    await Promise.all(webhooks.map((webhook) => t.call('PATCH', `/webhooks/${webhook.id}`, { body: { disabled: false } })));
    await Promise.all(healthy.map((receiver) => receiver.waitFor(perLane * run, 600_000)));
    // The run ends when the dispatcher has also recorded every outcome and let go of every lane.
    await Promise.all(webhooks.map((webhook) => settled(webhook.id)));
    const seconds = (performance.now() - started) / 1000;
    const cpu = process.cpuUsage(cpuStarted);
    const receiversCpuMs = (await receivers.cpuMs()) - receiversCpuStarted;
    await profiling?.();
    counter.restore();
    const calls = [...counter.calls.values()].reduce((sum, n) => sum + n, 0);
    const byCommand = [...counter.calls]
      .sort((a, b) => b[1] - a[1])
      .map(([name, n]) => `${name} ${n}`)
      .join(', ');
    runs.push({ seconds, deliveries: perLane * webhooks.length, calls, byCommand, cpuMs: (cpu.user + cpu.system) / 1000, receiversCpuMs, memory: await memory() });
  }
  await t.close();
  return { runs, memoryBefore };
}

async function main(): Promise<void> {
  console.log(
    `Taqweem webhooks bench — ${cpus()[0]?.model ?? 'unknown CPU'} ×${cpus().length}, ${Math.round(totalmem() / 1_073_741_824)} GB, Node ${process.version}; local runtime (dynalite in memory, in this process); receivers in a child process (partners' servers: not in the dispatcher's process, but on the same ${cpus().length} cores); dispatcher woken by fan-out and every ${INTERVAL_MS} ms; load: ${loadAverage()}`,
  );
  const receivers = startRemoteReceivers();
  if (part('isolation')) {
    console.log(
      `Isolation: change → receipt at ${HEALTHY} healthy endpoints, one change at a time; ${WARM_UP} warm-up changes, then ${ISOLATION_RUNS} groups of ${CHANGES} changes each side in rounds A B B A of ${ROUND / 2} changes (load: ${loadAverage()})`,
    );
    const { groups, hangingAttempts, rounds } = await isolation(receivers);
    const line = (label: string, samples: number[]) => `${label} p50 ${percentile(samples, 50)} ms  p99 ${percentile(samples, 99)} ms (${samples.length} samples)`;
    const ratios = groups.map((group) => percentile(group.beside, 99) / percentile(group.alone, 99));
    for (const [i, group] of groups.entries()) console.log(`  group ${i + 1}: ${line('alone', group.alone)}; ${line('beside', group.beside)}; p99 ratio ${ratios[i]!.toFixed(2)}`);
    const alone = groups.flatMap((group) => group.alone);
    const beside = groups.flatMap((group) => group.beside);
    console.log(`  all groups: ${line(`${HEALTHY} healthy endpoints alone (hanging one disabled)`, alone)}; ${line(`beside 1 hanging endpoint with ${BACKLOG} backlog`, beside)}`);
    console.log(`  the hanging endpoint got ${hangingAttempts} attempts in ${rounds * 2 * ISOLATION_RUNS} rounds beside (each round starts it healthy: a batch of 32, then one probe at a time)`);
    console.log(
      `  isolation ratio (p99 beside / p99 alone): median of ${groups.length} groups ${median(ratios).toFixed(2)} (spread ${Math.min(...ratios).toFixed(2)}–${Math.max(...ratios).toFixed(2)}; all samples pooled ${(percentile(beside, 99) / percentile(alone, 99)).toFixed(2)}; target ≤ 1.10); p50 ratio pooled ${(percentile(beside, 50) / percentile(alone, 50)).toFixed(2)} (load after: ${loadAverage()})`,
    );
  }
  if (part('writes')) {
    const writes = await writesThroughput(receivers);
    console.log(`Throughput: ${WRITES} writes × ${HEALTHY} subscribers through the API (load after: ${loadAverage()})`);
    console.log(
      `  ${writes.deliveries} deliveries in ${writes.seconds.toFixed(1)} s = ${Math.round(writes.deliveries / writes.seconds)} deliveries/s end to end; change → receipt p50 ${percentile(writes.latencies, 50)} ms  p99 ${percentile(writes.latencies, 99)} ms (target ≤ 2000)  max ${Math.max(...writes.latencies)} ms`,
    );
    const callsPerChange = writes.calls.map(([name, n]) => `${name} ${(n / WRITES).toFixed(1)}`).join(', ');
    console.log(`  store calls per change (API write, projection, fan-out, dispatch): ${(writes.calls.reduce((sum, [, n]) => sum + n, 0) / WRITES).toFixed(1)} (${callsPerChange})`);
    console.log(`  before: ${showMemory(writes.before)}; after: ${showMemory(writes.after)} (after GC)`);
  }
  if (part('dispatch')) {
    const { runs, memoryBefore } = await dispatchThroughput(receivers);
    console.log(`Dispatcher alone: ${runs[0]?.deliveries} stored deliveries over ${HEALTHY} lanes, ${runs.length} runs in one process`);
    console.log(`  before: ${showMemory(memoryBefore)} (after GC)`);
    for (const [i, run] of runs.entries()) {
      console.log(
        `  run ${i + 1}: ${Math.round(run.deliveries / run.seconds)} deliveries/s (${run.seconds.toFixed(1)} s; target ≥ 1000); CPU a delivery: ${((1000 * run.cpuMs) / run.deliveries).toFixed(0)} µs in the runtime's process (dispatcher and dynalite), ${((1000 * run.receiversCpuMs) / run.deliveries).toFixed(0)} µs in the receivers'; ${(run.calls / run.deliveries).toFixed(3)} store calls a delivery (${run.byCommand}); after: ${showMemory(run.memory)} (load: ${loadAverage()})`,
      );
    }
    if (runs.length > 1) {
      const [first, last] = [runs[0]!.memory, runs.at(-1)!.memory];
      const perThousand = (a: number, b: number) => (((b - a) * 1024) / ((runs.length - 1) * (runs[0]!.deliveries / 1000))).toFixed(1);
      console.log(
        `  growth from run 1 to run ${runs.length}, KB per 1,000 deliveries: RSS ${perThousand(first.rss, last.rss)}, heap ${perThousand(first.heap, last.heap)}, store data ${perThousand(first.store, last.store)}`,
      );
    }
  }
  if (part('replay')) await measureReplay(REPLAY, (line) => console.log(line));
  await receivers.close();
  console.log(`(load average at the end: ${loadAverage()})`);
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
