/**
 * Audit F11: an event that takes no time (end = start: a deadline, a launch) is an event like any other, as
 * RFC 5545 §3.6.1 reads a DATE-TIME DTSTART without DTEND. Created through the API or imported from a file
 * without DTEND, listed, and written to feeds with no DTEND, which ical.js, node-ical and python icalendar
 * read back as an instant. docs/decisions/0027.
 */
import { execFileSync } from 'node:child_process';
import ICAL from 'ical.js';
import nodeIcal from 'node-ical';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lintICalendar } from '../helpers/ical-lint.ts';
import { expectRefusal, startTestRuntime } from '../helpers/runtime.ts';

let t: Awaited<ReturnType<typeof startTestRuntime>>;
let calendarCount = 0;

async function newCalendar(): Promise<string> {
  const id = `instants-${++calendarCount}`;
  expect((await t.call('PUT', `/calendars/${id}`, { body: { name: { en: 'Instants' }, defaultLanguage: 'en', timeZone: 'Asia/Muscat' } })).status).toBe(201);
  return id;
}

const instant = (calendar: string, at = '2026-07-01T09:30') => ({ calendar, title: { en: 'Registration closes' }, schedule: { type: 'timed', start: at, end: at, timeZone: 'Asia/Muscat' } });

const vevent = (uid: string, lines: string[]) => ['BEGIN:VEVENT', `UID:${uid}`, 'DTSTAMP:20260101T000000Z', `SUMMARY:${uid}`, ...lines, 'END:VEVENT'];
const vcalendar = (...events: string[][]) => ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//Example//Export//EN', ...events.flat(), 'END:VCALENDAR', ''].join('\r\n');
const importInto = (calendar: string, body: string) => t.call('POST', `/calendars/${calendar}/import`, { rawBody: body, headers: { 'content-type': 'text/calendar' } });

beforeAll(async () => {
  t = await startTestRuntime();
});
afterAll(() => t.close());

describe('through the API', () => {
  it('an end equal to the start is an instant: created, patched, listed; an end before the start is still refused', async () => {
    const calendar = await newCalendar();
    const created = await t.call('POST', '/events', { body: instant(calendar) });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body.schedule).toEqual({ type: 'timed', start: '2026-07-01T09:30', end: '2026-07-01T09:30', timeZone: 'Asia/Muscat' });
    // The same instant, however written, is an instant too.
    const respelled = await t.call('POST', '/events', { body: { ...instant(calendar), schedule: { type: 'timed', start: '2026-07-02T09:30', end: '2026-07-02T09:30:00', timeZone: 'Asia/Muscat' } } });
    expect(respelled.status).toBe(201);

    const before = await t.journalSize();
    const backwards = { ...instant(calendar), schedule: { type: 'timed', start: '2026-07-01T09:30', end: '2026-07-01T09:29:59', timeZone: 'Asia/Muscat' } };
    expectRefusal(await t.call('POST', '/events', { body: backwards }), 400, 'schedule.end', 'end_before_start');
    expect(await t.journalSize()).toBe(before);

    const meeting = await t.call('POST', '/events', { body: { ...instant(calendar), schedule: { type: 'timed', start: '2026-07-03T09:00', end: '2026-07-03T10:00', timeZone: 'Asia/Muscat' } } });
    const patched = await t.call('PATCH', `/events/${meeting.body.id}`, {
      body: { schedule: { end: '2026-07-03T09:00' } },
      headers: { 'content-type': 'application/merge-patch+json', 'if-match': meeting.headers.get('etag')! },
    });
    expect(patched.status, JSON.stringify(patched.body)).toBe(200);
    expect(patched.body.schedule).toMatchObject({ start: '2026-07-03T09:00', end: '2026-07-03T09:00' });

    // 09:30 in Muscat is 05:30 UTC: a window holding that instant lists it; one ending at it does not.
    const listed = await t.call('GET', `/events?calendar=${calendar}&from=2026-07-01T05:00:00Z&to=2026-07-01T05:30:01Z`);
    expect(listed.body.items.map((e: { id: string }) => e.id)).toEqual([created.body.id]);
    const before0530 = await t.call('GET', `/events?calendar=${calendar}&from=2026-07-01T05:00:00Z&to=2026-07-01T05:30:00Z`);
    expect(before0530.body.items).toEqual([]);
  });
});

describe('in lists', () => {
  it('an instant at `from` is in the window, one at `to` is not (RFC 4791 §9.9), in lists, searches and series', async () => {
    const calendar = await newCalendar();
    // Midnight in Muscat (20:00 UTC the day before), where a day's view of the page starts.
    const single = (await t.call('POST', '/events', { body: instant(calendar, '2026-08-01T00:00') })).body;
    const series = (
      await t.call('POST', '/events', {
        body: { ...instant(calendar, '2026-08-01T00:00'), title: { en: 'Daily close' }, schedule: { ...instant(calendar, '2026-08-01T00:00').schedule, recurrence: { rule: 'FREQ=DAILY' } } },
      })
    ).body;
    // Something that ends at midnight is not in the next day.
    const evening = (
      await t.call('POST', '/events', { body: { ...instant(calendar), title: { en: 'Evening' }, schedule: { type: 'timed', start: '2026-07-31T22:00', end: '2026-08-01T00:00', timeZone: 'Asia/Muscat' } } })
    ).body;
    const ids = async (query: string) =>
      (await t.call('GET', `/events?calendar=${calendar}&${query}`)).body.items.map((e: { id: string; occurrence?: { recurrenceId: string } }) => `${e.id}${e.occurrence ? `@${e.occurrence.recurrenceId}` : ''}`);
    expect(await ids('from=2026-07-31T20:00:00Z&to=2026-08-01T20:00:00Z')).toEqual([single.id, `${series.id}@2026-08-01T00:00:00`]);
    expect(await ids('from=2026-08-01T20:00:00Z&to=2026-08-02T20:00:00Z')).toEqual([`${series.id}@2026-08-02T00:00:00`]);
    expect(await ids('from=2026-07-31T00:00:00Z&to=2026-07-31T20:00:00Z')).toEqual([evening.id]);
    // Far from the series' materialized range, its occurrences are expanded on read: the same rule holds there.
    expect(await ids('from=2028-03-01T20:00:00Z&to=2028-03-02T20:00:00Z')).toEqual([`${series.id}@2028-03-02T00:00:00`]);
    const searched = await t.call('GET', `/events?calendar=${calendar}&q=closes&from=2026-07-31T20:00:00Z&to=2026-08-01T20:00:00Z`);
    expect(searched.body.items.map((e: { id: string }) => e.id)).toContain(single.id);
  });
});

describe('in feeds', () => {
  it('has DTSTART and no DTEND; ical.js, node-ical and python icalendar read an event that ends as it starts', async () => {
    const calendar = await newCalendar();
    const created = (await t.call('POST', '/events', { body: instant(calendar) })).body;
    const uid = `${created.id}@taqweem`;
    for (const path of [`/feeds/${calendar}.ics`, `/events/${created.id}.ics`]) {
      const ics = (await t.call('GET', path, { key: null })).text;
      const block = ics.slice(ics.indexOf(`UID:${uid}`));
      const event = block.slice(0, block.indexOf('END:VEVENT'));
      expect(ics).toContain('DTSTART;TZID=Asia/Muscat:20260701T093000\r\n');
      expect(event).not.toContain('DTEND');
      expect(lintICalendar(ics)).toEqual([]);

      const byIcalJs = new ICAL.Event(new ICAL.Component(ICAL.parse(ics)).getAllSubcomponents('vevent').find((v) => v.getFirstPropertyValue('uid') === uid)!);
      expect([byIcalJs.startDate.toJSDate().toISOString(), byIcalJs.endDate.toJSDate().toISOString()]).toEqual(['2026-07-01T05:30:00.000Z', '2026-07-01T05:30:00.000Z']);
      const byNodeIcal = nodeIcal.sync.parseICS(ics)[uid] as nodeIcal.VEvent;
      expect([byNodeIcal.start.toISOString(), (byNodeIcal.end ?? byNodeIcal.start).toISOString()]).toEqual(['2026-07-01T05:30:00.000Z', '2026-07-01T05:30:00.000Z']);
      const script = 'import sys, icalendar\nfor e in icalendar.Calendar.from_ical(sys.stdin.read()).walk("VEVENT"):\n print(e["UID"], e.decoded("DTSTART").isoformat(), "DTEND" in e, "DURATION" in e)';
      const byPython = execFileSync('/usr/bin/python3', ['-c', script], { input: ics, encoding: 'utf8' });
      expect(byPython).toContain(`${uid} 2026-07-01T09:30:00+04:00 False False`);
    }
  });

  it('a feed with an instant imported into another calendar gives back the instant', async () => {
    const [source, target] = [await newCalendar(), await newCalendar()];
    await t.call('POST', '/events', { body: instant(source) });
    const report = (await importInto(target, (await t.call('GET', `/feeds/${source}.ics`, { key: null })).text)).body;
    expect(report.skipped).toEqual([]);
    const copy = (await t.call('GET', `/events/${report.created[0].eventId}`)).body;
    expect(copy.schedule).toMatchObject({ type: 'timed', start: '2026-07-01T09:30:00', end: '2026-07-01T09:30:00', timeZone: 'Asia/Muscat' });
  });
});

describe('importing events without DTEND', () => {
  it('takes each as RFC 5545 says, skips none, and a re-import changes nothing', async () => {
    const calendar = await newCalendar();
    const file = vcalendar(
      vevent('timed-no-end', ['DTSTART;TZID=Asia/Muscat:20260705T180000']),
      vevent('utc-no-end', ['DTSTART:20260705T140000Z']),
      vevent('date-no-end', ['DTSTART;VALUE=DATE:20260706']),
      vevent('dtend-equals-dtstart', ['DTSTART;TZID=Asia/Muscat:20260707T080000', 'DTEND;TZID=Asia/Muscat:20260707T080000']),
      vevent('zero-duration', ['DTSTART;TZID=Asia/Muscat:20260708T080000', 'DURATION:PT0S']),
      vevent('ends-before-it-starts', ['DTSTART;TZID=Asia/Muscat:20260709T080000', 'DTEND;TZID=Asia/Muscat:20260709T070000']),
    );
    const report = (await importInto(calendar, file)).body;
    expect(report.created.map((c: { uid: string }) => c.uid).sort()).toEqual(['date-no-end', 'dtend-equals-dtstart', 'timed-no-end', 'utc-no-end', 'zero-duration']);
    // Nothing is dropped silently: the one event that cannot be taken is in the report, with why.
    expect(report.skipped).toEqual([{ uid: 'ends-before-it-starts', component: 'VEVENT', code: 'end_before_start', message: 'ends before it starts' }]);
    const schedules = Object.fromEntries(await Promise.all(report.created.map(async (c: { uid: string; eventId: string }) => [c.uid, (await t.call('GET', `/events/${c.eventId}`)).body.schedule])));
    expect(schedules).toEqual({
      'timed-no-end': { type: 'timed', start: '2026-07-05T18:00:00', end: '2026-07-05T18:00:00', timeZone: 'Asia/Muscat' },
      'utc-no-end': { type: 'timed', start: '2026-07-05T18:00:00', end: '2026-07-05T18:00:00', timeZone: 'Asia/Muscat' },
      'date-no-end': { type: 'allDay', startDate: '2026-07-06', endDate: '2026-07-06' },
      'dtend-equals-dtstart': { type: 'timed', start: '2026-07-07T08:00:00', end: '2026-07-07T08:00:00', timeZone: 'Asia/Muscat' },
      'zero-duration': { type: 'timed', start: '2026-07-08T08:00:00', end: '2026-07-08T08:00:00', timeZone: 'Asia/Muscat' },
    });
    const journal = await t.journalSize();
    const again = (await importInto(calendar, file)).body;
    expect(again.unchanged).toHaveLength(5);
    expect(await t.journalSize()).toBe(journal);
  });
});
