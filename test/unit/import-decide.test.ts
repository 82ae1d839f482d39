/** decideImport: one imported event as one command, given / when / then. */
import { describe, expect, it } from 'vitest';
import { eventAggregate } from '#domain/aggregates';
import type { EventChange } from '#domain/changes';
import { decideImport, type ImportCommand } from '../../shared/import/decide.ts';
import { importedEventId, ownEventId } from '../../shared/import/ids.ts';
import { given } from '../helpers/given.ts';

const input = {
  calendar: 'ato',
  title: { en: 'Board briefing' },
  schedule: { type: 'timed' as const, start: '2026-08-01T10:00:00', end: '2026-08-01T11:30:00', timeZone: 'Asia/Kuwait' },
  location: { name: { en: 'Hall, Muscat, Oman' } },
  participants: [{ name: 'Layla', email: 'layla@example.org', role: 'required' as const, status: 'accepted' as const }],
};
const command = (overrides: Partial<ImportCommand> = {}): ImportCommand => ({ uid: 'b-1@google.com', input, cancelled: false, occurrences: [], newId: () => 'p1', ...overrides });
const created: EventChange[] = [
  {
    type: 'event.created',
    data: { calendar: 'ato', title: { en: 'Board briefing' }, schedule: input.schedule, location: input.location, kind: 'other', visibility: 'public', status: 'confirmed', tags: [], uid: 'b-1@google.com' },
  },
  { type: 'participant.invited', data: { participant: { id: 'p1', ...input.participants[0]! } } },
];
const stream = 'event#X';

describe('decideImport', () => {
  it('creates a new event with its UID and attendees in one commit; a cancelled one is created cancelled', () => {
    given(eventAggregate, decideImport, stream, []).when(command()).then(created);
    given(eventAggregate, decideImport, stream, [])
      .when(command({ cancelled: true }))
      .then([...created, { type: 'event.cancelled', data: {} }]);
  });

  it('decides nothing for what the event already says, however the times are written', () => {
    const restated = { ...input, schedule: { ...input.schedule, start: '2026-08-01T10:00', end: '2026-08-01T11:30' } };
    given(eventAggregate, decideImport, stream, created)
      .when(command({ input: restated }))
      .then([]);
  });

  it("keeps our structured location when the file's LOCATION is the line our feed wrote for it", () => {
    const [first] = created as [Extract<EventChange, { type: 'event.created' }>];
    const ours: EventChange[] = [{ type: 'event.created', data: { ...first.data, location: { name: { en: 'Hall' }, city: 'Muscat', country: 'OM' } } }];
    given(eventAggregate, decideImport, stream, ours)
      .when(command({ input: { ...input, participants: [] } }))
      .then([]);
  });

  it('updates what changed, answers for a known attendee, invites a new one, and never removes what the file leaves out', () => {
    const later = {
      ...input,
      title: { en: 'Board briefing (moved)' },
      participants: [
        { ...input.participants[0]!, status: 'declined' as const },
        { name: 'Omar', role: 'optional' as const, status: 'invited' as const },
      ],
    };
    const { location: _dropped, ...withoutLocation } = later;
    given(eventAggregate, decideImport, stream, created)
      .when(command({ input: withoutLocation, newId: () => 'p2' }))
      .then([
        { type: 'event.updated', data: { title: { en: 'Board briefing (moved)' } } },
        { type: 'participant.responded', data: { participantId: 'p1', status: 'declined' } },
        { type: 'participant.invited', data: { participant: { id: 'p2', name: 'Omar', role: 'optional', status: 'invited' } } },
      ]);
  });

  it('records a series and its overrides in one command (moved and retitled, cancelled), and nothing when the file says it again', () => {
    const series = { ...input, participants: [], schedule: { ...input.schedule, recurrence: { rule: 'FREQ=WEEKLY;COUNT=4' } } };
    const moved = { type: 'timed' as const, start: '2026-08-08T12:00:00', end: '2026-08-08T13:30:00', timeZone: 'Asia/Kuwait' };
    const occurrences: ImportCommand['occurrences'] = [
      { recurrenceId: '2026-08-08T10:00:00', cancelled: false, patch: { schedule: moved, title: { en: 'Board briefing (moved)' } } },
      { recurrenceId: '2026-08-15T10:00:00', cancelled: true },
    ];
    const changes = decideImport(command({ input: series, occurrences }), undefined);
    expect(changes.map((c) => c.type)).toEqual(['event.created', 'occurrence.rescheduled', 'occurrence.updated', 'occurrence.cancelled']);
    expect(changes[1]).toMatchObject({ data: { recurrenceId: '2026-08-08T10:00:00', schedule: moved } });
    expect(changes[2]).toMatchObject({ data: { recurrenceId: '2026-08-08T10:00:00', fields: { title: { en: 'Board briefing (moved)' } } } });
    given(eventAggregate, decideImport, stream, changes)
      .when(command({ input: series, occurrences }))
      .then([]);
    // An override the series does not make is refused with the field, like the occurrence route.
    given(eventAggregate, decideImport, stream, [])
      .when(command({ input: series, occurrences: [{ recurrenceId: '2026-08-09T10:00:00', cancelled: true }] }))
      .thenFails('not_found', 'RECURRENCE-ID');
  });

  it('leaves a cancelled event cancelled, and refuses to restore it', () => {
    const cancelled = [...created, { type: 'event.cancelled', data: {} } as EventChange];
    given(eventAggregate, decideImport, stream, cancelled)
      .when(command({ cancelled: true }))
      .then([]);
    given(eventAggregate, decideImport, stream, cancelled).when(command()).thenFails('conflict', 'STATUS');
  });
});

describe('event ids from UIDs', () => {
  it('derives one id per (calendar, UID), shaped like every id, and reads our own feed UIDs', () => {
    const id = importedEventId('ato', 'b-1@google.com');
    expect(id).toMatch(/^[0-9A-HJKMNP-TV-Z]{26}$/);
    expect(importedEventId('ato', 'b-1@google.com')).toBe(id);
    expect(importedEventId('other', 'b-1@google.com')).not.toBe(id);
    expect(ownEventId('01M8GZ54C2YNVZ4SAFXA19FX16@taqweem')).toBe('01M8GZ54C2YNVZ4SAFXA19FX16');
    expect(ownEventId('b-1@google.com')).toBeUndefined();
  });
});
