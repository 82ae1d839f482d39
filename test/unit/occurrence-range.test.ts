import { describe, expect, it } from 'vitest';
import type { CalendarEvent } from '#domain/event';
import { MAX_LISTED_MONTHS } from '#views/items';
import { MATERIALIZED_MONTHS_AHEAD, materializedRange } from '#views/occurrences';

const dailySince = (start: string) => ({ schedule: { type: 'timed', start, end: start.replace('T09', 'T10'), timeZone: 'Asia/Kuwait', recurrence: { rule: { freq: 'DAILY' } } } }) as unknown as CalendarEvent;
const monthsBetween = (from: string, to: string) => (Number(to.slice(0, 4)) - Number(from.slice(0, 4))) * 12 + Number(to.slice(5, 7)) - Number(from.slice(5, 7));

describe('the materialized range of a series', () => {
  it('starts at the series, or MAX_LISTED_MONTHS back, and ends MATERIALIZED_MONTHS_AHEAD + 1 months ahead', () => {
    expect(materializedRange(dailySince('2026-03-02T09:00:00'), new Date('2026-11-28T12:00:00Z'))).toEqual({ from: '2026-03-02T06:00:00.000Z', to: '2028-12-01T00:00:00.000Z' });
    expect(materializedRange(dailySince('2000-01-01T09:00:00'), new Date('2026-11-28T12:00:00Z')).from).toBe('2016-11-01T00:00:00.000Z');
  });

  it('moves its start on with the clock, so a series projected again years later spans a bounded number of months', () => {
    const series = dailySince('2026-03-02T09:00:00');
    const first = materializedRange(series, new Date('2026-11-28T12:00:00Z'));
    const twentyYearsOn = materializedRange(series, new Date('2046-11-28T12:00:00Z'), first);
    expect(twentyYearsOn.from).toBe('2036-11-01T00:00:00.000Z');
    expect(monthsBetween(twentyYearsOn.from, twentyYearsOn.to)).toBe(MAX_LISTED_MONTHS + MATERIALIZED_MONTHS_AHEAD + 1);
  });

  it('never moves its end back', () => {
    const series = dailySince('2026-03-02T09:00:00');
    const later = materializedRange(series, new Date('2028-06-01T00:00:00Z'));
    expect(materializedRange(series, new Date('2026-11-28T12:00:00Z'), later).to).toBe(later.to);
  });
});
