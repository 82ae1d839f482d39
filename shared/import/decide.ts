/**
 * One imported event as one command: the changes the API's own decisions make (create, merge patch, invite,
 * respond, cancel) for what the file says, composed into a single commit. Pure: state in, changes out.
 * An import sets what the file says and never removes what the file leaves out (fields, languages, people).
 */
import { streams, type EventChange, type Participant } from '#domain/changes';
import { DomainError } from '#domain/errors';
import { decideEvent, evolveEvent, type CalendarEvent, type EventState } from '#domain/event';
import { decideOccurrence, seriesSupport } from '#domain/series';
import { jsonEqual } from '#domain/merge-patch';
import type { CreateEventInput, ParticipantInput, Schedule } from '#domain/schemas';
import { parseLocalDateTime } from '#domain/time';
import { veventParts } from '#feeds/render';
import type { PlannedEvent } from './plan.ts';

export interface ImportCommand extends PlannedEvent {
  /** Ids for participants the command invites. */
  newId: () => string;
}

const sameParticipant = (input: ParticipantInput) => (participant: Participant) => (input.email ? participant.email?.toLowerCase() === input.email.toLowerCase() : !participant.email && participant.name === input.name);

/** Changes that bring `state` to what the file says; none when it already says so. */
export function decideImport(command: ImportCommand, state: EventState): EventChange[] {
  const { input, uid, cancelled } = command;
  if (state?.status === 'cancelled') {
    if (cancelled) return [];
    throw new DomainError('conflict', 'the event is cancelled here, and a cancelled event cannot be restored', [{ field: 'STATUS', code: 'conflict', message: 'the event is cancelled here and cannot be restored' }]);
  }
  const changes = state
    ? decideUpdate(command, state)
    : decideEvent({ type: 'create', input, calendarExists: true, participantIds: (input.participants ?? []).map(() => command.newId()), uid, series: seriesSupport }, undefined);
  // The series' overrides on the same stream, each decided on the series as the changes before it leave it.
  let current = applied(state, changes);
  for (const occurrence of command.occurrences) {
    const decided = inFileTerms(occurrence.recurrenceId, () =>
      decideOccurrence(occurrence.cancelled ? { type: 'cancel', recurrenceId: occurrence.recurrenceId } : { type: 'change', recurrenceId: occurrence.recurrenceId, patch: occurrence.patch }, current),
    );
    changes.push(...decided);
    current = applied(current, decided);
  }
  if (cancelled) changes.push({ type: 'event.cancelled', data: {} });
  return changes;
}

/** The occurrence route's refusal, naming the file's fields (RECURRENCE-ID for the route's path) and the occurrence. */
function inFileTerms(recurrenceId: string, decide: () => EventChange[]): EventChange[] {
  try {
    return decide();
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    const errors = error.errors.map((e) => ({ ...e, field: e.field === 'path.recurrenceId' ? 'RECURRENCE-ID' : e.field, message: `${recurrenceId}: ${e.message}` }));
    throw new DomainError(error.code, error.message, errors);
  }
}

function decideUpdate(command: ImportCommand, state: CalendarEvent): EventChange[] {
  const { calendar: _calendar, participants = [], ...fields } = command.input;
  const changes = decideEvent({ type: 'patch', patch: withoutRestatements(fields, state), series: seriesSupport }, state);
  for (const participant of participants) {
    const known = state.participants.find(sameParticipant(participant));
    if (!known) changes.push(...decideEvent({ type: 'invite', participant, participantId: command.newId() }, state));
    else if (known.status !== participant.status) changes.push(...decideEvent({ type: 'respond', participantId: known.id, status: participant.status }, state));
  }
  return changes;
}

/** The state after changes not yet recorded (decide only reads the fields they set). */
function applied(state: EventState, changes: EventChange[]): CalendarEvent | undefined {
  const base = state?.version ?? 0;
  return changes.reduce<EventState>(
    (current, change, index) => evolveEvent(current, { ...change, id: '', commitId: '', streamId: streams.event(state?.id ?? 'import'), version: base + index + 1, at: '', actor: '', schemaVersion: 0 }),
    state,
  );
}

const sameWallTime = (a: string, b: string) => jsonEqual(parseLocalDateTime(a) ?? a, parseLocalDateTime(b) ?? b);

/** lastRecurrenceId is derived on create; a file never states it. */
function withoutDerived(recurrence: Schedule['recurrence']): unknown {
  if (!recurrence) return undefined;
  const { lastRecurrenceId: _derived, ...rest } = recurrence as { lastRecurrenceId?: string };
  return rest;
}

/** The same times, however written ("09:00" and "09:00:00"); the rest (a recurrence too) compared as is. */
function sameSchedule(a: Schedule, b: Schedule): boolean {
  // A file states a month-only event's month, never its zone (VALUE=DATE): the zone we have is kept.
  if (a.type === 'month' && b.type === 'month') return a.month === b.month && jsonEqual(withoutDerived(a.recurrence), withoutDerived(b.recurrence));
  if (a.type !== 'timed' || b.type !== 'timed') return jsonEqual({ ...a, recurrence: withoutDerived(a.recurrence) }, { ...b, recurrence: withoutDerived(b.recurrence) });
  // A file's times are instants (never ambiguous), so ours keep their disambiguation.
  const { start: aStart, end: aEnd, disambiguation: _a, recurrence: aRecurrence, ...aRest } = a;
  const { start: bStart, end: bEnd, disambiguation: _b, recurrence: bRecurrence, ...bRest } = b;
  return jsonEqual(aRest, bRest) && jsonEqual(withoutDerived(aRecurrence), withoutDerived(bRecurrence)) && sameWallTime(aStart, bStart) && sameWallTime(aEnd, bEnd);
}

/** The LOCATION line our feed writes for a location in a language: how a file's one line is compared with ours. */
const locationLine = (location: CalendarEvent['location'], language: string) => veventParts.location({ location } as CalendarEvent, language, language);

/**
 * The patch without what the file only restates in its own terms: the same times written otherwise, or the
 * LOCATION line our feed wrote for our structured location (name, address, city, country), which would
 * otherwise flatten it into a name.
 */
function withoutRestatements(fields: Omit<CreateEventInput, 'calendar' | 'participants'>, state: CalendarEvent): Record<string, unknown> {
  const { schedule, location, ...rest } = fields;
  const patch: Record<string, unknown> = { ...rest };
  if (!sameSchedule(schedule, state.schedule)) patch.schedule = schedule;
  const language = Object.keys(location?.name ?? {})[0];
  if (location && !(state.location && language && restatesLocation(location, state.location, language))) patch.location = location;
  return patch;
}

/** A LOCATION line's text, unfolded and without its parameters. */
const lineText = (line: string) =>
  line
    .replace(/\r\n[ \t]/g, '')
    .replace(/^LOCATION(;[^:]*)?:/, '')
    .replace(/\r\n$/, '');

/**
 * Whether the file's one LOCATION text is a line our feed writes for the location we have, in the file's language:
 * with the name in that language, in another of its languages, or with no name at all (a location that is only a
 * country is written as the country's name, without LANGUAGE).
 */
function restatesLocation(location: NonNullable<CalendarEvent['location']>, ours: NonNullable<CalendarEvent['location']>, language: string): boolean {
  const text = lineText(locationLine(location, language));
  const names = [language, ...Object.keys(ours.name ?? {}), undefined];
  return names.some((name) => lineText(veventParts.location({ location: ours } as CalendarEvent, name, language)) === text);
}
