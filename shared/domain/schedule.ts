import { jsonEqual } from './merge-patch.ts';
import type { Schedule } from './schemas.ts';
import { instantOf, parseLocalDate, parseLocalDateTime, parseMonth, wallAsUtcMillis, type WallTime } from './time.ts';

const midnight = { hour: 0, minute: 0, second: 0 };

/** "HH:MM" is "HH:MM:00": the one spelling two writings of a time are compared in (audit F15). */
const withSeconds = (text: string) => (/T\d{2}:\d{2}$/.test(text) ? `${text}:00` : text);

/**
 * The same schedule, however its times are written ("2026-07-01T09:00" and "2026-07-01T09:00:00"): a command
 * that only re-spells a time changes nothing, and records nothing.
 */
export function sameSchedule(a: Schedule, b: Schedule): boolean {
  const spelledOut = (s: Schedule) => (s.type === 'timed' ? { ...s, start: withSeconds(s.start), end: withSeconds(s.end) } : s);
  return jsonEqual(spelledOut(a), spelledOut(b));
}

/** A timed schedule that ends when it starts (an instant: a deadline, a launch, a call-to-prayer time). */
export function isInstant(schedule: Schedule): boolean {
  if (schedule.type !== 'timed') return false;
  const [start, end] = [parseLocalDateTime(schedule.start), parseLocalDateTime(schedule.end)];
  return start !== undefined && end !== undefined && wallAsUtcMillis(start) === wallAsUtcMillis(end);
}

/**
 * The UTC interval [start, end) a schedule covers, for range queries. All-day events have no zone of their own,
 * so their days are taken as UTC days; month-only events span the whole month in their zone. An ambiguous wall
 * time takes the instant the schedule's `disambiguation` names (the earlier one when it names none).
 * Computed on numbers, not re-parsed strings, so that even a stored far year (9999-12-31) has an end.
 */
export function utcRange(schedule: Schedule): { start: string; end: string } {
  const at = (wall: WallTime | undefined, timeZone: string, label: string) => {
    const instant = wall && instantOf(wall, timeZone, schedule.type === 'timed' ? schedule.disambiguation : undefined);
    if (instant === undefined) throw new RangeError(`${label} does not exist in ${timeZone}`);
    return new Date(instant).toISOString();
  };
  switch (schedule.type) {
    case 'timed':
      return { start: at(parseLocalDateTime(schedule.start), schedule.timeZone, schedule.start), end: at(parseLocalDateTime(schedule.end), schedule.timeZone, schedule.end) };
    case 'allDay': {
      const first = parseLocalDate(schedule.startDate);
      const last = parseLocalDate(schedule.endDate);
      return { start: at(first, 'UTC', schedule.startDate), end: at(last && { ...last, day: last.day + 1 }, 'UTC', schedule.endDate) };
    }
    case 'month': {
      const month = parseMonth(schedule.month);
      const first = month && { ...month, day: 1, ...midnight };
      return { start: at(first, schedule.timeZone, schedule.month), end: at(first && { ...first, month: first.month + 1 }, schedule.timeZone, schedule.month) };
    }
  }
}
