/**
 * A property over every write endpoint, fuzzed with fast-check: whatever the body and headers, the API never
 * answers 5xx; every 4xx is problem+json naming a field with a stable code; and a refusal records nothing.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fieldErrorCodes } from '#domain/errors';
import { startTestRuntime, type Reply } from '../helpers/runtime.ts';

let t: Awaited<ReturnType<typeof startTestRuntime>>;
const calendar = { name: { en: 'Fuzz' }, defaultLanguage: 'en', timeZone: 'America/New_York' };
const validEvent = { calendar: 'fuzz', title: { en: 'Fuzz' }, schedule: { type: 'timed', start: '2026-11-01T00:30', end: '2026-11-01T01:30', timeZone: 'America/New_York', disambiguation: 'earlier' }, tags: ['a'] };

const validSeries = {
  ...validEvent,
  schedule: { type: 'timed', start: '2026-03-02T09:00', end: '2026-03-02T10:00', timeZone: 'America/New_York', recurrence: { rule: 'FREQ=WEEKLY;COUNT=8', exdates: ['2026-03-16T09:00'] } },
};

async function freshSeries(): Promise<string> {
  const reply = await t.call('POST', '/events', { body: validSeries });
  expect(reply.status).toBe(201);
  return reply.body.id;
}

async function freshEvent(): Promise<string> {
  const reply = await t.call('POST', '/events', { body: validEvent });
  expect(reply.status).toBe(201);
  return reply.body.id;
}

/** Values that stress validation: JSON of any shape, far years, ambiguous and skipped times, aliases, nulls, prototype keys. */
const edgeValue = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }),
  fc.constantFrom(null, '', '9999-12', '0000-01-01', '2026-11-01T01:30', '2026-03-08T02:30', 'Asia/Kolkata', 'asia/kolkata', 'GMT', '+04:00', '__proto__', 'x'.repeat(600), ['a,b'], { __proto__: null }),
);

/** A valid body with one member replaced, removed or added. */
function mutated(valid: Record<string, unknown>): fc.Arbitrary<unknown> {
  const keys = Object.keys(valid).length > 0 ? Object.keys(valid) : ['any'];
  return fc.oneof(
    fc.tuple(fc.constantFrom(...keys), edgeValue).map(([key, value]) => ({ ...valid, [key]: value })),
    fc.constantFrom(...keys).map((key) => Object.fromEntries(Object.entries(valid).filter(([k]) => k !== key))),
    fc.tuple(fc.string({ maxLength: 12 }), edgeValue).map(([key, value]) => ({ ...valid, [key]: value })),
    fc.tuple(fc.constantFrom(...keys), fc.constantFrom(...keys), edgeValue).map(([outer, inner, value]) => ({ ...valid, [outer]: { [inner]: value } })),
  );
}

const rawBodies = fc.constantFrom('', 'null', '[]', '{', '{"__proto__":{"title":{"en":"x"}}}', `${'['.repeat(200)}${']'.repeat(200)}`);
const headersArb = fc.record(
  { 'if-match': fc.oneof(fc.constantFrom('"1"', 'W/"1"', '*', '"999"', 'junk'), fc.string({ maxLength: 8 })), 'idempotency-key': fc.constantFrom('fuzz-1', 'fuzz-2', '\u00e9') },
  { requiredKeys: [] },
);

interface Endpoint {
  method: string;
  path: () => Promise<string>;
  valid: Record<string, unknown>;
}

let eventId: string;
let participantId: string;
let webhookId: string;
let seriesId: string;
const occurrence =
  (action = '') =>
  async () =>
    `/events/${seriesId}/occurrences/2026-03-09T09:00${action}`;

const endpoints: Record<string, Endpoint> = {
  'PUT /calendars/{id}': { method: 'PUT', path: async () => '/calendars/fuzz', valid: calendar },
  'POST /events': { method: 'POST', path: async () => '/events', valid: validEvent },
  'PATCH /events/{id}': { method: 'PATCH', path: async () => `/events/${eventId}`, valid: { title: { en: 'New' }, tags: null, schedule: { start: '2026-11-01T00:45' } } },
  'POST /events/{id}/cancel': { method: 'POST', path: async () => `/events/${eventId}/cancel`, valid: { reason: 'rain' } },
  'POST /events/{id}/participants': { method: 'POST', path: async () => `/events/${eventId}/participants`, valid: { name: 'P "Q"', email: 'p@example.org', role: 'chair' } },
  'PATCH /events/{id}/participants/{pid}': { method: 'PATCH', path: async () => `/events/${eventId}/participants/${participantId}`, valid: { status: 'accepted' } },
  'DELETE /events/{id}/participants/{pid}': { method: 'DELETE', path: async () => `/events/${eventId}/participants/${participantId}`, valid: {} },
  'POST /calendars/{id}/feed-tokens': { method: 'POST', path: async () => '/calendars/fuzz/feed-tokens', valid: { label: 'phone' } },
  'POST /webhooks': { method: 'POST', path: async () => '/webhooks', valid: { url: 'http://127.0.0.1:9/hook', types: ['event.created'], calendars: ['fuzz'] } },
  'PATCH /webhooks/{id}': { method: 'PATCH', path: async () => `/webhooks/${webhookId}`, valid: { description: 'd', calendars: null } },
  'POST /keys': { method: 'POST', path: async () => '/keys', valid: { name: 'k', role: 'partner' } },
  'POST /events (series)': { method: 'POST', path: async () => '/events', valid: validSeries },
  'PATCH /events/{id}/occurrences/{rid}': { method: 'PATCH', path: occurrence(), valid: { title: { en: 'Moved' }, schedule: { start: '2026-03-10T09:00', end: '2026-03-10T10:00' } } },
  'POST /events/{id}/occurrences/{rid}/cancel': { method: 'POST', path: occurrence('/cancel'), valid: { reason: 'rain' } },
  'POST /events/{id}/occurrences/{rid}/restore': { method: 'POST', path: occurrence('/restore'), valid: {} },
  'POST /events/{id}/occurrences/{rid}/split': { method: 'POST', path: occurrence('/split'), valid: { title: { en: 'Following' } } },
  'POST /webhooks (v1a)': { method: 'POST', path: async () => '/webhooks', valid: { url: 'http://127.0.0.1:9/hook', types: ['event.created'], signature: 'v1a' } },
};

beforeAll(async () => {
  process.env.ALLOW_PRIVATE_WEBHOOK_TARGETS = '1';
  t = await startTestRuntime();
  expect((await t.call('PUT', '/calendars/fuzz', { body: calendar })).status).toBe(201);
  webhookId = (await t.call('POST', '/webhooks', { body: endpoints['POST /webhooks']!.valid })).body.id;
});
afterAll(async () => {
  delete process.env.ALLOW_PRIVATE_WEBHOOK_TARGETS;
  await t.close();
});

/** The property, for one answer: no 5xx; a 4xx is problem+json naming a field with a code; a refusal recorded nothing. */
function assertProperty(reply: Reply, before: number, after: number, what: string): void {
  expect(reply.status, `${what}: ${reply.text.slice(0, 300)}`).toBeLessThan(500);
  if (reply.status < 400) return;
  expect(reply.headers.get('content-type'), what).toBe('application/problem+json');
  expect(reply.body.errors?.length, `${what}: ${reply.text.slice(0, 300)}`).toBeGreaterThan(0);
  for (const error of reply.body.errors) {
    expect(typeof error.field === 'string' && error.field.length > 0, what).toBe(true);
    expect(fieldErrorCodes, what).toContain(error.code);
  }
  expect(after, `${what} recorded something`).toBe(before);
}

describe('every write endpoint, fuzzed', () => {
  it.each(Object.keys(endpoints))(
    '%s: no 5xx, every 4xx names a field with a code, nothing recorded on refusal',
    async (route) => {
      const endpoint = endpoints[route]!;
      const body = fc.oneof(
        { weight: 3, arbitrary: mutated(endpoint.valid).map((value) => ({ rawBody: JSON.stringify(value) })) },
        { weight: 1, arbitrary: edgeValue.map((value) => ({ rawBody: JSON.stringify(value) ?? '' })) },
        { weight: 1, arbitrary: rawBodies.map((rawBody) => ({ rawBody })) },
      );
      await fc.assert(
        fc.asyncProperty(body, headersArb, async ({ rawBody }, headers) => {
          eventId = await freshEvent();
          if (route.includes('occurrences')) seriesId = await freshSeries();
          participantId = (await t.call('POST', `/events/${eventId}/participants`, { body: { name: 'Guest' } })).body.participants[0].id;
          const path = await endpoint.path();
          const before = await t.journalSize();
          const reply = await t.call(endpoint.method, path, { rawBody: endpoint.method === 'DELETE' ? (rawBody === '{}' ? undefined : rawBody) : rawBody, headers: { 'content-type': 'application/json', ...headers } });
          assertProperty(reply, before, await t.journalSize(), `${route} ${rawBody.slice(0, 120)} ${JSON.stringify(headers)}`);
        }),
        { numRuns: 25 },
      );
    },
    300_000,
  );
});

/** iCalendar bodies for import: a valid export with lines dropped, repeated, or given hostile values. */
const validCalendar = [
  'BEGIN:VCALENDAR',
  'VERSION:2.0',
  'PRODID:-//Fuzz//EN',
  'X-WR-TIMEZONE:Asia/Kuwait',
  'BEGIN:VEVENT',
  'UID:fuzz-1@example.org',
  'DTSTAMP:20260101T000000Z',
  'DTSTART:20260701T090000',
  'DTEND:20260701T100000',
  'SUMMARY:Forum',
  'RRULE:FREQ=WEEKLY;COUNT=3',
  'ATTENDEE;CN="A ^\'B^\'":mailto:a@example.org',
  'END:VEVENT',
  'BEGIN:VEVENT',
  'UID:fuzz-2@example.org',
  'DTSTAMP:20260101T000000Z',
  'DTSTART;VALUE=DATE:20260702',
  'SUMMARY:Day',
  'END:VEVENT',
  'END:VCALENDAR',
];
const icsLine = fc.oneof(
  fc.constantFrom(...validCalendar),
  edgeValue.map((value) => `DTSTART;TZID=Arab Standard Time:${typeof value === 'string' ? value : JSON.stringify(value)}`),
  fc.tuple(fc.constantFrom('SUMMARY', 'DTEND', 'RRULE', 'EXDATE', 'UID', 'TZID', 'BEGIN', 'END'), fc.string({ maxLength: 40 })).map(([name, value]) => `${name}:${value}`),
);
const icsBodies = fc.oneof(
  fc.tuple(fc.nat({ max: validCalendar.length - 1 }), icsLine).map(([at, line]) => validCalendar.toSpliced(at, 1, line).join('\r\n')),
  fc.nat({ max: validCalendar.length - 1 }).map((at) => validCalendar.toSpliced(at, 1).join('\r\n')),
  fc.array(icsLine, { maxLength: 20 }).map((lines) => lines.join('\r\n')),
  fc.string({ maxLength: 200 }),
);

describe('import, fuzzed', () => {
  it('POST /calendars/{id}/import: no 5xx, every 4xx names a field with a code, nothing recorded on refusal', async () => {
    await fc.assert(
      fc.asyncProperty(icsBodies, headersArb, async (rawBody, headers) => {
        const before = await t.journalSize();
        const reply = await t.call('POST', '/calendars/fuzz/import', { rawBody, headers: { 'content-type': 'text/calendar', ...headers } });
        assertProperty(reply, before, await t.journalSize(), `import ${rawBody.slice(0, 200)} ${JSON.stringify(headers)}`);
      }),
      { numRuns: 40 },
    );
  }, 300_000);
});
