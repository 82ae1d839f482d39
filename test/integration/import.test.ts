/**
 * POST /calendars/{id}/import over real HTTP against dynalite: Google- and Outlook-shaped exports, re-imports
 * keyed on UID, the size and media type refusals, resumable retries under one Idempotency-Key, and a round
 * trip of our own feed into a new calendar.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { handler as importHandler } from '../../functions/api/calendars-import.ts';
import { occurrences } from '../../shared/domain/recurrence.ts';
import { MAX_IMPORT_BYTES } from '../../shared/import/limits.ts';
import { icaljsOccurrences, type Listed } from '../helpers/recurrence-ics.ts';
import { gatewayEvent } from '../helpers/gateway-event.ts';
import { startReceiver } from '../helpers/receiver.ts';
import { startTestRuntime } from '../helpers/runtime.ts';

let t: Awaited<ReturnType<typeof startTestRuntime>>;
beforeAll(async () => {
  process.env.ALLOW_PRIVATE_WEBHOOK_TARGETS = '1';
  t = await startTestRuntime();
});
afterAll(async () => {
  delete process.env.ALLOW_PRIVATE_WEBHOOK_TARGETS;
  await t.close();
});

const fixture = (name: string) => readFileSync(new URL(`../fixtures/import/${name}`, import.meta.url), 'utf8');

async function newCalendar(timeZone = 'Asia/Muscat', defaultLanguage = 'en'): Promise<string> {
  const id = `imp-${randomBytes(4).toString('hex')}`;
  const reply = await t.call('PUT', `/calendars/${id}`, { body: { name: { en: 'Import' }, defaultLanguage, timeZone } });
  expect(reply.status).toBe(201);
  return id;
}

const importInto = (calendar: string, body: string, headers: Record<string, string> = {}) =>
  t.call('POST', `/calendars/${calendar}/import`, { rawBody: body, headers: { 'content-type': 'text/calendar; charset=utf-8', ...headers } });

const uids = (list: { uid: string }[]) => list.map((item) => item.uid).sort();
const eventOf = async (report: { created: { uid: string; eventId: string }[] }, uid: string) => {
  const imported = report.created.find((item) => item.uid === uid);
  expect(imported, `${uid} was created`).toBeDefined();
  return (await t.call('GET', `/events/${imported!.eventId}`)).body;
};

/** The events listed in the calendar, each once (occur #14: a series is listed as its occurrences; its first row stands for it). */
async function listed(calendar: string): Promise<{ id: string }[]> {
  const rows: { id: string }[] = [];
  let cursor: string | null = null;
  do {
    const page: { items: { id: string }[]; nextCursor: string | null } = (
      await t.call('GET', `/events?calendar=${calendar}&from=2020-01-01&to=2030-01-01&limit=200${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, { key: null })
    ).body;
    rows.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  return rows.filter((row, i) => rows.findIndex((other) => other.id === row.id) === i);
}

describe('a Google Calendar export', () => {
  it('tags text without LANGUAGE by its script: English into an Arabic calendar is en, Chinese zh, Arabic ar; a LANGUAGE parameter wins', async () => {
    const calendar = await newCalendar('Asia/Kuwait', 'ar');
    const vevent = (uid: string, ...lines: string[]) => ['BEGIN:VEVENT', `UID:${uid}`, 'DTSTART;VALUE=DATE:20261201', 'DTEND;VALUE=DATE:20261202', ...lines, 'END:VEVENT'];
    const body = [
      'BEGIN:VCALENDAR',
      'VERSION:2.0',
      'PRODID:-//Google Inc//Google Calendar 70.9054//EN',
      ...vevent('lang-en', 'SUMMARY:Partners forum', 'DESCRIPTION:اجتماع الشركاء السنوي', 'LOCATION:Kuwait City'),
      ...vevent('lang-zh', 'SUMMARY:合作伙伴会议', 'DESCRIPTION:With the friendship association'),
      ...vevent('lang-ar', 'SUMMARY:اجتماع اللجنة', 'LOCATION;LANGUAGE=fr:Salle B'),
      'END:VCALENDAR',
      '',
    ].join('\r\n');
    const report = (await importInto(calendar, body)).body;
    expect(report.skipped).toEqual([]);
    expect(await eventOf(report, 'lang-en')).toMatchObject({ title: { en: 'Partners forum' }, description: { ar: 'اجتماع الشركاء السنوي' }, location: { name: { en: 'Kuwait City' } } });
    expect(await eventOf(report, 'lang-zh')).toMatchObject({ title: { zh: '合作伙伴会议' }, description: { en: 'With the friendship association' } });
    expect(await eventOf(report, 'lang-ar')).toMatchObject({ title: { ar: 'اجتماع اللجنة' }, location: { name: { fr: 'Salle B' } } });
    const english = (await t.call('GET', `/feeds/${calendar}.ics?lang=en`, { key: null })).text.replace(/\r\n[ \t]/g, '');
    expect(english).toContain('SUMMARY;LANGUAGE=en:Partners forum');
  });

  it('creates its events: floating times in X-WR-TIMEZONE, UTC times shown in it, VALUE=DATE as all-day, feeds keep the UIDs', async () => {
    const calendar = await newCalendar('Asia/Muscat');
    const reply = await importInto(calendar, fixture('google-calendar.ics'));
    expect(reply.status).toBe(200);
    const report = reply.body;
    expect(report).toMatchObject({ calendar, complete: true, remaining: 0, updated: [], unchanged: [] });
    expect(uids(report.created)).toEqual(['0a1b2c3d4e5f6g7h8i9j@google.com', '7kq0s2v4m1n3p5r7t9v1x3z5b7@google.com', 'floating-1@google.com', 'leap-day@google.com', 'utc-1@google.com']);

    const floating = await eventOf(report, 'floating-1@google.com');
    expect(floating).toMatchObject({
      calendar,
      title: { en: 'Board briefing (floating time)' },
      uid: 'floating-1@google.com',
      schedule: { type: 'timed', start: '2026-08-01T10:00:00', end: '2026-08-01T11:30:00', timeZone: 'Asia/Kuwait' },
    });
    expect(await eventOf(report, 'utc-1@google.com')).toMatchObject({ visibility: 'private', schedule: { start: '2026-09-01T09:00:00', timeZone: 'Asia/Kuwait' } });
    expect(await eventOf(report, '0a1b2c3d4e5f6g7h8i9j@google.com')).toMatchObject({ schedule: { type: 'allDay', startDate: '2026-07-14', endDate: '2026-07-16' }, tags: ['forum', 'annual'], status: 'confirmed' });

    // Each skipped item says why, with a field error code: a rule part the API refuses (BYHOUR) is never dropped silently.
    const skipped = Object.fromEntries(report.skipped.map((s: { uid: string; code: string; component: string }) => [`${s.component} ${s.uid}`, s.code]));
    expect(skipped).toEqual({
      'VTODO todo-1@google.com': 'unsupported',
      'VEVENT twice-daily@google.com': 'unsupported',
      'VEVENT orphan@google.com': 'not_found',
    });

    const feed = (await t.call('GET', `/feeds/${calendar}.ics`, { key: null })).text;
    expect(feed).toContain('UID:floating-1@google.com\r\n');
    expect(feed).toContain('UID:0a1b2c3d4e5f6g7h8i9j@google.com\r\n');
    expect((await listed(calendar)).length).toBe(4); // the private one is not listed without a key
  });
});

describe('an Outlook export', () => {
  it('maps "Arab Standard Time" to Asia/Riyadh through CLDR, keeps attendees and the organizer, and skips what the API would refuse', async () => {
    const calendar = await newCalendar('Asia/Kuwait');
    const reply = await importInto(calendar, fixture('outlook-meetings.ics'));
    expect(reply.status).toBe(200);
    const report = reply.body;
    const review = await eventOf(report, '040000008200E00074C5B7101A82E00800000000A1A2A3A4A5A6A7A8A9B0B1B2B3B4B5B6');
    expect(review).toMatchObject({
      title: { ar: 'مراجعة الميزانية' },
      schedule: { type: 'timed', start: '2026-04-12T10:00:00', end: '2026-04-12T11:30:00', timeZone: 'Asia/Riyadh' },
      // SUMMARY says LANGUAGE=ar; DESCRIPTION and LOCATION say none and are in Latin script: English.
      description: { en: 'Budget review with the partners of the Riyadh office. This description is long enough that Outlook folds it over more than one line of the file.' },
      location: { name: { en: 'Riyadh office' } },
      organizer: { name: 'Saad Al-Harbi', email: 'saad@example.org' },
    });
    expect(review.participants.map((p: { name: string; email: string; role: string; status: string }) => [p.name, p.email, p.role, p.status])).toEqual([
      ['Noura Al-Qahtani', 'noura@example.org', 'required', 'accepted'],
      ['Khalid Al-Otaibi', 'khalid@example.org', 'optional', 'invited'],
    ]);
    expect(await eventOf(report, '040000008200E00074C5B7101A82E00800000000F1F2F3F4F5F6F7F8F9A0A1A2A3A4A5A6')).toMatchObject({
      title: { 'en-US': 'Saudi National Day' },
      schedule: { type: 'allDay', startDate: '2026-09-23', endDate: '2026-09-23' },
    });
    expect(report.skipped.map((s: { uid: string; field?: string; code: string }) => [s.uid.slice(-4), s.code, s.field ?? null])).toEqual([
      ['B9B9', 'end_before_start', null],
      ['C9C9', 'required', 'title'],
    ]);
  });
});

describe('the one write path', () => {
  it('webhooks tell subscribers of imported events as of any other: event.created with the UID', async () => {
    const calendar = await newCalendar('Asia/Kuwait');
    const hook = await startReceiver();
    try {
      expect((await t.call('POST', '/webhooks', { body: { url: hook.url, types: ['event.created'], calendars: [calendar] } })).status).toBe(201);
      const report = (await importInto(calendar, fixture('outlook-meetings.ics'))).body;
      await hook.waitFor(2);
      const messages = hook.received.map((r) => JSON.parse(r.body) as { type: string; data: { event: { id: string; uid: string } } });
      expect(messages.map((m) => m.type)).toEqual(['event.created', 'event.created']);
      expect(messages.map((m) => [m.data.event.uid, m.data.event.id]).sort()).toEqual(report.created.map((c: { uid: string; eventId: string }) => [c.uid, c.eventId]).sort());
    } finally {
      await hook.close();
    }
  });
});

describe('re-importing', () => {
  it('finds each event by UID: the same file is unchanged and records nothing; a changed file updates the same events', async () => {
    const calendar = await newCalendar('Asia/Kuwait');
    const first = (await importInto(calendar, fixture('outlook-meetings.ics'))).body;
    expect(first.created).toHaveLength(2);
    const journal = await t.journalSize();

    const again = (await importInto(calendar, fixture('outlook-meetings.ics'))).body;
    expect(again).toMatchObject({ created: [], updated: [], complete: true });
    expect(again.unchanged).toEqual(expect.arrayContaining(first.created));
    expect(again.unchanged).toHaveLength(2);
    expect(await t.journalSize()).toBe(journal);

    const changed = fixture('outlook-meetings.ics')
      .replace('SUMMARY;LANGUAGE=ar:مراجعة الميزانية', 'SUMMARY;LANGUAGE=ar:مراجعة الميزانية السنوية')
      .replace('ROLE=OPT-PARTICIPANT:mailto:khalid', 'ROLE=OPT-PARTICIPANT;PARTSTAT=DECLINED:mailto:khalid');
    const updated = (await importInto(calendar, changed)).body;
    const review = first.created.find((c: { uid: string }) => c.uid.endsWith('B5B6'));
    expect(updated.updated).toEqual([review]);
    expect(updated.unchanged).toHaveLength(1);
    const event = (await t.call('GET', `/events/${review.eventId}`)).body;
    expect(event.title).toEqual({ ar: 'مراجعة الميزانية السنوية' });
    expect(event.participants.find((p: { name: string }) => p.name === 'Khalid Al-Otaibi').status).toBe('declined');
    const history = (await t.call('GET', `/events/${review.eventId}/history`)).body.items.map((c: { type: string }) => c.type);
    expect(history).toEqual(['event.created', 'participant.invited', 'participant.invited', 'event.updated', 'participant.responded']);
    expect((await listed(calendar)).length).toBe(2);
  });
});

describe('refusals record nothing', () => {
  it('413 over the documented limit, naming the body', async () => {
    const calendar = await newCalendar();
    const journal = await t.journalSize();
    const body = `BEGIN:VCALENDAR\r\nX-PAD:${'x'.repeat(MAX_IMPORT_BYTES)}\r\nEND:VCALENDAR\r\n`;
    const reply = await importInto(calendar, body);
    expect(reply.status).toBe(413);
    expect(reply.headers.get('content-type')).toBe('application/problem+json');
    expect(reply.body.errors).toEqual([{ field: 'body', code: 'too_large', message: `must be at most ${MAX_IMPORT_BYTES} bytes` }]);
    expect(await t.journalSize()).toBe(journal);
  });

  it('415 for a body that is not text/calendar', async () => {
    const calendar = await newCalendar();
    const reply = await importInto(calendar, fixture('outlook-meetings.ics'), { 'content-type': 'application/json' });
    expect(reply.status).toBe(415);
    expect(reply.body.errors).toEqual([{ field: 'header.content-type', code: 'unsupported_media_type', message: 'must be text/calendar' }]);
  });

  it('400 for a body that is not iCalendar, naming the line', async () => {
    const calendar = await newCalendar();
    const journal = await t.journalSize();
    const broken = 'BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nUID:x\r\nDTSTART;TZID=Asia/Kuwait 20260101T000000\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n';
    const reply = await importInto(calendar, broken);
    expect(reply.status).toBe(400);
    expect(reply.body.errors).toEqual([{ field: 'body', code: 'invalid_format', message: expect.stringMatching(/^is not iCalendar: line 5: /) }]);
    expect(await t.journalSize()).toBe(journal);
    expect(await listed(calendar)).toEqual([]);
  });

  it('404 for a calendar that does not exist', async () => {
    const reply = await importInto('no-such-calendar', fixture('outlook-meetings.ics'));
    expect(reply.status).toBe(404);
    expect(reply.body.errors[0]).toMatchObject({ field: 'path.id', code: 'not_found' });
  });
});

/** A file of `count` single events, one a day from 2026-10-01. */
function manyEvents(count: number): string {
  const events = Array.from({ length: count }, (_, i) => {
    const day = String(i + 1).padStart(2, '0');
    const month = 10 + Math.floor(i / 28);
    const date = `2026${month}${String((i % 28) + 1).padStart(2, '0')}`;
    return `BEGIN:VEVENT\r\nUID:many-${day}@example.org\r\nDTSTAMP:20261128T080000Z\r\nDTSTART;TZID=Asia/Muscat:${date}T090000\r\nDTEND;TZID=Asia/Muscat:${date}T100000\r\nSUMMARY:Event ${day}\r\nEND:VEVENT\r\n`;
  });
  return `BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Example//Test//EN\r\n${events.join('')}END:VCALENDAR\r\n`;
}

/** The import function as Lambda calls it, with only `remainingMs` left: the deadline comes before the file ends. */
async function invokeWithLittleTime(calendar: string, body: string, idempotencyKey: string, remainingMs: number): Promise<APIGatewayProxyStructuredResultV2> {
  const now = Date.now();
  const event = gatewayEvent('POST /calendars/{id}/import', `/calendars/${calendar}/import`, {
    headers: { authorization: `Bearer ${t.adminKey}`, 'content-type': 'text/calendar', 'idempotency-key': idempotencyKey },
    params: { id: calendar },
    body,
  });
  const deadline = now + remainingMs;
  const context = { functionName: 'taqweem-test', awsRequestId: 'r', getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()) } as unknown as Context;
  return (await importHandler(event, context)) as APIGatewayProxyStructuredResultV2;
}

describe('Idempotency-Key', () => {
  it('a retry gets the same report and records nothing more; the key with another file is refused', async () => {
    const calendar = await newCalendar('Asia/Kuwait');
    const first = await importInto(calendar, fixture('outlook-meetings.ics'), { 'idempotency-key': `k-${calendar}` });
    const journal = await t.journalSize();
    const retry = await importInto(calendar, fixture('outlook-meetings.ics'), { 'idempotency-key': `k-${calendar}` });
    expect(retry.status).toBe(200);
    expect(retry.headers.get('idempotent-replayed')).toBe('true');
    expect(retry.body).toEqual(first.body);
    expect(await t.journalSize()).toBe(journal);
    const other = await importInto(calendar, fixture('google-calendar.ics'), { 'idempotency-key': `k-${calendar}` });
    expect(other.status).toBe(422);
    expect(other.body.errors[0]).toMatchObject({ field: 'header.idempotency-key', code: 'reused_key' });
  });

  it('an import cut short by its deadline answers 202 with what it did; the retry with its key finishes it and reports the first outcome', async () => {
    const calendar = await newCalendar();
    const body = manyEvents(24);
    const key = `resume-${calendar}`;
    const partial = await invokeWithLittleTime(calendar, body, key, 2100);
    expect(partial.statusCode).toBe(202);
    const cut = JSON.parse(partial.body!);
    expect(cut.complete).toBe(false);
    expect(cut.resume.idempotencyKey).toBe(key);
    expect(cut.created.length).toBeGreaterThan(0);
    expect(cut.remaining).toBe(24 - cut.created.length);

    const finished = await importInto(calendar, body, { 'idempotency-key': key });
    expect(finished.status).toBe(200);
    expect(finished.body).toMatchObject({ complete: true, remaining: 0, updated: [], unchanged: [], skipped: [] });
    expect(finished.body.created).toHaveLength(24);
    expect(finished.body.created).toEqual(expect.arrayContaining(cut.created));
    expect((await listed(calendar)).length).toBe(24);

    const replayed = await importInto(calendar, body, { 'idempotency-key': key });
    expect(replayed.headers.get('idempotent-replayed')).toBe('true');
    expect(replayed.body).toEqual(finished.body);
    // Without the key the same file is a new request: every event is there already.
    const fresh = (await importInto(calendar, body)).body;
    expect(fresh.unchanged).toHaveLength(24);
  }, 60_000);
});

/** A feed's VEVENTs by UID, without the lines that say when our journal recorded them. */
function vevents(feed: string): Map<string, string> {
  const unfolded = feed.replace(/\r\n[ \t]/g, '');
  const blocks = unfolded.split('BEGIN:VEVENT\r\n').slice(1);
  return new Map(
    blocks.map((block) => {
      const lines = block
        .split('END:VEVENT')[0]!
        .split('\r\n')
        .filter((line) => line && !/^(DTSTAMP|CREATED|LAST-MODIFIED|SEQUENCE)[:;]/.test(line));
      return [lines.find((line) => line.startsWith('UID:'))!, lines.join('\n')];
    }),
  );
}

describe('round trip', () => {
  it('our own feed imported into a new calendar gives the same events, with the same UIDs; into its own calendar it changes nothing', async () => {
    const source = await newCalendar('Asia/Muscat');
    const events = [
      {
        title: { en: 'Forum' },
        kind: 'forum',
        tags: ['annual', 'gcc'],
        schedule: { type: 'allDay', startDate: '2026-11-10', endDate: '2026-11-12' },
        location: { name: { en: 'Hall' }, city: 'Muscat', country: 'OM' },
        url: 'https://example.org/forum',
      },
      {
        title: { en: 'Call' },
        kind: 'meeting',
        description: { en: 'Line one\nLine two; with, punctuation' },
        schedule: { type: 'timed', start: '2026-10-05T09:00', end: '2026-10-05T10:30', timeZone: 'Asia/Shanghai' },
        status: 'tentative',
      },
      { title: { en: 'Briefing' }, schedule: { type: 'timed', start: '2026-03-30T09:00', end: '2026-03-30T10:00', timeZone: 'Europe/London' }, organizer: { name: 'Omar' } },
      // Known only to the month: the feed writes all-day months with a "to be confirmed" marker; it comes back a month.
      { title: { ar: 'منتدى المدن العربية' }, kind: 'forum', schedule: { type: 'month', month: '2026-07', timeZone: 'Asia/Muscat' } },
      { title: { zh: '友好协会年会' }, schedule: { type: 'month', month: '2026-12', timeZone: 'Asia/Muscat' }, status: 'tentative' },
      // A location that is only a country: the feed writes the country's name in the feed's language, without LANGUAGE.
      { title: { ar: 'زيارة وفد' }, schedule: { type: 'allDay', startDate: '2026-09-01', endDate: '2026-09-03' }, location: { country: 'CN' } },
    ];
    for (const event of events) expect((await t.call('POST', '/events', { body: { calendar: source, ...event } })).status).toBe(201);
    const cancelled = (await t.call('POST', '/events', { body: { calendar: source, title: { en: 'Dropped' }, schedule: { type: 'allDay', startDate: '2026-12-01', endDate: '2026-12-01' } } })).body;
    await t.call('POST', `/events/${cancelled.id}/cancel`, { body: {} });
    const feed = (await t.call('GET', `/feeds/${source}.ics`, { key: null })).text;

    const target = await newCalendar('Asia/Muscat');
    const report = (await importInto(target, feed)).body;
    expect(report).toMatchObject({ complete: true, skipped: [], updated: [], unchanged: [] });
    expect(report.created).toHaveLength(7);
    const months = ((await listed(target)) as unknown as { schedule: { type: string }; title: Record<string, string> }[]).filter((e) => e.schedule.type === 'month');
    expect(months.map((e) => e.title).sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)))).toEqual([{ ar: 'منتدى المدن العربية' }, { zh: '友好协会年会' }]);
    const copied = (await t.call('GET', `/feeds/${target}.ics`, { key: null })).text;
    const [original, again] = [vevents(feed), vevents(copied)];
    expect([...again.keys()].sort()).toEqual([...original.keys()].sort());
    // A location that is only a country comes back as a location named so (the file's LOCATION is text, so its
    // country is not known), in the language of its script: the same text, now with LANGUAGE.
    const asWritten = (copy: string | undefined, lines: string) => (/^LOCATION:/m.test(lines) ? copy?.replace(/^LOCATION;LANGUAGE=[^:]*:/m, 'LOCATION:') : copy);
    for (const [uid, lines] of original) expect(asWritten(again.get(uid), lines), uid).toBe(lines);

    const journal = await t.journalSize();
    const home = (await importInto(source, feed)).body;
    expect(home.unchanged.map((u: { eventId: string }) => u.eventId).sort()).toEqual([...new Set([...(await listed(source)).map((e) => e.id), cancelled.id])].sort());
    expect(home).toMatchObject({ created: [], updated: [], skipped: [] });
    expect(await t.journalSize()).toBe(journal);
  });
});

/** A Google-shaped export of one weekly series: UNTIL, an EXDATE, one occurrence moved and retitled, one cancelled. */
const weeklySeries = [
  'BEGIN:VCALENDAR',
  'PRODID:-//Google Inc//Google Calendar 70.9054//EN',
  'VERSION:2.0',
  'X-WR-TIMEZONE:America/New_York',
  'BEGIN:VEVENT',
  'DTSTART;TZID=America/New_York:20260302T090000',
  'DTEND;TZID=America/New_York:20260302T100000',
  'RRULE:FREQ=WEEKLY;WKST=SU;UNTIL=20260601T035959Z;BYDAY=MO',
  'EXDATE;TZID=America/New_York:20260316T090000',
  'DTSTAMP:20261128T080000Z',
  'UID:weekly-1@google.com',
  'SEQUENCE:2',
  'STATUS:CONFIRMED',
  'SUMMARY:Coordination call',
  'END:VEVENT',
  'BEGIN:VEVENT',
  'DTSTART;TZID=America/New_York:20260323T110000',
  'DTEND;TZID=America/New_York:20260323T120000',
  'DTSTAMP:20261128T080000Z',
  'UID:weekly-1@google.com',
  'RECURRENCE-ID;TZID=America/New_York:20260323T090000',
  'SEQUENCE:3',
  'STATUS:CONFIRMED',
  'SUMMARY:Coordination call (moved)',
  'END:VEVENT',
  'BEGIN:VEVENT',
  'DTSTART;TZID=America/New_York:20260406T090000',
  'DTEND;TZID=America/New_York:20260406T100000',
  'DTSTAMP:20261128T080000Z',
  'UID:weekly-1@google.com',
  'RECURRENCE-ID;TZID=America/New_York:20260406T090000',
  'SEQUENCE:3',
  'STATUS:CANCELLED',
  'SUMMARY:Coordination call',
  'END:VEVENT',
  'BEGIN:VEVENT',
  'DTSTART;TZID=America/New_York:20260105T080000',
  'DTEND;TZID=America/New_York:20260105T090000',
  'RRULE:FREQ=DAILY;BYHOUR=8,16',
  'DTSTAMP:20261128T080000Z',
  'UID:twice-daily@google.com',
  'SUMMARY:Twice a day',
  'END:VEVENT',
  'END:VCALENDAR',
  '',
].join('\r\n');

/** The occurrences a feed lists (ical.js over the feed's own text), as UTC starts with their recurrence ids. */
function feedOccurrences(feed: string): Listed[] {
  return icaljsOccurrences(feed, Date.parse('2026-01-01T00:00:00Z'), Date.parse('2027-01-01T00:00:00Z'));
}

// Mondays 09:00 New York from 2 March to 25 May (UNTIL is 31 May, 23:59:59 local), less 16 March (EXDATE) and 6 April (cancelled); 23 March at 11:00.
const expectedStarts = [
  '2026-03-02T14:00:00Z',
  '2026-03-09T13:00:00Z',
  '2026-03-23T15:00:00Z',
  '2026-03-30T13:00:00Z',
  '2026-04-13T13:00:00Z',
  '2026-04-20T13:00:00Z',
  '2026-04-27T13:00:00Z',
  '2026-05-04T13:00:00Z',
  '2026-05-11T13:00:00Z',
  '2026-05-18T13:00:00Z',
  '2026-05-25T13:00:00Z',
];

describe('a recurring series', () => {
  it('a Google export imports as one series with its EXDATE and overrides (moved, cancelled); the feed lists the same occurrences; re-import is unchanged', async () => {
    const calendar = await newCalendar('Asia/Muscat');
    const report = (await importInto(calendar, weeklySeries)).body;
    expect(report).toMatchObject({ complete: true, updated: [], unchanged: [] });
    expect(uids(report.created)).toEqual(['weekly-1@google.com']);
    expect(report.skipped).toEqual([expect.objectContaining({ uid: 'twice-daily@google.com', component: 'VEVENT', code: 'unsupported' })]);

    const series = await eventOf(report, 'weekly-1@google.com');
    expect(series).toMatchObject({
      title: { en: 'Coordination call' },
      schedule: {
        type: 'timed',
        start: '2026-03-02T09:00:00',
        timeZone: 'America/New_York',
        recurrence: { rule: expect.objectContaining({ freq: 'WEEKLY', until: '2026-06-01T03:59:59Z' }), exdates: ['2026-03-16T09:00:00'] },
      },
    });
    const overrides = Object.fromEntries((series.overrides as { recurrenceId: string }[]).map((o) => [o.recurrenceId, o]));
    expect(Object.keys(overrides).sort()).toEqual(['2026-03-23T09:00:00', '2026-04-06T09:00:00']);
    expect(overrides['2026-04-06T09:00:00']).toMatchObject({ cancelled: true });
    expect(overrides['2026-03-23T09:00:00']).toMatchObject({ schedule: { start: '2026-03-23T11:00:00', end: '2026-03-23T12:00:00' }, fields: { title: { en: 'Coordination call (moved)' } } });

    const feed = (await t.call('GET', `/feeds/${calendar}.ics`, { key: null })).text;
    expect(feed).toContain('UID:weekly-1@google.com\r\n');
    // Our feed writes the cancelled occurrence as an EXDATE too, so a reader that ignores the override skips it as well.
    expect(feedOccurrences(feed).map((o) => o.start)).toEqual(expectedStarts);
    // The domain's expansion of what GET returned agrees.
    const expanded = occurrences(
      { schedule: series.schedule, recurrence: series.schedule.recurrence, overrides: series.overrides },
      { from: Date.parse('2026-01-01T00:00:00Z'), to: Date.parse('2027-01-01T00:00:00Z') },
    ).filter((o) => !o.cancelled);
    expect(expanded.map((o) => new Date(Date.parse(o.start)).toISOString().replace('.000Z', 'Z'))).toEqual(expectedStarts);

    const journal = await t.journalSize();
    const again = (await importInto(calendar, weeklySeries)).body;
    expect(again).toMatchObject({ created: [], updated: [], unchanged: [{ uid: 'weekly-1@google.com', eventId: series.id }] });
    expect(await t.journalSize()).toBe(journal);
  });

  it('our own feed with a series imported into a new calendar gives the same occurrences; into its own calendar it changes nothing', async () => {
    const source = await newCalendar('Asia/Muscat');
    await importInto(source, weeklySeries);
    const feed = (await t.call('GET', `/feeds/${source}.ics`, { key: null })).text;
    const target = await newCalendar('Asia/Kuwait');
    const report = (await importInto(target, feed)).body;
    expect(report).toMatchObject({ complete: true, skipped: [], updated: [], unchanged: [] });
    expect(uids(report.created)).toEqual(['weekly-1@google.com']);
    const copied = (await t.call('GET', `/feeds/${target}.ics`, { key: null })).text;
    expect(feedOccurrences(copied)).toEqual(feedOccurrences(feed));
    const [original, copy] = [(await t.call('GET', `/events/${(await listed(source))[0]!.id}`)).body, await eventOf(report, 'weekly-1@google.com')];
    expect(copy.schedule).toEqual(original.schedule);
    expect(copy.overrides).toEqual(original.overrides);

    const journal = await t.journalSize();
    const home = (await importInto(source, feed)).body;
    expect(home).toMatchObject({ created: [], updated: [], skipped: [] });
    expect(home.unchanged).toHaveLength(1);
    expect(await t.journalSize()).toBe(journal);
  });
});
