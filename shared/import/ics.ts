/**
 * A text/calendar body (a Google Calendar, Outlook or Apple export, or a downloaded feed) to import drafts,
 * one per UID: the event or series (RRULE, EXDATE, RDATE) with its overrides (RECURRENCE-ID), attendees and
 * organizer, plus every item skipped with the reason. Parsed by ical.js (folding, escaping, parameters);
 * times and recurrences go through the same domain code as the API, so an import accepts what the API accepts.
 */
import ICAL from 'ical.js';
import { DomainError, type FieldErrorCode } from '#domain/errors';
import { normalizeRecurrence, type OccurrenceOverride, type Recurrence } from '#domain/recurrence';
import { scheduleSchema, type ParticipantInput, type Schedule } from '#domain/schemas';
import { firstDayOfNextMonth } from '#domain/time';
import { toFieldErrors } from '#domain/validation';
import { toBeConfirmed } from '#feeds/language';
import { readTime, recurrenceIdOf, scheduleOf, TimeError, type IcsTime } from './ics-times.ts';
import { attendeesOf, organizerOf, textFields, type DraftText } from './ics-people.ts';
import { resolveTzid } from './windows-zones.ts';

import { MAX_IMPORT_BYTES, MAX_IMPORT_EVENTS } from './limits.ts';

export { MAX_IMPORT_BYTES, MAX_IMPORT_EVENTS };

export interface ImportOverride extends OccurrenceOverride, Partial<DraftText> {}

export interface ImportDraft extends DraftText {
  uid: string;
  schedule: Schedule;
  recurrence?: Recurrence;
  overrides: ImportOverride[];
  participants: ParticipantInput[];
  organizer?: { name: string; email?: string };
  sequence: number;
}

export interface SkippedItem {
  uid?: string;
  recurrenceId?: string;
  component: string;
  /** Why, as a field error code (the import report's `code`). */
  code: FieldErrorCode;
  reason: string;
}

export interface ImportResult {
  /** The zone floating times were read in: X-WR-TIMEZONE when the file names one, else the calendar's. */
  timeZone: string;
  drafts: ImportDraft[];
  skipped: SkippedItem[];
}

/**
 * Parses an iCalendar body into drafts keyed by UID. Refuses (DomainError) a body over MAX_IMPORT_BYTES,
 * one ical.js cannot parse, or one with more than MAX_IMPORT_EVENTS events; anything else it cannot take
 * is listed in `skipped`, never dropped silently.
 */
export function parseIcsImport(body: string, options: { defaultTimeZone: string }): ImportResult {
  if (Buffer.byteLength(body, 'utf8') > MAX_IMPORT_BYTES) {
    throw new DomainError('too_large', `an import is at most ${MAX_IMPORT_BYTES} bytes`, [{ field: 'body', code: 'too_large', message: `must be at most ${MAX_IMPORT_BYTES} bytes` }]);
  }
  const calendar = parseCalendar(body);
  const named = calendar.getFirstPropertyValue('x-wr-timezone');
  const timeZone = (named && resolveTzid(String(named))) || options.defaultTimeZone;
  const skipped: SkippedItem[] = [];
  const components = calendar.getAllSubcomponents();
  const events = components.filter((c) => c.name === 'vevent');
  if (events.length > MAX_IMPORT_EVENTS) {
    throw new DomainError('too_large', `an import holds at most ${MAX_IMPORT_EVENTS} events`, [{ field: 'body', code: 'too_many', message: `must hold at most ${MAX_IMPORT_EVENTS} events (found ${events.length})` }]);
  }
  for (const other of components.filter((c) => c.name !== 'vevent' && c.name !== 'vtimezone')) {
    skipped.push({ component: other.name.toUpperCase(), uid: stringOf(other, 'uid'), code: 'unsupported', reason: `${other.name.toUpperCase()} is not an event` });
  }
  const masters = new Map<string, ImportDraft>();
  const refused = new Set<string>();
  const overrides: ICAL.Component[] = [];
  for (const event of events) {
    const uid = stringOf(event, 'uid');
    if (!uid) skipped.push({ component: 'VEVENT', code: 'required', reason: 'has no UID, so a re-import could not find it' });
    else if (!attempt(skipped, { component: 'VEVENT', uid }, () => decodeValues(event))) {
      if (!event.hasProperty('recurrence-id')) refused.add(uid);
    } else if (event.hasProperty('recurrence-id')) overrides.push(event);
    else if (masters.has(uid)) skipped.push({ component: 'VEVENT', uid, code: 'conflict', reason: 'a second event with the same UID' });
    else if (!attempt(skipped, { component: 'VEVENT', uid }, () => masters.set(uid, draftOf(event, uid, timeZone)))) refused.add(uid);
  }
  for (const event of overrides) {
    const uid = stringOf(event, 'uid')!;
    const master = masters.get(uid);
    const recurrenceId = String(event.getFirstPropertyValue('recurrence-id'));
    if (refused.has(uid)) skipped.push({ component: 'VEVENT', uid, recurrenceId, code: 'not_found', reason: 'an occurrence override (RECURRENCE-ID) of a series that was skipped' });
    else if (!master) skipped.push({ component: 'VEVENT', uid, recurrenceId, code: 'not_found', reason: 'an occurrence override (RECURRENCE-ID) whose series is not in the file' });
    else attempt(skipped, { component: 'VEVENT', uid }, () => master.overrides.push(overrideOf(event, master, timeZone)));
  }
  return { timeZone, drafts: [...masters.values()], skipped };
}

function parseCalendar(body: string): ICAL.Component {
  let parsed: unknown;
  try {
    parsed = ICAL.parse(body);
  } catch (error) {
    const where = lineOf(body, (error as Error).message);
    const message = `is not iCalendar: ${where ? `line ${where}: ` : ''}${(error as Error).message}`;
    throw new DomainError('invalid', `the body ${message}`, [{ field: 'body', code: 'invalid_format', message }]);
  }
  const root = new ICAL.Component((Array.isArray(parsed) && Array.isArray(parsed[0]) ? parsed[0] : parsed) as unknown[]);
  if (root.name !== 'vcalendar') {
    throw new DomainError('invalid', 'the body is not a VCALENDAR', [{ field: 'body', code: 'invalid_format', message: 'must be a VCALENDAR' }]);
  }
  return root;
}

/** The line of the file (1-based) where the content line ical.js quotes in its error starts, when it quotes one. */
function lineOf(body: string, message: string): number | undefined {
  const quoted = /"([^"]+)"|'([^']+)'/.exec(message);
  const text = quoted?.[1] ?? quoted?.[2];
  const physical = body.split(/\r?\n/);
  let logical = '';
  for (let i = 0; i < physical.length; i++) {
    // A line starting with a space or tab continues the one before (RFC 5545 folding).
    let end = i;
    logical = physical[i]!;
    while (end + 1 < physical.length && /^[ \t]/.test(physical[end + 1]!)) logical += physical[++end]!.slice(1);
    if (text !== undefined && logical.includes(text)) return i + 1;
    i = end;
  }
  return undefined;
}

/** Runs one item's work; a refusal becomes a skipped item with its reason (false), anything else is a bug and throws. */
function attempt(skipped: SkippedItem[], item: Omit<SkippedItem, 'reason' | 'code'>, work: () => void): boolean {
  try {
    work();
    return true;
  } catch (error) {
    if (!(error instanceof TimeError || error instanceof ImportRefusal)) throw error;
    skipped.push({ ...item, code: error.code, reason: error.message });
    return false;
  }
}

class ImportRefusal extends Error {
  constructor(
    message: string,
    readonly code: FieldErrorCode = 'unsupported',
  ) {
    super(message);
  }
}

/**
 * ical.js decodes a property's value when it is first read, and throws a plain Error for a mangled one (e.g.
 * `DTSTART;TZID=…:null`). Reading every value once, here, turns that into a refusal of this event naming the
 * property, instead of an error wherever the value happens to be read later (decoded values are kept).
 */
function decodeValues(event: ICAL.Component): void {
  for (const property of event.getAllProperties()) {
    try {
      property.getValues();
    } catch (error) {
      throw new ImportRefusal(`${property.name.toUpperCase()} has a value that cannot be read: ${(error as Error).message}`, 'invalid_format');
    }
  }
}

const stringOf = (component: ICAL.Component, name: string): string | undefined => {
  const value = component.getFirstPropertyValue(name);
  return value === null || value === undefined ? undefined : String(value);
};

function timesOf(event: ICAL.Component, floatingZone: string) {
  const start = event.getFirstProperty('dtstart');
  if (!start) throw new ImportRefusal('has no DTSTART', 'required');
  const end = event.getFirstProperty('dtend');
  const duration = event.getFirstPropertyValue('duration') as ICAL.Duration | null;
  return {
    start: readTime(start, start.getFirstValue()?.toString(), floatingZone),
    end: end ? readTime(end, end.getFirstValue()?.toString(), floatingZone) : undefined,
    seconds: duration ? duration.toSeconds() : undefined,
  };
}

function checkedSchedule(schedule: Schedule): Schedule {
  const result = scheduleSchema().safeParse(schedule);
  if (!result.success) {
    const errors = toFieldErrors(result.error, 'schedule');
    throw new ImportRefusal(errors.map((e) => `${e.field} ${e.message}`).join('; '), errors[0]?.code ?? 'invalid_value');
  }
  return result.data;
}

/**
 * A month-only event as our feed writes it: the 1st to the 1st of the next month (VALUE=DATE), STATUS:TENTATIVE
 * (or CANCELLED) and a SUMMARY ending with the "date to be confirmed" marker in its LANGUAGE. Read back as a month
 * with the title it had, so a feed imported into a new calendar (or its own) keeps the month and grows no marker.
 */
function monthOnly(start: IcsTime, end: IcsTime | undefined, text: DraftText, zone: string): { schedule: Schedule; title: string } | undefined {
  if (start.kind !== 'date' || end?.kind !== 'date' || !start.date.endsWith('-01') || (text.status !== 'tentative' && text.status !== 'cancelled') || !text.title || !text.language) return undefined;
  const month = start.date.slice(0, 7);
  const marker = ` ${toBeConfirmed(text.language)}`;
  if (end.date !== firstDayOfNextMonth(month) || !text.title.endsWith(marker) || text.title.length === marker.length) return undefined;
  return { schedule: { type: 'month', month, timeZone: zone }, title: text.title.slice(0, -marker.length).trim() };
}

function draftOf(event: ICAL.Component, uid: string, zone: string): ImportDraft {
  const rrules = event.getAllProperties('rrule');
  if (rrules.length > 1) throw new ImportRefusal('more than one RRULE (RFC 5545 deprecates it, and we do not expand it)');
  const { start, end, seconds } = timesOf(event, zone);
  const recurring = rrules.length > 0 || event.hasProperty('rdate');
  const text = textFields(event);
  // A month-only series is written as all-day months with an RRULE; it comes back as an all-day series.
  const month = recurring ? undefined : monthOnly(start, end, text, zone);
  // TENTATIVE there says "the day is not fixed", not the event's own status, which the feed does not carry.
  const { status, ...monthText } = text;
  const schedule = checkedSchedule(month?.schedule ?? scheduleOf(start, end, seconds, zone, recurring));
  const fields: DraftText = month ? { ...monthText, ...(status === 'cancelled' ? { status } : {}), title: month.title } : text;
  const draft: ImportDraft = { uid, schedule, overrides: [], participants: attendeesOf(event), sequence: Number(event.getFirstPropertyValue('sequence') ?? 0), ...fields };
  const organizer = organizerOf(event);
  if (organizer) draft.organizer = organizer;
  if (recurring) draft.recurrence = recurrenceOf(event, rrules[0], schedule, zone);
  return draft;
}

/** The RRULE as ical.js read it, every part kept (ical.js keeps unknown ones too), for our validator to judge. */
function ruleText(property: ICAL.Property | undefined): string | undefined {
  if (!property) return undefined;
  const parts = property.toJSON()[3] as Record<string, unknown>;
  // ical.js numbers WKST from SUNDAY = 1; RFC 5545 writes the weekday.
  if (typeof parts.wkst === 'number') parts.wkst = ICAL_WEEKDAYS[parts.wkst - 1] ?? parts.wkst;
  return Object.entries(parts)
    .map(([key, value]) => `${key.toUpperCase()}=${Array.isArray(value) ? value.join(',') : String(value)}`)
    .join(';');
}

const ICAL_WEEKDAYS = ['SU', 'MO', 'TU', 'WE', 'TH', 'FR', 'SA'];

function idsOf(event: ICAL.Component, name: string, schedule: Schedule, zone: string): string[] {
  return event.getAllProperties(name).flatMap((property) => property.getValues().map((value) => recurrenceIdOf(readTime(property, value?.toString(), zone), schedule)));
}

function recurrenceOf(event: ICAL.Component, rrule: ICAL.Property | undefined, schedule: Schedule, zone: string): Recurrence {
  const rule = ruleText(rrule);
  if (!rule) throw new ImportRefusal('RDATE without an RRULE is not supported yet');
  const input = { rule, exdates: idsOf(event, 'exdate', schedule, zone), rdates: idsOf(event, 'rdate', schedule, zone) };
  const { recurrence, errors } = normalizeRecurrence(input, schedule);
  if (!recurrence) throw new ImportRefusal(`recurrence refused: ${errors.map((e) => `${e.field.replace('schedule.recurrence.', '')}: ${e.message}`).join('; ')}`, errors[0]?.code ?? 'unsupported');
  return recurrence;
}

function overrideOf(event: ICAL.Component, master: ImportDraft, zone: string): ImportOverride {
  const property = event.getFirstProperty('recurrence-id')!;
  const recurrenceId = recurrenceIdOf(readTime(property, property.getFirstValue()?.toString(), zone), master.schedule);
  if (String(event.getFirstPropertyValue('status') ?? '').toUpperCase() === 'CANCELLED') return { recurrenceId, cancelled: true };
  const { start, end, seconds } = timesOf(event, zone);
  const shownIn = master.schedule.type === 'timed' ? master.schedule.timeZone : zone;
  return { recurrenceId, schedule: checkedSchedule(scheduleOf(start, end, seconds, shownIn, false)), ...textFields(event) };
}
