import { describe, expect, it } from 'vitest';
import { eventAggregate, fold } from '#domain/aggregates';
import type { EventChange } from '#domain/changes';
import { decideEvent, type EventCommand } from '#domain/event';
import { createEventSchema } from '#domain/schemas';
import { given, recordAll } from '../../helpers/given.ts';

const stream = 'event#E1';
const input = createEventSchema().parse({
  calendar: 'ato',
  title: { ar: 'المنتدى العربي–الصيني للمدن', en: 'Arab–Chinese Cities Forum' },
  schedule: { type: 'timed', start: '2026-07-14T09:00', end: '2026-07-14T17:00', timeZone: 'Asia/Muscat' },
});
const created: EventChange = {
  type: 'event.created',
  data: { ...input, kind: 'other', visibility: 'public', status: 'confirmed', tags: [] },
};
const invited: EventChange = { type: 'participant.invited', data: { participant: { id: 'P1', name: 'Lin Songtian', email: 'lin@example.org', role: 'required', status: 'invited' } } };
const cancelled: EventChange = { type: 'event.cancelled', data: { reason: 'postponed' } };

const event = (history: EventChange[]) => given(eventAggregate, decideEvent, stream, history);
const patch = (body: Record<string, unknown>): EventCommand => ({ type: 'patch', patch: body });

describe('creating an event', () => {
  it('records event.created with defaults, and one participant.invited per participant', () => {
    const command: EventCommand = { type: 'create', input: { ...input, participants: [{ name: 'A', role: 'chair', status: 'invited' }] }, calendarExists: true, participantIds: ['P9'] };
    event([])
      .when(command)
      .then([created, { type: 'participant.invited', data: { participant: { id: 'P9', name: 'A', role: 'chair', status: 'invited' } } }]);
  });

  it('makes a month-only event tentative unless told otherwise', () => {
    const month = { ...input, schedule: { type: 'month' as const, month: '2026-07', timeZone: 'Asia/Muscat' } };
    const [change] = event([]).when({ type: 'create', input: month, calendarExists: true, participantIds: [] }).changes();
    expect(change?.type === 'event.created' && change.data.status).toBe('tentative');
  });

  it('refuses an unknown calendar, naming the field', () => {
    event([]).when({ type: 'create', input, calendarExists: false, participantIds: [] }).thenFails('unprocessable', 'calendar');
  });

  it('refuses to create the same event twice', () => {
    event([created]).when({ type: 'create', input, calendarExists: true, participantIds: [] }).thenFails('conflict');
  });
});

describe('patching an event', () => {
  it('records event.rescheduled with the previous schedule when the time moves', () => {
    event([created])
      .when(patch({ schedule: { start: '2026-07-15T09:00', end: '2026-07-15T17:00' } }))
      .then([
        {
          type: 'event.rescheduled',
          data: { schedule: { type: 'timed', start: '2026-07-15T09:00', end: '2026-07-15T17:00', timeZone: 'Asia/Muscat' }, previous: input.schedule },
        },
      ]);
  });

  it('replaces a schedule of another type instead of merging into it', () => {
    const [change] = event([created])
      .when(patch({ schedule: { type: 'month', month: '2026-07', timeZone: 'Asia/Muscat' } }))
      .changes();
    expect(change).toMatchObject({ type: 'event.rescheduled', data: { schedule: { type: 'month', month: '2026-07', timeZone: 'Asia/Muscat' } } });
  });

  it('records event.updated with only what changed; null removes a language', () => {
    event([created])
      .when(patch({ title: { en: null, zh: '中阿城市论坛' }, tags: ['forum'] }))
      .then([{ type: 'event.updated', data: { title: { ar: 'المنتدى العربي–الصيني للمدن', zh: '中阿城市论坛' }, tags: ['forum'] } }]);
  });

  it('records several change types from one patch', () => {
    const tentative = recordAll(stream, [created, { type: 'event.updated', data: { status: 'tentative' } }]);
    const types = given(
      eventAggregate,
      decideEvent,
      stream,
      tentative.map(({ type, data }) => ({ type, data }) as EventChange),
    )
      .when(patch({ status: 'confirmed', schedule: { end: '2026-07-14T18:00' }, url: 'https://ato.example/forum' }))
      .changes()
      .map((c) => c.type);
    expect(types).toEqual(['event.rescheduled', 'event.updated', 'event.confirmed']);
  });

  it('records nothing when the patch changes nothing', () => {
    event([created])
      .when(patch({ title: { en: 'Arab–Chinese Cities Forum' } }))
      .then([]);
  });

  it('refuses a patch that leaves the event invalid, naming the field', () => {
    event([created])
      .when(patch({ title: { ar: null, en: null } }))
      .thenFails('invalid', 'title');
    event([created])
      .when(patch({ schedule: { end: '2026-07-14T08:00' } }))
      .thenFails('invalid', 'schedule.end');
  });

  it('refuses any change to a cancelled event', () => {
    event([created, cancelled])
      .when(patch({ url: 'https://ato.example' }))
      .thenFails('conflict');
    event([created, cancelled]).when({ type: 'cancel' }).thenFails('conflict');
  });

  it('answers 404 for an event that was never created', () => {
    event([])
      .when(patch({ url: 'https://ato.example' }))
      .thenFails('not_found');
  });
});

describe('participants', () => {
  it('invites, refusing a second invitation to the same address', () => {
    event([created])
      .when({ type: 'invite', participantId: 'P2', participant: { name: 'Lin', email: 'LIN@example.org', role: 'required', status: 'invited' } })
      .then([{ type: 'participant.invited', data: { participant: { id: 'P2', name: 'Lin', email: 'LIN@example.org', role: 'required', status: 'invited' } } }]);
    event([created, invited])
      .when({ type: 'invite', participantId: 'P2', participant: { name: 'Lin', email: 'LIN@example.org', role: 'required', status: 'invited' } })
      .thenFails('conflict', 'email');
  });

  it('records a response only when it changes the status', () => {
    event([created, invited])
      .when({ type: 'respond', participantId: 'P1', status: 'accepted' })
      .then([{ type: 'participant.responded', data: { participantId: 'P1', status: 'accepted' } }]);
    event([created, invited]).when({ type: 'respond', participantId: 'P1', status: 'invited' }).then([]);
    event([created, invited]).when({ type: 'respond', participantId: 'nobody', status: 'accepted' }).thenFails('not_found');
  });

  it('removes a participant from the state', () => {
    const state = fold(eventAggregate, recordAll(stream, [created, invited, { type: 'participant.removed', data: { participantId: 'P1' } }]));
    expect(state?.participants).toEqual([]);
    expect(state?.version).toBe(3);
  });
});

describe('evolve', () => {
  it('derives version, timestamps and status from the changes alone', () => {
    const changes = recordAll(stream, [created, cancelled]);
    changes[1]!.at = '2026-02-01T00:00:00.000Z';
    const state = fold(eventAggregate, changes);
    expect(state).toMatchObject({ id: 'E1', status: 'cancelled', cancelReason: 'postponed', version: 2, createdAt: '2026-01-01T00:00:00.000Z', updatedAt: '2026-02-01T00:00:00.000Z' });
  });

  it('raises sequence on reschedule, location, status and cancellation, never on a title change', () => {
    const rescheduled: EventChange = { type: 'event.rescheduled', data: { schedule: { type: 'allDay', startDate: '2026-07-14', endDate: '2026-07-14' }, previous: input.schedule } };
    const sequences = [
      [created],
      [created, { type: 'event.updated', data: { title: { en: 'New' } } }],
      [created, rescheduled],
      [created, rescheduled, { type: 'event.updated', data: { location: { city: 'Salalah' } } }],
      [created, rescheduled, { type: 'event.updated', data: { status: 'tentative' } }, { type: 'event.confirmed', data: {} }, cancelled],
    ].map((history) => fold(eventAggregate, recordAll(stream, history as EventChange[]))?.sequence);
    expect(sequences).toEqual([0, 0, 1, 2, 4]);
  });
});
