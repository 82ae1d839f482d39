/** What the event functions do, between a parsed request and a response. */
import { actorOf, seesPrivate, type Principal } from '#auth/keys';
import { recordedBy, type Deps } from '#config/deps';
import { calendarAggregate, eventAggregate, fold } from '#domain/aggregates';
import { streams, type Recorded } from '#domain/changes';
import { DomainError } from '#domain/errors';
import { decideEvent, type CalendarEvent, type EventCommand, type SeriesSupport } from '#domain/event';
import type { CreateEventInput } from '#domain/schemas';
import { handle } from '#journal/handle';
import { claimIdempotencyKey, requestFingerprint } from '#journal/idempotency';

export interface EventResult {
  event: CalendarEvent;
  replayed: boolean;
}

/** Records a new event; a series (schedule.recurrence) needs `series` (#domain/series's seriesSupport). */
export async function createEvent(d: Deps, input: CreateEventInput, principal: Principal, idempotencyKey?: string, series?: SeriesSupport): Promise<EventResult> {
  const calendarExists = fold(calendarAggregate, await d.journal.read(streams.calendar(input.calendar))) !== undefined;
  const participantIds = (input.participants ?? []).map(() => d.newId());
  const command: EventCommand = { type: 'create', input, calendarExists, participantIds, ...(series ? { series } : {}) };
  // decide is pure: vetting the command first means a rejected request leaves no idempotency claim behind.
  decideEvent(command, undefined);
  let eventId = d.newId();
  let replay = false;
  if (idempotencyKey) {
    const claim = await claimIdempotencyKey(d.client, d.tables.idempotency, {
      scope: actorOf(principal),
      key: idempotencyKey,
      fingerprint: requestFingerprint(['POST /events', input]),
      proposedId: eventId,
      now: d.now(),
    });
    eventId = claim.resourceId;
    replay = claim.replay;
    const firstResult = replay ? await stateAfterFirstCommit(d, eventId) : undefined;
    if (firstResult) return { event: firstResult, replayed: true };
  }
  try {
    const { state } = await handle(d.journal, streams.event(eventId), eventAggregate, (s) => decideEvent(command, s), recordedBy(d, actorOf(principal)));
    return { event: state!, replayed: false };
  } catch (error) {
    // A retry racing its own first attempt: the first one created the event, so answer with that.
    const firstResult = replay ? await stateAfterFirstCommit(d, eventId) : undefined;
    if (firstResult) return { event: firstResult, replayed: true };
    throw error;
  }
}

async function stateAfterFirstCommit(d: Deps, eventId: string): Promise<CalendarEvent | undefined> {
  const history = await d.journal.read(streams.event(eventId));
  const firstCommit = history[0]?.commitId;
  return fold(
    eventAggregate,
    history.filter((change) => change.commitId === firstCommit),
  );
}

export async function changeEvent(d: Deps, eventId: string, command: EventCommand, principal: Principal, expectedVersion?: number): Promise<CalendarEvent> {
  const { state } = await handle(d.journal, streams.event(eventId), eventAggregate, (s) => decideEvent(command, s), recordedBy(d, actorOf(principal), expectedVersion));
  return state!;
}

/** The event's changes, or a 404 when it does not exist or the caller may not see it. */
export async function visibleHistory(d: Deps, eventId: string, principal: Principal): Promise<Recorded[]> {
  const history = await d.journal.read(streams.event(eventId));
  const event = fold(eventAggregate, history);
  if (!event || (event.visibility === 'private' && !seesPrivate(principal))) throw new DomainError('not_found', `event ${eventId} not found`, [{ field: 'path.id', code: 'not_found', message: 'no such event' }]);
  return history;
}

/** The event as it stood at `asOf` (every change recorded at or before it), or now. */
export async function readEvent(d: Deps, eventId: string, principal: Principal, asOf?: number): Promise<CalendarEvent> {
  const history = await visibleHistory(d, eventId, principal);
  const event = fold(eventAggregate, asOf === undefined ? history : history.filter((change) => Date.parse(change.at) <= asOf));
  if (!event) throw new DomainError('not_found', `event ${eventId} did not exist yet at ${new Date(asOf!).toISOString()}`, [{ field: 'query.asOf', code: 'not_found', message: 'is before the event was created' }]);
  return event;
}

// webhooks: presentEvent lives in #auth/present, the lowest layer that needs it (webhook fan-out does too).
export { presentEvent } from '#auth/present';
import { withoutEmail } from '#auth/present';

/**
 * A change as the API shows it. Without a key, e-mail addresses follow the same rule as the event, and the
 * change does not say which key recorded it.
 */
export function presentChange(change: Recorded, principal: Principal): Record<string, unknown> {
  const { streamId, commitId: _commit, ...rest } = change;
  const shown = { eventId: streamId.slice('event#'.length), ...rest } as Record<string, unknown>;
  if (seesPrivate(principal)) return shown;
  const { actor: _actor, ...anonymous } = shown;
  if (change.type === 'participant.invited') {
    const { email: _email, ...participant } = change.data.participant;
    return { ...anonymous, data: { participant } };
  }
  if ((change.type === 'event.created' || change.type === 'event.updated') && change.data.organizer) {
    return { ...anonymous, data: { ...change.data, organizer: withoutEmail(change.data.organizer) } };
  }
  return anonymous;
}
