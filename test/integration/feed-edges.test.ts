/**
 * Issue #12's time edges in a real feed, read back by two independent parsers (ical.js and node-ical) and the
 * RFC 5545 lint: both instants of an overlap, a zone alias kept as given, and far years kept out.
 */
import ICAL from 'ical.js';
import nodeIcal from 'node-ical';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lintICalendar } from '../helpers/ical-lint.ts';
import { startTestRuntime } from '../helpers/runtime.ts';

let t: Awaited<ReturnType<typeof startTestRuntime>>;
const ids: Record<string, string> = {};

const timed = (start: string, end: string, timeZone: string, extra: Record<string, unknown> = {}) => ({ type: 'timed', start, end, timeZone, ...extra });
const fixtures: Record<string, { schedule: Record<string, unknown>; startUtc: string; endUtc: string }> = {
  overlapEarlier: { schedule: timed('2026-11-01T01:30', '2026-11-01T03:00', 'America/New_York', { disambiguation: 'earlier' }), startUtc: '2026-11-01T05:30:00.000Z', endUtc: '2026-11-01T08:00:00.000Z' },
  overlapLater: { schedule: timed('2026-11-01T01:30', '2026-11-01T03:00', 'America/New_York', { disambiguation: 'later' }), startUtc: '2026-11-01T06:30:00.000Z', endUtc: '2026-11-01T08:00:00.000Z' },
  lordHowe: { schedule: timed('2026-04-05T01:45', '2026-04-05T03:00', 'Australia/Lord_Howe', { disambiguation: 'later' }), startUtc: '2026-04-04T15:15:00.000Z', endUtc: '2026-04-04T16:30:00.000Z' },
  kolkata: { schedule: timed('2026-07-14T09:00', '2026-07-14T10:00', 'Asia/Kolkata'), startUtc: '2026-07-14T03:30:00.000Z', endUtc: '2026-07-14T04:30:00.000Z' },
  kyiv: { schedule: timed('2026-07-14T09:00', '2026-07-14T10:00', 'Europe/Kyiv'), startUtc: '2026-07-14T06:00:00.000Z', endUtc: '2026-07-14T07:00:00.000Z' },
  etcUtc: { schedule: timed('2026-07-14T09:00', '2026-07-14T10:00', 'Etc/UTC'), startUtc: '2026-07-14T09:00:00.000Z', endUtc: '2026-07-14T10:00:00.000Z' },
  lastSupportedYear: { schedule: timed('2199-12-31T09:00', '2199-12-31T10:00', 'Europe/London'), startUtc: '2199-12-31T09:00:00.000Z', endUtc: '2199-12-31T10:00:00.000Z' },
};

function withIcalJs(ics: string): Record<string, { start: string; end: string }> {
  const component = new ICAL.Component(ICAL.parse(ics));
  return Object.fromEntries(
    component.getAllSubcomponents('vevent').map((vevent) => {
      const event = new ICAL.Event(vevent);
      return [event.uid, { start: event.startDate.toJSDate().toISOString(), end: event.endDate.toJSDate().toISOString() }];
    }),
  );
}

function withNodeIcal(ics: string): Record<string, { start: string; end?: string }> {
  return Object.fromEntries(
    Object.values(nodeIcal.sync.parseICS(ics))
      .filter((c) => c?.type === 'VEVENT')
      .map((c) => {
        const event = c as nodeIcal.VEvent;
        return [event.uid, { start: event.start.toISOString(), end: event.end?.toISOString() }];
      }),
  );
}

beforeAll(async () => {
  t = await startTestRuntime();
  expect((await t.call('PUT', '/calendars/far', { body: { name: { en: 'Edges' }, defaultLanguage: 'en', timeZone: 'Asia/Kolkata' } })).status).toBe(201);
  for (const [name, fixture] of Object.entries(fixtures)) {
    const reply = await t.call('POST', '/events', { body: { calendar: 'far', title: { en: name }, schedule: fixture.schedule } });
    expect(reply.status, JSON.stringify(reply.body)).toBe(201);
    ids[name] = reply.body.id;
  }
});
afterAll(() => t.close());

describe('a feed with overlaps, aliases and the edge of the supported years', () => {
  it('reads the same instants in ical.js and node-ical, and passes the lint', async () => {
    const reply = await t.call('GET', '/feeds/far.ics', { key: null });
    expect(reply.status).toBe(200);
    expect(lintICalendar(reply.text)).toEqual([]);
    for (const parsed of [withIcalJs(reply.text), withNodeIcal(reply.text)]) {
      for (const [name, fixture] of Object.entries(fixtures)) {
        expect(parsed[`${ids[name]}@taqweem`], name).toEqual({ start: fixture.startUtc, end: fixture.endUtc });
      }
    }
  });

  it('writes an overlap instant in UTC form and keeps each alias as its TZID, with a VTIMEZONE of that name', async () => {
    const ics = (await t.call('GET', '/feeds/far.ics', { key: null })).text;
    expect(ics).toContain('DTSTART:20261101T053000Z\r\n');
    expect(ics).toContain('DTSTART:20261101T063000Z\r\n');
    for (const zone of ['Asia/Kolkata', 'Europe/Kyiv', 'Etc/UTC']) {
      expect(ics).toContain(`DTSTART;TZID=${zone}:20260714T090000\r\n`);
      expect(ics).toContain(`BEGIN:VTIMEZONE\r\nTZID:${zone}\r\n`);
    }
  });

  it('keeps far years out: refused with a field error, and the feed stays as it was', async () => {
    const before = (await t.call('GET', '/feeds/far.ics', { key: null })).text;
    for (const schedule of [
      { type: 'month', month: '9999-12', timeZone: 'Europe/London' },
      { type: 'allDay', startDate: '0000-01-01', endDate: '0000-01-02' },
      timed('2200-01-01T09:00', '2200-01-01T10:00', 'Europe/London'),
    ]) {
      const reply = await t.call('POST', '/events', { body: { calendar: 'far', title: { en: 'far' }, schedule } });
      expect(reply.status).toBe(400);
      expect(reply.body.errors[0].code).toBe('out_of_range');
    }
    expect((await t.call('GET', '/feeds/far.ics', { key: null })).text).toBe(before);
  });
});
