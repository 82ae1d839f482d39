/** iCalendar feeds over real HTTP, read back by two independent parsers and an RFC 5545 lint. */
import ICAL from 'ical.js';
import nodeIcal from 'node-ical';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lintICalendar, unfold } from '../helpers/ical-lint.ts';
import { startTestRuntime } from '../helpers/runtime.ts';

let t: Awaited<ReturnType<typeof startTestRuntime>>;
const ids: Record<string, string> = {};

const calendar = {
  name: { ar: 'منظمة المدن العربية', en: 'Arab Towns Organization' },
  description: { ar: 'فعاليات المنظمة', en: 'Events of the organization' },
  defaultLanguage: 'ar',
  timeZone: 'Asia/Kuwait',
};
const nine = (day: string, timeZone: string) => ({ type: 'timed', start: `${day}T09:00`, end: `${day}T10:00`, timeZone });
const hostileTitle = 'Line one\r\nline two\nthree\rfour\u2028five; six, seven \\ eight: BEGIN:VEVENT 😀 中文 عربي';

const fixtures: Record<string, Record<string, unknown>> = {
  muscat: {
    title: { ar: 'المنتدى في مسقط', en: 'Forum in Muscat', zh: '马斯喀特论坛' },
    schedule: nine('2026-07-14', 'Asia/Muscat'),
    tags: ['forum'],
    organizer: { name: 'Dhofar Municipality', email: 'office@dhofar.example' },
    location: { name: { ar: 'ظفار', en: 'Dhofar' }, country: 'OM' },
  },
  kuwait: { title: { ar: 'اجتماع في الكويت' }, schedule: nine('2026-07-15', 'Asia/Kuwait'), tags: ['board'] },
  shanghai: { title: { en: 'Meeting in Beijing', zh: '北京会议' }, schedule: nine('2026-07-16', 'Asia/Shanghai') },
  allDay: { title: { en: 'Three days' }, schedule: { type: 'allDay', startDate: '2026-07-20', endDate: '2026-07-22' } },
  month: { title: { ar: 'المنتدى العربي–الصيني للمدن', en: 'Arab–Chinese Cities Forum' }, schedule: { type: 'month', month: '2026-07', timeZone: 'Asia/Muscat' } },
  hostile: { title: { en: hostileTitle }, schedule: nine('2026-07-17', 'Asia/Muscat') },
  private: { title: { en: 'Closed session' }, schedule: nine('2026-07-18', 'Asia/Kuwait'), visibility: 'private' },
};
const expectedStartUtc: Record<string, string> = {
  muscat: '2026-07-14T05:00:00.000Z',
  kuwait: '2026-07-15T06:00:00.000Z',
  shanghai: '2026-07-16T01:00:00.000Z',
  allDay: '2026-07-20',
  month: '2026-07-01',
  hostile: '2026-07-17T05:00:00.000Z',
};

interface ParsedEvent {
  uid: string;
  summary: string;
  start: string;
  sequence: number;
}

function withIcalJs(ics: string): ParsedEvent[] {
  const component = new ICAL.Component(ICAL.parse(ics));
  return component.getAllSubcomponents('vevent').map((vevent) => {
    const event = new ICAL.Event(vevent);
    const start = event.startDate.isDate ? event.startDate.toString() : event.startDate.toJSDate().toISOString();
    return { uid: event.uid, summary: event.summary, start, sequence: event.sequence };
  });
}

function withNodeIcal(ics: string): ParsedEvent[] {
  return Object.values(nodeIcal.sync.parseICS(ics))
    .filter((c) => c?.type === 'VEVENT')
    .map((c) => {
      const event = c as nodeIcal.VEvent;
      const summary = event.summary as unknown as string | { val: string };
      const start = (event.start as Date & { dateOnly?: boolean }).dateOnly ? event.start.toISOString().slice(0, 10) : event.start.toISOString();
      return { uid: event.uid, summary: typeof summary === 'string' ? summary : summary.val, start, sequence: Number(event.sequence) };
    });
}

const byUid = (events: ParsedEvent[]) => Object.fromEntries(events.map((e) => [e.uid, e]));
const uid = (name: string) => `${ids[name]}@taqweem`;
const normalizedBreaks = (text: string) => text.replace(/\r\n|\r|\n|\u2028|\u2029/g, '\n');

/**
 * Feeds are read from views, which trail the journal (on AWS, and in the lagged project): a feed read after a
 * write first waits for the stream records already answered to reach the projector.
 */
const caughtUp = () => t.runtime.pump.drain();

async function feed(query = '', headers: Record<string, string> = {}) {
  await caughtUp();
  const reply = await t.call('GET', `/feeds/ato.ics${query}`, { key: null, headers });
  if (reply.status === 200) expect(lintICalendar(reply.text)).toEqual([]);
  return reply;
}

beforeAll(async () => {
  t = await startTestRuntime();
  await t.call('PUT', '/calendars/ato', { body: calendar });
  await t.call('PUT', '/calendars/empty', { body: { ...calendar, name: { en: 'Empty "calendar"\r\nX-EVIL:1;,\\' } } });
  for (const [name, fixture] of Object.entries(fixtures)) {
    const reply = await t.call('POST', '/events', { body: { calendar: 'ato', ...fixture } });
    expect(reply.status).toBe(201);
    ids[name] = reply.body.id;
  }
  await t.call('POST', `/events/${ids.kuwait}/participants`, { body: { name: 'Lin Songtian', email: 'lin@cpaffc.example', role: 'chair', status: 'accepted' } });
  await caughtUp();
});
afterAll(() => t.close());

describe('a public feed', () => {
  it('reads the same in ical.js and node-ical: every public event, its title and its instant', async () => {
    const reply = await feed('?lang=en');
    expect(reply.headers.get('content-type')).toBe('text/calendar; charset=utf-8');
    for (const parsed of [withIcalJs(reply.text), withNodeIcal(reply.text)]) {
      const events = byUid(parsed);
      expect(Object.keys(events).sort()).toEqual(Object.keys(expectedStartUtc).map(uid).sort());
      for (const [name, start] of Object.entries(expectedStartUtc)) expect(events[uid(name)]!.start).toBe(start);
      expect(events[uid('muscat')]!.summary).toBe('Forum in Muscat');
      expect(events[uid('hostile')]!.summary).toBe(normalizedBreaks(hostileTitle));
    }
  });

  it('writes wall times with their zone, one VTIMEZONE per zone with its IANA name, and nothing floating', async () => {
    const lines = unfold((await feed()).text);
    expect(lines).toContain('DTSTART;TZID=Asia/Muscat:20260714T090000');
    expect(lines).toContain('DTSTART;TZID=Asia/Kuwait:20260715T090000');
    expect(lines).toContain('DTSTART;TZID=Asia/Shanghai:20260716T090000');
    expect(lines.filter((l) => l.startsWith('TZID:')).sort()).toEqual(['TZID:Asia/Kuwait', 'TZID:Asia/Muscat', 'TZID:Asia/Shanghai']);
  });

  it('writes all-day and month-only events as dates, the month tentative, transparent and marked', async () => {
    const text = (await feed('?lang=en')).text;
    const month = unfold(text.slice(text.indexOf(`UID:${uid('month')}`)));
    expect(month).toEqual(
      expect.arrayContaining(['DTSTART;VALUE=DATE:20260701', 'DTEND;VALUE=DATE:20260801', 'STATUS:TENTATIVE', 'TRANSP:TRANSPARENT', 'SUMMARY;LANGUAGE=en:Arab–Chinese Cities Forum (date to be confirmed)']),
    );
    const allDay = unfold(text.slice(text.indexOf(`UID:${uid('allDay')}`)));
    expect(allDay).toEqual(expect.arrayContaining(['DTSTART;VALUE=DATE:20260720', 'DTEND;VALUE=DATE:20260723']));
    const muscat = unfold(text.slice(text.indexOf(`UID:${uid('muscat')}`)));
    expect(muscat).toEqual(expect.arrayContaining(['CATEGORIES:other,forum', 'CLASS:PUBLIC', 'STATUS:CONFIRMED', 'SEQUENCE:0', 'LOCATION;LANGUAGE=en:Dhofar\\, Oman']));
  });

  it('speaks one language, says which, and falls back rather than leave a title empty', async () => {
    const arabic = byUid(withIcalJs((await feed()).text));
    expect(arabic[uid('muscat')]!.summary).toBe('المنتدى في مسقط');
    expect(arabic[uid('month')]!.summary).toBe('المنتدى العربي–الصيني للمدن (التاريخ يُحدَّد لاحقاً)');
    expect(arabic[uid('shanghai')]!.summary).toBe('Meeting in Beijing');
    const chinese = await feed('?lang=zh');
    expect(byUid(withNodeIcal(chinese.text))[uid('shanghai')]!.summary).toBe('北京会议');
    expect(unfold(chinese.text)).toContain('SUMMARY;LANGUAGE=ar:اجتماع في الكويت');
    expect(unfold(chinese.text)).toContain('NAME;LANGUAGE=ar:منظمة المدن العربية');
  });

  it('puts calendar properties first, refreshes hourly and has no METHOD', async () => {
    const lines = unfold((await feed('?lang=en')).text);
    expect(lines.slice(0, 10)).toEqual([
      'BEGIN:VCALENDAR',
      'VERSION:2.0',
      'PRODID:-//Taqweem//Taqweem Feeds 1.0//EN',
      'CALSCALE:GREGORIAN',
      'NAME;LANGUAGE=en:Arab Towns Organization',
      'X-WR-CALNAME:Arab Towns Organization',
      'DESCRIPTION;LANGUAGE=en:Events of the organization',
      'X-WR-CALDESC:Events of the organization',
      'X-WR-TIMEZONE:Asia/Kuwait',
      'REFRESH-INTERVAL;VALUE=DURATION:PT1H',
    ]);
    expect(lines).toContain('X-PUBLISHED-TTL:PT1H');
  });

  it('leaves out private events, attendees and e-mail addresses', async () => {
    const text = (await feed()).text;
    expect(text).not.toContain(ids.private);
    expect(text).not.toContain('ATTENDEE');
    expect(text).not.toContain('@dhofar.example');
    expect(unfold(text)).toContain('ORGANIZER;CN=Dhofar Municipality:invalid:nomail');
  });

  it('filters by tag and leaves tentative events out on request', async () => {
    const tagged = withIcalJs((await feed('?tag=forum&tag=board')).text).map((e) => e.uid);
    expect(tagged.sort()).toEqual([uid('muscat'), uid('kuwait')].sort());
    const firm = withIcalJs((await feed('?tentative=exclude')).text).map((e) => e.uid);
    expect(firm).not.toContain(uid('month'));
    expect(firm).toContain(uid('muscat'));
  });

  it('folds long lines without splitting a character, and round-trips Arabic, Chinese and emoji exactly', async () => {
    const title = `${'مدينة '.repeat(20)}城市${'😀'.repeat(30)}`;
    const { body } = await t.call('POST', '/events', { body: { calendar: 'empty', title: { en: title }, schedule: nine('2026-08-01', 'Asia/Muscat') } });
    await caughtUp();
    const reply = await t.call('GET', '/feeds/empty.ics', { key: null });
    expect(lintICalendar(reply.text)).toEqual([]);
    expect(byUid(withIcalJs(reply.text))[`${body.id}@taqweem`]!.summary).toBe(title);
    expect(byUid(withNodeIcal(reply.text))[`${body.id}@taqweem`]!.summary).toBe(title);
    await t.call('POST', `/events/${body.id}/cancel`, { body: {} });
    await caughtUp();
  });

  it('keeps a hostile calendar name from injecting a property', async () => {
    process.env.FEED_CANCELLED_RETENTION_DAYS = '0';
    try {
      const reply = await t.call('GET', '/feeds/empty.ics?lang=en', { key: null });
      expect(lintICalendar(reply.text)).toEqual([]);
      const line = unfold(reply.text).find((l) => l.startsWith('X-WR-CALNAME:'))!;
      const unescaped = line.slice('X-WR-CALNAME:'.length).replace(/\\([\\;,nN])/g, (_, c: string) => (c.toLowerCase() === 'n' ? '\n' : c));
      expect(unescaped).toBe('Empty "calendar"\nX-EVIL:1;,\\');
      expect(unfold(reply.text).some((line) => line.startsWith('X-EVIL'))).toBe(false);
      expect(withIcalJs(reply.text)).toEqual([]);
    } finally {
      delete process.env.FEED_CANCELLED_RETENTION_DAYS;
    }
  });
});

describe('feed HTTP', () => {
  it('renders unchanged data to the same bytes and ETag, and answers If-None-Match with an empty 304', async () => {
    const first = await feed();
    const second = await feed();
    expect(second.text).toBe(first.text);
    const etag = first.headers.get('etag')!;
    expect(etag).toMatch(/^"[A-Za-z0-9_-]+"$/);
    expect(second.headers.get('etag')).toBe(etag);
    expect(first.headers.get('cache-control')).toBe('public, max-age=300');
    expect(new Date(first.headers.get('last-modified')!).getTime()).toBeGreaterThan(0);
    const cached = await feed('', { 'if-none-match': etag });
    expect(cached.status).toBe(304);
    expect(cached.text).toBe('');
    expect(cached.headers.get('etag')).toBe(etag);
  });

  it('answers HEAD with the headers alone', async () => {
    const head = await t.call('HEAD', '/feeds/ato.ics', { key: null });
    expect(head.status).toBe(200);
    expect(head.text).toBe('');
    expect(head.headers.get('etag')).toBe((await feed()).headers.get('etag'));
  });

  it('raises SEQUENCE with every reschedule and cancellation, and keeps cancelled events, until their time is up', async () => {
    const { body } = await t.call('POST', '/events', { body: { calendar: 'ato', title: { en: 'Moving' }, schedule: nine('2026-09-01', 'Asia/Kuwait') } });
    const sequence = async () => byUid(withIcalJs((await feed()).text))[`${body.id}@taqweem`]?.sequence;
    const before = (await feed()).headers.get('etag');
    expect(await sequence()).toBe(0);
    await t.call('PATCH', `/events/${body.id}`, { body: { title: { en: 'Moving, renamed' } } });
    expect(await sequence()).toBe(0);
    await t.call('PATCH', `/events/${body.id}`, { body: { schedule: { start: '2026-09-02T09:00', end: '2026-09-02T10:00' } } });
    expect(await sequence()).toBe(1);
    await t.call('POST', `/events/${body.id}/cancel`, { body: {} });
    expect(await sequence()).toBe(2);
    expect((await feed()).headers.get('etag')).not.toBe(before);
    expect(unfold((await feed()).text)).toEqual(expect.arrayContaining(['STATUS:CANCELLED']));
    process.env.FEED_CANCELLED_RETENTION_DAYS = '0';
    try {
      expect(await sequence()).toBeUndefined();
    } finally {
      delete process.env.FEED_CANCELLED_RETENTION_DAYS;
    }
  });

  it('is a valid calendar with no events, and a 404 for a calendar that does not exist', async () => {
    await t.call('PUT', '/calendars/quiet', { body: calendar });
    await caughtUp();
    const reply = await t.call('GET', '/feeds/quiet.ics', { key: null });
    expect(reply.status).toBe(200);
    expect(lintICalendar(reply.text)).toEqual([]);
    expect(withIcalJs(reply.text)).toEqual([]);
    expect(withNodeIcal(reply.text)).toEqual([]);
    expect((await t.call('GET', '/feeds/nowhere.ics', { key: null })).status).toBe(404);
    expect((await t.call('GET', '/feeds/ato.json', { key: null })).status).toBe(404);
    expect((await t.call('GET', '/feeds/ato.ics?lang=not_a_tag', { key: null })).body.errors[0].field).toBe('query.lang');
  });

  it('renders one event for an "add to calendar" button', async () => {
    const reply = await t.call('GET', `/events/${ids.muscat}.ics?lang=en`, { key: null });
    expect(reply.status).toBe(200);
    expect(reply.headers.get('content-disposition')).toBe(`attachment; filename="${ids.muscat}.ics"`);
    expect(lintICalendar(reply.text)).toEqual([]);
    expect(withNodeIcal(reply.text)).toEqual([{ uid: uid('muscat'), summary: 'Forum in Muscat', start: '2026-07-14T05:00:00.000Z', sequence: 0 }]);
    expect((await t.call('GET', `/events/${ids.private}.ics`, { key: null })).status).toBe(404);
  });
});

describe('private feeds', () => {
  it('show private events and participants by token, are never listed with their token, and stop at revocation', async () => {
    const created = await t.call('POST', '/calendars/ato/feed-tokens', { body: { label: 'Secretariat' } });
    expect(created.status).toBe(201);
    await caughtUp();
    expect(created.body.url).toBe(`${t.runtime.url}/feeds/ato.ics?token=${created.body.token}`);
    const reply = await t.call('GET', new URL(created.body.url).pathname + new URL(created.body.url).search, { key: null });
    expect(reply.status).toBe(200);
    expect(lintICalendar(reply.text)).toEqual([]);
    expect(reply.headers.get('cache-control')).toBe('private, max-age=300');
    expect(withIcalJs(reply.text).map((e) => e.uid)).toContain(uid('private'));
    expect(unfold(reply.text)).toContain('ATTENDEE;CN=Lin Songtian;ROLE=CHAIR;PARTSTAT=ACCEPTED:mailto:lin@cpaffc.example');
    expect(unfold(reply.text)).toContain('ORGANIZER;CN=Dhofar Municipality:mailto:office@dhofar.example');

    const listed = await t.call('GET', '/calendars/ato/feed-tokens');
    expect(listed.body.items).toEqual([expect.objectContaining({ id: created.body.id, label: 'Secretariat', revoked: false })]);
    expect(listed.text).not.toContain(created.body.token);
    expect((await t.call('GET', '/calendars/ato/feed-tokens', { key: null })).status).toBe(401);

    expect((await t.call('DELETE', `/calendars/ato/feed-tokens/${created.body.id}`)).status).toBe(204);
    await caughtUp();
    expect((await t.call('GET', `/feeds/ato.ics?token=${created.body.token}`, { key: null })).status).toBe(404);
    expect((await t.call('GET', `/feeds/empty.ics?token=${created.body.token}`, { key: null })).status).toBe(404);
    expect((await t.call('GET', '/feeds/ato.ics?token=guess', { key: null })).status).toBe(404);
  });
});

describe('when the store fails', () => {
  it('answers 5xx, never an empty or partial 200', async () => {
    const other = await startTestRuntime();
    await other.call('PUT', '/calendars/ato', { body: calendar });
    await other.runtime.pump.drain();
    const { DeleteTableCommand, DynamoDBClient } = await import('@aws-sdk/client-dynamodb');
    const client = new DynamoDBClient({ endpoint: other.runtime.storeEndpoint, region: 'local', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
    await client.send(new DeleteTableCommand({ TableName: 'taqweem-views' }));
    const reply = await other.call('GET', '/feeds/ato.ics', { key: null });
    expect(reply.status).toBe(500);
    expect(reply.headers.get('content-type')).toBe('application/problem+json');
    expect(reply.text).not.toContain('BEGIN:VCALENDAR');
    client.destroy();
    await other.close();
  });
});
