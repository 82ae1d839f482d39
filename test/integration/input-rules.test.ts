/**
 * The fourth session's audit findings over real HTTP (docs/decisions/0019): control characters in text (F10), a
 * series whose UNTIL is before its start (F12), and re-enabling a subscription whose owner's key was revoked (F13).
 * Each refusal is problem+json naming the field, and records nothing.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectRefusal, startTestRuntime } from '../helpers/runtime.ts';

let t: Awaited<ReturnType<typeof startTestRuntime>>;
let editorKey: string;

const meeting = (extra: Record<string, unknown> = {}) => ({
  calendar: 'rules',
  title: { en: 'Board meeting' },
  schedule: { type: 'timed', start: '2027-01-05T09:00', end: '2027-01-05T10:00', timeZone: 'Asia/Kuwait' },
  ...extra,
});
const series = (rule: string) => meeting({ schedule: { ...meeting().schedule, recurrence: { rule } } });

async function create(body: Record<string, unknown>): Promise<Record<string, any>> {
  const reply = await t.call('POST', '/events', { body, key: editorKey });
  expect(reply.status, JSON.stringify(reply.body)).toBe(201);
  return reply.body;
}

beforeAll(async () => {
  // Webhooks here point at a closed loopback port: nothing is ever delivered off the machine.
  process.env.ALLOW_PRIVATE_WEBHOOK_TARGETS = '1';
  t = await startTestRuntime();
  expect((await t.call('PUT', '/calendars/rules', { body: { name: { en: 'Rules' }, defaultLanguage: 'en', timeZone: 'Asia/Kuwait' } })).status).toBe(201);
  editorKey = (await t.call('POST', '/keys', { body: { name: 'editor', role: 'editor' } })).body.key;
});
afterAll(async () => {
  delete process.env.ALLOW_PRIVATE_WEBHOOK_TARGETS;
  await t.close();
});

describe('control characters in text (audit F10)', () => {
  it('refuses NUL, BEL, ESC and DEL in every kind of domain text, naming the field, and records nothing', async () => {
    const event = await create(meeting());
    const before = await t.journalSize();
    const post = (body: Record<string, unknown>) => t.call('POST', '/events', { body: meeting(body), key: editorKey });
    expectRefusal(await post({ title: { en: 'Board\u0000meeting' } }), 400, 'title.en', 'invalid_format');
    expectRefusal(await post({ description: { ar: 'جدول\u0007الأعمال' } }), 400, 'description.ar', 'invalid_format');
    expectRefusal(await post({ location: { name: { en: 'Hall\u001b[31m' } } }), 400, 'location.name.en', 'invalid_format');
    expectRefusal(await post({ location: { city: 'Muscat\u007f' } }), 400, 'location.city', 'invalid_format');
    expectRefusal(await post({ organizer: { name: 'O\u0001' } }), 400, 'organizer.name', 'invalid_format');
    expectRefusal(await post({ participants: [{ name: 'Sam\u0000Saleh' }] }), 400, 'participants.0.name', 'invalid_format');
    expectRefusal(await post({ tags: ['ok', 'bad\u0008tag'] }), 400, 'tags.1', 'invalid_format');
    expectRefusal(await t.call('PATCH', `/events/${event.id}`, { body: { title: { en: 'x\u0000y' } }, key: editorKey }), 400, 'title.en', 'invalid_format');
    expectRefusal(await t.call('POST', `/events/${event.id}/cancel`, { body: { reason: 'rain\u0000' }, key: editorKey }), 400, 'reason', 'invalid_format');
    expectRefusal(await t.call('POST', `/events/${event.id}/participants`, { body: { name: 'P\u001f' }, key: editorKey }), 400, 'name', 'invalid_format');
    expectRefusal(await t.call('PUT', '/calendars/rules', { body: { name: { en: 'Rules\u0000' }, defaultLanguage: 'en', timeZone: 'Asia/Kuwait' } }), 400, 'name.en', 'invalid_format');
    expectRefusal(await t.call('POST', '/webhooks', { body: { url: 'http://127.0.0.1:9/hook', types: ['*'], description: 'd\u0000' }, key: editorKey }), 400, 'description', 'invalid_format');
    expectRefusal(await t.call('POST', '/keys', { body: { name: 'k\u0000', role: 'partner' } }), 400, 'name', 'invalid_format');
    expect(await t.journalSize()).toBe(before);
  });

  it('keeps tab, line breaks and C1 characters, as the feed writes them: the API and the feed say the same', async () => {
    const text = 'line one\r\nline\ttwo\u0085three \u0080';
    const event = await create(meeting({ description: { en: text } }));
    expect(event.description).toEqual({ en: text });
    const ics = (await t.call('GET', `/events/${event.id}.ics`, { key: null })).text.replace(/\r\n /g, '');
    expect(ics).toContain(':line one\\nline\ttwo\\nthree \u0080\r\n');
  });

  it('property: any text with a forbidden control character inside is refused by name; without one it is kept as sent', async () => {
    const forbidden = fc.constantFrom(...[...Array(32).keys()].filter((c) => c !== 9 && c !== 10 && c !== 13).map((c) => String.fromCharCode(c)), '\u007f');
    // biome-ignore lint/suspicious/noControlCharactersInRegex: the characters the API refuses
    const allowed = fc.string({ maxLength: 40, unit: 'grapheme' }).filter((text) => !/[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]/.test(text));
    const before = await t.journalSize();
    await fc.assert(
      fc.asyncProperty(allowed, forbidden, allowed, async (left, control, right) => {
        expectRefusal(await t.call('POST', '/events', { body: meeting({ title: { en: `a${left}${control}${right}b` } }), key: editorKey }), 400, 'title.en', 'invalid_format');
      }),
      { numRuns: 25 },
    );
    expect(await t.journalSize()).toBe(before);
    await fc.assert(
      fc.asyncProperty(allowed, async (middle) => {
        const title = `a${middle}b`;
        expect((await create(meeting({ title: { en: title } }))).title).toEqual({ en: title });
      }),
      { numRuns: 15 },
    );
  });
});

describe('a series whose UNTIL is before its start (audit F12)', () => {
  it('is refused on create as a rule that would never occur, like a BYMONTHDAY no month has', async () => {
    const before = await t.journalSize();
    const reply = await t.call('POST', '/events', { body: series('FREQ=DAILY;UNTIL=20200101T000000Z'), key: editorKey });
    expectRefusal(reply, 400, 'schedule.recurrence.rule', 'invalid_value');
    expect(reply.body.errors[0].message).toContain('would never occur');
    const object = await t.call('POST', '/events', { body: meeting({ schedule: { ...meeting().schedule, recurrence: { rule: { freq: 'DAILY', until: '2027-01-05T05:59:59Z' } } } }), key: editorKey });
    expectRefusal(object, 400, 'schedule.recurrence.rule.until', 'invalid_value');
    expect(await t.journalSize()).toBe(before);
    // UNTIL at the start itself: the series is its first occurrence alone.
    const single = await create(series('FREQ=DAILY;UNTIL=20270105T060000Z'));
    const listed = (await t.call('GET', '/events?calendar=rules&from=2027-01-01T00:00:00Z&to=2028-01-01T00:00:00Z&limit=200', { key: null })).body.items as { id: string }[];
    expect(listed.filter((item) => item.id === single.id)).toHaveLength(1);
  });

  it('is refused on PATCH (a start moved past UNTIL) and on split, recording nothing', async () => {
    const event = await create(series('FREQ=DAILY;UNTIL=20270110T000000Z'));
    const before = await t.journalSize();
    const moved = await t.call('PATCH', `/events/${event.id}`, { body: { schedule: { start: '2027-02-01T09:00', end: '2027-02-01T10:00' } }, key: editorKey });
    expect(moved.status, JSON.stringify(moved.body)).toBe(400);
    expect(moved.body.errors).toContainEqual({ field: expect.stringMatching(/^schedule\.recurrence\.rule/), code: 'invalid_value', message: expect.stringContaining('would never occur') });
    const split = await t.call('POST', `/events/${event.id}/occurrences/2027-01-07T09:00/split`, { body: { schedule: { recurrence: { rule: 'FREQ=DAILY;UNTIL=20270101T000000Z' } } }, key: editorKey });
    expectRefusal(split, 400, 'schedule.recurrence.rule', 'invalid_value');
    expect(await t.journalSize()).toBe(before);
  });
});

describe("a subscription whose owner's key was revoked (audit F13)", () => {
  async function revokedSubscription(disableFirst: boolean): Promise<string> {
    const partner = (await t.call('POST', '/keys', { body: { name: 'partner', role: 'partner' } })).body as { id: string; key: string };
    const hook = (await t.call('POST', '/webhooks', { body: { url: 'http://127.0.0.1:9/hook', types: ['event.created'] }, key: partner.key })).body as { id: string };
    if (disableFirst) expect((await t.call('PATCH', `/webhooks/${hook.id}`, { body: { disabled: true }, key: partner.key })).status).toBe(200);
    expect((await t.call('DELETE', `/keys/${partner.id}`)).status).toBe(204);
    return hook.id;
  }

  it('cannot be enabled again: 409 naming disabled and saying why, and nothing recorded', async () => {
    for (const disableFirst of [false, true]) {
      const id = await revokedSubscription(disableFirst);
      const before = await t.journalSize();
      const reply = await t.call('PATCH', `/webhooks/${id}`, { body: { disabled: false, description: 'again' } });
      expectRefusal(reply, 409, 'disabled', 'conflict');
      expect(reply.body.errors[0].message).toContain('revoked');
      expect(await t.journalSize()).toBe(before);
      expect((await t.call('GET', `/webhooks/${id}`)).body).toMatchObject({ disabled: true });
      expect((await t.call('GET', `/webhooks/${id}`)).body.description).toBeUndefined();
    }
  });

  it('a subscription whose owner stands is enabled again as before', async () => {
    const hook = (await t.call('POST', '/webhooks', { body: { url: 'http://127.0.0.1:9/hook', types: ['event.created'] }, key: editorKey })).body as { id: string };
    expect((await t.call('PATCH', `/webhooks/${hook.id}`, { body: { disabled: true }, key: editorKey })).status).toBe(200);
    const enabled = await t.call('PATCH', `/webhooks/${hook.id}`, { body: { disabled: false }, key: editorKey });
    expect(enabled.status).toBe(200);
    expect(enabled.body.disabled).toBe(false);
  });
});

describe('the importer applies the same rules (audit F10, F12)', () => {
  const vevent = (uid: string, lines: string[]) => ['BEGIN:VEVENT', `UID:${uid}`, 'DTSTAMP:20261101T000000Z', 'DTSTART;TZID=Asia/Kuwait:20270105T090000', 'DTEND;TZID=Asia/Kuwait:20270105T100000', ...lines, 'END:VEVENT'];
  const file = (...events: string[][]) => ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//Elsewhere//EN', ...events.flat(), 'END:VCALENDAR', ''].join('\r\n');

  it('skips a VEVENT whose text holds a control character, or whose UNTIL is before its DTSTART, with the code and field the API gives', async () => {
    const body = file(
      vevent('good@elsewhere', ['SUMMARY:Good']),
      vevent('bel@elsewhere', ['SUMMARY:Bell\u0007ringing']),
      vevent('esc@elsewhere', ['SUMMARY:Escaped', 'DESCRIPTION:colour \u001b[31mred']),
      vevent('until@elsewhere', ['SUMMARY:Never', 'RRULE:FREQ=DAILY;UNTIL=20200101T000000Z']),
    );
    const reply = await t.call('POST', '/calendars/rules/import', { rawBody: body, headers: { 'content-type': 'text/calendar; charset=utf-8' } });
    expect(reply.status, JSON.stringify(reply.body)).toBe(200);
    expect(reply.body.created.map((item: { uid: string }) => item.uid)).toEqual(['good@elsewhere']);
    const skipped = reply.body.skipped.map((item: { uid: string; code: string; field?: string }) => [item.uid, item.code, item.field ?? null]).sort();
    expect(skipped).toEqual([
      ['bel@elsewhere', 'invalid_format', 'title.en'],
      ['esc@elsewhere', 'invalid_format', 'description.en'],
      ['until@elsewhere', 'invalid_value', null],
    ]);
    expect(reply.body.skipped.find((item: { uid: string }) => item.uid === 'until@elsewhere').message).toContain('would never occur');
  });
});

describe('request edges (audit F15)', () => {
  it('answers a path that is not percent-encoded UTF-8, and one no route takes, with problem+json naming the path', async () => {
    expectRefusal(await t.call('GET', '/events/%00%ff'), 400, 'path', 'invalid_format');
    expectRefusal(await t.call('GET', '/nowhere'), 404, 'path', 'not_found');
    const wrongMethod = await t.call('PUT', '/events');
    expectRefusal(wrongMethod, 405, 'method', 'unsupported');
    expect(wrongMethod.headers.get('allow')).toContain('GET');
    // Percent-encoded UTF-8 still reaches the function, decoded.
    expectRefusal(await t.call('GET', '/events/%D9%85%D9%88%D8%B9%D8%AF'), 404, 'path.id', 'not_found');
  });

  it('refuses a body declared in any charset but UTF-8 with 415 naming the header, and records nothing', async () => {
    const before = await t.journalSize();
    for (const charset of ['latin1', 'iso-8859-6', '"windows-1256"', 'nonsense']) {
      expectRefusal(await t.call('POST', '/events', { body: meeting(), key: editorKey, headers: { 'content-type': `application/json; charset=${charset}` } }), 415, 'header.content-type', 'unsupported_media_type');
    }
    const ics = ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//Elsewhere//EN', 'END:VCALENDAR', ''].join('\r\n');
    expectRefusal(await t.call('POST', '/calendars/rules/import', { rawBody: ics, headers: { 'content-type': 'text/calendar; charset=iso-8859-1' } }), 415, 'header.content-type', 'unsupported_media_type');
    expect(await t.journalSize()).toBe(before);
    for (const charset of ['utf-8', 'UTF-8', '"utf-8"', 'utf8']) {
      expect((await t.call('POST', '/events', { body: meeting(), key: editorKey, headers: { 'content-type': `application/json; charset=${charset}` } })).status).toBe(201);
    }
  });
});
