/** The calendar event aggregate: initial state, evolve (state + change → state) and decide (command + state → changes). */
import { safeParse } from 'zod/mini';
import type { EventChange, EventCreatedData, EventUpdatedData, OccurrenceFields, Participant, ParticipantStatus, Recorded } from './changes.ts';
import { DomainError } from './errors.ts';
import { isPlainObject, jsonEqual, mergePatch } from './merge-patch.ts';
import type { OccurrenceOverride, Recurrence, Series } from './recurrence.ts';
import type { RuleFieldError } from './recurrence-rule.ts';
import { sameSchedule } from './schedule.ts';
import { editableFieldNames, eventFieldsSchema, type CreateEventInput, type EventFields, type ParticipantInput, type Schedule } from './schemas.ts';
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
  /** recur (#14): occurrences of the series changed on their own, by recurrence id. */
  overrides?: OccurrenceOverride[];
  /** recur (#14): the series that continues this one from `recurrenceId` ("this and following"). */
  splitTo?: { series: string; recurrenceId: string };
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
    case 'event.series.ended':
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
    case 'occurrence.rescheduled':
      return withOverride(state, change.data.recurrenceId, (o) => ({ ...o, schedule: change.data.schedule, sequence: (o.sequence ?? 0) + 1 }));
    case 'occurrence.updated':
      return withOverride(state, change.data.recurrenceId, (o) => ({ ...o, fields: mergeFields(o.fields, change.data.fields) }));
    case 'occurrence.cancelled':
      return withOverride(state, change.data.recurrenceId, (o) => ({ ...o, cancelled: true, ...(change.data.reason ? { reason: change.data.reason } : {}), sequence: (o.sequence ?? 0) + 1 }));
    case 'occurrence.restored': {
      const overrides = (state.overrides ?? []).filter((o) => o.recurrenceId !== change.data.recurrenceId);
      return { ...state, overrides };
    }
    case 'event.series.ended': {
      // Ids sort as their wall times do: what starts at or after the split now belongs to the new series.
      const overrides = (state.overrides ?? []).filter((o) => o.recurrenceId < change.data.recurrenceId);
      return { ...state, schedule: { ...state.schedule, recurrence: change.data.recurrence }, overrides, splitTo: { series: change.data.splitTo, recurrenceId: change.data.recurrenceId } };
    }
    default:
      return assertNever(change);
  }
}

/** The state with one occurrence's override replaced (or added, in recurrence id order). */
function withOverride(state: CalendarEvent, recurrenceId: string, change: (override: OccurrenceOverride) => OccurrenceOverride): CalendarEvent {
  const overrides = state.overrides ?? [];
  const current = overrides.find((o) => o.recurrenceId === recurrenceId) ?? { recurrenceId };
  const others = overrides.filter((o) => o.recurrenceId !== recurrenceId);
  return { ...state, overrides: [...others, change(current)].sort((a, b) => (a.recurrenceId < b.recurrenceId ? -1 : 1)) };
}

function mergeFields(current: OccurrenceFields | undefined, change: OccurrenceFields): OccurrenceFields | undefined {
  const next: Record<string, unknown> = { ...current };
  for (const [field, value] of Object.entries(change)) {
    if (value === null) delete next[field];
    else next[field] = value;
  }
  return Object.keys(next).length > 0 ? (next as OccurrenceFields) : undefined;
}

/** The series an event is, or undefined for a single event. */
export function seriesOf(event: Pick<CalendarEvent, 'schedule' | 'overrides'>): Series | undefined {
  const recurrence = event.schedule.recurrence as Recurrence | undefined;
  return recurrence && { schedule: event.schedule, recurrence, ...(event.overrides ? { overrides: event.overrides } : {}) };
}

/**
 * Series arithmetic (ical.js and Intl expansion, #domain/series) handed to decide by the commands that need it,
 * so the many bundles that only fold events (views, webhooks, other commands) do not carry the expansion.
 */
export interface SeriesSupport {
  normalize(input: unknown, schedule: Schedule, field: string): { recurrence?: Recurrence; errors: RuleFieldError[] };
  isOccurrence(series: Series, recurrenceId: string): boolean;
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
  | { type: 'create'; input: CreateEventInput; calendarExists: boolean; participantIds: string[]; series?: SeriesSupport /** import (#14): the iCalendar UID it came with. */; uid?: string }
  | { type: 'patch'; patch: Record<string, unknown>; series?: SeriesSupport }
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
      return decidePatch(command.patch, state, command.series);
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
    schedule: normalizedSchedule(input.schedule, command.series),
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

const editableFields: readonly (keyof EventFields)[] = editableFieldNames;

export function editableView(state: CalendarEvent): Record<string, unknown> {
  const view: Record<string, unknown> = Object.fromEntries(editableFields.filter((f) => state[f] !== undefined).map((f) => [f, state[f]]));
  const recurrence = state.schedule.recurrence as Recurrence | undefined;
  if (recurrence) {
    // What a client may write: the derived last occurrence of a COUNT rule is not one of them.
    const { lastRecurrenceId: _derived, ...written } = recurrence;
    view.schedule = { ...state.schedule, recurrence: written };
  }
  return view;
}

/** The schedule with its recurrence (if any) checked against it and normalized; field errors otherwise. */
export function normalizedSchedule(schedule: Schedule, series: SeriesSupport | undefined, field = 'schedule.recurrence'): Schedule {
  if (schedule.recurrence === undefined) return schedule;
  if (!series) throw new Error('a series needs SeriesSupport (#domain/series) in the command');
  const { recurrence: _input, ...first } = schedule;
  const { recurrence, errors } = series.normalize(schedule.recurrence, first as Schedule, field);
  if (!recurrence) throw new DomainError('invalid', 'the recurrence is not supported as given', errors);
  return { ...first, recurrence } as Schedule;
}

function decidePatch(patch: Record<string, unknown>, state: CalendarEvent, series: SeriesSupport | undefined): Decision {
  const current = editableView(state);
  const schedulePatch = patch.schedule;
  // A schedule of another type replaces the old one: merging a month into a timed schedule means nothing.
  const replacesSchedule = isPlainObject(schedulePatch) && schedulePatch.type !== undefined && schedulePatch.type !== state.schedule.type;
  const merged = mergePatch(current, replacesSchedule ? { ...patch, schedule: null } : patch) as Record<string, unknown>;
  if (replacesSchedule) merged.schedule = schedulePatch;
  const parsed = safeParse(eventFieldsSchema(), merged, { reportInput: true });
  if (!parsed.success) throw new DomainError('invalid', 'the patched event is not valid', toFieldErrors(parsed.error));
  // Merge-patch null on a list means its empty value: `{"tags": null}` clears the tags.
  const next: EventFields = { ...parsed.data, schedule: normalizedSchedule(parsed.data.schedule, series), tags: uniqueTags(parsed.data.tags ?? []) };
  return [...droppedOverrides(state, next.schedule, series), ...diff(state, next)];
}

/** A series given a new schedule keeps the overrides of occurrences it still has; the others are restored away first. */
function droppedOverrides(state: CalendarEvent, schedule: Schedule, series: SeriesSupport | undefined): Decision {
  if (!state.overrides?.length || sameSchedule(state.schedule, schedule)) return [];
  const next = seriesOf({ schedule });
  return state.overrides.filter((o) => !next || !series?.isOccurrence(next, o.recurrenceId)).map((o): EventChange => ({ type: 'occurrence.restored', data: { recurrenceId: o.recurrenceId } }));
}

function diff(state: CalendarEvent, next: EventFields): Decision {
  const changes: Decision = [];
  if (!sameSchedule(state.schedule, next.schedule)) {
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
