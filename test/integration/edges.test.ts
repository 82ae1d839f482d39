/** Issue #12 over real HTTP: hostile and edge-case input is a named 4xx that records nothing; writes are idempotent. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { internalProblem } from '#http/problem';
import { expectRefusal, startTestRuntime, type Reply } from '../helpers/runtime.ts';

let t: Awaited<ReturnType<typeof startTestRuntime>>;
let editorKey: string;

const calendar = { name: { en: 'Edges' }, defaultLanguage: 'en', timeZone: 'Asia/Kuwait' };
const meeting = (extra: Record<string, unknown> = {}) => ({
  calendar: 'edges',
  title: { en: 'Board meeting' },
  schedule: { type: 'timed', start: '2026-07-14T09:00', end: '2026-07-14T10:00', timeZone: 'Asia/Kuwait' },
  ...extra,
});

async function create(extra: Record<string, unknown> = {}): Promise<Record<string, any>> {
  const reply = await t.call('POST', '/events', { body: meeting(extra), key: editorKey });
  expect(reply.status, JSON.stringify(reply.body)).toBe(201);
  return reply.body;
}

beforeAll(async () => {
  // Webhooks here point at a closed loopback port: nothing is ever delivered off the machine.
  process.env.ALLOW_PRIVATE_WEBHOOK_TARGETS = '1';
  t = await startTestRuntime();
  expect((await t.call('PUT', '/calendars/edges', { body: calendar })).status).toBe(201);
  editorKey = (await t.call('POST', '/keys', { body: { name: 'editor', role: 'editor' } })).body.key;
});
afterAll(async () => {
  delete process.env.ALLOW_PRIVATE_WEBHOOK_TARGETS;
  await t.close();
});

describe('ambiguous and skipped wall times', () => {
  const overlap = { type: 'timed', start: '2026-11-01T01:30', end: '2026-11-01T03:00', timeZone: 'America/New_York' };

  it('refuses an ambiguous start unless disambiguated, and records nothing', async () => {
    const before = await t.journalSize();
    const reply = await t.call('POST', '/events', { body: meeting({ schedule: overlap }), key: editorKey });
    expectRefusal(reply, 400, 'schedule.start', 'ambiguous_time');
    expect(reply.body.errors[0].message).toContain('"disambiguation"');
    expectRefusal(await t.call('POST', '/events', { body: meeting({ schedule: { ...overlap, start: '2026-03-08T02:30' } }), key: editorKey }), 400, 'schedule.start', 'nonexistent_time');
    expect(await t.journalSize()).toBe(before);
  });

  it('records the instant the request chose, and writes it in UTC form so every client agrees', async () => {
    const later = await create({ schedule: { ...overlap, disambiguation: 'later' } });
    expect(later.schedule).toEqual({ ...overlap, disambiguation: 'later' });
    const ics = (await t.call('GET', `/events/${later.id}.ics`, { key: null })).text;
    expect(ics).toContain('DTSTART:20261101T063000Z\r\n');
    expect(ics).toContain('DTEND;TZID=America/New_York:20261101T030000\r\n');
    const listed = await t.call('GET', '/events?calendar=edges&from=2026-11-01T06:00:00Z&to=2026-11-01T06:31:00Z', { key: null });
    expect(listed.body.items.map((e: { id: string }) => e.id)).toContain(later.id);
  });

  it('keeps an alias as given, in the data and the TZID, with its VTIMEZONE', async () => {
    for (const timeZone of ['Asia/Kolkata', 'Europe/Kyiv', 'Asia/Ho_Chi_Minh', 'Etc/UTC', 'GMT']) {
      const event = await create({ schedule: { type: 'timed', start: '2026-07-14T09:00', end: '2026-07-14T10:00', timeZone } });
      expect(event.schedule.timeZone).toBe(timeZone);
      const ics = (await t.call('GET', `/events/${event.id}.ics`, { key: null })).text;
      expect(ics).toContain(`DTSTART;TZID=${timeZone}:20260714T090000\r\n`);
      expect(ics).toContain(`BEGIN:VTIMEZONE\r\nTZID:${timeZone}\r\n`);
    }
    expect((await t.call('PUT', '/calendars/kyiv', { body: { ...calendar, timeZone: 'Europe/Kyiv' } })).body.timeZone).toBe('Europe/Kyiv');
  });

  it('refuses years outside 1900-2199 with a field error, recording nothing', async () => {
    const before = await t.journalSize();
    expectRefusal(await t.call('POST', '/events', { body: meeting({ schedule: { type: 'month', month: '9999-12', timeZone: 'Asia/Muscat' } }), key: editorKey }), 400, 'schedule.month', 'out_of_range');
    expectRefusal(await t.call('POST', '/events', { body: meeting({ schedule: { type: 'allDay', startDate: '2026-01-01', endDate: '9999-12-31' } }), key: editorKey }), 400, 'schedule.endDate', 'out_of_range');
    expectRefusal(await t.call('POST', '/events', { body: meeting({ schedule: { type: 'allDay', startDate: '0000-01-01', endDate: '0000-01-01' } }), key: editorKey }), 400, 'schedule.startDate', 'out_of_range');
    const event = await create();
    expectRefusal(await t.call('PATCH', `/events/${event.id}`, { body: { schedule: { start: '9999-07-14T09:00', end: '9999-07-14T10:00' } }, key: editorKey }), 400, 'schedule.start', 'out_of_range');
    expect(await t.journalSize()).toBe(before + 1);
  });
});

describe('merge-patch null on every field of every PATCH', () => {
  const eventFields = ['title', 'description', 'schedule', 'location', 'organizer', 'tags', 'url', 'kind', 'visibility', 'status'];

  it.each(eventFields)('PATCH /events/{id} {"%s": null} empties the field or names it, and every reader still answers', async (field) => {
    const event = await create({ description: { en: 'd' }, location: { city: 'Muscat' }, organizer: { name: 'O', email: 'o@example.org' }, tags: ['a'], url: 'https://example.org', kind: 'meeting' });
    const reply = await t.call('PATCH', `/events/${event.id}`, { body: { [field]: null }, key: editorKey });
    if (reply.status === 200) expect(reply.body[field] === undefined || (field === 'tags' && reply.body.tags.length === 0)).toBe(true);
    else expectRefusal(reply, 400, field, ['kind', 'visibility', 'status'].includes(field) ? 'invalid_value' : 'invalid_type');
    expect((await t.call('GET', `/events/${event.id}`, { key: null })).status).toBe(200);
    expect((await t.call('GET', `/events/${event.id}.ics`, { key: null })).status).toBe(200);
    expect((await t.call('GET', '/feeds/edges.ics', { key: null })).status).toBe(200);
  });

  it('{"tags": null} leaves an empty list that the feed reads', async () => {
    const event = await create({ tags: ['a', 'b'] });
    expect((await t.call('PATCH', `/events/${event.id}`, { body: { tags: null }, key: editorKey })).body.tags).toEqual([]);
    expect((await t.call('GET', `/events/${event.id}.ics`, { key: null })).text).toContain('CATEGORIES:other\r\n');
  });

  it('nulls inside nested fields: a required member is named, an optional one is removed', async () => {
    const event = await create({ organizer: { name: 'O', email: 'o@example.org' } });
    expectRefusal(await t.call('PATCH', `/events/${event.id}`, { body: { organizer: { name: null } }, key: editorKey }), 400, 'organizer.name', 'required');
    expectRefusal(await t.call('PATCH', `/events/${event.id}`, { body: { schedule: { timeZone: null } }, key: editorKey }), 400, 'schedule.timeZone', 'required');
    expect((await t.call('PATCH', `/events/${event.id}`, { body: { organizer: { email: null } }, key: editorKey })).body.organizer).toEqual({ name: 'O' });
  });

  it('PATCH of a participant and of a webhook: null is a field error or an empty value', async () => {
    const event = await create();
    const invited = await t.call('POST', `/events/${event.id}/participants`, { body: { name: 'P' }, key: editorKey });
    const pid = invited.body.participants[0].id;
    expectRefusal(await t.call('PATCH', `/events/${event.id}/participants/${pid}`, { body: { status: null }, key: editorKey }), 400, 'status', 'invalid_value');
    const hook = (await t.call('POST', '/webhooks', { body: { url: 'http://127.0.0.1:9/hook', types: ['participant.removed'] }, key: editorKey })).body;
    for (const field of ['url', 'types', 'disabled']) expect((await t.call('PATCH', `/webhooks/${hook.id}`, { body: { [field]: null }, key: editorKey })).status).toBe(400);
    for (const field of ['calendars', 'description']) expect((await t.call('PATCH', `/webhooks/${hook.id}`, { body: { [field]: null }, key: editorKey })).status).toBe(200);
    expect((await t.call('GET', `/webhooks/${hook.id}`, { key: editorKey })).status).toBe(200);
  });
});

describe('hostile bodies', () => {
  it('refuses a body nested thousands deep with 400 too_deep', async () => {
    const event = await create();
    const before = await t.journalSize();
    const deep = `${'{"title":'.repeat(3800)}1${'}'.repeat(3800)}`;
    expectRefusal(await t.call('PATCH', `/events/${event.id}`, { rawBody: deep, key: editorKey }), 400, 'body', 'too_deep');
    expectRefusal(await t.call('POST', '/events', { rawBody: `${'['.repeat(3800)}${']'.repeat(3800)}`, key: editorKey }), 400, 'body', 'too_deep');
    expect(await t.journalSize()).toBe(before);
  });

  it('says what a wrong-typed field must be', async () => {
    const reply = await t.call('POST', '/events', { body: meeting({ title: 'Board meeting', tags: 'a' }), key: editorKey });
    expectRefusal(reply, 400, 'title', 'invalid_type');
    expect(reply.body.errors).toContainEqual({ field: 'title', code: 'invalid_type', message: 'must be an object, not a string' });
    expect(reply.body.errors).toContainEqual({ field: 'tags', code: 'invalid_type', message: 'must be an array, not a string' });
  });

  it('says what a query number must be without calling text "a number" (found by audit)', async () => {
    const text = await t.call('GET', '/events?calendar=edges&limit=ten', { key: null });
    expectRefusal(text, 400, 'query.limit', 'invalid_type');
    expect(text.body.errors[0].message).toBe('must be a number');
    expect((await t.call('GET', '/events?calendar=edges&limit=1.5', { key: null })).body.errors[0].message).toBe('must be an integer, not 1.5');
    expect((await t.call('GET', '/feeds/edges.ics?pastDays=abc', { key: null })).body.errors).toEqual([{ field: 'query.pastDays', code: 'invalid_type', message: 'must be a number' }]);
  });

  it('refuses __proto__ alike in POST and PATCH, at any depth', async () => {
    const event = await create();
    const before = await t.journalSize();
    expectRefusal(await t.call('POST', '/events', { rawBody: JSON.stringify(meeting()).replace('{', '{"__proto__":{"x":1},'), key: editorKey }), 400, '__proto__', 'unknown_field');
    expectRefusal(await t.call('PATCH', `/events/${event.id}`, { rawBody: '{"__proto__":{"kind":"forum"}}', key: editorKey }), 400, '__proto__', 'unknown_field');
    expectRefusal(await t.call('PATCH', `/events/${event.id}`, { rawBody: '{"location":{"__proto__":{"city":"x"}}}', key: editorKey }), 400, 'location.__proto__', 'unknown_field');
    expect(await t.journalSize()).toBe(before);
  });

  it('refuses a member named twice in one object (I-JSON): the first and the last would name different calendars', async () => {
    const event = await create();
    const before = await t.journalSize();
    const twice = JSON.stringify(meeting()).replace('"calendar":"edges"', '"calendar":"edges","calendar":"ato"');
    expectRefusal(await t.call('POST', '/events', { rawBody: twice, key: editorKey }), 400, 'calendar', 'invalid_format');
    // Escaped spellings name the same member; a name may repeat in different objects.
    const escaped = JSON.stringify(meeting()).replace('"title":{"en":"Board meeting"}', '"title":{"en":"Board meeting","\\u0065n":"x"}');
    expectRefusal(await t.call('POST', '/events', { rawBody: escaped, key: editorKey }), 400, 'title.en', 'invalid_format');
    expectRefusal(await t.call('PATCH', `/events/${event.id}`, { rawBody: '{"location":{"name":{"en":"a","en":"b"}}}', key: editorKey }), 400, 'location.name.en', 'invalid_format');
    expect(await t.journalSize()).toBe(before);
    const sameNameElsewhere = await t.call('PATCH', `/events/${event.id}`, { rawBody: '{"location":{"name":{"en":"a"}},"title":{"en":"b","ar":"c"}}', key: editorKey });
    expect(sameNameElsewhere.status, JSON.stringify(sameNameElsewhere.body)).toBe(200);
  });

  it('refuses text that is not well-formed Unicode (a lone surrogate), naming the field', async () => {
    const event = await create();
    const before = await t.journalSize();
    const lone = JSON.stringify(meeting()).replace('"Board meeting"', '"Board \\ud800meeting"');
    expectRefusal(await t.call('POST', '/events', { rawBody: lone, key: editorKey }), 400, 'title.en', 'invalid_format');
    expectRefusal(await t.call('PATCH', `/events/${event.id}`, { rawBody: '{"description":{"en":"a\\udc00"}}', key: editorKey }), 400, 'description.en', 'invalid_format');
    expect(await t.journalSize()).toBe(before);
    // A pair is a character: it goes through.
    expect((await t.call('PATCH', `/events/${event.id}`, { rawBody: '{"description":{"en":"\\ud83c\\udf89"}}', key: editorKey })).body.description).toEqual({ en: '🎉' });
  });

  it('refuses a null or an empty PATCH body; cancel alone may have none', async () => {
    const event = await create();
    expectRefusal(await t.call('PATCH', `/events/${event.id}`, { rawBody: 'null', key: editorKey }), 400, 'body', 'invalid_type');
    expectRefusal(await t.call('PATCH', `/events/${event.id}`, { rawBody: '', key: editorKey, headers: { 'content-type': 'application/json' } }), 400, 'body', 'required');
    expect((await t.call('POST', `/events/${event.id}/cancel`, { key: editorKey })).status).toBe(200);
  });

  it('answers a weak ETag in If-Match with 412, not 400', async () => {
    const event = await create();
    const reply = await t.call('PATCH', `/events/${event.id}`, { body: { url: 'https://example.org' }, key: editorKey, headers: { 'if-match': 'W/"1"' } });
    expectRefusal(reply, 412, 'header.if-match', 'stale');
    expect((await t.call('PATCH', `/events/${event.id}`, { body: { url: 'https://example.org' }, key: editorKey, headers: { 'if-match': '"1"' } })).status).toBe(200);
  });
});

describe('what anonymous callers see', () => {
  it('no organizer e-mail in the event, lists and history, and no actor in history; a key sees both', async () => {
    const event = await create({ organizer: { name: 'Office', email: 'office@example.org' }, schedule: { type: 'timed', start: '2026-12-01T09:00', end: '2026-12-01T10:00', timeZone: 'Asia/Kuwait' } });
    const reads = async (key: string | null) => [
      (await t.call('GET', `/events/${event.id}`, { key })).text,
      (await t.call('GET', '/events?calendar=edges&from=2026-12-01&to=2026-12-02', { key })).text,
      (await t.call('GET', `/events/${event.id}/history`, { key })).text,
    ];
    for (const text of await reads(null)) {
      expect(text).toContain('Office');
      expect(text).not.toContain('office@example.org');
      expect(text).not.toContain('"actor"');
    }
    const withKey = await reads(editorKey);
    expect(withKey[0]).toContain('office@example.org');
    expect(withKey[2]).toContain('"actor":"key:');
  });
});

describe('participant names in CN', () => {
  it('keep their double quotes, caret-encoded (RFC 6868), and the UID stays <id>@taqweem', async () => {
    const event = await create();
    await t.call('POST', `/events/${event.id}/participants`, { body: { name: 'Dr. "Sam" Saleh', email: 's@example.org' }, key: editorKey });
    const ics = (await t.call('GET', `/events/${event.id}.ics`, { key: editorKey })).text.replace(/\r\n /g, '');
    expect(ics).toContain(`CN=Dr. ^'Sam^' Saleh`);
    expect(ics).toContain(`UID:${event.id}@taqweem\r\n`);
  });
});

describe('Idempotency-Key on every write', () => {
  /** Sends the same request twice with one key: the retry replays the first answer and records nothing more. */
  async function twice(method: string, path: string, body?: unknown, secret = false): Promise<[Reply, Reply]> {
    const headers = { 'idempotency-key': `k-${Math.random().toString(36).slice(2)}` };
    const first = await t.call(method, path, { body, key: editorKey, headers });
    const size = await t.journalSize();
    const retry = await t.call(method, path, { body, key: editorKey, headers });
    expect(await t.journalSize(), `${method} ${path}`).toBe(size);
    // An answer that held a secret is not kept: its retry is a 409 saying where the resource is.
    expect(retry.status, `${method} ${path}`).toBe(secret ? 409 : first.status);
    expect(retry.headers.get('idempotent-replayed')).toBe('true');
    return [first, retry];
  }

  it('replays PATCH, cancel, participant writes and calendar PUT without recording twice', async () => {
    const event = await create();
    const [patched, replayed] = await twice('PATCH', `/events/${event.id}`, { tags: ['x'] });
    expect(replayed.body).toEqual(patched.body);
    const [invited] = await twice('POST', `/events/${event.id}/participants`, { name: 'Guest' });
    expect(invited.status).toBe(201);
    const pid = invited.body.participants[0].id;
    await twice('PATCH', `/events/${event.id}/participants/${pid}`, { status: 'accepted' });
    await twice('DELETE', `/events/${event.id}/participants/${pid}`);
    await twice('POST', `/events/${event.id}/cancel`, { reason: 'weather' });
    await twice('PUT', '/calendars/idem', calendar);
  });

  it('replays webhook writes, and does not replay a secret: the retry learns where the resource is', async () => {
    const [created, retry] = await twice('POST', '/webhooks', { url: 'http://127.0.0.1:9/hook', types: ['participant.removed'] }, true);
    expect(created.status).toBe(201);
    expect(retry.text).not.toContain(created.body.secret);
    expect(retry.headers.get('location')).toBe(`/webhooks/${created.body.id}`);
    await twice('PATCH', `/webhooks/${created.body.id}`, { description: 'd' });
    await twice('DELETE', `/webhooks/${created.body.id}`);
  });

  it('covers keys and feed tokens, and refuses a key reused for another request with 422', async () => {
    const adminCall = async (method: string, path: string, body: unknown, key: string) => t.call(method, path, { body, headers: { 'idempotency-key': key } });
    const first = await adminCall('POST', '/keys', { name: 'k', role: 'partner' }, 'admin-key-1');
    const size = await t.journalSize();
    const retry = await adminCall('POST', '/keys', { name: 'k', role: 'partner' }, 'admin-key-1');
    expect(await t.journalSize()).toBe(size);
    expect(retry.text).not.toContain(first.body.key);
    const other = await adminCall('POST', '/keys', { name: 'other', role: 'partner' }, 'admin-key-1');
    expectRefusal(other, 422, 'header.idempotency-key', 'reused_key');
    const token = await adminCall('POST', '/calendars/edges/feed-tokens', { label: 'l' }, 'admin-token-1');
    expect(token.status).toBe(201);
    expect((await adminCall('POST', '/calendars/edges/feed-tokens', { label: 'l' }, 'admin-token-1')).headers.get('idempotent-replayed')).toBe('true');
    const revoke = await adminCall('DELETE', `/calendars/edges/feed-tokens/${token.body.id}`, undefined, 'admin-revoke-1');
    expect(revoke.status).toBe(204);
    expect((await adminCall('DELETE', `/calendars/edges/feed-tokens/${token.body.id}`, undefined, 'admin-revoke-1')).status).toBe(204);
    expect((await adminCall('DELETE', `/keys/${first.body.id}`, undefined, 'admin-revoke-2')).status).toBe(204);
  });
});

describe('under contention', () => {
  it('never answers an error for a change it recorded: every 200 is one change, a 503 none', async () => {
    const event = await create();
    const replies = await Promise.all(Array.from({ length: 100 }, (_, i) => t.call('PATCH', `/events/${event.id}`, { body: { title: { en: `Title ${i}` } }, key: editorKey })));
    const statuses = replies.map((r) => r.status);
    expect(
      statuses.every((s) => s === 200 || s === 503 || s === 500),
      JSON.stringify(statuses),
    ).toBe(true);
    for (const reply of replies.filter((r) => r.status === 503)) expect(reply.headers.get('retry-after')).toBe('1');
    for (const reply of replies.filter((r) => r.status === 500)) expect(reply.body.detail).not.toMatch(/safe to retry/);
    const version = Number((await t.call('GET', `/events/${event.id}`, { key: null })).headers.get('etag')!.replaceAll('"', ''));
    expect(version - 1).toBe(statuses.filter((s) => s === 200).length);
  }, 120_000);

  it('a 500 never calls a blind retry safe', () => {
    expect(internalProblem('r').detail).not.toMatch(/safe to retry/);
    expect(internalProblem('r').detail).toContain('Idempotency-Key');
  });
});
