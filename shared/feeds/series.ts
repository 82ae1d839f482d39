/**
 * rfeeds (#14): what a recurring series writes in iCalendar (docs/decisions/0017, "Feeds"): one master VEVENT
 * (DTSTART/DTEND, RRULE, EXDATE, RDATE) and one VEVENT per changed occurrence (same UID, RECURRENCE-ID). The
 * parts are rendered by render.ts like a single event's, so a feed still chooses them per language at request time.
 */
import { seriesOf, type CalendarEvent } from '#domain/event';
import { explicitDates, formatRule, HIJRI_FEED_HORIZON_YEARS, type Series } from '#domain/recurrence';
import { explicitRule } from '#domain/recurrence-expand';
import { seriesShape } from '#domain/recurrence-shape';
import { utcRange } from '#domain/schedule';
import type { Schedule } from '#domain/schemas';
import { contentLine, dateStamp, localStamp } from './ics.ts';

/** One VEVENT of an event: the event (or its changed occurrence, as an event) and the lines its head adds after DTEND. */
export interface VeventSource {
  event: CalendarEvent;
  /** RRULE/EXDATE/RDATE of a master, RECURRENCE-ID of an override; '' for a single event. */
  lines: string;
  /** A master's DTSTART/DTEND keep TZID even for an ambiguous wall time: a UTC DTSTART would make the rule repeat in UTC. */
  master: boolean;
}

/**
 * Feeds cover the zones of an endless series this many years past the request's year (VTIMEZONE observances are
 * explicit transitions; after the last one a client keeps its offset), as far as the Hijri RDATE horizon.
 */
export const SERIES_ZONE_HORIZON_YEARS = HIJRI_FEED_HORIZON_YEARS;

/** The last year of an endless series' zone years, as stored (JSON has no Infinity). */
export const ENDLESS_YEAR = 9999;

/** The last year a feed requested at `now` covers for zone years [from, to]: `to`, or the horizon for an endless series. */
export const zoneYearsUntil = (from: number, to: number, now: Date): number => (to === ENDLESS_YEAR ? Math.max(from, now.getUTCFullYear() + SERIES_ZONE_HORIZON_YEARS) : to);

/** The byFeed sort key of an endless series: it stays in every feed window. */
export const ENDLESS = '9999-12-31T23:59:59Z';

/** A recurrence id (or EXDATE/RDATE) written in the form of the series' DTSTART. */
function idLine(name: string, id: string, schedule: Schedule): string {
  switch (schedule.type) {
    case 'timed':
      return contentLine(name, localStamp(id), { TZID: schedule.timeZone });
    case 'allDay':
      return contentLine(name, dateStamp(id), { VALUE: 'DATE' });
    case 'month':
      return contentLine(name, dateStamp(`${id}-01`), { VALUE: 'DATE' });
  }
}

const withoutRecurrence = (schedule: Schedule): Schedule => {
  const { recurrence: _recurrence, ...rest } = schedule as Schedule & { recurrence?: unknown };
  return rest as Schedule;
};

/** The first day of the UTC year of `now`: Hijri RDATEs start there, so a feed's bytes change at most yearly with the clock. */
const yearStart = (now: Date) => Date.UTC(now.getUTCFullYear(), 0, 1);

/** The explicit dates of a Hijri (RSCALE) series from the year of `now`, for HIJRI_FEED_HORIZON_YEARS. */
export function hijriDates(series: Series, now: Date): string[] {
  return explicitDates(series, yearStart(now)).dates;
}

/** The VEVENTs an event writes: itself, or a series' master and its changed occurrences (by recurrence id). */
export function veventSources(event: CalendarEvent, now: Date): VeventSource[] {
  const series = seriesOf(event);
  if (!series) return [{ event, lines: '', master: false }];
  const { schedule, recurrence } = series;
  const shape = seriesShape(schedule);
  const overrides = [...(series.overrides ?? [])].sort((a, b) => (a.recurrenceId < b.recurrenceId ? -1 : 1));
  const hijri = recurrence.rule.rscale === 'ISLAMIC-UMALQURA';
  const first = shape.idOf(shape.start);
  const exdates = [...new Set([...(recurrence.exdates ?? []), ...overrides.filter((o) => o.cancelled).map((o) => o.recurrenceId)])].sort();
  // Calendar apps ignore RSCALE: a Hijri series is its explicit dates (the API keeps the rule).
  const rdates = hijri ? hijriDates(series, now).filter((id) => id !== first) : (recurrence.rdates ?? []);
  // A YEARLY rule's implicit month and day are written out: ical.js (Thunderbird) rolls an implicit 29 February over
  // to 1 March in common years, where RFC 5545 skips it; the explicit form means the same to every reader.
  const rule = recurrence.rule.freq === 'YEARLY' ? explicitRule(recurrence.rule, shape.start) : recurrence.rule;
  const lines = [...(hijri ? [] : [contentLine('RRULE', formatRule(rule))]), ...exdates.map((id) => idLine('EXDATE', id, schedule)), ...rdates.map((id) => idLine('RDATE', id, schedule))].join('');
  const sources: VeventSource[] = [{ event, lines, master: true }];
  for (const override of overrides) {
    const occurrenceSchedule = override.schedule ?? shape.occurrence(override.recurrenceId)?.schedule;
    if (!occurrenceSchedule) continue;
    const fields = Object.fromEntries(Object.entries(override.fields ?? {}).filter(([, value]) => value !== null && value !== undefined));
    const occurrence: CalendarEvent = {
      ...event,
      ...fields,
      schedule: withoutRecurrence(occurrenceSchedule),
      status: override.cancelled ? 'cancelled' : event.status,
      // Never below the series' SEQUENCE, and rising with each move or cancellation of this occurrence.
      sequence: event.sequence + (override.sequence ?? 0),
      overrides: undefined,
    };
    sources.push({ event: occurrence, lines: idLine('RECURRENCE-ID', override.recurrenceId, schedule), master: false });
  }
  return sources;
}

/** The last instant a series occupies (its last occurrence's end, moved occurrences and RDATEs included), or ENDLESS. */
export function seriesEnd(event: CalendarEvent): string {
  const series = seriesOf(event);
  if (!series) return utcRange(event.schedule).end;
  const { schedule, recurrence } = series;
  const shape = seriesShape(schedule);
  const hijri = recurrence.rule.rscale === 'ISLAMIC-UMALQURA';
  let end: number;
  if (recurrence.lastRecurrenceId !== undefined) end = shape.range(recurrence.lastRecurrenceId)?.end ?? 0;
  else if (recurrence.rule.until !== undefined) {
    // UNTIL bounds the last start; an occurrence lasts at most longestMs (a day more for a date UNTIL's own day).
    end = Date.parse(recurrence.rule.until.length === 10 ? `${recurrence.rule.until}T00:00:00Z` : recurrence.rule.until) + shape.longestMs + 2 * 86_400_000;
  } else return ENDLESS;
  if (hijri && recurrence.lastRecurrenceId === undefined && recurrence.rule.until === undefined) return ENDLESS;
  for (const id of recurrence.rdates ?? []) end = Math.max(end, shape.range(id)?.end ?? 0);
  for (const override of series.overrides ?? []) if (override.schedule) end = Math.max(end, Date.parse(utcRange(override.schedule).end));
  end = Math.max(end, Date.parse(utcRange(schedule).end));
  return new Date(end).toISOString().replace('.000Z', 'Z');
}

/**
 * The zones and years an event's VEVENTs use: [zone, from, to] with `to` = ENDLESS_YEAR for an endless series
 * (bounded by `zoneYearsUntil` at request time).
 */
export function seriesZoneYears(event: CalendarEvent, now: Date): [string, number, number][] {
  const zones: [string, number, number][] = [];
  for (const source of veventSources(event, now)) {
    const { schedule } = source.event;
    if (schedule.type !== 'timed') continue;
    const from = Number(schedule.start.slice(0, 4));
    let to = Number(schedule.end.slice(0, 4));
    if (source.master) {
      const end = seriesEnd(event);
      const hijri = event.schedule.recurrence && (event.schedule.recurrence as Series['recurrence']).rule.rscale === 'ISLAMIC-UMALQURA';
      if (hijri) to = Math.max(to, now.getUTCFullYear() + HIJRI_FEED_HORIZON_YEARS);
      else to = end === ENDLESS ? ENDLESS_YEAR : Math.max(to, Number(end.slice(0, 4)));
    }
    zones.push([schedule.timeZone, from, to]);
  }
  return zones;
}
