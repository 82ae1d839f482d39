import type { Schedule } from './schemas.ts';
import { addDays, firstDayOfNextMonth, instantOf, parseLocalDate, parseLocalDateTime } from './time.ts';

/**
 * The UTC interval [start, end) a schedule covers, for range queries. All-day events have no zone of their own,
 * so their days are taken as UTC days; month-only events span the whole month in their zone.
 */
export function utcRange(schedule: Schedule): { start: string; end: string } {
  const at = (wallText: string, timeZone: string, dateOnly: boolean) => {
    const wall = dateOnly ? parseLocalDate(wallText) : parseLocalDateTime(wallText);
    const instant = wall && instantOf(wall, timeZone);
    if (instant === undefined) throw new RangeError(`${wallText} does not exist in ${timeZone}`);
    return new Date(instant).toISOString();
  };
  switch (schedule.type) {
    case 'timed':
      return { start: at(schedule.start, schedule.timeZone, false), end: at(schedule.end, schedule.timeZone, false) };
    case 'allDay':
      return { start: at(schedule.startDate, 'UTC', true), end: at(addDays(schedule.endDate, 1), 'UTC', true) };
    case 'month':
      return { start: at(`${schedule.month}-01`, schedule.timeZone, true), end: at(firstDayOfNextMonth(schedule.month), schedule.timeZone, true) };
  }
}
