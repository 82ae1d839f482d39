/**
 * `npm run bench`: the journal's append latency and the view rebuild's throughput on dynalite, each printed
 * beside a baseline measured in the same run (a bare PutItem; a bare Scan) so the figures mean something
 * on any machine.
 */
import '../infra/local/local-env.ts'; // first: Powertools reads it at import (no EMF lines in the figures)
import { PutCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { cpus } from 'node:os';
import type { Principal } from '#auth/keys';
import { putCalendar } from '#commands/calendars';
import { changeEvent, createEvent } from '#commands/events';
import type { Deps } from '#config/deps';
import { newId } from '#domain/ids';
import { createEventSchema } from '#domain/schemas';
import { rebuildViews } from '#views/rebuild';
import { startTestStore } from '../test/helpers/store.ts';
import { timed } from './measure.ts';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const APPENDS = Number(process.env.BENCH_APPENDS ?? 500);
const REBUILD_EVENTS = Number(process.env.BENCH_REBUILD_EVENTS ?? 1000);

function percentile(samples: number[], p: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

const ms = (value: number) => `${value.toFixed(2)} ms`;

async function main(): Promise<void> {
  console.log(`Taqweem journal bench — ${cpus()[0]?.model ?? 'unknown CPU'} ×${cpus().length}, Node ${process.version}, dynalite in memory`);
  const store = await startTestStore();
  const deps: Deps = { client: store.client, journal: store.journal, tables: store.tables, now: () => new Date(), newId: () => newId(), adminKeyHash: async () => undefined };
  const editor: Principal = { kind: 'key', id: 'BENCH', role: 'editor' };
  await putCalendar(deps, 'bench', { name: { en: 'Bench' }, defaultLanguage: 'en', timeZone: 'Asia/Kuwait' }, editor);
  const input = createEventSchema().parse({ calendar: 'bench', title: { en: 'Bench event', ar: 'فعالية' }, schedule: { type: 'timed', start: '2026-07-14T09:00', end: '2026-07-14T17:00', timeZone: 'Asia/Muscat' } });
  const { event } = await createEvent(deps, input, editor);

  const bare = await timed(APPENDS, (i) => store.client.send(new PutCommand({ TableName: store.tables.idempotency, Item: { pk: `bare#${i}`, changes: [{ type: 'x', data: input }] } })));
  const creates = await timed(APPENDS, () => createEvent(deps, input, editor));
  // Patches on one event: every append reads the whole stream first, so this shows the cost of a long stream.
  const patches = await timed(APPENDS, (i) => changeEvent(deps, event.id, { type: 'patch', patch: { tags: [`t${i}`] } }, editor));
  console.log(`\nAppend latency (${APPENDS} sequential commands each)`);
  console.log(`  baseline: bare PutItem            p50 ${ms(percentile(bare, 50))}  p99 ${ms(percentile(bare, 99))}`);
  console.log(`  POST /events (new stream)         p50 ${ms(percentile(creates, 50))}  p99 ${ms(percentile(creates, 99))}`);
  console.log(`  PATCH (one stream, up to v${APPENDS + 1})     p50 ${ms(percentile(patches, 50))}  p99 ${ms(percentile(patches, 99))}`);

  for (let i = 0; i < REBUILD_EVENTS; i++) {
    const created = await createEvent(deps, { ...input, participants: [{ name: 'Guest', role: 'optional', status: 'invited' }] }, editor);
    await changeEvent(deps, created.event.id, { type: 'patch', patch: { tags: ['rebuild'] } }, editor);
  }
  const scanStarted = performance.now();
  let scanned = 0;
  for await (const _commit of store.journal.scan()) scanned++;
  const scanSeconds = (performance.now() - scanStarted) / 1000;
  const summary = await rebuildViews({ client: store.client, journal: store.journal, viewsTable: store.tables.views });
  const items = (await store.client.send(new ScanCommand({ TableName: store.tables.journal, Select: 'COUNT' }))).Count;
  console.log(`\nView rebuild (${summary.streams} streams, ${summary.changes} changes, ${items} journal items)`);
  console.log(`  baseline: bare Scan of the journal  ${Math.round(scanned / scanSeconds)} items/s`);
  console.log(`  rebuild-views                       ${Math.round(summary.changes / (summary.millis / 1000))} changes/s (${Math.round(summary.millis)} ms)`);
  await store.close();
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
