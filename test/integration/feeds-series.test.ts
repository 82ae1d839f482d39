/**
 * rfeeds (#14): recurring series in feeds, over real HTTP. Each series of the issue's rule set is created through
 * the API, read back from our feed, and expanded by python3-recurring-ical-events (Debian) and ical.js: both must
 * list the same occurrences (UTC starts and recurrence ids) in the window as our domain occurrences() does, and
 * (occur, 0017) as GET /events lists for the same window, from materialized items or expanded on read.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ICAL from 'ical.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deps } from '#config/deps';
import { loadFeedBody, loadFeedHead } from '#feeds/feed';
import { occurrences, type Series } from '#domain/recurrence';
import { seriesOf } from '#domain/event';
import type { CalendarEvent } from '#domain/event';
import { utcRange } from '#domain/schedule';
import type { Schedule } from '#domain/schemas';
import { instantOf, parseLocalDate, parseLocalDateTime } from '#domain/time';
import { ruleCases, type RuleCase } from '../fixtures/recurrence/rules.ts';
import { lintICalendar, unfold } from '../helpers/ical-lint.ts';
import { icaljsOccurrences, type Listed } from '../helpers/recurrence-ics.ts';
import { startTestRuntime } from '../helpers/runtime.ts';

const PYTHON = '/usr/bin/python3';
const ORACLE = new URL('../helpers/recurrence_oracle.py', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'taqweem-feed-series-'));
let t: Awaited<ReturnType<typeof startTestRuntime>>;
const created = new Map<string, CalendarEvent>();

const utc = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');

/** The VTIMEZONEs of a feed and the VEVENTs of one UID, as a calendar of their own. */
function only(ics: string, id: string): string {
  const blocks = ics.match(/BEGIN:(VTIMEZONE|VEVENT)\r\n[\s\S]*?END:\1\r\n/g) ?? [];
  const kept = blocks.filter((block) => block.startsWith('BEGIN:VTIMEZONE') || unfold(`${block}`).includes(`UID:${id}@taqweem`));
  return `BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Taqweem//test//EN\r\n${kept.join('')}END:VCALENDAR\r\n`;
}
const lines = (ics: string) => unfold(ics).join('\r\n');
const vevents = (ics: string, id: string) => (only(ics, id).match(/BEGIN:VEVENT\r\n[\s\S]*?END:VEVENT\r\n/g) ?? []).join('');

function python(ics: string, name: string, from: number, to: number): Listed[] {
  const file = join(dir, `${name.replace(/[^a-z0-9]+/gi, '-')}.ics`);
  writeFileSync(file, ics);
  return JSON.parse(execFileSync(PYTHON, [ORACLE, file, utc(from), utc(to)], { encoding: 'utf8' })) as Listed[];
}

/** A recurrence id as the UTC instant the oracles write for RECURRENCE-ID. */
function idInstant(schedule: Schedule, id: string): number {
  if (schedule.type === 'timed') return instantOf(parseLocalDateTime(id)!, schedule.timeZone)!;
  const date = parseLocalDate(id)!;
  return Date.UTC(date.year, date.month - 1, date.day);
}

function ours(event: CalendarEvent, from: number, to: number, includeCancelled = false): Listed[] {
  const series = seriesOf(event) as Series;
  return occurrences(series, { from, to }, { includeCancelled }).map((o) => ({ start: utc(Date.parse(o.start)), recurrenceId: utc(idInstant(series.schedule, o.recurrenceId)) }));
}

/** The occurrences of one series GET /events lists in [from, to) (every page), cancelled ones only on request. */
async function listed(event: CalendarEvent, from: number, to: number, includeCancelled = false): Promise<Listed[]> {
  const rows: { id: string; schedule: Schedule; status: string; occurrence: { recurrenceId: string; cancelled: boolean } }[] = [];
  let cursor: string | null = null;
  do {
    const reply = await t.call('GET', `/events?calendar=${event.calendar}&from=${utc(from)}&to=${utc(to)}&limit=200${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, { key: null });
    expect(reply.status).toBe(200);
    rows.push(...reply.body.items);
    cursor = reply.body.nextCursor;
  } while (cursor);
  return rows
    .filter((row) => row.id === event.id && (includeCancelled || !row.occurrence.cancelled))
    .map((row) => ({ start: utc(Date.parse(utcRange(row.schedule).start)), recurrenceId: utc(idInstant(event.schedule, row.occurrence.recurrenceId)) }));
}

const body = (c: RuleCase, title = c.name) => ({
  calendar: 'rs',
  title: { en: title },
  schedule: { ...c.schedule, recurrence: { rule: c.rule, ...(c.exdates ? { exdates: c.exdates } : {}), ...(c.rdates ? { rdates: c.rdates } : {}) } },
});

beforeAll(async () => {
  execFileSync(PYTHON, ['-c', 'import recurring_ical_events'], { stdio: 'pipe' });
  t = await startTestRuntime();
  // feedPastDays 0: every series of the rule set (some ended in early 2026) is in the feed.
  expect((await t.call('PUT', '/calendars/rs', { body: { name: { en: 'Series' }, defaultLanguage: 'en', timeZone: 'America/New_York', feedPastDays: 0 } })).status).toBe(201);
  for (const c of ruleCases) {
    const reply = await t.call('POST', '/events', { body: body(c) });
    expect(reply.status, c.name).toBe(201);
    created.set(c.name, reply.body);
  }
});
afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  await t?.close();
});

async function feed(query = ''): Promise<string> {
  const reply = await t.call('GET', `/feeds/rs.ics${query}`, { key: null });
  expect(reply.status).toBe(200);
  return reply.text;
}

describe('a series in a feed is one master VEVENT that calendar apps expand as we do', () => {
  it('writes each series once, with RRULE (and EXDATE/RDATE), and passes the lint', async () => {
    const ics = await feed();
    expect(lintICalendar(ics)).toEqual([]);
    for (const c of ruleCases) {
      const id = created.get(c.name)!.id;
      const own = lines(vevents(ics, id));
      expect(own.match(/BEGIN:VEVENT/g), c.name).toHaveLength(1);
      expect(own, c.name).toMatch(/\r\nRRULE:FREQ=/);
      for (const exdate of c.exdates ?? []) expect(own).toContain(`EXDATE;TZID=${(c.schedule as { timeZone: string }).timeZone}:${exdate.replace(/[-:]/g, '')}`);
      for (const rdate of c.rdates ?? []) expect(own).toContain(`RDATE;TZID=${(c.schedule as { timeZone: string }).timeZone}:${rdate.replace(/[-:]/g, '')}`);
    }
  });

  for (const c of ruleCases) {
    it(`lists the same occurrences as python3-recurring-ical-events and ical.js: ${c.name}`, async () => {
      const event = created.get(c.name)!;
      const [from, to] = [Date.parse(c.window.from), Date.parse(c.window.to)];
      const ics = only(await feed(), event.id);
      const expected = ours(event, from, to);
      expect(expected.length).toBeGreaterThan(0);
      expect(python(ics, c.name, from, to)).toEqual(expected);
      expect(icaljsOccurrences(ics, from, to)).toEqual(expected);
      expect(await listed(event, from, to), JSON.stringify(await listed(event, from, to))).toEqual(expected);
    });
  }

  it('writes a moved and retitled occurrence by RECURRENCE-ID, and a cancelled one as EXDATE and STATUS:CANCELLED', async () => {
    const c = ruleCases[0]!;
    const series = (await t.call('POST', '/events', { body: body(c, 'Coordination call') })).body;
    const path = (rid: string, action = '') => `/events/${series.id}/occurrences/${rid}${action}`;
    expect((await t.call('PATCH', path('2026-03-09T09:00'), { body: { schedule: { start: '2026-03-10T14:00:00', end: '2026-03-10T15:30:00' }, title: { en: 'Moved call' } } })).status).toBe(200);
    expect((await t.call('POST', path('2026-03-16T09:00', '/cancel'), { body: { reason: 'holiday' } })).status).toBe(200);
    const event = (await t.call('GET', `/events/${series.id}`)).body as CalendarEvent;
    const full = await feed();
    expect(lintICalendar(full)).toEqual([]);
    const ics = only(full, series.id);
    const own = lines(vevents(full, series.id));
    expect(own.match(/BEGIN:VEVENT/g)).toHaveLength(3);
    expect(own).toContain('EXDATE;TZID=America/New_York:20260316T090000');
    const moved = own.split('BEGIN:VEVENT').find((part) => part.includes('RECURRENCE-ID;TZID=America/New_York:20260309T090000'))!;
    expect(moved).toContain('DTSTART;TZID=America/New_York:20260310T140000');
    expect(moved).toContain('SUMMARY;LANGUAGE=en:Moved call');
    expect(moved).toMatch(/SEQUENCE:1\r\n/);
    const cancelled = own.split('BEGIN:VEVENT').find((part) => part.includes('RECURRENCE-ID;TZID=America/New_York:20260316T090000'))!;
    expect(cancelled).toContain('STATUS:CANCELLED');
    expect(cancelled).toContain('SUMMARY;LANGUAGE=en:Coordination call');
    const [from, to] = [Date.parse('2026-02-28T00:00:00Z'), Date.parse('2026-03-31T00:00:00Z')];
    const expected = ours(event, from, to);
    expect(expected.map((o) => o.start)).toEqual(['2026-03-02T14:00:00Z', '2026-03-10T18:00:00Z', '2026-03-23T13:00:00Z', '2026-03-30T13:00:00Z']);
    // ical.js honours the EXDATE. recurring_ical_events lists a changed occurrence's own VEVENT even when EXDATE
    // removes its date: the cancelled one, as our occurrences() lists it with includeCancelled (STATUS:CANCELLED).
    const withCancelled = ours(event, from, to, true);
    expect(withCancelled).toEqual([...expected, { start: '2026-03-16T13:00:00Z', recurrenceId: '2026-03-16T13:00:00Z' }].sort((a, b) => a.start.localeCompare(b.start)));
    expect(python(ics, 'override', from, to)).toEqual(withCancelled);
    expect(icaljsOccurrences(ics, from, to)).toEqual(expected);
    // GET /events lists the same: the cancelled occurrence as a cancelled row, the moved one at its new time.
    expect(await listed(event, from, to)).toEqual(expected);
    expect(await listed(event, from, to, true)).toEqual(withCancelled);
    const exceptions = new ICAL.Component(ICAL.parse(ics)).getAllSubcomponents('vevent').map((v) => new ICAL.Event(v));
    const cancelledEvent = exceptions.find((e) => e.isRecurrenceException() && e.recurrenceId.toString() === '2026-03-16T09:00:00')!;
    expect(cancelledEvent.component.getFirstPropertyValue('status')).toBe('CANCELLED');
    // The event's own .ics writes the series the same way.
    const single = await t.call('GET', `/events/${series.id}.ics`);
    expect(single.status).toBe(200);
    expect(lintICalendar(single.text)).toEqual([]);
    expect(vevents(single.text, series.id)).toBe(vevents(full, series.id));
    expect(python(only(single.text, series.id), 'override-ics', from, to)).toEqual(withCancelled);
  });

  it('keeps a series in the window while any occurrence can be: an endless one begun in 2000 stays, an ended one leaves', async () => {
    const ics = await feed('?pastDays=30');
    const endless = created.get('weekly since 2000, a window in 2026 (mid-series)')!;
    const ended = created.get('every 4 days 08:30 London, COUNT=4, across the March DST start')!;
    expect(ics).toContain(`UID:${endless.id}@taqweem`);
    expect(ics).not.toContain(`UID:${ended.id}@taqweem`);
    // Its VTIMEZONE covers the years ahead (explicit transitions): 2030's DST start in New York is there.
    expect(unfold(ics)).toContain('DTSTART:20300310T020000');
  });
});

describe('a Hijri series in a feed', () => {
  it('writes 1 Ramadan 1448–1457 AH as RDATEs (no RRULE) equal to Intl islamic-umalqura', async () => {
    // The reference: Intl's islamic-umalqura calendar read day by day (not hijri.ts's search).
    const formatter = new Intl.DateTimeFormat('en-US-u-ca-islamic-umalqura', { timeZone: 'UTC', year: 'numeric', month: 'numeric', day: 'numeric' });
    const firstOfRamadan = new Map<number, string>();
    for (let ms = Date.UTC(2026, 0, 1); ms < Date.UTC(2041, 0, 1); ms += 86_400_000) {
      const parts = Object.fromEntries(formatter.formatToParts(new Date(ms)).map((p) => [p.type, p.value]));
      if (parts.month === '9' && parts.day === '1') firstOfRamadan.set(Number.parseInt(parts.year!, 10), new Date(ms).toISOString().slice(0, 10));
    }
    const years = Array.from({ length: 10 }, (_, i) => 1448 + i);
    const start = firstOfRamadan.get(1448)!;
    const reply = await t.call('POST', '/events', {
      body: { calendar: 'rs', title: { en: 'First of Ramadan' }, schedule: { type: 'allDay', startDate: start, endDate: start, recurrence: { rule: 'RSCALE=ISLAMIC-UMALQURA;FREQ=YEARLY;BYMONTH=9;BYMONTHDAY=1' } } },
    });
    expect(reply.status).toBe(201);
    const own = lines(vevents(await feed(), reply.body.id));
    expect(own).not.toContain('RRULE');
    expect(own).toContain(`DTSTART;VALUE=DATE:${start.replaceAll('-', '')}`);
    const written = [start, ...[...own.matchAll(/\r\nRDATE;VALUE=DATE:(\d{8})/g)].map((m) => `${m[1]!.slice(0, 4)}-${m[1]!.slice(4, 6)}-${m[1]!.slice(6)}`)];
    expect(written.slice(0, 10)).toEqual(years.map((year) => firstOfRamadan.get(year)));
    // GET /events lists the same ten days, materialized (the next two years) and expanded on read (the rest).
    const rows = await listed(reply.body, Date.parse('2026-01-01T00:00:00Z'), Date.parse('2037-01-01T00:00:00Z'));
    expect(rows.map((row) => row.start.slice(0, 10))).toEqual([...firstOfRamadan.values()].filter((day) => day >= start && day < '2037').sort());
    expect(rows.length).toBeGreaterThanOrEqual(10);

    // The horizon moves with the clock, without an edit: read in 2030, the dates run from 2030 for ten years.
    const in2030 = { ...deps(), now: () => new Date('2030-06-01T00:00:00Z') };
    const query = { calendar: 'rs', tags: [], excludeTentative: false, cancelledRetentionDays: 30 };
    const later = lines(vevents(Buffer.concat(await loadFeedBody(in2030, await loadFeedHead(in2030, query))).toString('utf8'), reply.body.id));
    const moved = [...later.matchAll(/\r\nRDATE;VALUE=DATE:(\d{8})/g)].map((m) => `${m[1]!.slice(0, 4)}-${m[1]!.slice(4, 6)}-${m[1]!.slice(6)}`);
    expect(moved).toEqual([...firstOfRamadan.values()].filter((day) => day >= '2030-01-01' && day < '2040-01-01').sort());
  });
});
