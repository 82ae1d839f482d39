/**
 * Webhook latency, from the moment a change is recorded to the moment a receiver has it: with 50 healthy
 * endpoints, and again with one endpoint among them that never answers.
 */
import { cpus } from 'node:os';
import { startReceiver } from '../test/helpers/receiver.ts';
import { startTestRuntime } from '../test/helpers/runtime.ts';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
process.env.LOG_LEVEL ??= 'error';
process.env.ALLOW_PRIVATE_WEBHOOK_TARGETS = '1';

const ENDPOINTS = 50;
const CHANGES = Number(process.env.BENCH_WEBHOOK_CHANGES ?? 20);
const INTERVAL_MS = 100;

const percentile = (samples: number[], p: number) => [...samples].sort((a, b) => a - b)[Math.min(samples.length - 1, Math.floor((p / 100) * samples.length))]!;

async function measure(withDeadEndpoint: boolean): Promise<number[]> {
  const t = await startTestRuntime({ scheduleIntervalMs: INTERVAL_MS });
  await t.call('PUT', '/calendars/ato', { body: { name: { en: 'ATO' }, defaultLanguage: 'en', timeZone: 'Asia/Kuwait' } });
  const healthy = await Promise.all(Array.from({ length: ENDPOINTS }, () => startReceiver()));
  const dead = withDeadEndpoint ? await startReceiver(() => 'hang') : undefined;
  for (const receiver of [...healthy, ...(dead ? [dead] : [])]) await t.call('POST', '/webhooks', { body: { url: receiver.url, types: ['event.created'] } });
  const latencies: number[] = [];
  for (let i = 0; i < CHANGES; i++) {
    const created = await t.call('POST', '/events', { body: { calendar: 'ato', title: { en: `Change ${i}` }, schedule: { type: 'allDay', startDate: '2026-07-14', endDate: '2026-07-14' } } });
    const recordedAt = Date.parse(created.body.createdAt);
    await Promise.all(healthy.map((receiver) => receiver.waitFor(i + 1, 60_000)));
    for (const receiver of healthy) latencies.push(receiver.received[i]!.at - recordedAt);
  }
  await t.close();
  await Promise.all([...healthy, ...(dead ? [dead] : [])].map((receiver) => receiver.close()));
  return latencies;
}

async function main(): Promise<void> {
  console.log(`Taqweem webhooks bench — ${cpus()[0]?.model ?? 'unknown CPU'} ×${cpus().length}, Node ${process.version}, local runtime (dispatcher every ${INTERVAL_MS} ms and after every write)`);
  console.log(`Change recorded → receiver has it, ${CHANGES} changes × ${ENDPOINTS} endpoints`);
  const baseline = await measure(false);
  console.log(`  ${ENDPOINTS} healthy endpoints                    p50 ${percentile(baseline, 50)} ms  p99 ${percentile(baseline, 99)} ms`);
  const withDead = await measure(true);
  console.log(`  ${ENDPOINTS} healthy + 1 that never answers       p50 ${percentile(withDead, 50)} ms  p99 ${percentile(withDead, 99)} ms`);
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
