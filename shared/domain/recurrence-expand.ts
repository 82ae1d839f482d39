/**
 * Gregorian expansion of a rule into wall times (no zone: the caller turns wall times into instants, so the
 * organizer's wall time is kept across DST). ical.js's RecurIterator does the calendar arithmetic
 * (docs/decisions/0016); we make every implicit BY part explicit and move DTSTART to a period shortly
 * before the window, so a window years into a series costs what the window holds, not the years before it.
 */
import ICAL from 'ical.js';
import { formatWeekdayNum, WEEKDAYS, type RecurrenceRule } from './recurrence-rule.ts';
import type { WallTime } from './time.ts';

const DAY_MS = 86_400_000;
/** A guard against a rule that generates nothing for ever (validation refuses the ones we know of). */
const MAX_STEPS = 100_000;

/** Days since 1970-01-01 of a wall date. */
export const dayNumber = (wall: WallTime): number => Math.floor(Date.UTC(wall.year, wall.month - 1, wall.day) / DAY_MS);

/** The wall date `days` after `wall`, keeping its time of day. */
export function plusDays(wall: WallTime, days: number): WallTime {
  const d = new Date(Date.UTC(wall.year, wall.month - 1, wall.day + days));
  return { ...wall, year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
}

/** Monday = 0 … Sunday = 6, as in RFC 5545's WKST order. */
export const weekdayIndex = (wall: WallTime): number => (new Date(Date.UTC(wall.year, wall.month - 1, wall.day)).getUTCDay() + 6) % 7;

export const compareWall = (a: WallTime, b: WallTime): number => Date.UTC(a.year, a.month - 1, a.day, a.hour, a.minute, a.second) - Date.UTC(b.year, b.month - 1, b.day, b.hour, b.minute, b.second);

/** RFC 5545 leaves parts implicit (a monthly rule repeats DTSTART's day); pinning them lets DTSTART move. */
export function explicitRule(rule: RecurrenceRule, start: WallTime): RecurrenceRule {
  const explicit = { ...rule };
  if (rule.freq === 'WEEKLY' && !rule.byDay) explicit.byDay = [{ weekday: WEEKDAYS[weekdayIndex(start)]! }];
  if (rule.freq === 'MONTHLY' && !rule.byDay && !rule.byMonthDay) explicit.byMonthDay = [start.day];
  if (rule.freq === 'YEARLY' && !rule.byDay && !rule.byMonthDay) {
    explicit.byMonthDay = [start.day];
    if (!rule.byMonth) explicit.byMonth = [start.month];
  }
  return explicit;
}

/** The start of the period (of `interval` periods) that begins at least one period before `notBefore`, or undefined when that is DTSTART's own. */
export function rebasedStart(rule: RecurrenceRule, start: WallTime, notBefore: WallTime): WallTime | undefined {
  const at = (wall: Partial<WallTime>): WallTime => ({ ...start, ...wall });
  let periods: number;
  let move: (k: number) => WallTime;
  if (rule.freq === 'DAILY') {
    periods = dayNumber(notBefore) - dayNumber(start);
    move = (k) => plusDays(start, k);
  } else if (rule.freq === 'WEEKLY') {
    const wkst = WEEKDAYS.indexOf(rule.wkst ?? 'MO');
    const weekStart = (wall: WallTime) => plusDays(wall, -((weekdayIndex(wall) - wkst + 7) % 7));
    periods = Math.floor((dayNumber(weekStart(notBefore)) - dayNumber(weekStart(start))) / 7);
    move = (k) => plusDays(weekStart(start), 7 * k);
  } else if (rule.freq === 'MONTHLY') {
    periods = notBefore.year * 12 + notBefore.month - (start.year * 12 + start.month);
    move = (k) => at({ year: start.year + Math.floor((start.month - 1 + k) / 12), month: ((start.month - 1 + k) % 12) + 1, day: 1 });
  } else {
    periods = notBefore.year - start.year;
    move = (k) => at({ year: start.year + k, month: 1, day: 1 });
  }
  const k = (Math.floor(periods / rule.interval) - 1) * rule.interval;
  return k >= rule.interval ? move(k) : undefined;
}

function icalRecur(rule: RecurrenceRule): ICAL.Recur {
  const parts: Record<string, unknown> = { freq: rule.freq, interval: rule.interval };
  if (rule.byDay) parts.byday = rule.byDay.map(formatWeekdayNum);
  if (rule.byMonthDay) parts.bymonthday = rule.byMonthDay;
  if (rule.byMonth) parts.bymonth = rule.byMonth;
  if (rule.bySetPos) parts.bysetpos = rule.bySetPos;
  if (rule.wkst) parts.wkst = WEEKDAYS.indexOf(rule.wkst) + 2; // ical.js numbers weekdays from SUNDAY = 1
  return ICAL.Recur.fromData(parts as ConstructorParameters<typeof ICAL.Recur>[0]);
}

/**
 * occur (#14): ical.js rolls a BYMONTHDAY the month lacks over into the next month when it starts from a rebased
 * DTSTART (FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29 from 2029-01-01 gives 2030-03-01); RFC 5545 skips such dates.
 */
function satisfiesMonthParts(rule: RecurrenceRule, wall: WallTime): boolean {
  const length = new Date(Date.UTC(wall.year, wall.month, 0)).getUTCDate();
  if (rule.byMonth && !rule.byMonth.includes(wall.month)) return false;
  return !rule.byMonthDay || rule.byMonthDay.some((day) => (day > 0 ? day : length + 1 + day) === wall.day);
}

const toIcal = (wall: WallTime, isDate: boolean) => ICAL.Time.fromData({ ...wall, isDate });
const fromIcal = (time: ICAL.Time): WallTime => ({ year: time.year, month: time.month, day: time.day, hour: time.hour, minute: time.minute, second: time.second });

/**
 * Wall times the rule generates from `start` (DTSTART, always the first), in order, skipping what lies well
 * before `notBefore` when the rule allows a jump (no COUNT left to count). The caller stops iterating.
 */
export function* gregorianWalls(rule: RecurrenceRule, start: WallTime, notBefore: WallTime, isDate: boolean): Generator<WallTime> {
  const explicit = explicitRule(rule, start);
  const jumpTo = rule.count === undefined ? rebasedStart(explicit, start, notBefore) : undefined;
  if (!jumpTo) yield start;
  const iterator = icalRecur(explicit).iterator(toIcal(jumpTo ?? start, isDate));
  for (let step = 0; step < MAX_STEPS; step++) {
    const next = iterator.next();
    if (!next) return;
    const wall = fromIcal(next);
    if (compareWall(wall, start) > 0 && satisfiesMonthParts(explicit, wall)) yield wall;
  }
}
