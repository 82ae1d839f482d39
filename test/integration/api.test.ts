/** The HTTP API over real HTTP, through the local runtime and the very Lambda handlers CDK deploys. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { functions } from '../../infra/functions.ts';
import { eventually } from '../helpers/receiver.ts';
import { startTestRuntime } from '../helpers/runtime.ts';

let t: Awaited<ReturnType<typeof startTestRuntime>>;
let editorKey: string;
let partnerKey: string;

const calendar = { name: { ar: 'منظمة المدن العربية', en: 'Arab Towns Organization' }, defaultLanguage: 'ar', timeZone: 'Asia/Kuwait' };
const forum = {
  calendar: 'ato',
  kind: 'forum',
  title: { ar: 'المنتدى العربي–الصيني للمدن', en: 'Arab–Chinese Cities Forum', zh: '中阿城市论坛' },
  schedule: { type: 'month', month: '2026-07', timeZone: 'Asia/Muscat' },
  tags: ['forum'],
};
const meeting = (day: string, extra: Record<string, unknown> = {}) => ({
  calendar: 'ato',
  kind: 'meeting',
  title: { en: `Meeting on ${day}` },
  schedule: { type: 'timed', start: `${day}T09:00`, end: `${day}T11:00`, timeZone: 'Asia/Kuwait' },
  ...extra,
});

beforeAll(async () => {
  t = await startTestRuntime();
  expect((await t.call('PUT', '/calendars/ato', { body: calendar })).status).toBe(201);
  editorKey = (await t.call('POST', '/keys', { body: { name: 'editor', role: 'editor' } })).body.key;
  partnerKey = (await t.call('POST', '/keys', { body: { name: 'partner', role: 'partner' } })).body.key;
});
afterAll(() => t.close());

describe('service', () => {
  it('reports health and documents every route it serves', async () => {
    expect(await t.call('GET', '/health', { key: null })).toMatchObject({ status: 200, body: { status: 'ok' } });
    const { body: doc } = await t.call('GET', '/openapi.json', { key: null });
    const documented = Object.entries(doc.paths as Record<string, object>).flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`));
    const served = functions.flatMap((f) => f.routes ?? []);
    // /events/{id}.ics is served by the GET /events/{id} route and documented as a path of its own.
    expect(documented.sort()).toEqual([...served, 'GET /events/{id}.ics'].sort());
    expect(doc.paths['/events'].post.requestBody.content['application/json'].schema.required).toEqual(expect.arrayContaining(['calendar', 'title', 'schedule']));
  });

  it('answers unknown routes and methods with problem+json', async () => {
    const missing = await t.call('GET', '/nowhere');
    expect(missing.status).toBe(404);
    expect(missing.headers.get('content-type')).toBe('application/problem+json');
    const wrongMethod = await t.call('PUT', '/events');
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.headers.get('allow')).toContain('GET');
  });
});

describe('calendars', () => {
  it('creates, replaces idempotently, lists and reads', async () => {
    expect((await t.call('PUT', '/calendars/dhofar', { body: { ...calendar, timeZone: 'Asia/Muscat' } })).status).toBe(201);
    const same = await t.call('PUT', '/calendars/dhofar', { body: { ...calendar, timeZone: 'Asia/Muscat' } });
    expect(same).toMatchObject({ status: 200, body: { id: 'dhofar', version: 1 } });
    // Lists are views: they catch up with the journal shortly after (at once locally, by stream lag on AWS and in the lagged mode).
    const list = await eventually(async () => {
      const reply = await t.call('GET', '/calendars', { key: null });
      return reply.body.items.some((c: { id: string }) => c.id === 'dhofar') ? reply : undefined;
    });
    expect(list.body.items.map((c: { id: string }) => c.id)).toEqual(expect.arrayContaining(['ato', 'dhofar']));
    expect((await t.call('GET', '/calendars/dhofar', { key: null })).body.timeZone).toBe('Asia/Muscat');
  });

  it('refuses a bad calendar with the field named, and records nothing', async () => {
    const before = await t.journalSize();
    const reply = await t.call('PUT', '/calendars/Bad_Slug', { body: { ...calendar, timeZone: 'Muscat' } });
    expect(reply.status).toBe(400);
    const zone = await t.call('PUT', '/calendars/good', { body: { ...calendar, timeZone: 'Muscat' } });
    expect(zone.body.errors).toEqual([{ field: 'timeZone', code: 'invalid_time_zone', message: expect.stringContaining('IANA') }]);
    expect(await t.journalSize()).toBe(before);
  });
});

describe('creating events', () => {
  it('answers 201 with Location and ETag, and the event reads back the same', async () => {
    const created = await t.call('POST', '/events', { body: forum, key: editorKey });
    expect(created.status).toBe(201);
    expect(created.headers.get('location')).toBe(`/events/${created.body.id}`);
    expect(created.headers.get('etag')).toBe('"1"');
    expect(created.body).toMatchObject({ calendar: 'ato', status: 'tentative', visibility: 'public', version: 1, schedule: forum.schedule });
    expect(created.body.id).toMatch(/^[0-9A-HJKMNP-TV-Z]{26}$/);
    const read = await t.call('GET', `/events/${created.body.id}`, { key: null });
    expect(read.body).toEqual(created.body);
    expect(read.headers.get('etag')).toBe('"1"');
  });

  it.each([
    ['an unknown field', { ...forum, titel: { en: 'typo' } }, 400, 'titel', 'unknown_field'],
    ['a missing title', { ...forum, title: {} }, 400, 'title', 'too_few'],
    ['a title over 500 characters', { ...forum, title: { en: 'x'.repeat(501) } }, 400, 'title.en', 'too_long'],
    ['a description over 10,000 characters', { ...forum, description: { en: 'x'.repeat(10_001) } }, 400, 'description.en', 'too_long'],
    ['a language tag that is not one', { ...forum, title: { 'not a tag': 'x' } }, 400, 'title.not a tag', 'invalid_language'],
    ['a time zone that is not IANA', { ...forum, schedule: { type: 'month', month: '2026-07', timeZone: 'GMT+4' } }, 400, 'schedule.timeZone', 'invalid_time_zone'],
    ['a date that does not exist', meeting('2026-02-30'), 400, 'schedule.start', 'invalid_format'],
    ['an end before the start', meeting('2026-07-01', { schedule: { type: 'timed', start: '2026-07-01T10:00', end: '2026-07-01T09:00', timeZone: 'Asia/Kuwait' } }), 400, 'schedule.end', 'end_before_start'],
    ['an unknown country', { ...forum, location: { country: 'XX' } }, 400, 'location.country', 'invalid_country'],
    ['a calendar that does not exist', { ...forum, calendar: 'nope' }, 422, 'calendar', 'not_found'],
  ])('refuses %s with the field and a stable code named, and records nothing', async (_name, body, status, field, code) => {
    const before = await t.journalSize();
    const reply = await t.call('POST', '/events', { body, key: editorKey });
    expect(reply.status).toBe(status);
    expect(reply.headers.get('content-type')).toBe('application/problem+json');
    expect(reply.body.errors).toContainEqual({ field, code, message: expect.any(String) });
    expect(await t.journalSize()).toBe(before);
  });

  it('refuses malformed JSON, other media types and bodies over 64 KB, recording nothing', async () => {
    const before = await t.journalSize();
    expect(await t.call('POST', '/events', { rawBody: '{"calendar":', key: editorKey })).toMatchObject({ status: 400, body: { errors: [{ field: 'body' }] } });
    expect((await t.call('POST', '/events', { rawBody: 'x', key: editorKey, headers: { 'content-type': 'text/plain' } })).status).toBe(415);
    const huge = { ...forum, description: Object.fromEntries(Array.from({ length: 8 }, (_, i) => [`x-${'a'.repeat(i + 1)}`, 'y'.repeat(9000)])) };
    expect((await t.call('POST', '/events', { body: huge, key: editorKey })).status).toBe(413);
    expect(await t.journalSize()).toBe(before);
  });

  it('needs an admin or editor key to write', async () => {
    expect((await t.call('POST', '/events', { body: forum, key: null })).status).toBe(401);
    expect((await t.call('POST', '/events', { body: forum, key: partnerKey })).status).toBe(403);
    expect((await t.call('POST', '/events', { body: forum, key: 'tqk_01ARZ3NDEKTSV4RRFFQ69G5FAV_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx' })).status).toBe(401);
  });

  it('honours Idempotency-Key: the retry gets the first result, another body gets 422', async () => {
    const headers = { 'idempotency-key': 'create-meeting-1' };
    const first = await t.call('POST', '/events', { body: meeting('2026-08-01'), key: editorKey, headers });
    const retry = await t.call('POST', '/events', { body: meeting('2026-08-01'), key: editorKey, headers });
    expect(retry.status).toBe(201);
    expect(retry.body).toEqual(first.body);
    expect(retry.headers.get('idempotent-replayed')).toBe('true');
    const other = await t.call('POST', '/events', { body: meeting('2026-08-02'), key: editorKey, headers });
    expect(other.status).toBe(422);
    expect(other.body.errors[0].field).toBe('header.idempotency-key');
  });
});

describe('listing events', () => {
  let ids: string[];
  beforeAll(async () => {
    await t.call('PUT', '/calendars/listing', { body: calendar });
    ids = [];
    for (const day of ['2026-09-01', '2026-09-02', '2026-09-03', '2026-09-04']) {
      ids.push((await t.call('POST', '/events', { body: { ...meeting(day), calendar: 'listing', tags: day === '2026-09-02' ? ['board'] : [] } })).body.id);
    }
    await t.call('POST', '/events', { body: { ...meeting('2026-09-05'), calendar: 'listing', visibility: 'private' } });
    // Views follow the journal asynchronously (as on AWS in the lagged project): wait until all five are listed.
    await eventually(async () => ((await t.call('GET', '/events?calendar=listing', { key: partnerKey })).body.items.length === 5 ? true : undefined));
  });

  it('returns the events overlapping [from, to), by start', async () => {
    const reply = await t.call('GET', '/events?calendar=listing&from=2026-09-02T06:30:00Z&to=2026-09-04T06:00:00Z', { key: null });
    // 2026-09-02 runs 06:00–08:00Z, so it overlaps; the 09-04 meeting starts exactly at `to`, so it does not.
    expect(reply.body.items.map((e: { id: string }) => e.id)).toEqual([ids[1], ids[2]]);
  });

  it('pages with an opaque cursor until nextCursor is null', async () => {
    const seen: string[] = [];
    let cursor: string | null = '';
    let pages = 0;
    while (cursor !== null) {
      const reply = await t.call('GET', `/events?calendar=listing&limit=3${cursor ? `&cursor=${cursor}` : ''}`, { key: null });
      seen.push(...reply.body.items.map((e: { id: string }) => e.id));
      cursor = reply.body.nextCursor;
      pages++;
    }
    expect(seen).toEqual(ids);
    expect(pages).toBe(2);
    expect((await t.call('GET', '/events?cursor=garbage', { key: null })).body.errors[0].field).toBe('query.cursor');
  });

  it('filters by tag and status, and shows private events only with a key', async () => {
    expect((await t.call('GET', '/events?calendar=listing&tag=board', { key: null })).body.items.map((e: { id: string }) => e.id)).toEqual([ids[1]]);
    expect((await t.call('GET', '/events?calendar=listing&status=cancelled', { key: null })).body.items).toEqual([]);
    expect((await t.call('GET', '/events?calendar=listing', { key: partnerKey })).body.items).toHaveLength(5);
  });

  it('refuses bad query parameters by name', async () => {
    expect((await t.call('GET', '/events?from=yesterday')).body.errors[0].field).toBe('query.from');
    expect((await t.call('GET', '/events?limit=0')).body.errors[0].field).toBe('query.limit');
    expect((await t.call('GET', '/events?colour=red')).body.errors[0].field).toBe('query.colour');
    expect((await t.call('GET', '/events?from=2026-09-02&to=2026-09-01')).body.errors[0].field).toBe('query.to');
  });
});

describe('changing events', () => {
  it('merge-patches with If-Match, records the right change types, and answers 412 when stale', async () => {
    const { body: event } = await t.call('POST', '/events', { body: forum, key: editorKey });
    const patched = await t.call('PATCH', `/events/${event.id}`, {
      key: editorKey,
      headers: { 'if-match': '"1"' },
      body: { schedule: { type: 'allDay', startDate: '2026-07-14', endDate: '2026-07-16' }, status: 'confirmed', title: { zh: null } },
    });
    expect(patched.status).toBe(200);
    expect(patched.headers.get('etag')).toBe('"4"');
    expect(patched.body.title).toEqual({ ar: forum.title.ar, en: forum.title.en });
    const stale = await t.call('PATCH', `/events/${event.id}`, { key: editorKey, headers: { 'if-match': '"1"' }, body: { url: 'https://ato.example' } });
    expect(stale).toMatchObject({ status: 412, body: { expectedVersion: 1, actualVersion: 4 } });
    const history = await t.call('GET', `/events/${event.id}/history`, { key: partnerKey });
    expect(history.body.items.map((c: { type: string }) => c.type)).toEqual(['event.created', 'event.rescheduled', 'event.updated', 'event.confirmed']);
    expect(history.body.items[1]).toMatchObject({ eventId: event.id, version: 2, actor: expect.stringMatching(/^key:/), schemaVersion: 1, at: expect.stringMatching(/Z$/) });
    // Without a key, the history does not say which key made each change.
    const anonymous = await t.call('GET', `/events/${event.id}/history`, { key: null });
    expect(anonymous.body.items.map((c: { type: string }) => c.type)).toEqual(['event.created', 'event.rescheduled', 'event.updated', 'event.confirmed']);
    for (const change of anonymous.body.items) expect(change).not.toHaveProperty('actor');
  });

  it('shows an event as it stood at an instant', async () => {
    const { body: event } = await t.call('POST', '/events', { body: meeting('2026-10-01'), key: editorKey });
    await new Promise((resolve) => setTimeout(resolve, 20));
    const between = new Date().toISOString();
    await new Promise((resolve) => setTimeout(resolve, 20));
    await t.call('PATCH', `/events/${event.id}`, { key: editorKey, body: { title: { en: 'Renamed' } } });
    expect((await t.call('GET', `/events/${event.id}?asOf=${between}`)).body).toMatchObject({ version: 1, title: { en: 'Meeting on 2026-10-01' } });
    expect((await t.call('GET', `/events/${event.id}`)).body).toMatchObject({ version: 2, title: { en: 'Renamed' } });
    expect((await t.call('GET', `/events/${event.id}?asOf=2020-01-01T00:00:00Z`)).status).toBe(404);
    expect((await t.call('GET', `/events/${event.id}?asOf=soon`)).body.errors[0].field).toBe('query.asOf');
  });

  it('cancels, then refuses further edits with 409', async () => {
    const { body: event } = await t.call('POST', '/events', { body: meeting('2026-10-02'), key: editorKey });
    const cancelled = await t.call('POST', `/events/${event.id}/cancel`, { key: editorKey, body: { reason: 'postponed' } });
    expect(cancelled.body).toMatchObject({ status: 'cancelled', cancelReason: 'postponed', version: 2 });
    expect((await t.call('PATCH', `/events/${event.id}`, { key: editorKey, body: { url: 'https://ato.example' } })).status).toBe(409);
    expect((await t.call('POST', `/events/${event.id}/cancel`, { key: editorKey, body: {} })).status).toBe(409);
  });

  it('invites, records responses and removes participants; e-mails only for key holders', async () => {
    const { body: event } = await t.call('POST', '/events', { body: meeting('2026-10-03'), key: editorKey });
    const invited = await t.call('POST', `/events/${event.id}/participants`, { key: editorKey, body: { name: 'Lin Songtian', organization: 'CPAFFC', email: 'lin@example.org' } });
    expect(invited.status).toBe(201);
    const participant = invited.body.participants[0];
    expect(participant).toMatchObject({ role: 'required', status: 'invited', email: 'lin@example.org' });
    expect(invited.headers.get('location')).toBe(`/events/${event.id}/participants/${participant.id}`);
    const anonymous = await t.call('GET', `/events/${event.id}`, { key: null });
    expect(anonymous.body.participants[0]).toEqual({ id: participant.id, name: 'Lin Songtian', organization: 'CPAFFC', role: 'required', status: 'invited' });
    expect(JSON.stringify((await t.call('GET', `/events/${event.id}/history`, { key: null })).body)).not.toContain('lin@example.org');
    expect((await t.call('GET', `/events/${event.id}`, { key: partnerKey })).body.participants[0].email).toBe('lin@example.org');
    const responded = await t.call('PATCH', `/events/${event.id}/participants/${participant.id}`, { key: editorKey, body: { status: 'accepted' } });
    expect(responded.body.participants[0].status).toBe('accepted');
    expect((await t.call('PATCH', `/events/${event.id}/participants/${participant.id}`, { key: editorKey, body: { status: 'maybe' } })).body.errors[0].field).toBe('status');
    const removed = await t.call('DELETE', `/events/${event.id}/participants/${participant.id}`, { key: editorKey });
    expect(removed.body.participants).toEqual([]);
    expect((await t.call('DELETE', `/events/${event.id}/participants/${participant.id}`, { key: editorKey })).status).toBe(404);
  });

  it('hides private events from callers without a key', async () => {
    const { body: event } = await t.call('POST', '/events', { body: meeting('2026-10-04', { visibility: 'private' }), key: editorKey });
    expect((await t.call('GET', `/events/${event.id}`, { key: null })).status).toBe(404);
    expect((await t.call('GET', `/events/${event.id}/history`, { key: null })).status).toBe(404);
    expect((await t.call('GET', `/events/${event.id}`, { key: partnerKey })).status).toBe(200);
  });
});

describe('API keys', () => {
  it('shows a key once, never lists secrets, and revokes at once', async () => {
    const created = await t.call('POST', '/keys', { body: { name: 'short-lived', role: 'editor' } });
    expect(created.status).toBe(201);
    expect(Object.keys(created.body).sort()).toEqual(['id', 'key', 'name', 'role']);
    expect((await t.call('POST', '/events', { body: meeting('2026-11-01'), key: created.body.key })).status).toBe(201);
    const listed = await eventually(async () => {
      const reply = await t.call('GET', '/keys');
      return reply.body.items.some((k: { id: string }) => k.id === created.body.id) ? reply : undefined;
    });
    expect(listed.body.items.find((k: { id: string }) => k.id === created.body.id)).toMatchObject({ name: 'short-lived', role: 'editor', revoked: false });
    expect(listed.text).not.toContain(created.body.key);
    expect(listed.text).not.toContain('secretHash');
    expect((await t.call('DELETE', `/keys/${created.body.id}`)).status).toBe(204);
    expect((await t.call('POST', '/events', { body: meeting('2026-11-02'), key: created.body.key })).status).toBe(401);
    expect((await t.call('DELETE', `/keys/${created.body.id}`)).status).toBe(404);
  });

  it('lets only admins manage keys', async () => {
    expect((await t.call('POST', '/keys', { body: { name: 'x', role: 'admin' }, key: editorKey })).status).toBe(403);
    expect((await t.call('GET', '/keys', { key: null })).status).toBe(401);
    expect((await t.call('POST', '/keys', { body: { name: 'x', role: 'root' } })).body.errors[0].field).toBe('role');
  });

  it('never writes a key into the logs', () => {
    const logged = JSON.stringify(t.logs);
    expect(logged).not.toContain(t.adminKey);
    expect(logged).not.toContain(editorKey);
  });
});
