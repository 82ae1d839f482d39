/**
 * Writes one series as an iCalendar body (DTSTART/DTEND, RRULE, EXDATE, RDATE, overrides by RECURRENCE-ID,
 * VTIMEZONE from the feeds' Intl-based writer), and reads occurrences back with ical.js, for the cross-checks.
 * The feeds will render series next session; until then this is the RFC 5545 text the checks share.
 */
import ICAL from 'ical.js';
import { contentLine, dateStamp, localStamp } from '#feeds/ics';
import { vtimezone } from '#feeds/vtimezone';
import { formatRule, type Series } from '#domain/recurrence';
import type { Schedule } from '#domain/schemas';

function times(schedule: Schedule): string[] {
  if (schedule.type === 'timed') {
    const tz = { TZID: schedule.timeZone };
    return [contentLine('DTSTART', localStamp(schedule.start), tz), contentLine('DTEND', localStamp(schedule.end), tz)];
  }
  if (schedule.type === 'allDay') {
    const end = new Date(Date.parse(`${schedule.endDate}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
    return [contentLine('DTSTART', dateStamp(schedule.startDate), { VALUE: 'DATE' }), contentLine('DTEND', dateStamp(end), { VALUE: 'DATE' })];
  }
  throw new Error('month-only series have no iCalendar form of their own');
}

function idLine(name: string, id: string, schedule: Schedule): string {
  return schedule.type === 'timed' ? contentLine(name, localStamp(id), { TZID: schedule.timeZone }) : contentLine(name, dateStamp(id), { VALUE: 'DATE' });
}

/** The series as a VCALENDAR with one master VEVENT and one VEVENT per override. */
export function seriesIcs(uid: string, series: Series): string {
  const { schedule, recurrence } = series;
  const lines = ['BEGIN:VCALENDAR\r\n', 'VERSION:2.0\r\n', 'PRODID:-//Taqweem//recurrence cross-check//EN\r\n'];
  if (schedule.type === 'timed') lines.push(vtimezone(schedule.timeZone, 1999, 2035));
  const event = (extra: string[]) => ['BEGIN:VEVENT\r\n', contentLine('UID', uid), 'DTSTAMP:20260101T000000Z\r\n', ...extra, 'END:VEVENT\r\n'];
  lines.push(
    ...event([
      ...times(schedule),
      contentLine('RRULE', formatRule(recurrence.rule)),
      ...(recurrence.exdates ?? []).map((id) => idLine('EXDATE', id, schedule)),
      ...(recurrence.rdates ?? []).map((id) => idLine('RDATE', id, schedule)),
    ]),
  );
  for (const override of series.overrides ?? []) {
    if (override.schedule) lines.push(...event([idLine('RECURRENCE-ID', override.recurrenceId, schedule), ...times(override.schedule)]));
  }
  lines.push('END:VCALENDAR\r\n');
  return lines.join('');
}

export interface Listed {
  start: string;
  recurrenceId: string;
}

const isoOf = (time: ICAL.Time) => new Date(time.toUnixTime() * 1000).toISOString().replace('.000Z', 'Z');

/** Occurrences ical.js lists (its own zone handling, EXDATE, RDATE and overrides) that overlap [from, to). */
export function icaljsOccurrences(ics: string, from: number, to: number): Listed[] {
  const calendar = new ICAL.Component(ICAL.parse(ics));
  for (const zone of calendar.getAllSubcomponents('vtimezone')) ICAL.TimezoneService.register(zone);
  const events = calendar.getAllSubcomponents('vevent').map((component) => new ICAL.Event(component));
  const master = events.find((event) => !event.isRecurrenceException())!;
  for (const exception of events.filter((event) => event.isRecurrenceException())) master.relateException(exception);
  const listed: Listed[] = [];
  const iterator = master.iterator();
  for (let next = iterator.next(); next && next.toUnixTime() * 1000 < to + 86_400_000 * 40; next = iterator.next()) {
    const details = master.getOccurrenceDetails(next);
    const start = details.startDate.toUnixTime() * 1000;
    const end = details.endDate.toUnixTime() * 1000;
    if (start < to && end > from) listed.push({ start: isoOf(details.startDate), recurrenceId: isoOf(details.recurrenceId) });
  }
  return listed.sort((a, b) => a.start.localeCompare(b.start) || a.recurrenceId.localeCompare(b.recurrenceId));
}
