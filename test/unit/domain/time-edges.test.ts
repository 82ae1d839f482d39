/** Issue #12, time: ambiguous and skipped wall times, current zone names and aliases, the supported years. */
import { describe, expect, it } from 'vitest';
import { utcRange } from '#domain/schedule';
import { createEventSchema } from '#domain/schemas';
import { toFieldErrors } from '#domain/validation';
import { isIanaTimeZone, wallAsUtcMillis } from '#domain/time';
import { vtimezone } from '#feeds/vtimezone';

const base = { calendar: 'ato', title: { en: 'x' } };

/** The field errors a schedule gets, as the API would answer them (empty when accepted). */
function errorsOf(schedule: Record<string, unknown>) {
  const result = createEventSchema().safeParse({ ...base, schedule });
  return result.success ? [] : toFieldErrors(result.error).map(({ field, code }) => ({ field, code }));
}

const timed = (start: string, end: string, timeZone: string, extra: Record<string, unknown> = {}) => ({ type: 'timed', start, end, timeZone, ...extra });

describe('ambiguous wall times (clocks set back)', () => {
  it('are refused unless the request says which instant it means', () => {
    expect(errorsOf(timed('2026-11-01T01:30', '2026-11-01T03:00', 'America/New_York'))).toEqual([{ field: 'schedule.start', code: 'ambiguous_time' }]);
    expect(errorsOf(timed('2026-04-05T01:45', '2026-04-05T03:00', 'Australia/Lord_Howe'))).toEqual([{ field: 'schedule.start', code: 'ambiguous_time' }]);
    expect(errorsOf(timed('2026-11-01T00:30', '2026-11-01T01:30', 'America/New_York'))).toEqual([{ field: 'schedule.end', code: 'ambiguous_time' }]);
  });

  it('take the earlier or the later instant as `disambiguation` says, in the UTC range too', () => {
    const earlier = timed('2026-11-01T01:30', '2026-11-01T03:00', 'America/New_York', { disambiguation: 'earlier' });
    const later = timed('2026-11-01T01:30', '2026-11-01T03:00', 'America/New_York', { disambiguation: 'later' });
    expect(errorsOf(earlier)).toEqual([]);
    expect(errorsOf(later)).toEqual([]);
    expect(utcRange(earlier as never).start).toBe('2026-11-01T05:30:00.000Z');
    expect(utcRange(later as never).start).toBe('2026-11-01T06:30:00.000Z');
    // Lord Howe sets its clocks back by half an hour.
    expect(utcRange(timed('2026-04-05T01:45', '2026-04-05T03:00', 'Australia/Lord_Howe', { disambiguation: 'later' }) as never).start).toBe('2026-04-04T15:15:00.000Z');
  });

  it('keep refusing a wall time that a clock change skipped, whatever the disambiguation', () => {
    expect(errorsOf(timed('2026-03-08T02:30', '2026-03-08T04:00', 'America/New_York', { disambiguation: 'later' }))).toEqual([{ field: 'schedule.start', code: 'nonexistent_time' }]);
  });

  it('refuse an unknown disambiguation', () => {
    expect(errorsOf(timed('2026-11-01T01:30', '2026-11-01T03:00', 'America/New_York', { disambiguation: 'first' }))).toEqual([{ field: 'schedule.disambiguation', code: 'invalid_value' }]);
  });
});

describe('zone names', () => {
  it('accepts current names and their aliases alike, as given', () => {
    for (const zone of ['Asia/Kolkata', 'Asia/Calcutta', 'Europe/Kyiv', 'Europe/Kiev', 'Asia/Ho_Chi_Minh', 'Etc/UTC', 'GMT', 'UTC', 'America/Nuuk', 'Pacific/Kanton', 'US/Eastern', 'Etc/GMT-14']) {
      expect(isIanaTimeZone(zone), zone).toBe(true);
      const result = createEventSchema().safeParse({ ...base, schedule: timed('2026-07-14T09:00', '2026-07-14T10:00', zone) });
      expect(result.success && result.data.schedule.type === 'timed' && result.data.schedule.timeZone).toBe(zone);
    }
  });

  it('refuses mis-cased names, offsets and made-up zones', () => {
    for (const zone of ['asia/kolkata', 'ASIA/KOLKATA', 'asia/muscat', 'etc/utc', '+04:00', 'GMT+4', 'Mars/Olympus', '']) expect(isIanaTimeZone(zone), zone).toBe(false);
  });

  it('computes instants in an alias as in its canonical zone', () => {
    const kolkata = utcRange(timed('2026-07-14T09:00', '2026-07-14T10:00', 'Asia/Kolkata') as never);
    expect(kolkata).toEqual(utcRange(timed('2026-07-14T09:00', '2026-07-14T10:00', 'Asia/Calcutta') as never));
    expect(kolkata.start).toBe('2026-07-14T03:30:00.000Z');
  });
});

describe('the supported years, 1900 to 2199', () => {
  it('refuses dates, date-times and months outside them, naming the field', () => {
    expect(errorsOf({ type: 'month', month: '9999-12', timeZone: 'Asia/Muscat' })).toEqual([{ field: 'schedule.month', code: 'out_of_range' }]);
    expect(errorsOf({ type: 'allDay', startDate: '2026-12-31', endDate: '9999-12-31' })).toEqual([{ field: 'schedule.endDate', code: 'out_of_range' }]);
    expect(errorsOf({ type: 'allDay', startDate: '1899-12-31', endDate: '1900-01-01' })).toEqual([{ field: 'schedule.startDate', code: 'out_of_range' }]);
    expect(errorsOf(timed('0000-07-01T09:00', '0000-07-01T10:00', 'Europe/London'))).toEqual([
      { field: 'schedule.start', code: 'out_of_range' },
      { field: 'schedule.end', code: 'out_of_range' },
    ]);
  });

  it('accepts both ends of the range', () => {
    expect(errorsOf({ type: 'allDay', startDate: '1900-01-01', endDate: '2199-12-31' })).toEqual([]);
    expect(errorsOf({ type: 'month', month: '2199-12', timeZone: 'Asia/Muscat' })).toEqual([]);
  });

  it('refuses a time in local mean time (an offset of seconds) and accepts the same zone once it is on whole minutes', () => {
    expect(errorsOf(timed('1900-07-01T09:00', '1900-07-01T10:00', 'Europe/Dublin'))).toEqual([
      { field: 'schedule.start', code: 'out_of_range' },
      { field: 'schedule.end', code: 'out_of_range' },
    ]);
    expect(errorsOf(timed('1920-07-01T09:00', '1920-07-01T10:00', 'Europe/Dublin'))).toEqual([]);
  });

  it('still gives a stored far-year schedule a UTC range, and reads years below 100 as written', () => {
    expect(utcRange({ type: 'allDay', startDate: '9999-12-31', endDate: '9999-12-31' }).start).toBe('9999-12-31T00:00:00.000Z');
    expect(Date.parse(utcRange({ type: 'allDay', startDate: '9999-12-31', endDate: '9999-12-31' }).end)).toBe(Date.parse('9999-12-31T00:00:00Z') + 86_400_000);
    expect(new Date(wallAsUtcMillis({ year: 50, month: 3, day: 1, hour: 0, minute: 0, second: 0 })).getUTCFullYear()).toBe(50);
  });
});

describe('VTIMEZONE observances', () => {
  it('write offsets exactly, seconds included, and never round them', () => {
    const dublin = vtimezone('Europe/Dublin', 1916, 1916);
    expect(dublin).toContain('TZOFFSETFROM:-002521\r\n');
    expect(dublin).not.toContain('-0025\r\n');
  });

  it('label summer time DAYLIGHT and a permanent change of offset STANDARD', () => {
    const newYork = vtimezone('America/New_York', 2026, 2026);
    expect(newYork).toMatch(/BEGIN:DAYLIGHT\r\nDTSTART:20260308T020000\r\nTZOFFSETFROM:-0500\r\nTZOFFSETTO:-0400/);
    expect(newYork).toMatch(/BEGIN:STANDARD\r\nDTSTART:20261101T020000\r\nTZOFFSETFROM:-0400\r\nTZOFFSETTO:-0500/);
    // Moscow moved to +04 all year in March 2011: not daylight saving.
    expect(vtimezone('Europe/Moscow', 2011, 2011)).not.toContain('DAYLIGHT');
  });

  it('are written for an alias under the name given', () => {
    expect(vtimezone('Asia/Kolkata', 2026, 2026)).toMatch(/TZID:Asia\/Kolkata\r\n[\s\S]*TZOFFSETTO:\+0530/);
  });
});
