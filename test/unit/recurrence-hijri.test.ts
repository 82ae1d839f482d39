/**
 * Hijri recurrence (RFC 7529 RSCALE=ISLAMIC-UMALQURA). The reference is Intl's own islamic-umalqura
 * calendar, read day by day over the Gregorian calendar, independently of hijri.ts's Hijri → Gregorian search.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { hijriMonthLength } from '#domain/hijri';
import { explicitDates, HIJRI_FEED_HORIZON_YEARS, normalizeRecurrence, occurrences, type Series } from '#domain/recurrence';
import type { Schedule } from '#domain/schemas';

const intl = new Intl.DateTimeFormat('en-US-u-ca-islamic-umalqura', { timeZone: 'UTC', year: 'numeric', month: 'numeric', day: 'numeric' });
const DAY = 86_400_000;

/** Every Gregorian day in [fromYear, toYear) with its Umm al-Qura date as Intl gives it. */
function intlDays(fromYear: number, toYear: number): { date: string; year: number; month: number; day: number }[] {
  const days = [];
  for (let t = Date.UTC(fromYear, 0, 1); t < Date.UTC(toYear, 0, 1); t += DAY) {
    const parts = Object.fromEntries(intl.formatToParts(new Date(t)).map((p) => [p.type, p.value]));
    days.push({ date: new Date(t).toISOString().slice(0, 10), year: Number(parts.year), month: Number(parts.month), day: Number(parts.day) });
  }
  return days;
}

const reference = intlDays(2026, 2039);
const find = (year: number, month: number, day: number) => reference.find((d) => d.year === year && d.month === month && d.day === day)!.date;

function hijriSeries(rule: string, startDate: string): Series {
  const schedule: Schedule = { type: 'timed', start: `${startDate}T20:00`, end: `${startDate}T22:00`, timeZone: 'Asia/Riyadh' };
  const { recurrence, errors } = normalizeRecurrence({ rule }, schedule);
  expect(errors).toEqual([]);
  return { schedule, recurrence: recurrence! };
}

const datesOf = (series: Series, from: string, to: string) => occurrences(series, { from: Date.parse(from), to: Date.parse(to) }, { limit: 10_000 }).map((o) => o.recurrenceId.slice(0, 10));

describe('Hijri recurrence on the Umm al-Qura calendar', () => {
  afterEach(() => vi.restoreAllMocks());

  it('costs what the window holds: a 1455 AH window of a series begun in 1400 AH does not walk the 55 years between', () => {
    // Prepare: Intl conversions are the unit of work of Hijri expansion
    const conversions = vi.spyOn(Intl.DateTimeFormat.prototype, 'formatToParts');
    const series = hijriSeries('RSCALE=ISLAMIC-UMALQURA;FREQ=MONTHLY;BYMONTHDAY=1', '1979-11-21');
    // Act
    conversions.mockClear();
    const late = datesOf(series, `${find(1455, 3, 1)}T00:00:00Z`, `${find(1455, 4, 1)}T00:00:00Z`);
    const lateCost = conversions.mock.calls.length;
    conversions.mockClear();
    datesOf(series, '1979-11-01T00:00:00Z', `${find(1455, 4, 1)}T00:00:00Z`);
    // Assess
    expect(late).toEqual([find(1455, 3, 1)]);
    expect(lateCost).toBeLessThan(200);
    expect(conversions.mock.calls.length).toBeGreaterThan(20 * lateCost);
  });

  it("puts 1 Ramadan 1448–1457 AH where Intl's islamic-umalqura does", () => {
    // Prepare: the Intl reference, read day by day
    const expected = [1448, 1449, 1450, 1451, 1452, 1453, 1454, 1455, 1456, 1457].map((year) => find(year, 9, 1));
    // Act: a yearly series from 1 Ramadan 1448, read in a window that starts years later too
    const series = hijriSeries('RSCALE=ISLAMIC-UMALQURA;FREQ=YEARLY;BYMONTH=9;BYMONTHDAY=1', expected[0]!);
    // Assess
    const end = `${find(1457, 9, 2)}T00:00:00Z`;
    expect(datesOf(series, '2027-01-01T00:00:00Z', end)).toEqual(expected);
    expect(datesOf(series, '2033-01-01T00:00:00Z', end)).toEqual(expected.filter((date) => date >= '2033'));
  });

  it('repeats monthly on the 15th of each Hijri month', () => {
    const first = find(1448, 1, 15);
    const series = hijriSeries('RSCALE=ISLAMIC-UMALQURA;FREQ=MONTHLY', first);
    const expected = reference.filter((d) => d.day === 15 && d.date >= first && d.date < '2029-01-01').map((d) => d.date);
    expect(expected.length).toBeGreaterThan(20);
    expect(datesOf(series, '2026-01-01T00:00:00Z', '2028-12-31T21:00:00Z')).toEqual(expected);
  });

  it('handles day 30 in 29-day months as RFC 7529 SKIP says: OMIT drops it, BACKWARD takes the 29th, FORWARD the next 1st', () => {
    const start = reference.find((d) => d.day === 30 && d.year === 1448)!;
    const window = ['2026-01-01T00:00:00Z', '2029-01-01T00:00:00Z'] as const;
    const inRange = (dates: string[]) => dates.filter((date) => date >= start.date && date < '2029-01-01');
    const months = reference.filter((d) => d.day === 1 && d.date > start.date && d.date < '2029-01-01').length;

    const omit = datesOf(hijriSeries('RSCALE=ISLAMIC-UMALQURA;FREQ=MONTHLY;BYMONTHDAY=30', start.date), ...window);
    expect(omit).toEqual(inRange(reference.filter((d) => d.day === 30).map((d) => d.date)));
    expect(omit.length).toBeLessThan(months);

    const backward = datesOf(hijriSeries('RSCALE=ISLAMIC-UMALQURA;FREQ=MONTHLY;BYMONTHDAY=30;SKIP=BACKWARD', start.date), ...window);
    const lastDays = reference.filter((_d, i) => reference[i + 1]?.day === 1).map((d) => d.date);
    expect(backward).toEqual(inRange(lastDays));

    const forward = datesOf(hijriSeries('RSCALE=ISLAMIC-UMALQURA;FREQ=MONTHLY;BYMONTHDAY=30;SKIP=FORWARD', start.date), ...window);
    const thirtiethOrNextFirst = reference.filter((d, i) => d.day === 30 || (d.day === 1 && reference[i - 1]?.day === 29)).map((d) => d.date);
    expect(forward).toEqual(inRange(thirtiethOrNextFirst));
    expect(hijriMonthLength(start.year, start.month)).toBe(30);
  });

  it(`writes the explicit RDATE list a feed needs, ${HIJRI_FEED_HORIZON_YEARS} years ahead, EXDATEs removed`, () => {
    const series = hijriSeries('RSCALE=ISLAMIC-UMALQURA;FREQ=YEARLY', find(1448, 9, 1));
    const skipped = `${find(1450, 9, 1)}T20:00:00`;
    const withExdate = { ...series, recurrence: { ...series.recurrence, exdates: [skipped] } };
    const from = Date.parse('2027-06-01T00:00:00Z');
    const { dates, horizonEnd } = explicitDates(withExdate, from);
    expect(dates).toEqual([1449, 1451, 1452, 1453, 1454, 1455, 1456, 1457, 1458, 1459].map((year) => `${find(year, 9, 1)}T20:00:00`).filter((id) => id < horizonEnd));
    expect(Date.parse(horizonEnd) - from).toBeGreaterThan(3650 * DAY);
  });
});
