/** Feed periods (shared/feeds/periods.ts): every end falls in one period, and a period's Query bound holds it and no later one. */
import { describe, expect, it } from 'vitest';
import { feedPeriodOf, periodCeiling, rebuiltFeedDirectories } from '#feeds/periods';
import { ENDLESS } from '#feeds/series';

describe('feed periods', () => {
  it('are days 1–7, 8–15, 16–23 and 24–end of a month, named by their first day', () => {
    expect(['01', '07', '08', '15', '16', '23', '24', '28'].map((day) => feedPeriodOf(`2027-02-${day}T12:00:00Z#e`))).toEqual([
      '2027-02-01',
      '2027-02-01',
      '2027-02-08',
      '2027-02-08',
      '2027-02-16',
      '2027-02-16',
      '2027-02-24',
      '2027-02-24',
    ]);
    expect(feedPeriodOf(`${ENDLESS}#e`)).toBe('9999-12-24');
  });

  it('bound a Query: every end of a period sorts from its name up to its ceiling, and every later end above it', () => {
    // Every day of a leap year and the next year's first days, at the first and last second of the day.
    const ends = Array.from({ length: 400 }, (_, day) => new Date(Date.UTC(2028, 0, 1 + day)).toISOString().slice(0, 10)).flatMap((date) => [`${date}T00:00:00Z#a`, `${date}T23:59:59Z#z`]);
    const periods = [...new Set(ends.map(feedPeriodOf))];
    // 2028's 48, January 2029's 4, and February 2029's first (400 days end on the 3rd).
    expect(periods).toHaveLength(48 + 4 + 1);
    expect([...periods].sort()).toEqual(periods);
    for (const end of ends) {
      const period = feedPeriodOf(end);
      expect(end >= period && end < periodCeiling(period)).toBe(true);
      for (const later of periods.filter((other) => other > period)) expect(end < later && periodCeiling(period) < later).toBe(true);
    }
  });

  it('are what a rebuilt directory names, one attribute each, complete', () => {
    const [directory] = rebuiltFeedDirectories([
      { pk: 'event#a', doc: {}, feedPartition: 'ato#public', feedEnd: '2027-03-07T20:00:00Z#a' },
      { pk: 'event#b', doc: {}, feedPartition: 'ato#public', feedEnd: '2027-03-08T00:00:00Z#b' },
      { pk: 'event#c', doc: {}, feedPartition: 'ato#public', feedEnd: '2027-03-31T21:00:00Z#c' },
    ]);
    expect(directory).toMatchObject({ pk: 'feedperiods#ato#public', complete: true });
    expect(Object.keys(directory!).filter((name) => name.startsWith('p2'))).toEqual(['p2027-03-01', 'p2027-03-08', 'p2027-03-24']);
  });
});
