/**
 * GET /events?calendar=…&q=…: titles in every language an event has, as people type them (with or without Arabic
 * diacritics, any case, part of a Chinese title), paged with cursors; a bad q is a 400 naming query.q.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../helpers/receiver.ts';
import { startTestRuntime } from '../helpers/runtime.ts';

let t: Awaited<ReturnType<typeof startTestRuntime>>;
const ids: Record<string, string> = {};

const titles = {
  forum: { ar: 'المُنْتَدَى العَرَبِيّ الصِّينِيّ لِلْمُدُن', en: 'Arab–Chinese Cities Forum', zh: '阿中城市论坛' },
  library: { ar: 'يوم مكتبة المدينة', en: 'City Library Day' },
  launch: { ar: 'إطلاق مبادرة المياه', en: 'WATER initiative launch' },
  water: { en: 'Water forum', zh: '水资源论坛' },
  secret: { en: 'Closed forum' },
};

beforeAll(async () => {
  t = await startTestRuntime();
  await t.call('PUT', '/calendars/souq', { body: { name: { ar: 'سوق', en: 'Souq' }, defaultLanguage: 'ar', timeZone: 'Asia/Kuwait' } });
  for (const [i, [name, title]] of Object.entries(titles).entries()) {
    const day = `2027-0${1 + i}-10`;
    const body = { calendar: 'souq', title, schedule: { type: 'timed', start: `${day}T09:00`, end: `${day}T10:00`, timeZone: 'Asia/Kuwait' }, ...(name === 'secret' ? { visibility: 'private' } : {}) };
    ids[name] = (await t.call('POST', '/events', { body })).body.id;
  }
  // Views follow the journal asynchronously (at once locally, by stream lag in the lagged project).
  await eventually(async () => ((await t.call('GET', '/events?calendar=souq')).body.items.length === 5 ? true : undefined));
});
afterAll(() => t.close());

async function found(q: string, extra = ''): Promise<string[]> {
  const reply = await t.call('GET', `/events?calendar=souq&q=${encodeURIComponent(q)}${extra}`, { key: null });
  expect(reply.status, reply.text).toBe(200);
  return reply.body.items.map((event: { id: string }) => event.id);
}

describe('title search', () => {
  it('finds Arabic titles typed with or without diacritics, and with alef, ya and ta marbuta variants', async () => {
    expect(await found('المنتدى العربي')).toEqual([ids.forum]);
    expect(await found('المُنْتَدَى')).toEqual([ids.forum]);
    expect(await found('المنتدي الصيني')).toEqual([ids.forum]);
    expect(await found('مكتبه')).toEqual([ids.library]);
    expect(await found('اطلاق')).toEqual([ids.launch]);
    expect(await found('العربـــي')).toEqual([ids.forum]);
  });

  it('finds English titles whatever their case, every word of the query in one title', async () => {
    expect(await found('FORUM')).toEqual([ids.forum, ids.water]);
    expect(await found('water')).toEqual([ids.launch, ids.water]);
    expect(await found('cities forum')).toEqual([ids.forum]);
    expect(await found('arab-chinese')).toEqual([ids.forum]);
    expect(await found('library forum')).toEqual([]);
  });

  it('finds part of a Chinese title', async () => {
    expect(await found('论坛')).toEqual([ids.forum, ids.water]);
    expect(await found('城市')).toEqual([ids.forum]);
    expect(await found('水资源')).toEqual([ids.water]);
  });

  it('keeps private events to keys that see them, and honours the window', async () => {
    expect(await found('closed')).toEqual([]);
    const reply = await t.call('GET', '/events?calendar=souq&q=closed');
    expect(reply.body.items.map((event: { id: string }) => event.id)).toEqual([ids.secret]);
    expect(await found('forum', '&from=2027-02-01T00:00:00Z&to=2027-05-01T00:00:00Z')).toEqual([ids.water]);
  });

  it('pages with a cursor of its own', async () => {
    const first = await t.call('GET', '/events?calendar=souq&q=forum&limit=1', { key: null });
    expect(first.body.items.map((event: { id: string }) => event.id)).toEqual([ids.forum]);
    const second = await t.call('GET', `/events?calendar=souq&q=forum&limit=1&cursor=${encodeURIComponent(first.body.nextCursor)}`, { key: null });
    expect(second.body.items.map((event: { id: string }) => event.id)).toEqual([ids.water]);
    const plain = await t.call('GET', `/events?calendar=souq&cursor=${encodeURIComponent(first.body.nextCursor)}`, { key: null });
    expect(plain.status).toBe(400);
  });

  it('refuses an empty, blank, mark-only or too long q, and q without a calendar, naming the field and a code', async () => {
    const cases: [string, string, string][] = [
      ['/events?calendar=souq&q=', 'query.q', 'empty'],
      ['/events?calendar=souq&q=%20%20', 'query.q', 'empty'],
      [`/events?calendar=souq&q=${encodeURIComponent('ـَ')}`, 'query.q', 'empty'],
      [`/events?calendar=souq&q=${'a'.repeat(101)}`, 'query.q', 'too_long'],
      ['/events?q=forum', 'query.calendar', 'required'],
    ];
    for (const [path, field, code] of cases) {
      const reply = await t.call('GET', path, { key: null });
      expect(reply.status, path).toBe(400);
      expect(reply.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(reply.body.errors, path).toEqual([expect.objectContaining({ field, code })]);
    }
  });
});
