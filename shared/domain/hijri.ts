/**
 * The Umm al-Qura Hijri calendar, from Intl's `islamic-umalqura` (the calendar the page shows), and the
 * expansion of RFC 7529 `RSCALE=ISLAMIC-UMALQURA` rules: BYMONTH and BYMONTHDAY are Hijri, DTSTART and the
 * occurrences stay Gregorian wall times, and a day the month lacks (30 in a 29-day month) follows SKIP.
 */
import { dayNumber, plusDays } from './recurrence-expand.ts';
import type { RecurrenceRule } from './recurrence-rule.ts';
import type { WallTime } from './time.ts';

export interface HijriDate {
  year: number;
  month: number;
  day: number;
}

// Built on first use: a process's first Intl.DateTimeFormat loads ICU's data (30-40 ms CPU), which every function
// paid at import though few convert Hijri dates (docs/decisions/0007-lean-bundles.md).
let formatter: Intl.DateTimeFormat | undefined;
const hijriFormatter = () => (formatter ??= new Intl.DateTimeFormat('en-US-u-ca-islamic-umalqura', { timeZone: 'UTC', year: 'numeric', month: 'numeric', day: 'numeric' }));
/** 1 Muharram 1 AH in the arithmetic calendar, as days since 1970-01-01: only the starting guess of a search. */
const EPOCH_DAY = -492_148;
const MEAN_YEAR = 10_631 / 30;
const MEAN_MONTH = 29.530_588;
/** A rule whose BYMONTH its INTERVAL never reaches generates nothing: stop rather than loop. */
const MAX_IDLE_PERIODS = 1200;

/** The Umm al-Qura date of a Gregorian date. */
export function hijriOf(date: Pick<WallTime, 'year' | 'month' | 'day'>): HijriDate {
  const parts: Record<string, number> = {};
  for (const part of hijriFormatter().formatToParts(new Date(Date.UTC(date.year, date.month - 1, date.day)))) {
    if (part.type === 'year' || part.type === 'month' || part.type === 'day') parts[part.type] = Number(part.value);
  }
  return { year: parts.year!, month: parts.month!, day: parts.day! };
}

const ordinal = (h: HijriDate) => (h.year * 12 + h.month - 1) * 31 + h.day;
const fromDayNumber = (days: number): WallTime => plusDays({ year: 1970, month: 1, day: 1, hour: 0, minute: 0, second: 0 }, days);

/** The Gregorian date of a Hijri date, or undefined when that month has no such day (day 30 of a 29-day month). */
export function gregorianOf(hijri: HijriDate): WallTime | undefined {
  let guess = EPOCH_DAY + Math.floor((hijri.year - 1) * MEAN_YEAR + (hijri.month - 1) * MEAN_MONTH) + hijri.day - 1;
  const target = { ...hijri, day: 1 };
  for (let step = 0; step < 60; step++) {
    const found = hijriOf(fromDayNumber(guess));
    const gap = ordinal(target) - ordinal(found);
    if (gap === 0) break;
    guess += gap > 0 ? Math.max(1, Math.floor(gap * (29 / 31))) : Math.min(-1, Math.ceil(gap * (29 / 31)));
  }
  const date = fromDayNumber(guess + hijri.day - 1);
  const check = hijriOf(date);
  return check.year === hijri.year && check.month === hijri.month && check.day === hijri.day ? date : undefined;
}

/** 29 or 30. */
export const hijriMonthLength = (year: number, month: number): number => (gregorianOf({ year, month, day: 30 }) ? 30 : 29);

const nextMonth = (year: number, month: number) => (month === 12 ? { year: year + 1, month: 1 } : { year, month: month + 1 });

/** RFC 7529 SKIP for a day the month lacks: OMIT drops it, BACKWARD takes the month's last day, FORWARD the next month's first. */
function resolveDay(year: number, month: number, day: number, skip: RecurrenceRule['skip']): WallTime | undefined {
  const date = gregorianOf({ year, month, day });
  if (date || skip === undefined || skip === 'OMIT') return date;
  return skip === 'BACKWARD' ? gregorianOf({ year, month, day: hijriMonthLength(year, month) }) : gregorianOf({ ...nextMonth(year, month), day: 1 });
}

/**
 * Wall times of a Hijri rule from `start` (DTSTART, always first), in order. Like the Gregorian expansion, it
 * jumps to the period just before `notBefore` when no COUNT needs counting from the start.
 */
export function* hijriWalls(rule: RecurrenceRule, start: WallTime, notBefore: WallTime): Generator<WallTime> {
  const first = hijriOf(start);
  const days = rule.byMonthDay ?? [first.day];
  const monthly = rule.freq === 'MONTHLY';
  const periodOf = (h: HijriDate) => (monthly ? h.year * 12 + h.month - 1 : h.year);
  const p0 = periodOf(first);
  const jump = (Math.floor((periodOf(hijriOf(notBefore)) - p0) / rule.interval) - 1) * rule.interval;
  yield start;
  let idle = 0;
  for (let p = rule.count === undefined && jump > 0 ? p0 + jump : p0; idle < MAX_IDLE_PERIODS; p += rule.interval) {
    const months = monthly ? [{ year: Math.floor(p / 12), month: (p % 12) + 1 }].filter((m) => !rule.byMonth || rule.byMonth.includes(m.month)) : (rule.byMonth ?? [first.month]).map((month) => ({ year: p, month }));
    const dates = months.flatMap((m) => days.map((day) => resolveDay(m.year, m.month, day, rule.skip)));
    const unique = [...new Set(dates.filter((d) => d !== undefined).map(dayNumber))].sort((a, b) => a - b);
    idle = unique.length > 0 ? 0 : idle + 1;
    for (const n of unique) if (n > dayNumber(start)) yield { ...fromDayNumber(n), hour: start.hour, minute: start.minute, second: start.second };
  }
}
