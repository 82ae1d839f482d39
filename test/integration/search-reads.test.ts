/**
 * A title search costs what it touches: the window's month buckets, at most a read budget per request, however
 * few titles match. Proved by counting what the store answers (as views.test.ts does), never by timing.
 */
import { GetCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Principal } from '#auth/keys';
import { putCalendar } from '#commands/calendars';
import { createEvent } from '#commands/events';
import type { Deps } from '#config/deps';
import { streams } from '#domain/changes';
import { createEventSchema } from '#domain/schemas';
import { INDEX } from '#views/items';
import { rebuildViews } from '#views/rebuild';
import { searchEvents, type SearchFilter } from '#views/search';
import { SEARCH_VERSION } from '#views/search-text';
import { handler as project } from '../../functions/stream/project.ts';
import { commandDeps, startTestStore } from '../helpers/store.ts';

let store: Awaited<ReturnType<typeof startTestStore>>;
let deps: Deps;
const editor: Principal = { kind: 'key', id: 'EDITOR', role: 'editor' };
const reader = () => ({ client: store.client, tables: store.tables, adminKeyHash: async () => 'test-admin-hash' });

/** What the store answered since the last reset: requests, and items it read (evaluated, for a Query). */
const traffic = { requests: 0, itemsRead: 0 };
const resetTraffic = () => Object.assign(traffic, { requests: 0, itemsRead: 0 });

beforeAll(async () => {
  store = await startTestStore();
  deps = commandDeps(store);
  store.client.middlewareStack.add(
    (next) => async (args) => {
      const result = await next(args);
      const output = result.output as { Items?: unknown[]; Item?: unknown; ScannedCount?: number };
      traffic.requests += 1;
      traffic.itemsRead += output.ScannedCount ?? output.Items?.length ?? (output.Item ? 1 : 0);
      return result;
    },
    { step: 'initialize', name: 'countTraffic' },
  );
  for (const id of ['window', 'budget', 'old']) await putCalendar(deps, id, { name: { en: id }, defaultLanguage: 'ar', timeZone: 'Asia/Kuwait' }, editor);
  await projectAll();
});
afterAll(() => store.close());
beforeEach(resetTraffic);

async function projectAll(): Promise<void> {
  const response = await project({ Records: store.records.splice(0) });
  expect(response.batchItemFailures).toEqual([]);
}

async function create(calendar: string, title: Record<string, string>, day: string): Promise<string> {
  const input = createEventSchema().parse({ calendar, title, schedule: { type: 'timed', start: `${day}T09:00`, end: `${day}T10:00`, timeZone: 'Asia/Kuwait' } });
  return (await createEvent(deps, input, editor)).event.id;
}

const search = (filter: Partial<SearchFilter> & Pick<SearchFilter, 'calendar' | 'q'>, budget?: number) => searchEvents(reader(), { includePrivate: true, limit: 50, ...filter }, budget);
const idsOf = (page: { items: Record<string, unknown>[] }) => page.items.map((event) => String(event.id));

describe('a search', () => {
  it("reads only its window's month buckets, however many matching events lie outside it", async () => {
    const march = await create('window', { ar: 'المُنْتَدَى العَرَبِيّ', en: 'Arab Forum' }, '2027-03-10');
    await create('window', { en: 'Budget meeting' }, '2027-03-12');
    for (const month of ['01', '02', '04', '05', '06']) for (const day of ['05', '15']) await create('window', { ar: 'المنتدى', en: `Forum ${month}-${day}` }, `2027-${month}-${day}`);
    await projectAll();
    resetTraffic();

    const page = await search({ calendar: 'window', q: 'المنتدى', from: '2027-03-01T00:00:00.000Z', to: '2027-04-01T00:00:00.000Z' });

    expect(idsOf(page)).toEqual([march]);
    expect(page.nextCursor).toBeNull();
    // The month directory (one GetItem) and one Query of March's bucket, which holds March's two events.
    expect(traffic).toEqual({ requests: 2, itemsRead: 3 });
  });

  it('stops after its read budget with a cursor, however few matched, and goes on from there to a later match', async () => {
    const budget = 5;
    for (let day = 1; day <= 12; day++) await create('budget', { en: `Committee ${day}` }, `2027-06-${String(day).padStart(2, '0')}`);
    const late = await create('budget', { zh: '阿中城市论坛', en: 'Cities forum' }, '2027-06-20');
    await projectAll();

    const found: string[] = [];
    const reads: number[] = [];
    let cursor: string | undefined;
    let requests = 0;
    do {
      resetTraffic();
      const page = await search({ calendar: 'budget', q: '城市论坛', ...(cursor ? { cursor } : {}) }, budget);
      reads.push(traffic.itemsRead);
      found.push(...idsOf(page));
      cursor = page.nextCursor ?? undefined;
      requests += 1;
    } while (cursor && requests < 10);

    expect(found).toEqual([late]);
    expect(cursor).toBeUndefined();
    // 13 items at 5 a request: three requests, the first two with nothing but a cursor; each reads the directory
    // and at most the budget.
    expect(requests).toBe(3);
    expect(Math.max(...reads)).toBeLessThanOrEqual(budget + 1);
  });

  it('matches items written before search text existed from their document', async () => {
    const id = await create('old', { ar: 'مكتبة المدينة' }, '2027-08-01');
    await projectAll();
    // As an item written by a release without search text (or an older SEARCH_VERSION) is stored.
    await store.client.send(new UpdateCommand({ TableName: store.tables.views, Key: { pk: streams.event(id) }, UpdateExpression: 'REMOVE searchText, searchVersion' }));

    expect(idsOf(await search({ calendar: 'old', q: 'مكتبه' }))).toEqual([id]);
    expect(idsOf(await search({ calendar: 'old', q: 'forum' }))).toEqual([]);

    // The rebuild, from the journal alone, writes the folded titles again.
    await rebuildViews({ client: store.client, journal: store.journal, viewsTable: store.tables.views, mode: 'live', segments: 2 });
    const { Item } = await store.client.send(new GetCommand({ TableName: store.tables.views, Key: { pk: streams.event(id) } }));
    expect(Item).toMatchObject({ searchText: 'مكتبه المدينه', searchVersion: SEARCH_VERSION });
  });

  it('keeps the folded titles on the item and in the index it reads', async () => {
    const id = await create('old', { ar: 'إطلاقُ المبادرةِ', en: 'LAUNCH' }, '2027-09-01');
    await projectAll();
    const listed = await store.client.send(
      new QueryCommand({ TableName: store.tables.views, IndexName: INDEX.byCalendarMonth, KeyConditionExpression: 'calendarMonth = :m', ExpressionAttributeValues: { ':m': 'old#2027-09' } }),
    );
    expect(listed.Items?.find((item) => item.pk === streams.event(id))).toMatchObject({ searchText: 'اطلاق المبادره\nlaunch', searchVersion: SEARCH_VERSION });
  });
});
