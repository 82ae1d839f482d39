/**
 * Audit F9 over real HTTP and as API Gateway hands bodies over: a body that is not UTF-8, on any write route,
 * is a 400 invalid_encoding naming the field, and records nothing (no U+FFFD in the journal). docs/decisions/0027.
 */
import { isUtf8 } from 'node:buffer';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { handler as createEvent } from '../../functions/api/events-create.ts';
import { handler as importCalendar } from '../../functions/api/calendars-import.ts';
import { gatewayEvent } from '../helpers/gateway-event.ts';
import { expectRefusal, startTestRuntime, type Reply } from '../helpers/runtime.ts';

let t: Awaited<ReturnType<typeof startTestRuntime>>;

beforeAll(async () => {
  process.env.ALLOW_PRIVATE_WEBHOOK_TARGETS = '1';
  t = await startTestRuntime();
  expect((await t.call('PUT', '/calendars/enc', { body: { name: { en: 'Encoding' }, defaultLanguage: 'en', timeZone: 'Asia/Kuwait' } })).status).toBe(201);
});
afterAll(async () => {
  delete process.env.ALLOW_PRIVATE_WEBHOOK_TARGETS;
  await t.close();
});

/** Sends bytes as they are (fetch would encode a string as UTF-8). */
async function send(method: string, path: string, bytes: Buffer, headers: Record<string, string> = {}): Promise<Reply> {
  const response = await fetch(`${t.runtime.url}${path}`, { method, headers: { 'content-type': 'application/json', authorization: `Bearer ${t.adminKey}`, ...headers }, body: bytes });
  const text = await response.text();
  return { status: response.status, headers: response.headers, text, body: /json/.test(response.headers.get('content-type') ?? '') ? JSON.parse(text) : text };
}

/** JSON text with `bad` bytes spliced in where `@` stands in the template. */
const spliced = (template: string, bad: number[]) => {
  const [before, after] = template.split('@') as [string, string];
  return Buffer.concat([Buffer.from(before, 'utf8'), Buffer.from(bad), Buffer.from(after, 'utf8')]);
};

const eventJson = (title: string) => `{"calendar":"enc","title":{"en":"${title}"},"schedule":{"type":"timed","start":"2026-07-01T09:00","end":"2026-07-01T10:00","timeZone":"Asia/Kuwait"}}`;

const ics = (summary: string) =>
  [
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    'PRODID:-//Example//Test//EN',
    'BEGIN:VEVENT',
    'UID:enc-1.example.org',
    'DTSTAMP:20260101T000000Z',
    'DTSTART:20260701T090000Z',
    'DTEND:20260701T100000Z',
    `SUMMARY:${summary}`,
    'END:VEVENT',
    'END:VCALENDAR',
    '',
  ].join('\r\n');

/** The byte sequences the audit named: a lone lead byte, a byte UTF-8 never uses, an overlong "/", a UTF-16 surrogate. */
const audited: [string, number[]][] = [
  ['a lone 0xC3', [0xc3]],
  ['0xFF', [0xff]],
  ['an overlong encoding (C0 AF)', [0xc0, 0xaf]],
  ['a surrogate encoded in UTF-8 (ED A0 80)', [0xed, 0xa0, 0x80]],
];

describe('a JSON body that is not UTF-8', () => {
  it.each(audited)('%s in a title: 400 invalid_encoding at title.en, nothing recorded', async (_name, bad) => {
    const before = await t.journalSize();
    const reply = await send('POST', '/events', spliced(eventJson('A@B'), bad));
    expectRefusal(reply, 400, 'title.en', 'invalid_encoding');
    expect(reply.body.errors[0].message).toMatch(/not UTF-8: the byte 0x[0-9A-F]{2} at byte offset \d+/);
    expect(await t.journalSize()).toBe(before);
  });

  it('is refused on every write route that takes JSON: calendars, event patches, webhooks, keys, participants, feed tokens', async () => {
    const created = await t.call('POST', '/events', { body: JSON.parse(eventJson('Fine')) });
    expect(created.status).toBe(201);
    const before = await t.journalSize();
    expectRefusal(await send('PUT', '/calendars/enc2', spliced('{"name":{"en":"Bad @"},"defaultLanguage":"en","timeZone":"Asia/Kuwait"}', [0xff])), 400, 'name.en', 'invalid_encoding');
    const patch = await send('PATCH', `/events/${created.body.id}`, spliced('{"description":{"en":"x@y"}}', [0xc3]), { 'content-type': 'application/merge-patch+json', 'if-match': created.headers.get('etag')! });
    expectRefusal(patch, 400, 'description.en', 'invalid_encoding');
    expectRefusal(await send('POST', '/webhooks', spliced('{"url":"http://127.0.0.1:9/hook","types":["event.created"],"description":"@"}', [0xed, 0xa0, 0x80])), 400, 'description', 'invalid_encoding');
    expectRefusal(await send('POST', '/keys', spliced('{"name":"k@","role":"editor"}', [0xc0, 0xaf])), 400, 'name', 'invalid_encoding');
    expectRefusal(await send('POST', `/events/${created.body.id}/participants`, spliced('{"name":"@"}', [0xff])), 400, 'name', 'invalid_encoding');
    expectRefusal(await send('POST', '/calendars/enc/feed-tokens', spliced('{"label":"@"}', [0xc3])), 400, 'label', 'invalid_encoding');
    // Outside any string the JSON is broken too; the encoding is named, as the cause.
    expectRefusal(await send('POST', '/events', spliced(`${eventJson('A')}@`, [0xff])), 400, 'body', 'invalid_encoding');
    expect(await t.journalSize()).toBe(before);
    expect((await t.call('GET', '/calendars/enc2')).status).toBe(404);
  });

  it('U+FFFD itself is refused, raw or escaped: a gateway that decoded leniently leaves exactly that', async () => {
    const before = await t.journalSize();
    expectRefusal(await t.call('POST', '/events', { body: JSON.parse(eventJson('A\uFFFDB')) }), 400, 'title.en', 'invalid_encoding');
    expectRefusal(await t.call('POST', '/events', { rawBody: eventJson('A\\uFFFDB') }), 400, 'title.en', 'invalid_encoding');
    expect(await t.journalSize()).toBe(before);
  });

  it('well-formed text in every plane still goes through: Arabic, Chinese, an emoji (4 bytes)', async () => {
    const reply = await send('POST', '/events', Buffer.from(eventJson('اجتماع 会议 🗓️'), 'utf8'));
    expect(reply.status, reply.text).toBe(201);
    expect(reply.body.title.en).toBe('اجتماع 会议 🗓️');
  });
});

/** Bytes UTF-8 never holds at that place, each followed by ASCII (so none is completed by what follows). */
const invalidSequence = fc.oneof(
  fc.integer({ min: 0x80, max: 0xbf }).map((b) => [b]), // a continuation byte alone
  fc.integer({ min: 0xc0, max: 0xc1 }).chain((lead) => fc.integer({ min: 0x80, max: 0xbf }).map((b) => [lead, b])), // overlong 2-byte
  fc.integer({ min: 0xc2, max: 0xf4 }).map((b) => [b]), // a lead byte without its continuation
  fc.integer({ min: 0xf5, max: 0xff }).map((b) => [b]), // never in UTF-8
  fc.integer({ min: 0x80, max: 0x9f }).chain((b) => fc.integer({ min: 0x80, max: 0xbf }).map((c) => [0xe0, b, c])), // overlong 3-byte
  fc.integer({ min: 0xa0, max: 0xbf }).chain((b) => fc.integer({ min: 0x80, max: 0xbf }).map((c) => [0xed, b, c])), // a surrogate
  fc.integer({ min: 0x90, max: 0xbf }).chain((b) => fc.integer({ min: 0x80, max: 0xbf }).map((c) => [0xf4, b, c, 0x80])), // above U+10FFFF
  fc.integer({ min: 0xe1, max: 0xec }).chain((lead) => fc.integer({ min: 0x80, max: 0xbf }).map((b) => [lead, b])), // a 3-byte sequence cut short
);

describe('property: invalid UTF-8 anywhere in a text of an otherwise valid body', () => {
  it('is a 400 invalid_encoding naming that field, and the journal does not grow', async () => {
    const fields = [
      ['title.en', (s: string) => eventJson(s)],
      ['description.ar', (s: string) => eventJson('ok').replace('}', `},"description":{"ar":"${s}"}`)],
      ['location.name.en', (s: string) => eventJson('ok').replace('}', `},"location":{"name":{"en":"${s}"}}`)],
    ] as const;
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...fields), invalidSequence, fc.string({ maxLength: 8 }), fc.string({ maxLength: 8 }), async ([field, json], bad, head, tail) => {
        const text = (s: string) => JSON.stringify(s).slice(1, -1).replaceAll('@', '');
        const template = json(`${text(head)}@${text(tail)}x`);
        const body = spliced(template, bad);
        expect(isUtf8(body)).toBe(false);
        const before = await t.journalSize();
        const reply = await send('POST', '/events', body);
        expectRefusal(reply, 400, field, 'invalid_encoding');
        expect(reply.body.errors[0].message).toContain(`at byte offset ${Buffer.byteLength(template.split('@')[0]!)} (line 1)`);
        expect(await t.journalSize()).toBe(before);
      }),
      { numRuns: 60 },
    );
  });
});

describe('an .ics import that is not UTF-8', () => {
  it.each(audited)('%s in a SUMMARY: 400 invalid_encoding naming the line, nothing imported', async (_name, bad) => {
    const before = await t.journalSize();
    const reply = await send('POST', '/calendars/enc/import', spliced(ics('Meeting @'), bad), { 'content-type': 'text/calendar' });
    expectRefusal(reply, 400, 'body', 'invalid_encoding');
    expect(reply.body.errors[0].message).toContain('(line 9)');
    expect(await t.journalSize()).toBe(before);
  });

  it('a file holding U+FFFD is refused naming its line; the same file in UTF-8 imports', async () => {
    const before = await t.journalSize();
    const damaged = await send('POST', '/calendars/enc/import', Buffer.from(ics('Caf\uFFFD'), 'utf8'), { 'content-type': 'text/calendar' });
    expectRefusal(damaged, 400, 'body', 'invalid_encoding');
    expect(damaged.body.errors[0].message).toMatch(/^line 9 holds U\+FFFD/);
    expect(await t.journalSize()).toBe(before);
    const fine = await send('POST', '/calendars/enc/import', Buffer.from(ics('Café'), 'utf8'), { 'content-type': 'text/calendar' });
    expect(fine.status, fine.text).toBe(200);
    expect(fine.body.created).toHaveLength(1);
  });

  it('a charset other than UTF-8 is refused (415) rather than guessed', async () => {
    const latin1 = Buffer.from(ics('Café'), 'latin1');
    expectRefusal(await send('POST', '/calendars/enc/import', latin1, { 'content-type': 'text/calendar; charset=iso-8859-1' }), 415, 'header.content-type', 'unsupported_media_type');
  });
});

/** The event API Gateway gives the function: the body as base64 or as a string. */
function encodedEvent(routeKey: string, path: string, body: string, isBase64Encoded: boolean, contentType: string, params?: Record<string, string>): APIGatewayProxyEventV2 {
  return gatewayEvent(routeKey, path, { headers: { authorization: `Bearer ${t.adminKey}`, 'content-type': contentType }, params, body, isBase64Encoded });
}
const context = { functionName: 'taqweem-test', awsRequestId: 'r', getRemainingTimeInMillis: () => 30_000 } as unknown as Context;

describe('the handlers, given either shape API Gateway may use for bytes that are not UTF-8', () => {
  const bad = spliced(eventJson('A@B'), [0xc3]);

  it('base64 (isBase64Encoded): the bytes are found and refused', async () => {
    const before = await t.journalSize();
    const reply = (await createEvent(encodedEvent('POST /events', '/events', bad.toString('base64'), true, 'application/json'), context)) as APIGatewayProxyStructuredResultV2;
    expect(reply.statusCode).toBe(400);
    expect(JSON.parse(reply.body!).errors).toContainEqual({ field: 'title.en', code: 'invalid_encoding', message: expect.stringContaining('0xC3') });
    const ics = spliced('BEGIN:VCALENDAR\r\nSUMMARY:@\r\nEND:VCALENDAR\r\n', [0xff]).toString('base64');
    const imported = (await importCalendar(encodedEvent('POST /calendars/{id}/import', '/calendars/enc/import', ics, true, 'text/calendar', { id: 'enc' }), context)) as APIGatewayProxyStructuredResultV2;
    expect(imported.statusCode).toBe(400);
    expect(JSON.parse(imported.body!).errors[0]).toMatchObject({ field: 'body', code: 'invalid_encoding' });
    expect(await t.journalSize()).toBe(before);
  });

  it('a string decoded leniently (U+FFFD where the bytes were): refused as damaged, nothing recorded', async () => {
    const before = await t.journalSize();
    const reply = (await createEvent(encodedEvent('POST /events', '/events', bad.toString('utf8'), false, 'application/json'), context)) as APIGatewayProxyStructuredResultV2;
    expect(reply.statusCode).toBe(400);
    expect(JSON.parse(reply.body!).errors).toContainEqual({ field: 'title.en', code: 'invalid_encoding', message: expect.stringContaining('U+FFFD') });
    expect(await t.journalSize()).toBe(before);
  });
});
