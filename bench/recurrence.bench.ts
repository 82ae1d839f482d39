/**
 * Recurrence expansion: rrule-temporal vs rrule vs ical.js (and our occurrences(), built on ical.js), measured
 * for docs/decisions/0016. Not yet part of `npm run bench`: run `npx tsx bench/recurrence.bench.ts`.
 *
 * Each library gets the rule set of test/fixtures/recurrence/rules.ts as floating iCalendar text (DTSTART,
 * RRULE, EXDATE, RDATE, UNTIL as the zone's wall time) and expands it itself, COUNT and implicit parts
 * included; the wall times it returns become instants in the series' zone through the domain's Intl
 * conversion, the same for all. Scored against the hand-worked `expected` of each case.
 * `--correctness` prints only the score lines (the run under Node 22 uses it).
 */
import { execFileSync } from 'node:child_process';
import { cpus } from 'node:os';
import { build } from 'esbuild';
import ICAL from 'ical.js';
import rrulePackage from 'rrule';
import { RRuleTemporal } from 'rrule-temporal';
import { normalizeRecurrence, occurrences } from '#domain/recurrence';
import { utcRange } from '#domain/schedule';
import { instantOf, parseLocalDate, parseLocalDateTime, wallTimeAt, type WallTime } from '#domain/time';
import { ruleCases, type RuleCase } from '../test/fixtures/recurrence/rules.ts';

const { rrulestr } = rrulePackage;
type Expander = (ics: string, from: Date, to: Date) => string[];
const pad = (n: number) => String(n).padStart(2, '0');
const stamp = (w: WallTime, date: boolean) => `${w.year}${pad(w.month)}${pad(w.day)}${date ? '' : `T${pad(w.hour)}${pad(w.minute)}${pad(w.second)}`}`;
const wallText = (d: Date) => d.toISOString().slice(0, 19);

const libraries: Record<string, Expander> = {
  'rrule-temporal': (ics, from, to) => new RRuleTemporal({ rruleString: ics }).between(from, to, true).map((z) => z.toPlainDateTime().toString().slice(0, 19)),
  rrule: (ics, from, to) => rrulestr(ics, { forceset: true }).between(from, to, true).map(wallText),
  'ical.js': (ics, from, to) => {
    const event = new ICAL.Event(new ICAL.Component(ICAL.parse(`BEGIN:VEVENT\r\nUID:x\r\n${ics.replaceAll('\n', '\r\n')}\r\nEND:VEVENT`)));
    const walls: string[] = [];
    const iterator = event.iterator();
    for (let next = iterator.next(); next && next.toUnixTime() * 1000 <= to.getTime(); next = iterator.next()) {
      if (next.toUnixTime() * 1000 >= from.getTime()) walls.push(wallText(new Date(next.toUnixTime() * 1000)));
    }
    return walls;
  },
};

/** The case as floating text: every time is the zone's wall time, so libraries only do calendar arithmetic. */
function floatingIcs(c: RuleCase): { ics: string; zone: string; isDate: boolean; minutes: number } {
  const s = c.schedule;
  if (s.type === 'month') throw new Error('month-only series have no iCalendar form');
  const isDate = s.type === 'allDay';
  const zone = s.type === 'timed' ? s.timeZone : 'UTC';
  const start = isDate ? parseLocalDate(s.startDate)! : parseLocalDateTime(s.start)!;
  const minutes = s.type === 'timed' ? (instantOf(parseLocalDateTime(s.end)!, zone)! - instantOf(start, zone)!) / 60_000 : 1440;
  const rule = c.rule.replace(/UNTIL=(\d{8}T\d{6})Z/, (_m, utc: string) => {
    const ms = Date.parse(`${utc.slice(0, 4)}-${utc.slice(4, 6)}-${utc.slice(6, 8)}T${utc.slice(9, 11)}:${utc.slice(11, 13)}:${utc.slice(13, 15)}Z`);
    return `UNTIL=${stamp(wallTimeAt(ms, zone), false)}`;
  });
  const dateLine = (name: string, wall: WallTime) => `${name}${isDate ? ';VALUE=DATE' : ''}:${stamp(wall, isDate)}`;
  const lines = [dateLine('DTSTART', start), `RRULE:${rule}`];
  for (const id of c.exdates ?? []) lines.push(dateLine('EXDATE', parseLocalDateTime(id) ?? parseLocalDate(id)!));
  for (const id of c.rdates ?? []) lines.push(dateLine('RDATE', parseLocalDateTime(id) ?? parseLocalDate(id)!));
  return { ics: lines.join('\n'), zone, isDate, minutes };
}

function viaLibrary(expand: Expander, c: RuleCase): string[] {
  const { ics, zone, minutes } = floatingIcs(c);
  const [from, to] = [Date.parse(c.window.from), Date.parse(c.window.to)];
  const floating = (ms: number) => {
    const w = wallTimeAt(ms, zone);
    return new Date(Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second));
  };
  return expand(ics, floating(from - minutes * 60_000 - 2 * 86_400_000), floating(to + 2 * 86_400_000))
    .map((wall) => instantOf(parseLocalDateTime(wall)!, zone))
    .filter((at): at is number => at !== undefined && at < to && at + minutes * 60_000 > from)
    .map((at) => new Date(at).toISOString());
}

function viaOurs(c: RuleCase): string[] {
  const { recurrence } = normalizeRecurrence({ rule: c.rule, exdates: c.exdates, rdates: c.rdates }, c.schedule);
  return occurrences({ schedule: c.schedule, recurrence: recurrence! }, { from: Date.parse(c.window.from), to: Date.parse(c.window.to) }).map((o) => o.start);
}

const contenders: Record<string, (c: RuleCase) => string[]> = {
  ...Object.fromEntries(Object.entries(libraries).map(([name, expand]) => [name, (c: RuleCase) => viaLibrary(expand, c)])),
  'ours (ical.js, rebased)': viaOurs,
};

function score(): void {
  for (const [name, run] of Object.entries(contenders)) {
    const failed: string[] = [];
    for (const c of ruleCases) {
      let got: string[] | string;
      try {
        got = run(c);
      } catch (error) {
        got = `throws ${(error as Error).message}`;
      }
      if (JSON.stringify(got) !== JSON.stringify(c.expected)) failed.push(`${c.name} → ${JSON.stringify(got)}`);
    }
    console.log(`  ${name.padEnd(24)} ${ruleCases.length - failed.length}/${ruleCases.length} correct`);
    for (const line of failed) console.log(`      ✗ ${line}`);
  }
}

function timePerCall(run: () => unknown, minMs = 400): number {
  run();
  let calls = 0;
  const start = performance.now();
  while (performance.now() - start < minMs) {
    run();
    calls++;
  }
  return (performance.now() - start) / calls;
}

async function bundleBytes(source: string): Promise<number> {
  const result = await build({ stdin: { contents: source, resolveDir: process.cwd(), loader: 'ts' }, bundle: true, minify: true, format: 'esm', platform: 'node', write: false, logLevel: 'silent' });
  return result.outputFiles[0]!.contents.length;
}

if (process.argv.includes('--correctness')) {
  console.log(`Node ${process.version}: the rule set (${ruleCases.length} cases)`);
  score();
} else {
  console.log(`Recurrence expansion — ${cpus()[0]?.model ?? 'cpu'} ×${cpus().length}, Node ${process.version}`);
  console.log(`Correctness, ${ruleCases.length} cases (DST New York + London, -1FR, 2MO, BYSETPOS, COUNT, UNTIL, EXDATE, RDATE, 29 Feb all-day, mid-series):`);
  score();
  const old = ruleCases.find((c) => c.name.startsWith('weekly since 2000'))!;
  const fresh = ruleCases[0]!;
  console.log('Mid-series: a weekly series started 2000-01-03, window 2026-03-01..17 (3 occurrences); baseline: the same window of a series started 2026-03-02');
  for (const [name, run] of Object.entries(contenders)) {
    const late = timePerCall(() => run(old));
    const early = timePerCall(() => run(fresh));
    console.log(`  ${name.padEnd(24)} ${late.toFixed(3).padStart(8)} ms/window (baseline ${early.toFixed(3)} ms, ×${(late / early).toFixed(1)})`);
  }
  console.log('Throughput: ms per occurrence, 120 occurrences from DTSTART (the library alone, no zone conversion)');
  for (const rule of ['FREQ=MONTHLY;BYDAY=-1FR', 'FREQ=MONTHLY;BYMONTHDAY=15', 'FREQ=WEEKLY;BYDAY=MO']) {
    const ical =
      timePerCall(() => {
        const it = ICAL.Recur.fromString(rule).iterator(ICAL.Time.fromData({ year: 2012, month: 1, day: 27, hour: 9 }));
        for (let i = 0; i < 120; i++) it.next();
      }) / 120;
    const rr = timePerCall(() => rrulestr(`DTSTART:20120127T090000Z\nRRULE:${rule};COUNT=120`).all()) / 120;
    const rt = timePerCall(() => new RRuleTemporal({ rruleString: `DTSTART:20120127T090000\nRRULE:${rule};COUNT=120` }).all()) / 120;
    console.log(`  ${rule.padEnd(28)} rrule-temporal ${rt.toFixed(3)}  rrule ${rr.toFixed(3)}  ical.js ${ical.toFixed(3)}`);
  }
  console.log('Read-time expansion (0017): one month (March 2026) of 1,000 series begun years earlier, one occurrence each, vs utcRange of 1,000 single events');
  const rules = ['FREQ=MONTHLY;BYDAY=-1FR', 'FREQ=MONTHLY;BYDAY=2MO', 'FREQ=MONTHLY;BYMONTHDAY=15', 'FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1', 'RSCALE=ISLAMIC-UMALQURA;FREQ=MONTHLY'];
  const zones = ['Asia/Kuwait', 'Asia/Muscat', 'Asia/Shanghai', 'America/New_York', 'Europe/London'];
  const thousand = Array.from({ length: 1000 }, (_, i) => {
    const schedule = { type: 'timed', start: `20${String(10 + (i % 10)).padStart(2, '0')}-01-15T09:00`, end: `20${String(10 + (i % 10)).padStart(2, '0')}-01-15T10:00`, timeZone: zones[i % 5]! } as const;
    return { schedule, recurrence: normalizeRecurrence({ rule: rules[i % 5]! }, schedule).recurrence! };
  });
  const month = { from: Date.parse('2026-03-01T00:00:00Z'), to: Date.parse('2026-04-01T00:00:00Z') };
  let listed = 0;
  const expand = timePerCall(() => {
    listed = thousand.reduce((n, series) => n + occurrences(series, month).length, 0);
  }, 1000);
  const singles = timePerCall(() => thousand.map((series) => utcRange(series.schedule)), 1000);
  console.log(
    `  expand 1,000 series: ${expand.toFixed(0)} ms for ${listed} occurrences (${(expand / listed).toFixed(2)} ms each); utcRange of 1,000 single events: ${singles.toFixed(1)} ms (×${(expand / singles).toFixed(0)})`,
  );
  console.log('Bundle (esbuild --bundle --minify, ESM, platform node):');
  const baseline = await bundleBytes("console.log('baseline')");
  for (const [name, source] of [
    ['rrule-temporal', "import { RRuleTemporal } from 'rrule-temporal'; console.log(RRuleTemporal)"],
    ['rrule', "import { RRule, RRuleSet, rrulestr } from 'rrule'; console.log(RRule, RRuleSet, rrulestr)"],
    ['ical.js', "import ICAL from 'ical.js'; console.log(ICAL)"],
    ['ours (occurrences)', "import { occurrences, normalizeRecurrence } from '#domain/recurrence'; console.log(occurrences, normalizeRecurrence)"],
  ] as const) {
    console.log(`  ${name.padEnd(24)} ${((await bundleBytes(source)) / 1024).toFixed(1).padStart(7)} KiB (empty bundle ${baseline} B)`);
  }
  console.log('Node 22 (npx node@22 --import tsx bench/recurrence.bench.ts --correctness):');
  const node22 = execFileSync('npx', ['-y', 'node@22', '--import', 'tsx', 'bench/recurrence.bench.ts', '--correctness'], { encoding: 'utf8' });
  for (const line of node22.trim().split('\n')) console.log(`  ${line}`);
}
