/**
 * iCalendar times to the domain's schedules: DATE to all-day, UTC and TZID date-times to a wall time in an
 * IANA zone (Windows names through CLDR), floating date-times in the calendar's X-WR-TIMEZONE.
 */
import type ICAL from 'ical.js';
import { formatDateTime } from '#domain/recurrence-shape';
import type { FieldErrorCode } from '#domain/errors';
import type { Schedule } from '#domain/schemas';
import { addDays, instantOf, parseLocalDate, parseLocalDateTime, wallTimeAt } from '#domain/time';
import { resolveTzid } from './windows-zones.ts';

export type IcsTime = { kind: 'date'; date: string } | { kind: 'instant'; at: number } | { kind: 'local'; wall: string; zone: string };

/** Why a time could not be read; becomes the reason (and its field error code) an item is skipped. */
export class TimeError extends Error {
  constructor(
    message: string,
    readonly code: FieldErrorCode = 'invalid_value',
  ) {
    super(message);
  }
}

/** A DTSTART/DTEND/RECURRENCE-ID/EXDATE/RDATE value (one of a property's values) as a time. */
export function readTime(property: ICAL.Property, value: unknown, floatingZone: string): IcsTime {
  const name = property.name.toUpperCase();
  // ical.js is lenient: a value it could not read comes out mangled ("2026--0-1-T1::"), so its shape is checked.
  if (property.type === 'date') {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(String(value)) || !parseLocalDate(String(value))) throw new TimeError(`${name} is not a date: "${String(value)}"`, 'invalid_format');
    checkWritten(property, (text) => parseLocalDate(text));
    return { kind: 'date', date: String(value) };
  }
  if (property.type !== 'date-time') throw new TimeError(`${name} of type ${property.type.toUpperCase()} is not supported`, 'unsupported');
  const text = String(value);
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z?$/.test(text) || !parseLocalDateTime(text.replace(/Z$/, ''))) throw new TimeError(`${name} is not a date-time: "${text}"`, 'invalid_format');
  checkWritten(property, (written) => parseLocalDateTime(written.replace(/Z$/, '')));
  if (text.endsWith('Z')) return { kind: 'instant', at: Date.parse(text) };
  const tzid = property.getParameter('tzid');
  if (tzid === undefined) return { kind: 'local', wall: text, zone: floatingZone };
  const zone = resolveTzid(String(tzid));
  if (!zone) throw new TimeError(`${name} has a time zone we do not know: "${String(tzid)}"`, 'invalid_time_zone');
  return { kind: 'local', wall: text, zone };
}

/** ical.js rolls a date that does not exist over (20260230 reads as 2 March): the file's own text (jCal) tells. */
function checkWritten(property: ICAL.Property, exists: (text: string) => unknown): void {
  const written: unknown[] = property.toJSON().slice(3);
  const missing = written.map(String).find((text) => !exists(text));
  if (missing !== undefined) throw new TimeError(`${property.name.toUpperCase()} names a date that does not exist: "${missing}"`, 'invalid_format');
}

/** The instant of a time (a date: midnight UTC, as all-day schedules are kept). */
export function instantOfTime(time: IcsTime): number {
  if (time.kind === 'instant') return time.at;
  if (time.kind === 'date') return Date.parse(`${time.date}T00:00:00Z`);
  const at = instantOf(parseLocalDateTime(time.wall)!, time.zone);
  if (at === undefined) throw new TimeError(`${time.wall} does not exist in ${time.zone} (skipped by a clock change)`, 'nonexistent_time');
  return at;
}

/**
 * The schedule of a component from its start and its end (or duration in seconds). A UTC start is shown
 * in `displayZone`, except for a series, which RFC 5545 repeats in UTC.
 */
export function scheduleOf(start: IcsTime, end: IcsTime | undefined, durationSeconds: number | undefined, displayZone: string, recurring: boolean): Schedule {
  if (start.kind === 'date') {
    const days = end?.kind === 'date' ? Math.round((Date.parse(end.date) - Date.parse(start.date)) / 86_400_000) : Math.ceil((durationSeconds ?? 86_400) / 86_400);
    return { type: 'allDay', startDate: start.date, endDate: addDays(start.date, Math.max(days, 1) - 1) };
  }
  const zone = start.kind === 'local' ? start.zone : recurring ? 'UTC' : displayZone;
  const startAt = instantOfTime(start);
  // Neither DTEND nor DURATION: RFC 5545 §3.6.1 ends a DATE-TIME DTSTART at itself (an instant, taking no time).
  const endAt = end ? instantOfTime(end) : durationSeconds !== undefined ? startAt + durationSeconds * 1000 : startAt;
  if (endAt < startAt) throw new TimeError('ends before it starts', 'end_before_start');
  const wall = start.kind === 'local' ? start.wall : formatDateTime(wallTimeAt(startAt, zone));
  return { type: 'timed', start: formatDateTime(parseLocalDateTime(wall)!), end: formatDateTime(wallTimeAt(endAt, zone)), timeZone: zone };
}

/** A RECURRENCE-ID, EXDATE or RDATE as a recurrence id of the series (its wall time in the series' zone, or its date). */
export function recurrenceIdOf(time: IcsTime, series: Schedule): string {
  if (series.type === 'allDay') {
    if (time.kind === 'date') return time.date;
    throw new TimeError('a date-time RECURRENCE-ID, EXDATE or RDATE on an all-day series');
  }
  if (series.type !== 'timed') throw new TimeError('month-only series have no iCalendar form', 'unsupported');
  if (time.kind === 'date') throw new TimeError('a DATE RECURRENCE-ID, EXDATE or RDATE on a timed series');
  if (time.kind === 'local' && time.zone === series.timeZone) return formatDateTime(parseLocalDateTime(time.wall)!);
  return formatDateTime(wallTimeAt(instantOfTime(time), series.timeZone));
}
