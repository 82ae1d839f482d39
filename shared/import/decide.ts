/**
 * One imported event as one command: the changes the API's own decisions make (create, merge patch, invite,
 * respond, cancel) for what the file says, composed into a single commit. Pure: state in, changes out.
 * An import sets what the file says and never removes what the file leaves out (fields, languages, people).
 */
import type { EventChange, Participant } from '#domain/changes';
import { DomainError } from '#domain/errors';
import { decideEvent, type CalendarEvent, type EventState } from '#domain/event';
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
  if (!state) {
    const participantIds = (input.participants ?? []).map(() => command.newId());
    const created = decideEvent({ type: 'create', input, calendarExists: true, participantIds, uid }, undefined);
    return cancelled ? [...created, { type: 'event.cancelled', data: {} }] : created;
  }
  if (state.status === 'cancelled') {
    if (cancelled) return [];
    throw new DomainError('conflict', 'the event is cancelled here, and a cancelled event cannot be restored', [{ field: 'STATUS', code: 'conflict', message: 'the event is cancelled here and cannot be restored' }]);
  }
  const { calendar: _calendar, participants = [], ...fields } = input;
  const changes = decideEvent({ type: 'patch', patch: withoutRestatements(fields, state) }, state);
  for (const participant of participants) {
    const known = state.participants.find(sameParticipant(participant));
    if (!known) changes.push(...decideEvent({ type: 'invite', participant, participantId: command.newId() }, state));
    else if (known.status !== participant.status) changes.push(...decideEvent({ type: 'respond', participantId: known.id, status: participant.status }, state));
  }
  if (cancelled) changes.push(...decideEvent({ type: 'cancel' }, state));
  return changes;
}

const sameWallTime = (a: string, b: string) => jsonEqual(parseLocalDateTime(a) ?? a, parseLocalDateTime(b) ?? b);

/** The same times, however written ("09:00" and "09:00:00"); the rest (a recurrence too) compared as is. */
function sameSchedule(a: Schedule, b: Schedule): boolean {
  if (a.type !== 'timed' || b.type !== 'timed') return jsonEqual(a, b);
  // A file's times are instants (never ambiguous), so ours keep their disambiguation.
  const { start: aStart, end: aEnd, disambiguation: _a, ...aRest } = a;
  const { start: bStart, end: bEnd, disambiguation: _b, ...bRest } = b;
  return jsonEqual(aRest, bRest) && sameWallTime(aStart, bStart) && sameWallTime(aEnd, bEnd);
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
  if (location && !(state.location && language && locationLine(location, language) === locationLine(state.location, language))) patch.location = location;
  return patch;
}
