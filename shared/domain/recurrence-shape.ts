/** What expansion needs to know of each kind of schedule: its first wall time, how ids are written, and each occurrence's range. */
import { dayNumber } from './recurrence-expand.ts';
import type { Occurrence } from './recurrence.ts';
import { utcRange } from './schedule.ts';
import type { Schedule } from './schemas.ts';
import { addDays, instantOf, parseLocalDate, parseLocalDateTime, parseMonth, wallTimeAt, type WallTime } from './time.ts';

const DAY_MS = 86_400_000;
const pad = (n: number, width = 2) => String(n).padStart(width, '0');
export const formatDate = (w: WallTime): string => `${pad(w.year, 4)}-${pad(w.month)}-${pad(w.day)}`;
export const formatDateTime = (w: WallTime): string => `${formatDate(w)}T${pad(w.hour)}:${pad(w.minute)}:${pad(w.second)}`;

export interface SeriesShape {
  start: WallTime;
  isDate: boolean;
  /** The longest an occurrence lasts, to start expanding early enough for one that began before the window. */
  longestMs: number;
  wallAt(instant: number): WallTime;
  idOf(wall: WallTime): string;
  compareIds(a: string, b: string): number;
  isAfterUntil(wall: WallTime, until: string): boolean;
  /** UTC ms of the occurrence with this id, or undefined when its wall time does not exist (a DST gap). */
  range(id: string): { start: number; end: number } | undefined;
  occurrence(id: string, override?: Schedule): Occurrence | undefined;
}

const iso = (ms: number) => new Date(ms).toISOString();

function fromSchedule(id: string, schedule: Schedule): Occurrence {
  const { start, end } = utcRange(schedule);
  return { recurrenceId: id, schedule, start, end, overridden: true };
}

/** The shape of a series' schedule; the schedule must already be valid (scheduleSchema). */
export function seriesShape(schedule: Schedule): SeriesShape {
  const byString = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  switch (schedule.type) {
    case 'timed': {
      const zone = schedule.timeZone;
      const startAt = instantOf(parseLocalDateTime(schedule.start)!, zone)!;
      const durationMs = instantOf(parseLocalDateTime(schedule.end)!, zone)! - startAt;
      // Intl's zone conversion is the cost of an expansion; each wall time is converted once per shape.
      const instants = new Map<string, number | undefined>();
      const instantAt = (id: string) => {
        if (!instants.has(id)) {
          const wall = parseLocalDateTime(id);
          instants.set(id, wall && instantOf(wall, zone));
        }
        return instants.get(id);
      };
      const range = (id: string) => {
        const at = instantAt(id);
        return at === undefined ? undefined : { start: at, end: at + durationMs };
      };
      return {
        start: parseLocalDateTime(schedule.start)!,
        isDate: false,
        longestMs: durationMs,
        wallAt: (instant) => wallTimeAt(instant, zone),
        idOf: formatDateTime,
        compareIds: byString,
        range,
        isAfterUntil: (wall, until) => (instantAt(formatDateTime(wall)) ?? 0) > Date.parse(until),
        occurrence(id, override) {
          if (override) return fromSchedule(id, override);
          const r = range(id);
          return r && { recurrenceId: id, schedule: { type: 'timed', start: id, end: formatDateTime(wallTimeAt(r.end, zone)), timeZone: zone }, start: iso(r.start), end: iso(r.end) };
        },
      };
    }
    case 'allDay': {
      const start = parseLocalDate(schedule.startDate)!;
      const days = dayNumber(parseLocalDate(schedule.endDate)!) - dayNumber(start) + 1;
      const scheduleOf = (id: string): Schedule => ({ type: 'allDay', startDate: id, endDate: addDays(id, days - 1) });
      return dateShape(start, days * DAY_MS, 'UTC', formatDate, scheduleOf, (id) => (parseLocalDate(id) ? scheduleOf(id) : undefined));
    }
    case 'month': {
      const month = parseMonth(schedule.month)!;
      const scheduleOf = (id: string): Schedule => ({ type: 'month', month: id, timeZone: schedule.timeZone });
      const idOf = (w: WallTime) => formatDate(w).slice(0, 7);
      return dateShape({ ...month, day: 1, hour: 0, minute: 0, second: 0 }, 31 * DAY_MS, schedule.timeZone, idOf, scheduleOf, (id) => (parseMonth(id) ? scheduleOf(id) : undefined));
    }
  }
}

function dateShape(start: WallTime, longestMs: number, zone: string, idOf: (wall: WallTime) => string, scheduleOf: (id: string) => Schedule, validSchedule: (id: string) => Schedule | undefined): SeriesShape {
  const range = (id: string) => {
    const schedule = validSchedule(id);
    if (!schedule) return undefined;
    const r = utcRange(schedule);
    return { start: Date.parse(r.start), end: Date.parse(r.end) };
  };
  return {
    start,
    isDate: true,
    longestMs,
    idOf,
    range,
    wallAt: (instant) => wallTimeAt(instant, zone),
    compareIds: (a, b) => (a < b ? -1 : a > b ? 1 : 0),
    // A month id ("2026-07") and a date UNTIL compare by the month's first day.
    isAfterUntil: (wall, until) => formatDate(wall) > until,
    occurrence(id, override) {
      if (override) return fromSchedule(id, override);
      const r = range(id);
      return r && { recurrenceId: id, schedule: scheduleOf(id), start: iso(r.start), end: iso(r.end) };
    },
  };
}
