/**
 * Views cost what they touch: a month list reads its month's bucket, a projection reads no journal, a command
 * reads the view and the journal after it. Proved by counting what the store answers, never by timing.
 */
import { DeleteCommand, QueryCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Principal } from '#auth/keys';
import { putCalendar } from '#commands/calendars';
import { changeEvent, createEvent } from '#commands/events';
import type { Deps } from '#config/deps';
import { streams } from '#domain/changes';
import { DomainError } from '#domain/errors';
import { createEventSchema } from '#domain/schemas';
import { listEntities, listEvents } from '#views/queries';
import { handler as project } from '../../functions/stream/project.ts';
import { commandDeps, startTestStore } from '../helpers/store.ts';
import { startTestRuntime } from '../helpers/runtime.ts';

let store: Awaited<ReturnType<typeof startTestStore>>;
let deps: Deps;
const editor: Principal = { kind: 'key', id: 'EDITOR', role: 'editor' };
const reader = () => ({ client: store.client, tables: store.tables, adminKeyHash: async () => 'test-admin-hash' });

/** What the store answered since the last reset: requests by command and table, and items it read. */
const traffic = { requests: [] as { command: string; table: string }[], itemsRead: 0, journalItemsRead: 0 };
function resetTraffic(): void {
  traffic.requests = [];
  traffic.itemsRead = 0;
  traffic.journalItemsRead = 0;
}

beforeAll(async () => {
  store = await startTestStore();
  deps = commandDeps(store);
  store.client.middlewareStack.add(
    (next, context) => async (args) => {
      const result = await next(args);
      const input = args.input as { TableName?: string };
      const output = result.output as { Items?: unknown[]; Item?: unknown; ScannedCount?: number };
      const read = output.ScannedCount ?? output.Items?.length ?? (output.Item ? 1 : 0);
      traffic.requests.push({ command: context.commandName!, table: input.TableName ?? '' });
      traffic.itemsRead += read;
      if (input.TableName === store.tables.journal) traffic.journalItemsRead += read;
      return result;
    },
    { step: 'initialize', name: 'countTraffic' },
  );
  for (const id of ['buckets', 'spans', 'shard-a', 'shard-b', 'writes']) await putCalendar(deps, id, { name: { en: id }, defaultLanguage: 'en', timeZone: 'Asia/Kuwait' }, editor);
  await projectAll();
});
afterAll(() => store.close());
beforeEach(resetTraffic);

async function projectAll(): Promise<void> {
  const response = await project({ Records: store.records.splice(0) });
  expect(response.batchItemFailures).toEqual([]);
}

const timed = (calendar: string, start: string, end: string) => createEventSchema().parse({ calendar, title: { en: `at ${start}` }, schedule: { type: 'timed', start, end, timeZone: 'UTC' } });
const allDay = (calendar: string, startDate: string, endDate: string) => createEventSchema().parse({ calendar, title: { en: `${startDate}..${endDate}` }, schedule: { type: 'allDay', startDate, endDate } });

async function create(input: ReturnType<typeof timed>): Promise<string> {
  return (await createEvent(deps, input, editor)).event.id;
}

async function ids(filter: Partial<Parameters<typeof listEvents>[1]>): Promise<string[]> {
  const page = await listEvents(reader(), { includePrivate: true, limit: 200, ...filter });
  return page.items.map((event) => String(event.id));
}

describe('a month list', () => {
  it('reads only its month, however many events the calendar had before and after', async () => {
    const march = [await create(timed('buckets', '2027-03-03T09:00', '2027-03-03T10:00')), await create(timed('buckets', '2027-03-20T09:00', '2027-03-20T10:00'))];
    await projectAll();
    const window = { calendar: 'buckets', from: '2027-03-01T00:00:00.000Z', to: '2027-04-01T00:00:00.000Z' };
    resetTraffic();
    expect(await ids(window)).toEqual(march);
    const small = { itemsRead: traffic.itemsRead, requests: traffic.requests.length };

    for (let month = 1; month <= 12; month++) {
      for (const day of ['05', '15', '25']) {
        const date = `2026-${String(month).padStart(2, '0')}-${day}`;
        await create(timed('buckets', `${date}T09:00`, `${date}T10:00`));
      }
    }
    await create(timed('buckets', '2027-05-01T09:00', '2027-05-01T10:00'));
    await projectAll();
    resetTraffic();
    expect(await ids(window)).toEqual(march);
    expect({ itemsRead: traffic.itemsRead, requests: traffic.requests.length }).toEqual(small);
    // The directory (one GetItem) and one Query of the month's bucket, which holds exactly March's two events.
    expect(small).toEqual({ itemsRead: 3, requests: 2 });
  }, 180_000);

  it('lists an event spanning months in each of them, once in a window over all, and follows a reschedule', async () => {
    const long = await create(allDay('spans', '2027-05-20', '2027-07-10'));
    const june = await create(timed('spans', '2027-06-15T09:00', '2027-06-15T10:00'));
    await projectAll();
    const month = (m: string, next: string) => ({ calendar: 'spans', from: `2027-${m}-01T00:00:00.000Z`, to: `2027-${next}-01T00:00:00.000Z` });
    expect(await ids(month('05', '06'))).toEqual([long]);
    expect(await ids(month('06', '07'))).toEqual([long, june]);
    expect(await ids(month('07', '08'))).toEqual([long]);
    expect(await ids(month('08', '09'))).toEqual([]);
    expect(await ids({ calendar: 'spans', from: '2027-04-01T00:00:00.000Z', to: '2027-09-01T00:00:00.000Z' })).toEqual([long, june]);
    expect(await ids({ calendar: 'spans' })).toEqual([long, june]);
    expect(await ids({ calendar: 'spans', from: '2027-06-20T00:00:00.000Z' })).toEqual([long]);

    await changeEvent(deps, long, { type: 'patch', patch: { schedule: { type: 'allDay', startDate: '2027-09-01', endDate: '2027-09-02' } } }, editor);
    await projectAll();
    expect(await ids(month('06', '07'))).toEqual([june]);
    expect(await ids(month('09', '10'))).toEqual([long]);
    const spans = await store.client.send(new ScanCommand({ TableName: store.tables.views, FilterExpression: 'begins_with(pk, :p)', ExpressionAttributeValues: { ':p': `${streams.event(long)}@` } }));
    expect(spans.Items).toEqual([]);
  });
});

describe('a list across calendars', () => {
  it('merges the month shards in start order and pages with cursors, each event once', async () => {
    const created: { id: string; start: string }[] = [];
    for (let i = 0; i < 12; i++) {
      const start = `2031-01-${String(10 + i).padStart(2, '0')}T0${i % 2}:00`;
      created.push({ id: await create(timed(i % 2 ? 'shard-a' : 'shard-b', start, start.replace(/T0\d/, 'T08'))), start });
    }
    await projectAll();
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await listEvents(reader(), { from: '2031-01-01T00:00:00.000Z', to: '2031-02-01T00:00:00.000Z', includePrivate: true, limit: 5, cursor });
      seen.push(...page.items.map((event) => String(event.id)));
      cursor = page.nextCursor ?? undefined;
      pages++;
    } while (cursor);
    expect(seen).toEqual(created.sort((a, b) => a.start.localeCompare(b.start)).map((e) => e.id));
    expect(pages).toBe(3);
  });
});

describe('cursors', () => {
  it('refuse, naming query.cursor, anything this list did not sign', async () => {
    const page = await listEvents(reader(), { calendar: 'buckets', includePrivate: true, limit: 1 });
    const good = page.nextCursor!;
    const [body, mac] = good.split('.') as [string, string];
    const forged = `${Buffer.from(JSON.stringify({ l: 'events', m: '2026-01', k: 'x' })).toString('base64url')}.${mac}`;
    const otherList = (await listEntities(reader(), { entity: 'calendar', limit: 1 })).nextCursor!;
    for (const cursor of ['eyJwayI6IngifQ', 'e30', 'garbage', `${body}.`, `${body}.${mac.slice(0, -2)}AA`, forged, otherList]) {
      const error = await listEvents(reader(), { calendar: 'buckets', includePrivate: true, limit: 1, cursor }).catch((e: unknown) => e);
      expect(error, cursor).toBeInstanceOf(DomainError);
      expect((error as DomainError).errors[0]?.field).toBe('query.cursor');
    }
    expect((await listEvents(reader(), { calendar: 'buckets', includePrivate: true, limit: 1, cursor: good })).items).toHaveLength(1);
  });

  it('made up are a 400 problem over HTTP, never a 500', async () => {
    const t = await startTestRuntime();
    try {
      for (const cursor of ['eyJwayI6IngifQ', 'e30']) {
        for (const path of [`/events?cursor=${cursor}`, `/events?calendar=ato&cursor=${cursor}`, `/calendars?cursor=${cursor}`]) {
          const reply = await t.call('GET', path, { key: null });
          expect(reply.status, path).toBe(400);
          expect(reply.headers.get('content-type')).toContain('application/problem+json');
          expect(reply.body.errors[0].field).toBe('query.cursor');
        }
      }
    } finally {
      await t.close();
      // The runtime pointed the handlers' client at its own store: back to this file's.
      process.env.DYNAMODB_ENDPOINT = store.store.endpoint;
    }
  });
});

describe('writes and projections', () => {
  async function eventAtVersion(versions: number): Promise<string> {
    const id = await create(timed('writes', '2027-02-01T09:00', '2027-02-01T10:00'));
    for (let v = 2; v <= versions; v++) await changeEvent(deps, id, { type: 'patch', patch: { tags: [`v${v}`] } }, editor);
    await projectAll();
    return id;
  }

  it('a projection applies the commits the stream records carry, and reads the journal only on a gap', async () => {
    const id = await eventAtVersion(30);
    await changeEvent(deps, id, { type: 'patch', patch: { tags: ['v31'] } }, editor);
    await changeEvent(deps, id, { type: 'patch', patch: { tags: ['v32'] } }, editor);
    const [r31, r32] = store.records.splice(0);
    resetTraffic();
    expect((await project({ Records: [r31!] })).batchItemFailures).toEqual([]);
    expect(traffic.journalItemsRead).toBe(0);
    expect(traffic.requests.filter((r) => r.table === store.tables.journal)).toEqual([]);
    // Read the view, write it, give its feed period a new revision (shared/feeds/periods.ts, one item: it stayed in
    // its period) and its calendar a new feed revision (shared/feeds/digest.ts): nothing more.
    expect(traffic.requests.map((r) => [r.command, r.table])).toEqual([
      ['GetItemCommand', store.tables.views],
      ['PutItemCommand', store.tables.views],
      ['UpdateItemCommand', store.tables.views],
      ['UpdateItemCommand', store.tables.views],
    ]);

    // A gap: the view is set back to nothing, then only v32's record arrives.
    await store.client.send(new DeleteCommand({ TableName: store.tables.views, Key: { pk: streams.event(id) } }));
    resetTraffic();
    expect((await project({ Records: [r32!] })).batchItemFailures).toEqual([]);
    expect(traffic.journalItemsRead).toBe(32);
    const listed = await listEvents(reader(), { calendar: 'writes', includePrivate: true, limit: 200 });
    expect(listed.items.find((event) => event.id === id)).toMatchObject({ version: 32, tags: ['v32'] });
  });

  it('a command reads the view and only the journal after it: nothing of the history the view holds', async () => {
    const id = await eventAtVersion(40);
    resetTraffic();
    const patched = await changeEvent(deps, id, { type: 'patch', patch: { tags: ['v41'] } }, editor, 40);
    expect(patched).toMatchObject({ version: 41, tags: ['v41'] });
    expect(traffic.journalItemsRead).toBe(0);
    expect(traffic.requests.map((r) => `${r.command} ${r.table === store.tables.journal ? 'journal' : 'views'}`)).toEqual(['GetItemCommand views', 'QueryCommand journal', 'PutItemCommand journal']);

    // The view lags by three commits (not projected yet): exactly those are read.
    for (const v of [42, 43]) await changeEvent(deps, id, { type: 'patch', patch: { tags: [`v${v}`] } }, editor);
    resetTraffic();
    const stale = await changeEvent(deps, id, { type: 'patch', patch: { tags: ['v40'] } }, editor, 40).catch((e: unknown) => e);
    expect(stale).toMatchObject({ code: 'precondition_failed', extra: { expectedVersion: 40, actualVersion: 43 } });
    expect(traffic.journalItemsRead).toBe(3);
    await projectAll();
  });

  it('keeps the journal query bounded by the key condition, not a filter', async () => {
    const id = await eventAtVersion(5);
    resetTraffic();
    expect((await store.journal.read(streams.event(id), 3)).map((c) => c.version)).toEqual([4, 5]);
    expect(traffic.journalItemsRead).toBe(2);
    const direct = await store.client.send(new QueryCommand({ TableName: store.tables.journal, KeyConditionExpression: 'streamId = :s', ExpressionAttributeValues: { ':s': streams.event(id) }, Select: 'COUNT' }));
    expect(direct.Count).toBe(5);
  });
});
