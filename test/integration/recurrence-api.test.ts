/** recur (#14): series over the HTTP API: create, refuse what we do not support, change one occurrence, split, history and as-of. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startReceiver } from '../helpers/receiver.ts';
import { startTestRuntime } from '../helpers/runtime.ts';

let t: Awaited<ReturnType<typeof startTestRuntime>>;

const calendar = { name: { en: 'Series' }, defaultLanguage: 'en', timeZone: 'America/New_York' };
const weekly = (extra: Record<string, unknown> = {}, rule: unknown = 'FREQ=WEEKLY;BYDAY=MO;COUNT=10') => ({
  calendar: 'series',
  title: { en: 'Coordination call' },
  schedule: { type: 'timed', start: '2026-03-02T09:00', end: '2026-03-02T10:00', timeZone: 'America/New_York', recurrence: { rule } },
  ...extra,
});

beforeAll(async () => {
  process.env.ALLOW_PRIVATE_WEBHOOK_TARGETS = '1';
  t = await startTestRuntime({ scheduleIntervalMs: 50 });
  expect((await t.call('PUT', '/calendars/series', { body: calendar })).status).toBe(201);
});
afterAll(async () => {
  delete process.env.ALLOW_PRIVATE_WEBHOOK_TARGETS;
  await t.close();
});

describe('a series is an event whose schedule recurs', () => {
  it('stores the rule once, normalized, from an RRULE string or an object, and shows it as clients write it', async () => {
    const fromText = await t.call('POST', '/events', { body: weekly() });
    const fromObject = await t.call('POST', '/events', { body: weekly({}, { freq: 'WEEKLY', byDay: ['MO'], count: 10 }) });
    expect(fromText.status).toBe(201);
    expect(fromObject.status).toBe(201);
    expect(fromText.body.schedule.recurrence).toEqual({ rule: { freq: 'WEEKLY', interval: 1, byDay: [{ weekday: 'MO' }], count: 10 } });
    expect(fromObject.body.schedule.recurrence).toEqual(fromText.body.schedule.recurrence);
    // A single event is unchanged by all this.
    const single = await t.call('POST', '/events', { body: { ...weekly(), schedule: { type: 'timed', start: '2026-03-02T09:00', end: '2026-03-02T10:00', timeZone: 'America/New_York' } } });
    expect(single.body.schedule).toEqual({ type: 'timed', start: '2026-03-02T09:00', end: '2026-03-02T10:00', timeZone: 'America/New_York' });
  });

  it('refuses each unsupported part with a field error naming it, and records nothing', async () => {
    // An RRULE string is one field: the error names the part in its message.
    const cases: [unknown, string, string][] = [
      ['FREQ=HOURLY', 'HOURLY', 'unsupported'],
      ['FREQ=WEEKLY;BYHOUR=9', 'BYHOUR', 'unsupported'],
      ['FREQ=WEEKLY;X-PRIORITY=1', 'X-PRIORITY', 'unsupported'],
      ['FREQ=MONTHLY;COUNT=2;UNTIL=20261231T000000Z', 'COUNT and UNTIL', 'invalid_value'],
      [{ freq: 'WEEKLY', byHour: [9] }, 'byHour', 'unknown_field'],
    ];
    for (const [rule, part, code] of cases) {
      const refused = await t.call('POST', '/events', { body: weekly({}, rule) });
      expect(refused.status, String(rule)).toBe(400);
      expect(refused.headers.get('content-type')).toBe('application/problem+json');
      const [error] = refused.body.errors;
      expect(error.field, String(rule)).toMatch(/^schedule\.recurrence\.rule/);
      expect(`${error.field} ${error.message}`, String(rule)).toContain(part);
      expect(error.code, String(rule)).toBe(code);
    }
    const exdate = await t.call('POST', '/events', { body: { ...weekly(), schedule: { ...weekly().schedule, recurrence: { rule: 'FREQ=WEEKLY', exdates: ['2026-03-08T02:30'] } } } });
    expect(exdate.status).toBe(400);
    expect(exdate.body.errors).toEqual([expect.objectContaining({ field: 'schedule.recurrence.exdates.0', code: 'invalid_format' })]);
    const list = await t.call('GET', '/events?calendar=series&from=2026-01-01&to=2027-01-01');
    expect(list.body.items.every((e: { title: { en: string } }) => e.title.en === 'Coordination call')).toBe(true);
  });
});

describe('one occurrence changed on its own', () => {
  it('moves, retitles, cancels and restores one occurrence by recurrence id, each a recorded change with history and as-of', async () => {
    const series = (await t.call('POST', '/events', { body: weekly() })).body;
    const path = (rid: string, action = '') => `/events/${series.id}/occurrences/${rid}${action}`;
    const moved = await t.call('PATCH', path('2026-03-09T09:00'), { body: { schedule: { start: '2026-03-10T14:00:00', end: '2026-03-10T15:00:00' }, title: { en: 'Moved call' } } });
    expect(moved.status).toBe(200);
    expect(moved.body.overrides).toEqual([
      {
        recurrenceId: '2026-03-09T09:00:00',
        schedule: { type: 'timed', start: '2026-03-10T14:00:00', end: '2026-03-10T15:00:00', timeZone: 'America/New_York' },
        fields: { title: { en: 'Moved call' } },
        sequence: 1,
      },
    ]);
    const movedAt = moved.body.updatedAt;
    expect((await t.call('POST', path('2026-03-16T09:00:00', '/cancel'), { body: { reason: 'holiday' } })).body.overrides[1]).toEqual({
      recurrenceId: '2026-03-16T09:00:00',
      cancelled: true,
      reason: 'holiday',
      sequence: 1,
    });
    // Cancelling twice records nothing more.
    const again = await t.call('POST', path('2026-03-16T09:00:00', '/cancel'));
    expect(again.body.version).toBe(4);
    const restored = await t.call('POST', path('2026-03-09T09:00:00', '/restore'));
    expect(restored.body.overrides.map((o: { recurrenceId: string }) => o.recurrenceId)).toEqual(['2026-03-16T09:00:00']);
    // The other occurrences and the series itself are untouched.
    expect(restored.body.title).toEqual({ en: 'Coordination call' });
    expect(restored.body.sequence).toBe(0);

    const history = (await t.call('GET', `/events/${series.id}/history`)).body.items.map((c: { type: string; data: { recurrenceId?: string } }) => [c.type, c.data.recurrenceId]);
    expect(history).toEqual([
      ['event.created', undefined],
      ['occurrence.rescheduled', '2026-03-09T09:00:00'],
      ['occurrence.updated', '2026-03-09T09:00:00'],
      ['occurrence.cancelled', '2026-03-16T09:00:00'],
      ['occurrence.restored', '2026-03-09T09:00:00'],
    ]);
    const asOf = await t.call('GET', `/events/${series.id}?asOf=${encodeURIComponent(movedAt)}`);
    expect(asOf.body.overrides.map((o: { recurrenceId: string }) => o.recurrenceId)).toContain('2026-03-09T09:00:00');
  });

  it('refuses a recurrence id the series does not have, an occurrence that recurs, and occurrences of a single event', async () => {
    const series = (await t.call('POST', '/events', { body: weekly() })).body;
    const notMonday = await t.call('PATCH', `/events/${series.id}/occurrences/2026-03-10T09:00`, { body: { title: { en: 'x' } } });
    expect(notMonday).toMatchObject({ status: 404, body: { errors: [{ field: 'path.recurrenceId', code: 'not_found' }] } });
    const pastCount = await t.call('POST', `/events/${series.id}/occurrences/2026-05-11T09:00/cancel`);
    expect(pastCount.status).toBe(404);
    const recurs = await t.call('PATCH', `/events/${series.id}/occurrences/2026-03-09T09:00`, { body: { schedule: { recurrence: { rule: 'FREQ=DAILY' } } } });
    expect(recurs).toMatchObject({ status: 400, body: { errors: [{ field: 'schedule.recurrence', code: 'unsupported' }] } });
    const single = (await t.call('POST', '/events', { body: { ...weekly(), schedule: { type: 'timed', start: '2026-03-02T09:00', end: '2026-03-02T10:00', timeZone: 'America/New_York' } } })).body;
    expect((await t.call('POST', `/events/${single.id}/occurrences/2026-03-02T09:00/cancel`)).status).toBe(422);
    expect((await t.call('GET', `/events/${series.id}/history`)).body.items).toHaveLength(1);
  });

  it('"all": a change to the series drops the overrides of occurrences it no longer has', async () => {
    const series = (await t.call('POST', '/events', { body: weekly() })).body;
    await t.call('POST', `/events/${series.id}/occurrences/2026-03-09T09:00/cancel`);
    const moved = await t.call('PATCH', `/events/${series.id}`, { body: { schedule: { start: '2026-03-02T10:00', end: '2026-03-02T11:00' } } });
    expect(moved.status).toBe(200);
    expect(moved.body.overrides).toEqual([]);
    expect(moved.body.sequence).toBe(1);
    const retitled = await t.call('PATCH', `/events/${series.id}`, { body: { title: { en: 'Weekly call' } } });
    expect(retitled.body.schedule.start).toBe('2026-03-02T10:00');
  });
});

describe('this and following', () => {
  it('ends the series before the occurrence and starts a new one from it, with the rest of COUNT and the later overrides; a retry repeats nothing', async () => {
    const series = (await t.call('POST', '/events', { body: weekly() })).body;
    await t.call('POST', `/events/${series.id}/occurrences/2026-03-30T09:00/cancel`);
    await t.call('PATCH', `/events/${series.id}/occurrences/2026-03-09T09:00`, { body: { title: { en: 'Early' } } });
    const split = await t.call('POST', `/events/${series.id}/occurrences/2026-03-23T09:00/split`, { body: { title: { en: 'New call' } }, headers: { 'idempotency-key': 'split-1' } });
    expect(split.status).toBe(201);
    expect(split.headers.get('location')).toBe(`/events/${split.body.id}`);
    expect(split.body).toMatchObject({
      title: { en: 'New call' },
      splitFrom: { series: series.id, recurrenceId: '2026-03-23T09:00:00' },
      schedule: { start: '2026-03-23T09:00:00', end: '2026-03-23T10:00:00', recurrence: { rule: { freq: 'WEEKLY', byDay: [{ weekday: 'MO' }], count: 7 } } },
      overrides: [{ recurrenceId: '2026-03-30T09:00:00', cancelled: true }],
    });
    const ended = (await t.call('GET', `/events/${series.id}`)).body;
    expect(ended.schedule.recurrence.rule).toEqual({ freq: 'WEEKLY', interval: 1, byDay: [{ weekday: 'MO' }], until: '2026-03-23T12:59:59Z' });
    expect(ended.overrides.map((o: { recurrenceId: string }) => o.recurrenceId)).toEqual(['2026-03-09T09:00:00']);
    expect(ended.splitTo).toEqual({ series: split.body.id, recurrenceId: '2026-03-23T09:00:00' });
    expect(ended.title).toEqual({ en: 'Coordination call' });

    const replayed = await t.call('POST', `/events/${series.id}/occurrences/2026-03-23T09:00/split`, { body: { title: { en: 'New call' } }, headers: { 'idempotency-key': 'split-1' } });
    expect(replayed.status).toBe(201);
    expect(replayed.body.id).toBe(split.body.id);
    // The same split without the key finishes nothing new: S already names S′.
    const repeated = await t.call('POST', `/events/${series.id}/occurrences/2026-03-23T09:00/split`, { body: { title: { en: 'New call' } } });
    expect(repeated.body.id).toBe(split.body.id);
    expect((await t.call('GET', `/events/${series.id}/history`)).body.items.map((c: { type: string }) => c.type).filter((type: string) => type === 'event.series.ended')).toHaveLength(1);
    expect((await t.call('GET', `/events/${split.body.id}/history`)).body.items.map((c: { type: string }) => c.type)).toEqual(['event.created', 'occurrence.cancelled']);
  });

  it('"this and following" from the first occurrence changes the whole series', async () => {
    const series = (await t.call('POST', '/events', { body: weekly() })).body;
    const whole = await t.call('POST', `/events/${series.id}/occurrences/2026-03-02T09:00/split`, { body: { title: { en: 'Renamed' } } });
    expect(whole.status).toBe(200);
    expect(whole.body).toMatchObject({ id: series.id, title: { en: 'Renamed' } });
  });

  it('refuses a split whose following series would be invalid, and records nothing', async () => {
    const series = (await t.call('POST', '/events', { body: weekly() })).body;
    const refused = await t.call('POST', `/events/${series.id}/occurrences/2026-03-23T09:00/split`, { body: { schedule: { recurrence: { rule: 'FREQ=SECONDLY' } } } });
    expect(refused.status).toBe(400);
    expect(refused.body.errors).toEqual(expect.arrayContaining([expect.objectContaining({ field: 'schedule.recurrence.rule', code: 'unsupported', message: expect.stringContaining('SECONDLY') })]));
    expect((await t.call('GET', `/events/${series.id}/history`)).body.items).toHaveLength(1);
  });
});

describe('webhooks', () => {
  it('say whether the series changed or one occurrence of it, with its recurrence id', async () => {
    const receiver = await startReceiver();
    try {
      await t.call('PUT', '/calendars/hooked', { body: calendar });
      const hook = await t.call('POST', '/webhooks', { body: { url: receiver.url, types: ['event.created', 'occurrence.cancelled', 'occurrence.rescheduled', 'event.series.ended'], calendars: ['hooked'] } });
      expect(hook.status).toBe(201);
      const series = (await t.call('POST', '/events', { body: weekly({ calendar: 'hooked' }) })).body;
      await t.call('POST', `/events/${series.id}/occurrences/2026-03-09T09:00/cancel`);
      await t.call('POST', `/events/${series.id}/occurrences/2026-03-16T09:00/split`, { body: { title: { en: 'Later' } } });
      await receiver.waitFor(4);
      const messages = receiver.received.map((r) => JSON.parse(r.body)).sort((a, b) => a.timestamp.localeCompare(b.timestamp) || a.data.change.version - b.data.change.version);
      const byType = (type: string) => messages.filter((m) => m.type === type);
      expect(byType('event.created')).toHaveLength(2);
      expect(byType('event.created').every((m) => m.data.subject === 'series')).toBe(true);
      expect(byType('occurrence.cancelled')).toEqual([
        expect.objectContaining({ data: expect.objectContaining({ subject: 'occurrence', occurrence: { seriesId: series.id, recurrenceId: '2026-03-09T09:00:00', status: 'cancelled' } }) }),
      ]);
      expect(byType('event.series.ended')).toEqual([
        expect.objectContaining({ data: expect.objectContaining({ subject: 'series', event: expect.objectContaining({ splitTo: { series: expect.any(String), recurrenceId: '2026-03-16T09:00:00' } }) }) }),
      ]);
    } finally {
      await receiver.close();
    }
  }, 120_000);
});
