/**
 * Audit F15: one rule for seconds, everywhere (docs/decisions/0027). A local time is "HH:MM" or "HH:MM:SS";
 * seconds are kept as written through create, patch, occurrences, import, lists and feeds; "HH:MM" is "HH:MM:00",
 * so a command that only re-spells a time records nothing; anything finer or odder is a 400 naming the field.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectRefusal, startTestRuntime } from '../helpers/runtime.ts';

let t: Awaited<ReturnType<typeof startTestRuntime>>;
const calendar = 'seconds';

const timed = (start: string, end: string, extra: Record<string, unknown> = {}) => ({ type: 'timed', start, end, timeZone: 'Asia/Kuwait', ...extra });
const event = (schedule: Record<string, unknown>) => ({ calendar, title: { en: 'Launch' }, schedule });
const patch = (path: string, body: unknown, etag: string) => t.call('PATCH', path, { body, headers: { 'content-type': 'application/merge-patch+json', 'if-match': etag } });

async function create(schedule: Record<string, unknown>) {
  const reply = await t.call('POST', '/events', { body: event(schedule) });
  expect(reply.status, JSON.stringify(reply.body)).toBe(201);
  return reply;
}

beforeAll(async () => {
  t = await startTestRuntime();
  expect((await t.call('PUT', `/calendars/${calendar}`, { body: { name: { en: 'Seconds' }, defaultLanguage: 'en', timeZone: 'Asia/Kuwait' } })).status).toBe(201);
});
afterAll(() => t.close());

describe('the API', () => {
  it('keeps seconds as written, in the event, its list entry and its feed', async () => {
    const created = await create(timed('2026-07-01T09:00:30', '2026-07-01T09:00:45'));
    expect(created.body.schedule).toEqual(timed('2026-07-01T09:00:30', '2026-07-01T09:00:45'));
    expect((await t.call('GET', `/events/${created.body.id}`)).body.schedule).toEqual(timed('2026-07-01T09:00:30', '2026-07-01T09:00:45'));
    const ics = (await t.call('GET', `/events/${created.body.id}.ics`, { key: null })).text;
    expect(ics).toContain('DTSTART;TZID=Asia/Kuwait:20260701T090030\r\n');
    expect(ics).toContain('DTEND;TZID=Asia/Kuwait:20260701T090045\r\n');
  });

  it('lists by from/to to the second: 09:00:30–09:00:45 in Kuwait is 06:00:30Z–06:00:45Z', async () => {
    const created = await create(timed('2026-07-02T09:00:30', '2026-07-02T09:00:45'));
    const listed = async (from: string, to: string) => (await t.call('GET', `/events?calendar=${calendar}&from=2026-07-02T${from}Z&to=2026-07-02T${to}Z`)).body.items.map((e: { id: string }) => e.id);
    expect(await listed('06:00:44', '07:00:00')).toEqual([created.body.id]);
    expect(await listed('06:00:45', '07:00:00')).toEqual([]);
    expect(await listed('05:00:00', '06:00:31')).toEqual([created.body.id]);
    expect(await listed('05:00:00', '06:00:30')).toEqual([]);
  });

  it('refuses fractions, second 60 and offsets, naming the field, and records nothing', async () => {
    const before = await t.journalSize();
    for (const start of ['2026-07-01T09:00:30.5', '2026-07-01T09:00:60', '2026-07-01T09:00:30Z', '2026-07-01T09:00:30+03:00', '2026-07-01T09:0:30']) {
      expectRefusal(await t.call('POST', '/events', { body: event(timed(start, '2026-07-01T10:00')) }), 400, 'schedule.start', 'invalid_format');
    }
    expect(await t.journalSize()).toBe(before);
  });

  it('"HH:MM" is "HH:MM:00": a patch that only re-spells a time records nothing; a second more is a change', async () => {
    const created = await create(timed('2026-07-03T09:00', '2026-07-03T10:00'));
    const before = await t.journalSize();
    const respelled = await patch(`/events/${created.body.id}`, { schedule: { start: '2026-07-03T09:00:00', end: '2026-07-03T10:00:00' } }, created.headers.get('etag')!);
    expect(respelled.status).toBe(200);
    expect(respelled.body.version).toBe(created.body.version);
    expect(await t.journalSize()).toBe(before);
    const moved = await patch(`/events/${created.body.id}`, { schedule: { start: '2026-07-03T09:00:01' } }, respelled.headers.get('etag')!);
    expect(moved.body.version).toBe(created.body.version + 1);
    expect(moved.body.schedule.start).toBe('2026-07-03T09:00:01');
  });

  it("a series' occurrence: either spelling of its id finds it; re-spelling its times records nothing; seconds are kept", async () => {
    const series = await create(timed('2026-07-04T09:00', '2026-07-04T10:00', { recurrence: { rule: 'FREQ=DAILY;COUNT=3' } }));
    const path = (rid: string) => `/events/${series.body.id}/occurrences/${rid}`;
    const before = await t.journalSize();
    const respelled = await patch(path('2026-07-05T09:00'), { schedule: { start: '2026-07-05T09:00:00', end: '2026-07-05T10:00' } }, series.headers.get('etag')!);
    expect(respelled.status, JSON.stringify(respelled.body)).toBe(200);
    expect(await t.journalSize()).toBe(before);
    const moved = await patch(path('2026-07-05T09:00:00'), { schedule: { start: '2026-07-05T09:00:30' } }, respelled.headers.get('etag')!);
    expect(moved.status, JSON.stringify(moved.body)).toBe(200);
    const listed = (await t.call('GET', `/events?calendar=${calendar}&from=2026-07-05T00:00:00Z&to=2026-07-06T00:00:00Z`)).body.items;
    expect(listed.find((e: { id: string }) => e.id === series.body.id).schedule).toMatchObject({ start: '2026-07-05T09:00:30', end: '2026-07-05T10:00:00' });
  });
});

describe('the import', () => {
  it('keeps a DTSTART, DTEND and DURATION to the second, and a re-import finds nothing changed', async () => {
    const file = [
      'BEGIN:VCALENDAR',
      'VERSION:2.0',
      'PRODID:-//Example//Export//EN',
      ...['BEGIN:VEVENT', 'UID:secs-1', 'DTSTAMP:20260101T000000Z', 'SUMMARY:With seconds', 'DTSTART;TZID=Asia/Kuwait:20260710T090015', 'DTEND;TZID=Asia/Kuwait:20260710T100045', 'END:VEVENT'],
      ...['BEGIN:VEVENT', 'UID:secs-2', 'DTSTAMP:20260101T000000Z', 'SUMMARY:Thirty seconds', 'DTSTART:20260711T060000Z', 'DURATION:PT30S', 'END:VEVENT'],
      'END:VCALENDAR',
      '',
    ].join('\r\n');
    const importIt = () => t.call('POST', `/calendars/${calendar}/import`, { rawBody: file, headers: { 'content-type': 'text/calendar' } });
    const report = (await importIt()).body;
    expect(report.skipped).toEqual([]);
    const byUid = Object.fromEntries(await Promise.all(report.created.map(async (c: { uid: string; eventId: string }) => [c.uid, (await t.call('GET', `/events/${c.eventId}`)).body.schedule])));
    expect(byUid).toEqual({ 'secs-1': timed('2026-07-10T09:00:15', '2026-07-10T10:00:45'), 'secs-2': timed('2026-07-11T09:00:00', '2026-07-11T09:00:30') });
    const journal = await t.journalSize();
    expect((await importIt()).body.unchanged).toHaveLength(2);
    expect(await t.journalSize()).toBe(journal);
  });
});
