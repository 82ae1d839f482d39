/** The calendar event aggregate: initial state, evolve (state + change → state) and decide (command + state → changes). */
import { safeParse } from 'zod/mini';
import type { EventChange, EventCreatedData, EventUpdatedData, Participant, ParticipantStatus, Recorded } from './changes.ts';
import { DomainError } from './errors.ts';
import { isPlainObject, jsonEqual, mergePatch } from './merge-patch.ts';
import { eventFieldsSchema, type CreateEventInput, type EventFields, type ParticipantInput } from './schemas.ts';
import { toFieldErrors } from './validation.ts';

export type EventStatus = 'tentative' | 'confirmed' | 'cancelled';

export interface CalendarEvent extends Omit<EventCreatedData, 'status'> {
  id: string;
  status: EventStatus;
  participants: Participant[];
  cancelReason?: string;
  cancelledAt?: string;
  /** iCalendar SEQUENCE: rises with every reschedule, location or status change, and never falls. */
  sequence: number;
  version: number;
  createdAt: string;
  updatedAt: string;
}

export type EventState = CalendarEvent | undefined;

export const initialEventState = (): EventState => undefined;

export function evolveEvent(state: EventState, change: Recorded<EventChange>): EventState {
  if (change.type === 'event.created') {
    const id = change.streamId.slice('event#'.length);
    return { id, ...change.data, participants: [], sequence: 0, version: change.version, createdAt: change.at, updatedAt: change.at };
  }
  if (!state) throw new Error(`${change.type} before event.created in ${change.streamId}`);
  const sequence = state.sequence + (isSignificant(change) ? 1 : 0);
  return { ...applyChange(state, change), sequence, version: change.version, updatedAt: change.at };
}

/** The revisions calendar apps must not miss (RFC 5545 SEQUENCE): when, where, and whether it happens. */
function isSignificant(change: EventChange): boolean {
  switch (change.type) {
    case 'event.rescheduled':
    case 'event.confirmed':
    case 'event.cancelled':
      return true;
    case 'event.updated':
      return 'location' in change.data || 'status' in change.data;
    default:
      return false;
  }
}

function applyChange(state: CalendarEvent, change: Recorded<EventChange>): CalendarEvent {
  switch (change.type) {
    case 'event.created':
      return state;
    case 'event.updated':
      return applyFields(state, change.data);
    case 'event.rescheduled':
      return { ...state, schedule: change.data.schedule };
    case 'event.confirmed':
      return { ...state, status: 'confirmed' };
    case 'event.cancelled':
      return { ...state, status: 'cancelled', cancelledAt: change.at, ...(change.data.reason ? { cancelReason: change.data.reason } : {}) };
    case 'participant.invited':
      return { ...state, participants: [...state.participants, change.data.participant] };
    case 'participant.responded':
      return { ...state, participants: state.participants.map((p) => (p.id === change.data.participantId ? { ...p, status: change.data.status } : p)) };
    case 'participant.removed':
      return { ...state, participants: state.participants.filter((p) => p.id !== change.data.participantId) };
    default:
      return assertNever(change);
  }
}

function applyFields(state: CalendarEvent, data: EventUpdatedData): CalendarEvent {
  const next: Record<string, unknown> = { ...state };
  for (const [field, value] of Object.entries(data)) {
    // Tags are always a list: an old `{"tags": null}` in the journal reads as no tags, never as a missing list.
    if (value === null && field === 'tags') next.tags = [];
    else if (value === null) delete next[field];
    else next[field] = value;
  }
  return next as unknown as CalendarEvent;
}

export function assertNever(value: never): never {
  throw new Error(`unhandled: ${JSON.stringify(value)}`);
}

export type EventCommand =
  | { type: 'create'; input: CreateEventInput; calendarExists: boolean; participantIds: string[] /** import (#14): the iCalendar UID it came with. */; uid?: string }
  | { type: 'patch'; patch: Record<string, unknown> }
  | { type: 'cancel'; reason?: string }
  | { type: 'invite'; participant: ParticipantInput; participantId: string }
  | { type: 'respond'; participantId: string; status: ParticipantStatus }
  | { type: 'removeParticipant'; participantId: string };

type Decision = EventChange[];

export function decideEvent(command: EventCommand, state: EventState): Decision {
  if (command.type === 'create') return decideCreate(command, state);
  if (!state) throw new DomainError('not_found', 'event not found', [{ field: 'path.id', code: 'not_found', message: 'no such event' }]);
  if (state.status === 'cancelled') throw new DomainError('conflict', 'the event is cancelled and can no longer be changed', [{ field: 'path.id', code: 'conflict', message: 'is cancelled' }]);
  switch (command.type) {
    case 'patch':
      return decidePatch(command.patch, state);
    case 'cancel':
      return [{ type: 'event.cancelled', data: command.reason ? { reason: command.reason } : {} }];
    case 'invite':
      return decideInvite(command, state);
    case 'respond':
      return participantOf(state, command.participantId).status === command.status ? [] : [{ type: 'participant.responded', data: { participantId: command.participantId, status: command.status } }];
    case 'removeParticipant':
      participantOf(state, command.participantId);
      return [{ type: 'participant.removed', data: { participantId: command.participantId } }];
    default:
      return assertNever(command);
  }
}

function decideCreate(command: Extract<EventCommand, { type: 'create' }>, state: EventState): Decision {
  if (state) throw new DomainError('conflict', 'an event with this id already exists');
  if (!command.calendarExists) {
    throw new DomainError('unprocessable', `calendar "${command.input.calendar}" does not exist`, [
      { field: 'calendar', code: 'not_found', message: 'no calendar with this id; create it with PUT /calendars/{id} first' },
    ]);
  }
  const { participants = [], ...input } = command.input;
  const created: EventCreatedData = {
    ...input,
    kind: input.kind ?? 'other',
    visibility: input.visibility ?? 'public',
    status: input.status ?? (input.schedule.type === 'month' ? 'tentative' : 'confirmed'),
    tags: uniqueTags(input.tags ?? []),
    ...(command.uid === undefined ? {} : { uid: command.uid }),
  };
  const invitations = participants.map(
    (participant, i): EventChange => ({
      type: 'participant.invited',
      data: { participant: { id: command.participantIds[i]!, ...participant } },
    }),
  );
  return [{ type: 'event.created', data: created }, ...invitations];
}

const editableFields = Object.keys(eventFieldsSchema.shape) as (keyof EventFields)[];

function editableView(state: CalendarEvent): Record<string, unknown> {
  return Object.fromEntries(editableFields.filter((f) => state[f] !== undefined).map((f) => [f, state[f]]));
}

function decidePatch(patch: Record<string, unknown>, state: CalendarEvent): Decision {
  const current = editableView(state);
  const schedulePatch = patch.schedule;
  // A schedule of another type replaces the old one: merging a month into a timed schedule means nothing.
  const replacesSchedule = isPlainObject(schedulePatch) && schedulePatch.type !== undefined && schedulePatch.type !== state.schedule.type;
  const merged = mergePatch(current, replacesSchedule ? { ...patch, schedule: null } : patch) as Record<string, unknown>;
  if (replacesSchedule) merged.schedule = schedulePatch;
  const parsed = safeParse(eventFieldsSchema, merged, { reportInput: true });
  if (!parsed.success) throw new DomainError('invalid', 'the patched event is not valid', toFieldErrors(parsed.error));
  // Merge-patch null on a list means its empty value: `{"tags": null}` clears the tags.
  const next: EventFields = { ...parsed.data, tags: uniqueTags(parsed.data.tags ?? []) };
  return diff(state, next);
}

function diff(state: CalendarEvent, next: EventFields): Decision {
  const changes: Decision = [];
  if (!jsonEqual(state.schedule, next.schedule)) {
    changes.push({ type: 'event.rescheduled', data: { schedule: next.schedule, previous: state.schedule } });
  }
  const updated: Record<string, unknown> = {};
  for (const field of editableFields) {
    if (field === 'schedule' || field === 'status') continue;
    const value = next[field] ?? null;
    if (!jsonEqual(state[field] ?? null, value)) updated[field] = value;
  }
  if (next.status === 'tentative' && state.status === 'confirmed') updated.status = 'tentative';
  if (Object.keys(updated).length > 0) changes.push({ type: 'event.updated', data: updated as EventUpdatedData });
  if (next.status === 'confirmed' && state.status === 'tentative') changes.push({ type: 'event.confirmed', data: {} });
  return changes;
}

function decideInvite(command: Extract<EventCommand, { type: 'invite' }>, state: CalendarEvent): Decision {
  const email = command.participant.email?.toLowerCase();
  if (email && state.participants.some((p) => p.email?.toLowerCase() === email)) {
    throw new DomainError('conflict', 'a participant with this e-mail is already invited', [{ field: 'email', code: 'conflict', message: 'already invited' }]);
  }
  return [{ type: 'participant.invited', data: { participant: { id: command.participantId, ...command.participant } } }];
}

function participantOf(state: CalendarEvent, participantId: string): Participant {
  const participant = state.participants.find((p) => p.id === participantId);
  if (!participant) throw new DomainError('not_found', `participant ${participantId} not found`, [{ field: 'path.pid', code: 'not_found', message: 'no such participant' }]);
  return participant;
}

function uniqueTags(tags: string[]): string[] {
  return [...new Set(tags)];
}
