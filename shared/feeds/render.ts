/**
 * Renders calendars and events as iCalendar. The output depends on the data alone (DTSTAMP is the last
 * change's time, never the clock; no local time zone is consulted), so unchanged data renders to the same bytes.
 */
import type { Calendar } from '#domain/calendar';
import type { Participant } from '#domain/changes';
import type { CalendarEvent } from '#domain/event';
import { isInstant, utcRange } from '#domain/schedule';
import type { Schedule } from '#domain/schemas';
import { addDays, firstDayOfNextMonth, instantsOf, parseLocalDateTime } from '#domain/time';
import { contentLine, dateStamp, localStamp, raw, text, utcStamp } from './ics.ts';
import { countryName, pickLanguage, pickText, toBeConfirmed } from './language.ts';
import { seriesZoneYears, veventSources, zoneYearsUntil, type VeventSource } from './series.ts';
import { ZoneYears } from './zones.ts';

export interface RenderOptions {
  /** The feed's language; titles missing in it fall back to the calendar's default language, then English, then any. */
  language: string;
  /** Token feeds: participants (as ATTENDEE) and organizers' e-mail addresses. */
  withPrivateDetails: boolean;
}

export const PRODID = '-//Taqweem//Taqweem Feeds 1.0//EN';
const REFRESH = 'PT1H';

const roles: Record<Participant['role'], string> = { chair: 'CHAIR', required: 'REQ-PARTICIPANT', optional: 'OPT-PARTICIPANT' };
const partstats: Record<Participant['status'], string> = { invited: 'NEEDS-ACTION', accepted: 'ACCEPTED', declined: 'DECLINED', tentative: 'TENTATIVE' };

/** VERSION … X-PUBLISHED-TTL: the calendar's own properties, in the feed's language. */
export function calendarHeader(calendar: Calendar, options: RenderOptions): string {
  const preferred = [options.language, calendar.defaultLanguage, 'en'];
  const name = pickText(calendar.name, preferred)!;
  const description = pickText(calendar.description, preferred);
  return [
    contentLine('VERSION', '2.0'),
    contentLine('PRODID', PRODID),
    contentLine('CALSCALE', 'GREGORIAN'),
    contentLine('NAME', text(name.text), { LANGUAGE: name.language }),
    contentLine('X-WR-CALNAME', text(name.text)),
    ...(description ? [contentLine('DESCRIPTION', text(description.text), { LANGUAGE: description.language }), contentLine('X-WR-CALDESC', text(description.text))] : []),
    contentLine('X-WR-TIMEZONE', raw(calendar.timeZone)),
    contentLine('REFRESH-INTERVAL', REFRESH, { VALUE: 'DURATION' }),
    contentLine('X-PUBLISHED-TTL', REFRESH),
  ].join('');
}

/** The years a timed event's wall times fall in, in its zone (undefined for dates, which have no zone). */
export function zoneYearsOf(event: CalendarEvent): { zone: string; from: number; to: number } | undefined {
  const { schedule } = event;
  if (schedule.type !== 'timed') return undefined;
  return { zone: schedule.timeZone, from: Number(schedule.start.slice(0, 4)), to: Number(schedule.end.slice(0, 4)) };
}

// edges (#12): the VEVENT's time properties, from here to the end of when().
/**
 * A wall time with its TZID, except when it happens twice in its zone: RFC 5545 says a TZID time in the overlap
 * is the first, but most clients (Thunderbird, libical, node-ical among them) read it as the second at least once,
 * so such an instant is written in UTC form, which every client reads alike.
 */
function timedProperty(name: 'DTSTART' | 'DTEND', wall: string, schedule: Extract<Schedule, { type: 'timed' }>): string {
  const instants = instantsOf(parseLocalDateTime(wall)!, schedule.timeZone);
  if (instants.length < 2) return contentLine(name, localStamp(wall), { TZID: schedule.timeZone });
  const instant = schedule.disambiguation === 'later' ? instants.at(-1)! : instants[0]!;
  return contentLine(name, utcStamp(new Date(instant).toISOString()));
}

function when(event: CalendarEvent, master = false): string[] {
  const { schedule } = event;
  switch (schedule.type) {
    case 'timed':
      // rfeeds (#14): a series' master keeps TZID (its rule repeats wall times); see series.ts.
      // edges3 (F11): an instant has no DTEND (RFC 5545 §3.6.1; §3.8.2.2 wants a DTEND later than DTSTART).
      if (master) return [contentLine('DTSTART', localStamp(schedule.start), { TZID: schedule.timeZone }), ...(isInstant(schedule) ? [] : [contentLine('DTEND', localStamp(schedule.end), { TZID: schedule.timeZone })])];
      return [timedProperty('DTSTART', schedule.start, schedule), ...(isInstant(schedule) ? [] : [timedProperty('DTEND', schedule.end, schedule)])];
    // edges3 (F11) end
    case 'allDay':
      return [contentLine('DTSTART', dateStamp(schedule.startDate), { VALUE: 'DATE' }), contentLine('DTEND', dateStamp(addDays(schedule.endDate, 1)), { VALUE: 'DATE' })];
    case 'month':
      return [contentLine('DTSTART', dateStamp(`${schedule.month}-01`), { VALUE: 'DATE' }), contentLine('DTEND', dateStamp(firstDayOfNextMonth(schedule.month)), { VALUE: 'DATE' })];
  }
}
// edges (#12): end of the VEVENT's time properties.

/** LOCATION's text: the name in `nameLanguage`, address, city, and the country named in the feed's language. */
function locationText(event: CalendarEvent, nameLanguage: string | undefined, countryLanguage: string): { language?: string; text: string } | undefined {
  const { location } = event;
  if (!location) return undefined;
  const name = nameLanguage === undefined ? undefined : location.name?.[nameLanguage];
  const parts = [name, location.address, location.city, location.country && countryName(location.country, countryLanguage)].filter(Boolean);
  return parts.length > 0 ? { language: name === undefined ? undefined : nameLanguage, text: parts.join(', ') } : undefined;
}

function people(event: CalendarEvent, withPrivateDetails: boolean): string[] {
  const lines: string[] = [];
  if (event.organizer) {
    // ORGANIZER needs an address; "invalid:nomail" is the convention for none (public feeds never show one).
    const address = withPrivateDetails && event.organizer.email ? `mailto:${raw(event.organizer.email)}` : 'invalid:nomail';
    lines.push(contentLine('ORGANIZER', address, { CN: event.organizer.name }));
  }
  if (!withPrivateDetails) return lines;
  for (const participant of event.participants) {
    const address = participant.email ? `mailto:${raw(participant.email)}` : 'invalid:nomail';
    lines.push(contentLine('ATTENDEE', address, { CN: participant.name, ROLE: roles[participant.role], PARTSTAT: partstats[participant.status] }));
  }
  return lines;
}

/**
 * A VEVENT in parts, so that the language-dependent lines can be rendered once per language and chosen at
 * request time: head (BEGIN…DTEND) + SUMMARY + DESCRIPTION + LOCATION + tail (STATUS…END). Joined, the parts
 * are exactly `vevent`'s output.
 */
export const veventParts = {
  /** `source` (rfeeds #14): a series' master or changed occurrence adds its RRULE…/RECURRENCE-ID lines after DTEND. */
  head(event: CalendarEvent, source?: Pick<VeventSource, 'lines' | 'master'>): string {
    return [
      'BEGIN:VEVENT\r\n',
      // import (#14): an imported event keeps its UID (subscribers key on it); ours are <id>@taqweem.
      contentLine('UID', event.uid === undefined ? `${raw(event.id)}@taqweem` : text(event.uid)),
      contentLine('DTSTAMP', utcStamp(event.updatedAt)),
      contentLine('CREATED', utcStamp(event.createdAt)),
      contentLine('LAST-MODIFIED', utcStamp(event.updatedAt)),
      contentLine('SEQUENCE', String(event.sequence)),
      ...when(event, source?.master),
      source?.lines ?? '',
    ].join('');
  },
  summary(event: CalendarEvent, language: string): string {
    const title = event.title[language]!;
    const summary = event.schedule.type === 'month' ? `${title} ${toBeConfirmed(language)}` : title;
    return contentLine('SUMMARY', text(summary), { LANGUAGE: language });
  },
  description(event: CalendarEvent, language: string | undefined): string {
    const description = language === undefined ? undefined : event.description?.[language];
    return description === undefined ? '' : contentLine('DESCRIPTION', text(description), { LANGUAGE: language });
  },
  location(event: CalendarEvent, nameLanguage: string | undefined, countryLanguage: string): string {
    const location = locationText(event, nameLanguage, countryLanguage);
    return location ? contentLine('LOCATION', text(location.text), { LANGUAGE: location.language }) : '';
  },
  tail(event: CalendarEvent, withPrivateDetails: boolean): string {
    const monthOnly = event.schedule.type === 'month';
    const status = event.status === 'cancelled' ? 'CANCELLED' : monthOnly ? 'TENTATIVE' : event.status.toUpperCase();
    return [
      contentLine('STATUS', status),
      contentLine('TRANSP', monthOnly || event.status === 'cancelled' ? 'TRANSPARENT' : 'OPAQUE'),
      contentLine('CLASS', event.visibility === 'private' ? 'PRIVATE' : 'PUBLIC'),
      contentLine('CATEGORIES', [event.kind, ...event.tags].map(text).join(',')),
      ...(event.url ? [contentLine('URL', raw(event.url), { VALUE: 'URI' })] : []),
      ...people(event, withPrivateDetails),
      'END:VEVENT\r\n',
    ].join('');
  },
};

/** The languages a VEVENT's localized fields use, each sorted (pickLanguage's input). */
export function eventLanguages(event: CalendarEvent): { title: string[]; description: string[]; locationName: string[] } {
  return { title: Object.keys(event.title).sort(), description: Object.keys(event.description ?? {}).sort(), locationName: Object.keys(event.location?.name ?? {}).sort() };
}

function vevent({ event, ...source }: VeventSource, calendar: Calendar, options: RenderOptions): string {
  const preferred = [options.language, calendar.defaultLanguage, 'en'];
  const languages = eventLanguages(event);
  return (
    veventParts.head(event, source) +
    veventParts.summary(event, pickLanguage(languages.title, preferred)!) +
    veventParts.description(event, pickLanguage(languages.description, preferred)) +
    veventParts.location(event, pickLanguage(languages.locationName, preferred), options.language) +
    veventParts.tail(event, options.withPrivateDetails)
  );
}

/** Events in a stable order: by start, then by id. */
function ordered(events: CalendarEvent[]): CalendarEvent[] {
  return events
    .map((event) => ({ event, start: utcRange(event.schedule).start }))
    .sort((a, b) => (a.start === b.start ? a.event.id.localeCompare(b.event.id) : a.start.localeCompare(b.start)))
    .map(({ event }) => event);
}

/**
 * A whole iCalendar object for these events (the single-event .ics; feeds assemble pre-rendered parts instead).
 * `now` bounds what an endless series writes (its VTIMEZONE years, a Hijri series' RDATEs; series.ts).
 */
export function renderCalendar(calendar: Calendar, events: CalendarEvent[], options: RenderOptions, now = new Date()): string {
  const sorted = ordered(events);
  const zones = new ZoneYears();
  for (const event of sorted) for (const [zone, from, to] of seriesZoneYears(event, now)) zones.add(zone, from, zoneYearsUntil(from, to, now));
  const vevents = sorted.flatMap((event) => veventSources(event, now).map((source) => vevent(source, calendar, options)));
  return `BEGIN:VCALENDAR\r\n${calendarHeader(calendar, options)}${zones.components(undefined, 0).join('')}${vevents.join('')}END:VCALENDAR\r\n`;
}
