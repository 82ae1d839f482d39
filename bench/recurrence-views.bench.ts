/**
 * `npm run bench` (recurrence views, docs/decisions/0017): listing one month of a calendar of series against the
 * same month of a calendar of single events, in the same run, on dynalite in memory:
 * - A (baseline): BENCH_SERIES (1,000) single events in the month;
 * - B: BENCH_SERIES series with exactly one occurrence each in the month (-1FR, 2MO, BYMONTHDAY, BYSETPOS, yearly,
 *   Hijri monthly), begun years earlier; target B ≤ 2× A;
 * - C: BENCH_WEEKLY (100) weekly series (four or five occurrences each in the month), reported per returned row.
 * The list is what GET /events runs (listEvents: the page size the API allows, 200, all pages), `BENCH_LISTS` (9)
 * times each, interleaved. The views are written as `npm run rebuild-views` writes them (offline), materialized
 * occurrences included.
 */
import '../infra/local/local-env.ts'; // first: Powertools reads it at import (no EMF lines in the figures)
import { cpus, loadavg, totalmem } from 'node:os';
import { BatchWriteCommand } from '@aws-sdk/lib-dynamodb';
import type { Deps } from '#config/deps';
import { streams } from '#domain/changes';
import { decideEvent, seriesOf } from '#domain/event';
import { newId } from '#domain/ids';
import { occurrences } from '#domain/recurrence';
import { createEventSchema } from '#domain/schemas';
import { seriesSupport } from '#domain/series';
import { buildCommit, type CommitItem } from '#journal/commit';
import { listEvents } from '#views/queries';
import { rebuildViews } from '#views/rebuild';
import { startTestStore } from '../test/helpers/store.ts';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const SERIES = Number(process.env.BENCH_SERIES ?? 1_000);
const WEEKLY = Number(process.env.BENCH_WEEKLY ?? 100);
const LISTS = Number(process.env.BENCH_LISTS ?? 9);
const MONTH = { from: '2027-03-01T00:00:00.000Z', to: '2027-04-01T00:00:00.000Z' };
const ZONES = ['Asia/Kuwait', 'Asia/Muscat', 'Asia/Shanghai'];
const meta = { at: '2026-01-01T00:00:00.000Z', actor: 'key:BENCH', newId };

const median = (samples: number[]) => [...samples].sort((a, b) => a - b)[Math.floor(samples.length / 2)]!;
const ms = (value: number) => `${value.toFixed(1)} ms`;
const n = (value: number) => Math.round(value).toLocaleString('en');

/** A series or single event as the journal records its creation. */
function created(calendar: string, i: number, schedule: Record<string, unknown>): CommitItem {
  const input = createEventSchema().parse({ calendar, title: { en: `Event ${i}`, ar: `فعالية ${i}` }, schedule });
  const changes = decideEvent({ type: 'create', input, calendarExists: true, participantIds: [], series: seriesSupport }, undefined);
  return buildCommit(streams.event(newId()), 0, changes, meta);
}

/** Rules of B: each begun in 2024 or 2025, in one of the launch zones; the Hijri ones start on their own day. */
function seriesSchedule(i: number): Record<string, unknown> {
  const zone = ZONES[i % ZONES.length]!;
  const timed = (date: string, rule: string) => ({ type: 'timed', start: `${date}T09:00`, end: `${date}T10:30`, timeZone: zone, recurrence: { rule } });
  switch (i % 6) {
    case 0:
      return timed('2024-05-31', 'FREQ=MONTHLY;BYDAY=-1FR');
    case 1:
      return timed('2024-06-10', 'FREQ=MONTHLY;BYDAY=2MO');
    case 2: {
      const day = (i % 28) + 1;
      return timed(`2025-01-${String(day).padStart(2, '0')}`, `FREQ=MONTHLY;BYMONTHDAY=${day}`);
    }
    case 3:
      return timed('2024-07-31', 'FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1');
    case 4: {
      const day = (i % 28) + 1;
      return timed(`2024-03-${String(day).padStart(2, '0')}`, 'FREQ=YEARLY');
    }
    default: {
      // Hijri months are 29 or 30 days: a day of them late enough falls once in a Gregorian month.
      const day = 5 + (i % 20);
      return { type: 'allDay', startDate: '2025-01-01', endDate: '2025-01-01', recurrence: { rule: `RSCALE=ISLAMIC-UMALQURA;FREQ=MONTHLY;BYMONTHDAY=${day}` } };
    }
  }
}

/** Occurrences of a created series in the month (to keep B to exactly one each). */
function inMonth(commit: CommitItem): number {
  const data = commit.changes[0]!.data as { schedule: Parameters<typeof seriesOf>[0]['schedule'] };
  const series = seriesOf({ schedule: data.schedule })!;
  return occurrences(series, { from: Date.parse(MONTH.from), to: Date.parse(MONTH.to) }).length;
}

async function batchPut(client: Deps['client'], table: string, items: Record<string, unknown>[]): Promise<void> {
  for (let i = 0; i < items.length; i += 25) {
    let pending = items.slice(i, i + 25).map((Item) => ({ PutRequest: { Item } }));
    while (pending.length > 0) pending = ((await client.send(new BatchWriteCommand({ RequestItems: { [table]: pending } }))).UnprocessedItems?.[table] ?? []) as typeof pending;
  }
}

async function main(): Promise<void> {
  const [load] = loadavg();
  console.log(`Taqweem recurrence views bench — ${cpus()[0]?.model ?? 'unknown CPU'} ×${cpus().length}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}, dynalite in memory, load ${load!.toFixed(1)}`);
  const singles = Array.from({ length: SERIES }, (_, i) => {
    const day = String((i % 28) + 1).padStart(2, '0');
    return created('singles', i, { type: 'timed', start: `2027-03-${day}T09:00`, end: `2027-03-${day}T10:30`, timeZone: ZONES[i % ZONES.length] });
  });
  const series: CommitItem[] = [];
  for (let i = 0; series.length < SERIES; i++) {
    const commit = created('series', i, seriesSchedule(i));
    if (inMonth(commit) === 1) series.push(commit);
  }
  const weekly = Array.from({ length: WEEKLY }, (_, i) =>
    created('weekly', i, { type: 'timed', start: `2025-0${(i % 9) + 1}-0${(i % 7) + 1}T18:00`, end: `2025-0${(i % 9) + 1}-0${(i % 7) + 1}T19:00`, timeZone: ZONES[i % ZONES.length], recurrence: { rule: 'FREQ=WEEKLY' } }),
  );
  console.log(
    `Sizes: A ${n(SERIES)} single events in ${MONTH.from.slice(0, 7)}; B ${n(SERIES)} series with one occurrence each in it (6 kinds of rule, begun 2024–2025); C ${n(WEEKLY)} weekly series begun 2025; ${LISTS} lists each`,
  );

  const store = await startTestStore();
  await batchPut(store.client, store.tables.journal, [...singles, ...series, ...weekly] as unknown as Record<string, unknown>[]);
  const seeded = await rebuildViews({ client: store.client, journal: store.journal, viewsTable: store.tables.views, mode: 'offline' });
  console.log(`  (seeding: rebuild-views over ${n(seeded.streams)} streams wrote ${n(seeded.viewsWritten)} view items in ${n(seeded.millis)} ms)`);

  const reader = { client: store.client, tables: store.tables, adminKeyHash: async () => 'bench' };
  const listAll = async (calendar: string): Promise<number> => {
    let cursor: string | undefined;
    let rows = 0;
    do {
      const page = await listEvents(reader, { ...MONTH, calendar, includePrivate: false, limit: 200, cursor });
      rows += page.items.length;
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    return rows;
  };
  const rows = { singles: await listAll('singles'), series: await listAll('series'), weekly: await listAll('weekly') };
  if (rows.singles !== SERIES || rows.series !== SERIES) throw new Error(`expected ${SERIES} rows in A and B, listed ${rows.singles} and ${rows.series}`);
  const samples = { singles: [] as number[], series: [] as number[], weekly: [] as number[] };
  for (let i = 0; i < LISTS; i++) {
    for (const calendar of ['singles', 'series', 'weekly'] as const) {
      const started = performance.now();
      await listAll(calendar);
      samples[calendar].push(performance.now() - started);
    }
  }
  const [a, b, c] = [median(samples.singles), median(samples.series), median(samples.weekly)];
  const ratio = b / a;
  console.log(`\nOne month listed (GET /events: listEvents, 200 a page, all pages), median of ${LISTS}`);
  console.log(`  A baseline: ${n(SERIES)} single events          ${ms(a)}  (${n(rows.singles)} rows, ${(a / rows.singles).toFixed(3)} ms a row)`);
  console.log(`  B: ${n(SERIES)} series, one occurrence each     ${ms(b)}  B/A ${ratio.toFixed(2)}× (target ≤ 2×: ${ratio <= 2 ? 'met' : 'NOT met'})`);
  console.log(`  C: ${n(WEEKLY)} weekly series                    ${ms(c)}  (${n(rows.weekly)} rows, ${(c / rows.weekly).toFixed(3)} ms a row, ${(c / rows.weekly / (a / rows.singles)).toFixed(2)}× A's per row)`);
  console.log(`  load average after: ${loadavg()[0]!.toFixed(1)}`);
  await store.close();
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
