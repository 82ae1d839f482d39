/**
 * Feeds cost what they return (issue #9): a window, an ETag from one read, pre-rendered fragments, and no size
 * limit; with the feed URL edges of issue #12. Over real HTTP on dynalite; store reads counted at the client.
 */
import ICAL from 'ical.js';
import nodeIcal from 'node-ical';
import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deps } from '#config/deps';
import { documentClient, tableNames } from '#config/env';
import { loadFeedBody, loadFeedHead, type FeedQuery } from '#feeds/feed';
import { fragmentOf } from '#feeds/fragments';
import { lintICalendar, unfold } from '../helpers/ical-lint.ts';
import { startTestRuntime } from '../helpers/runtime.ts';

let t: Awaited<ReturnType<typeof startTestRuntime>>;
const calendar = { name: { ar: 'منظمة المدن العربية', en: 'Arab Towns Organization' }, defaultLanguage: 'ar', timeZone: 'Asia/Kuwait' };
const DAY = 86_400_000;
const dayFromNow = (days: number) => new Date(Date.now() + days * DAY).toISOString().slice(0, 10);
const allDay = (endsInDays: number) => ({ type: 'allDay', startDate: dayFromNow(endsInDays - 1), endDate: dayFromNow(endsInDays - 1) });
const uids = (ics: string) =>
  unfold(ics)
    .filter((line) => line.startsWith('UID:'))
    .map((line) => line.slice(4, -'@taqweem'.length))
    .sort();

/** Store requests of the feed path (views and journal tables), counted at the document client every handler shares. */
const sent: string[] = [];
let counting = false;

async function event(calendarId: string, fields: Record<string, unknown>): Promise<string> {
  const reply = await t.call('POST', '/events', { body: { calendar: calendarId, title: { en: 'An event' }, schedule: allDay(30), ...fields } });
  expect(reply.status).toBe(201);
  return reply.body.id as string;
}

async function storeRequests(work: () => Promise<unknown>): Promise<string[]> {
  sent.length = 0;
  counting = true;
  try {
    await work();
  } finally {
    counting = false;
  }
  return [...sent];
}

const ids: Record<string, string> = {};

beforeAll(async () => {
  t = await startTestRuntime({ scheduleIntervalMs: 3_600_000 });
  const { views, journal } = tableNames();
  documentClient().middlewareStack.add(
    (next, context) => async (args) => {
      const input = args.input as { TableName?: string; RequestItems?: Record<string, unknown> };
      const table = input.TableName ?? Object.keys(input.RequestItems ?? {})[0];
      if (counting && (table === views || table === journal)) sent.push(`${context.commandName} ${table}`);
      return next(args);
    },
    { step: 'initialize', name: 'countFeedStoreRequests' },
  );
  await t.call('PUT', '/calendars/window', { body: calendar });
  ids.old = await event('window', { title: { en: 'Ended 400 days ago' }, schedule: allDay(-400) });
  ids.recent = await event('window', { title: { en: 'Ended 100 days ago' }, schedule: allDay(-100) });
  ids.ahead = await event('window', { title: { en: 'Ahead' }, schedule: allDay(30) });
}, 60_000);
afterAll(() => t.close());

describe('the feed window', () => {
  it('shows, by default, what ended within 365 days and everything ahead', async () => {
    const reply = await t.call('GET', '/feeds/window.ics', { key: null });
    expect(reply.status).toBe(200);
    expect(uids(reply.text)).toEqual([ids.recent, ids.ahead].sort());
  });

  it("follows the calendar's feedPastDays (0: all), and the URL's pastDays narrows it, each with its own ETag", async () => {
    const etags = new Set<string>();
    const feed = async (query = '') => {
      const reply = await t.call('GET', `/feeds/window.ics${query}`, { key: null });
      expect(reply.status).toBe(200);
      etags.add(reply.headers.get('etag')!);
      return uids(reply.text);
    };
    expect(await feed()).toEqual([ids.recent, ids.ahead].sort());
    expect((await t.call('PUT', '/calendars/window', { body: { ...calendar, feedPastDays: 30 } })).status).toBe(200);
    expect(await feed()).toEqual([ids.ahead]);
    expect((await t.call('PUT', '/calendars/window', { body: { ...calendar, feedPastDays: 0 } })).status).toBe(200);
    expect(await feed()).toEqual([ids.old, ids.recent, ids.ahead].sort());
    expect(await feed('?pastDays=200')).toEqual([ids.recent, ids.ahead].sort());
    expect(await feed('?pastDays=0')).toEqual([ids.ahead]);
    expect(etags.size).toBe(5);
    expect((await t.call('PUT', '/calendars/window', { body: { ...calendar, feedPastDays: -1 } })).body.errors[0].field).toBe('feedPastDays');
    expect((await t.call('GET', '/feeds/window.ics?pastDays=soon', { key: null })).body.errors[0].field).toBe('query.pastDays');
    await t.call('PUT', '/calendars/window', { body: calendar });
  });

  it('moves at midnight UTC, and the ETag with it', async () => {
    const query: FeedQuery = { calendar: 'window', tags: [], excludeTentative: false, cancelledRetentionDays: 30 };
    const recentEnd = Date.parse(dayFromNow(-99));
    const at = (instant: number) => ({ ...deps(), now: () => new Date(instant) });
    // The last day the event ended within 365 days, and the next.
    const lastDay = at(recentEnd + 365 * DAY - 1);
    const nextDay = at(recentEnd + 366 * DAY + 1);
    const [before, after] = [await loadFeedHead(lastDay, query), await loadFeedHead(nextDay, query)];
    expect(after.etag).not.toBe(before.etag);
    expect(Buffer.concat(await loadFeedBody(lastDay, before)).toString('utf8')).toContain(`UID:${ids.recent}@taqweem`);
    expect(Buffer.concat(await loadFeedBody(nextDay, after)).toString('utf8')).not.toContain(`UID:${ids.recent}@taqweem`);
  });
});

describe('validators in one read', () => {
  it('answer a 304 and a HEAD with one small read of the views, at 3 events as at 60', async () => {
    await t.call('PUT', '/calendars/small', { body: calendar });
    await t.call('PUT', '/calendars/large', { body: calendar });
    for (let i = 0; i < 3; i++) await event('small', { title: { en: `Small ${i}` } });
    for (let i = 0; i < 60; i++) await event('large', { title: { en: `Large ${i}` }, description: { en: 'x'.repeat(500) } });
    const perCalendar: Record<string, { notModified: string[]; head: string[]; full: string[] }> = {};
    for (const name of ['small', 'large']) {
      let etag = '';
      const full = await storeRequests(async () => {
        etag = (await t.call('GET', `/feeds/${name}.ics`, { key: null })).headers.get('etag')!;
      });
      const notModified = await storeRequests(async () => expect((await t.call('GET', `/feeds/${name}.ics`, { key: null, headers: { 'if-none-match': etag } })).status).toBe(304));
      const head = await storeRequests(async () => expect((await t.call('HEAD', `/feeds/${name}.ics`, { key: null })).status).toBe(200));
      perCalendar[name] = { notModified, head, full };
    }
    const views = tableNames().views;
    expect(perCalendar.small!.notModified).toEqual([`GetItemCommand ${views}`]);
    expect(perCalendar.large!.notModified).toEqual([`GetItemCommand ${views}`]);
    expect(perCalendar.large!.head).toEqual([`GetItemCommand ${views}`]);
    // The 200s did read the fragments (so the counter sees the handler's requests).
    expect(perCalendar.large!.full).toContain(`QueryCommand ${views}`);
  }, 120_000);

  it('answer a HEAD nobody has sent a GET for with at most one bounded Query, without a length for a large window', async () => {
    await t.call('PUT', '/calendars/headless', { body: calendar });
    for (let i = 0; i < 12; i++) await event('headless', { title: { en: `Headless ${i}` } });
    process.env.FEED_HEAD_ASSEMBLY_LIMIT = '5';
    try {
      let reply: Awaited<ReturnType<typeof t.call>> | undefined;
      const head = await storeRequests(async () => {
        reply = await t.call('HEAD', '/feeds/headless.ics', { key: null });
      });
      const views = tableNames().views;
      expect(reply!.status).toBe(200);
      expect(reply!.headers.get('etag')).toMatch(/^"/);
      expect(reply!.headers.get('content-length')).toBeNull();
      // The calendar (ETag and body, one read), then one bounded Query.
      expect(head).toEqual([`GetItemCommand ${views}`, `QueryCommand ${views}`]);
      // Within the limit the HEAD states the GET's length, as before.
      process.env.FEED_HEAD_ASSEMBLY_LIMIT = '50';
      const small = await t.call('HEAD', '/feeds/headless.ics?pastDays=1', { key: null });
      expect(Number(small.headers.get('content-length'))).toBe(Buffer.byteLength((await t.call('GET', '/feeds/headless.ics?pastDays=1', { key: null })).text));
    } finally {
      delete process.env.FEED_HEAD_ASSEMBLY_LIMIT;
    }
  }, 60_000);

  it('change the ETag when an event changes, and not otherwise', async () => {
    const etag = async () => (await t.call('HEAD', '/feeds/small.ics', { key: null })).headers.get('etag');
    const before = await etag();
    expect(await etag()).toBe(before);
    const id = await event('small', { title: { en: 'One more' } });
    const added = await etag();
    expect(added).not.toBe(before);
    await t.call('PATCH', `/events/${id}`, { body: { title: { en: 'One more, renamed' } } });
    expect(await etag()).not.toBe(added);
  });
});

describe("the container's feed bodies", () => {
  it('answer a GET of an unchanged feed with the one read its ETag needs and the same bytes; a change reads the fragments again', async () => {
    await t.call('PUT', '/calendars/kept', { body: calendar });
    const id = await event('kept', { title: { en: 'Kept' } });
    await event('kept', { title: { en: 'Also kept' } });
    const views = tableNames().views;
    let first = '';
    const cold = await storeRequests(async () => {
      first = (await t.call('GET', '/feeds/kept.ics', { key: null })).text;
    });
    let second = '';
    const warm = await storeRequests(async () => {
      second = (await t.call('GET', '/feeds/kept.ics', { key: null })).text;
    });
    expect(cold).toContain(`QueryCommand ${views}`);
    expect(warm).toEqual([`GetItemCommand ${views}`]);
    expect(second).toBe(first);
    expect(unfold(first)).toContain('SUMMARY;LANGUAGE=en:Kept');

    await t.call('PATCH', `/events/${id}`, { body: { title: { en: 'Renamed' } } });
    let changed = '';
    const afterChange = await storeRequests(async () => {
      changed = (await t.call('GET', '/feeds/kept.ics', { key: null })).text;
    });
    expect(afterChange).toContain(`QueryCommand ${views}`);
    expect(unfold(changed)).toContain('SUMMARY;LANGUAGE=en:Renamed');
    expect(unfold(changed)).not.toContain('SUMMARY;LANGUAGE=en:Kept');

    process.env.FEED_CACHE_MB = '0';
    try {
      const off = await storeRequests(async () => expect((await t.call('GET', '/feeds/kept.ics', { key: null })).text).toBe(changed));
      expect(off).toContain(`QueryCommand ${views}`);
    } finally {
      delete process.env.FEED_CACHE_MB;
    }
  });
});

describe('pre-rendered fragments', () => {
  it('follow a change of the default language without being rendered again', async () => {
    await t.call('PUT', '/calendars/langs', { body: { ...calendar, defaultLanguage: 'zh' } });
    await event('langs', { title: { en: 'Meeting in Beijing', zh: '北京会议' } });
    expect(unfold((await t.call('GET', '/feeds/langs.ics', { key: null })).text)).toContain('SUMMARY;LANGUAGE=zh:北京会议');
    await t.call('PUT', '/calendars/langs', { body: { ...calendar, defaultLanguage: 'en' } });
    expect(unfold((await t.call('GET', '/feeds/langs.ics', { key: null })).text)).toContain('SUMMARY;LANGUAGE=en:Meeting in Beijing');
  });

  it('rendered by an older RENDERING_VERSION are rendered again from their event: the bytes do not change', async () => {
    const before = (await t.call('GET', '/feeds/window.ics?lang=en', { key: null })).text;
    const { Item: item } = await documentClient().send(new GetCommand({ TableName: tableNames().views, Key: { pk: `event#${ids.ahead}` } }));
    const old = JSON.stringify({ ...fragmentOf(item!)!, r: 1 });
    await documentClient().send(new UpdateCommand({ TableName: tableNames().views, Key: { pk: `event#${ids.ahead}` }, UpdateExpression: 'SET feed = :old', ExpressionAttributeValues: { ':old': old } }));
    // As a deploy with a new RENDERING_VERSION would, a new ETag: bodies kept under the old one are not reused.
    await documentClient().send(new UpdateCommand({ TableName: tableNames().views, Key: { pk: 'calendar#window' }, UpdateExpression: 'SET feedRevision = :new', ExpressionAttributeValues: { ':new': 'after-deploy' } }));
    const after = await storeRequests(async () => expect((await t.call('GET', '/feeds/window.ics?lang=en', { key: null })).text).toBe(before));
    expect(after).toContain(`BatchGetItemCommand ${tableNames().views}`);
  });
});

describe('feed URLs (issue #12)', () => {
  it('ignore parameters they do not know', async () => {
    const plain = await t.call('GET', '/feeds/window.ics?lang=en', { key: null });
    const decorated = await t.call('GET', '/feeds/window.ics?lang=en&utm_source=newsletter&fbclid=abc&x-apple-token=1', { key: null });
    expect(decorated.status).toBe(200);
    expect(decorated.text).toBe(plain.text);
  });

  it('answer HEAD with the Content-Length of the GET, whether or not a GET came first', async () => {
    for (const query of ['?tag=unseen', '?lang=zh']) {
      const head = await t.call('HEAD', `/feeds/small.ics${query}`, { key: null });
      const get = await t.call('GET', `/feeds/small.ics${query}`, { key: null });
      const again = await t.call('HEAD', `/feeds/small.ics${query}`, { key: null });
      expect(head.text).toBe('');
      expect(Number(head.headers.get('content-length'))).toBe(Buffer.byteLength(get.text));
      expect(again.headers.get('content-length')).toBe(head.headers.get('content-length'));
    }
  });

  it("carry the calendar's own zone's VTIMEZONE when they have no events", async () => {
    await t.call('PUT', '/calendars/nothing', { body: { ...calendar, timeZone: 'Asia/Muscat' } });
    const reply = await t.call('GET', '/feeds/nothing.ics', { key: null });
    expect(lintICalendar(reply.text)).toEqual([]);
    expect(unfold(reply.text).filter((line) => line.startsWith('TZID:'))).toEqual(['TZID:Asia/Muscat']);
    expect(new ICAL.Component(ICAL.parse(reply.text)).getAllSubcomponents('vtimezone')).toHaveLength(1);
  });

  it('cover only the years their events use in each zone', async () => {
    await t.call('PUT', '/calendars/years', { body: { ...calendar, timeZone: 'Europe/Berlin' } });
    for (const year of [2027, 2031]) await event('years', { schedule: { type: 'timed', start: `${year}-06-01T09:00`, end: `${year}-06-01T10:00`, timeZone: 'Europe/Berlin' } });
    const starts = unfold((await t.call('GET', '/feeds/years.ics', { key: null })).text).filter((line) => /^DTSTART:\d{8}T/.test(line));
    expect(new Set(starts.map((line) => line.slice(8, 12)))).toEqual(new Set(['2027', '2031']));
  });
});

describe('a feed larger than 6 MB', () => {
  it('is answered completely, and both parsers read every event', async () => {
    await t.call('PUT', '/calendars/big', { body: calendar });
    // 10,000 characters of four UTF-8 bytes each (CJK Extension B): about 40 KB per event.
    const description = Array.from({ length: 10_000 }, (_, i) => String.fromCodePoint(0x20000 + ((i * 37) % 5000))).join('');
    const count = 160;
    for (let i = 0; i < count; i += 8) {
      await Promise.all(Array.from({ length: 8 }, (_, j) => event('big', { title: { zh: `活动 ${i + j}`, en: `Event ${i + j}` }, description: { zh: description }, schedule: allDay(10 + ((i + j) % 200)) })));
    }
    const reply = await t.call('GET', '/feeds/big.ics', { key: null });
    expect(reply.status).toBe(200);
    expect(Buffer.byteLength(reply.text)).toBeGreaterThan(6 * 1024 * 1024);
    expect(reply.text.endsWith('END:VCALENDAR\r\n')).toBe(true);
    expect(new ICAL.Component(ICAL.parse(reply.text)).getAllSubcomponents('vevent')).toHaveLength(count);
    expect(Object.values(nodeIcal.sync.parseICS(reply.text)).filter((c) => c?.type === 'VEVENT')).toHaveLength(count);
  }, 180_000);
});
