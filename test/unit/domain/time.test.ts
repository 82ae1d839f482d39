import { describe, expect, it } from 'vitest';
import { utcRange } from '#domain/schedule';
import { createEventSchema } from '#domain/schemas';
import { instantOf, isIanaTimeZone, parseInstant, parseLocalDateTime } from '#domain/time';

const at = (wall: string, zone: string) => {
  const instant = instantOf(parseLocalDateTime(wall)!, zone);
  return instant === undefined ? undefined : new Date(instant).toISOString();
};

describe('wall time in a zone', () => {
  it("keeps the organizer's wall time: 09:00 is 05:00Z in Muscat, 06:00Z in Kuwait, 01:00Z in Shanghai", () => {
    expect(at('2026-07-14T09:00', 'Asia/Muscat')).toBe('2026-07-14T05:00:00.000Z');
    expect(at('2026-07-14T09:00', 'Asia/Kuwait')).toBe('2026-07-14T06:00:00.000Z');
    expect(at('2026-07-14T09:00', 'Asia/Shanghai')).toBe('2026-07-14T01:00:00.000Z');
  });

  it('knows a wall time skipped by a clock change does not exist, and takes the first of a repeated one', () => {
    expect(at('2026-03-08T02:30', 'America/New_York')).toBeUndefined();
    expect(at('2026-11-01T01:30', 'America/New_York')).toBe('2026-11-01T05:30:00.000Z');
  });

  it('accepts exact IANA names only', () => {
    expect(isIanaTimeZone('Asia/Muscat')).toBe(true);
    expect(isIanaTimeZone('UTC')).toBe(true);
    for (const name of ['asia/muscat', '+04:00', 'GMT+4', 'Mars/Olympus', '']) expect(isIanaTimeZone(name)).toBe(false);
  });

  it('parses instants with an offset or a bare date, and rejects dates that do not exist', () => {
    expect(parseInstant('2026-07-01T04:00:00+04:00')).toBe(Date.parse('2026-07-01T00:00:00Z'));
    expect(parseInstant('2026-07-01')).toBe(Date.parse('2026-07-01T00:00:00Z'));
    for (const text of ['2026-02-30', '2026-02-30T00:00:00Z', '2026-07-01T00:00', 'yesterday']) expect(parseInstant(text)).toBeUndefined();
  });
});

describe('the UTC range of a schedule', () => {
  it('spans the whole month in its zone for a month-only event', () => {
    expect(utcRange({ type: 'month', month: '2026-07', timeZone: 'Asia/Muscat' })).toEqual({ start: '2026-06-30T20:00:00.000Z', end: '2026-07-31T20:00:00.000Z' });
  });

  it('treats an all-day end date as inclusive', () => {
    expect(utcRange({ type: 'allDay', startDate: '2026-07-14', endDate: '2026-07-16' })).toEqual({ start: '2026-07-14T00:00:00.000Z', end: '2026-07-17T00:00:00.000Z' });
  });
});

describe('schedule validation', () => {
  const base = { calendar: 'ato', title: { en: 'x' } };
  const fieldsOf = (schedule: unknown) => {
    const result = createEventSchema().safeParse({ ...base, schedule });
    return result.success ? [] : result.error.issues.map((issue) => issue.path.join('.'));
  };

  it('names the field that is wrong', () => {
    expect(fieldsOf({ type: 'timed', start: '2026-07-14T09:00', end: '2026-07-14T08:00', timeZone: 'Asia/Muscat' })).toEqual(['schedule.end']);
    expect(fieldsOf({ type: 'timed', start: '2026-02-30T09:00', end: '2026-03-01T08:00', timeZone: 'Asia/Muscat' })).toEqual(['schedule.start']);
    expect(fieldsOf({ type: 'month', month: '2026-13', timeZone: 'Asia/Muscat' })).toEqual(['schedule.month']);
    expect(fieldsOf({ type: 'month', month: '2026-07', timeZone: 'Oman' })).toEqual(['schedule.timeZone']);
    expect(fieldsOf({ type: 'allDay', startDate: '2026-07-16', endDate: '2026-07-14' })).toEqual(['schedule.endDate']);
    expect(fieldsOf({ type: 'timed', start: '2026-03-08T02:30', end: '2026-03-08T04:00', timeZone: 'America/New_York' })).toEqual(['schedule.start']);
  });

  it('accepts each of the three schedule types', () => {
    expect(fieldsOf({ type: 'timed', start: '2026-07-14T09:00', end: '2026-07-14T17:00', timeZone: 'Asia/Muscat' })).toEqual([]);
    expect(fieldsOf({ type: 'allDay', startDate: '2026-07-14', endDate: '2026-07-14' })).toEqual([]);
    expect(fieldsOf({ type: 'month', month: '2026-07', timeZone: 'Asia/Muscat' })).toEqual([]);
  });
});
