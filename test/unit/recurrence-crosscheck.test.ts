/**
 * Independent cross-check (issue #14): for every rule of the rule set, python3-recurring-ical-events (Debian)
 * and ical.js read the series as iCalendar and must list the same occurrences (UTC starts and recurrence ids)
 * as our occurrences() for the same window. .ci/run installs the Debian package.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { normalizeRecurrence, occurrences, type Series } from '#domain/recurrence';
import { instantOf, parseLocalDate, parseLocalDateTime } from '#domain/time';
import { icaljsOccurrences, seriesIcs, type Listed } from '../helpers/recurrence-ics.ts';
import { ruleCases, type RuleCase } from '../fixtures/recurrence/rules.ts';

const PYTHON = '/usr/bin/python3';
const ORACLE = new URL('../helpers/recurrence_oracle.py', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'taqweem-recurrence-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
beforeAll(() => {
  try {
    execFileSync(PYTHON, ['-c', 'import recurring_ical_events'], { stdio: 'pipe' });
  } catch {
    throw new Error("the cross-check needs Debian's python3-recurring-ical-events: apt-get install -y python3-recurring-ical-events (.ci/run does)");
  }
});

const utc = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');

function seriesOf(c: RuleCase): Series {
  const { recurrence, errors } = normalizeRecurrence({ rule: c.rule, exdates: c.exdates, rdates: c.rdates }, c.schedule);
  expect(errors).toEqual([]);
  return { schedule: c.schedule, recurrence: recurrence! };
}

function ours(series: Series, from: number, to: number): Listed[] {
  const { schedule } = series;
  const idInstant = (id: string) => (schedule.type === 'timed' ? instantOf(parseLocalDateTime(id)!, schedule.timeZone)! : Date.UTC(parseLocalDate(id)!.year, parseLocalDate(id)!.month - 1, parseLocalDate(id)!.day));
  return occurrences(series, { from, to }).map((o) => ({ start: utc(Date.parse(o.start)), recurrenceId: utc(idInstant(o.recurrenceId)) }));
}

function python(ics: string, name: string, from: number, to: number): Listed[] {
  const file = join(dir, `${name.replace(/[^a-z0-9]+/gi, '-')}.ics`);
  writeFileSync(file, ics);
  return JSON.parse(execFileSync(PYTHON, [ORACLE, file, utc(from), utc(to)], { encoding: 'utf8' })) as Listed[];
}

const withOverride: RuleCase & { moved: { recurrenceId: string; start: string; end: string } } = {
  ...ruleCases[0]!,
  name: 'weekly New York with one occurrence moved by RECURRENCE-ID',
  expected: [],
  moved: { recurrenceId: '2026-03-09T09:00:00', start: '2026-03-10T11:00', end: '2026-03-10T12:30' },
};

describe('occurrences() agree with python3-recurring-ical-events and ical.js', () => {
  for (const c of ruleCases) {
    it(c.name, () => {
      const series = seriesOf(c);
      const [from, to] = [Date.parse(c.window.from), Date.parse(c.window.to)];
      const ics = seriesIcs(`case-${ruleCases.indexOf(c)}@taqweem.test`, series);
      const listed = ours(series, from, to);
      expect(listed.length).toBeGreaterThan(0);
      expect(python(ics, c.name, from, to)).toEqual(listed);
      const icaljs = icaljsOccurrences(ics, from, to);
      if (c.schedule.type === 'allDay' && c.rule === 'FREQ=YEARLY') {
        // ical.js 2.2.1 rolls an implicit 29 February over to 1 March in common years; RFC 5545 §3.3.10 says
        // such dates are skipped (python agrees with us). We pin BYMONTH/BYMONTHDAY, which it gets right.
        expect(icaljs.filter((o) => !o.start.includes('-03-01T'))).toEqual(listed);
        expect(icaljs.length).toBeGreaterThan(listed.length);
      } else {
        expect(icaljs).toEqual(listed);
      }
    });
  }

  it(withOverride.name, () => {
    const base = seriesOf(withOverride);
    if (base.schedule.type !== 'timed') throw new Error('timed case expected');
    const series: Series = {
      ...base,
      overrides: [{ recurrenceId: withOverride.moved.recurrenceId, schedule: { ...base.schedule, start: withOverride.moved.start, end: withOverride.moved.end } }],
    };
    const [from, to] = [Date.parse(withOverride.window.from), Date.parse(withOverride.window.to)];
    const ics = seriesIcs('override@taqweem.test', series);
    const listed = ours(series, from, to);
    expect(listed.map((o) => o.start)).toContain('2026-03-10T15:00:00Z');
    expect(python(ics, withOverride.name, from, to)).toEqual(listed);
    expect(icaljsOccurrences(ics, from, to)).toEqual(listed);
  });
});
