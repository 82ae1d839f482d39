/**
 * occur (#14): GET /events lists occurrences of series (0017), over real HTTP on dynalite. Occurrences are
 * materialized by the projector in their month buckets; windows outside a series' materialized range are expanded
 * on read. What a list costs is proved by counting what the store answers, never by timing.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tableNames } from '#config/env';
import { seriesOf, type CalendarEvent } from '#domain/event';
import { occurrences, type Series } from '#domain/recurrence';
import { utcRange } from '#domain/schedule';
import { DynamoJournal } from '#journal/journal';
import { listEvents } from '#views/queries';
import { rebuildViews } from '#views/rebuild';
import { startTestRuntime } from '../helpers/runtime.ts';

let t: Awaited<ReturnType<typeof startTestRuntime>>;
let client: DynamoDBDocumentClient;
const reads = { requests: 0, items: 0 };

type Row = Record<string, any>;
const weekly = (calendar: string, start: string, rule = 'FREQ=WEEKLY;BYDAY=MO', title = 'Weekly call') => ({
  calendar,
  title: { en: title },
  schedule: { type: 'timed', start, end: `${start.slice(0, 11)}${String(Number(start.slice(11, 13)) + 1).padStart(2, '0')}${start.slice(13)}`, timeZone: 'America/New_York', recurrence: { rule } },
});
const single = (calendar: string, start: string, title: string) => ({ calendar, title: { en: title }, schedule: { type: 'timed', start, end: `${start.slice(0, 11)}23:00`, timeZone: 'UTC' } });

async function calendar(id: string): Promise<void> {
  expect((await t.call('PUT', `/calendars/${id}`, { body: { name: { en: id }, defaultLanguage: 'en', timeZone: 'America/New_York' } })).status).toBe(201);
}
async function create(body: unknown): Promise<CalendarEvent> {
  const reply = await t.call('POST', '/events', { body });
  expect(reply.status, JSON.stringify(reply.body)).toBe(201);
  return reply.body;
}
/** Every row of a list, following cursors. */
async function list(query: string, limit = 200): Promise<Row[]> {
  const rows: Row[] = [];
  let cursor: string | null = null;
  do {
    const reply = await t.call('GET', `/events?${query}&limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
    expect(reply.status, JSON.stringify(reply.body)).toBe(200);
    rows.push(...reply.body.items);
    cursor = reply.body.nextCursor;
  } while (cursor);
  return rows;
}
const startOf = (row: Row) => utcRange(row.schedule).start;
const expected = (event: CalendarEvent, from: string, to: string) =>
  occurrences(seriesOf(event) as Series, { from: Date.parse(from), to: Date.parse(to) }, { includeCancelled: true, limit: 10_000 }).map((o) => ({ start: o.start, recurrenceId: o.recurrenceId }));
const listed = (rows: Row[], id: string) => rows.filter((row) => row.id === id).map((row) => ({ start: startOf(row), recurrenceId: row.occurrence.recurrenceId }));
/** The view items a series has in the store (its own, its occurrences', their spans and its index items). */
async function viewKeys(id: string): Promise<string[]> {
  const page = await client.send(new ScanCommand({ TableName: tableNames().views, ProjectionExpression: 'pk', FilterExpression: 'begins_with(pk, :p)', ExpressionAttributeValues: { ':p': `event#${id}` } }));
  return (page.Items ?? []).map((item) => String(item.pk)).sort();
}

beforeAll(async () => {
  t = await startTestRuntime();
  const raw = new DynamoDBClient({ endpoint: process.env.DYNAMODB_ENDPOINT, region: 'local', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
  client = DynamoDBDocumentClient.from(raw);
  client.middlewareStack.add(
    (next) => async (args) => {
      const result = await next(args);
      const output = result.output as { Items?: unknown[]; Item?: unknown; ScannedCount?: number; Responses?: Record<string, unknown[]> };
      reads.requests++;
      reads.items += output.ScannedCount ?? output.Items?.length ?? (output.Item ? 1 : 0) + Object.values(output.Responses ?? {}).flat().length;
      return result;
    },
    { step: 'initialize', name: 'countReads' },
  );
}, 120_000);
afterAll(async () => {
  await t?.close();
});

describe('GET /events lists the occurrences of series', () => {
  it('in start order with single events interleaved, each row as agreed, paged with stable cursors', async () => {
    await calendar('mix');
    const series = await create(weekly('mix', '2027-01-04T09:00'));
    const biweekly = await create(weekly('mix', '2027-01-06T18:00', 'FREQ=WEEKLY;INTERVAL=2;BYDAY=WE;COUNT=6', 'Fortnightly'));
    const singles = [await create(single('mix', '2027-01-04T01:00', 'Early')), await create(single('mix', '2027-01-17T20:00', 'Sunday')), await create(single('mix', '2027-02-26T12:00', 'Late'))];
    const [from, to] = ['2027-01-01T00:00:00Z', '2027-03-01T00:00:00Z'];
    const all = await list(`calendar=mix&from=${from}&to=${to}`);
    expect(all.map(startOf)).toEqual([...all.map(startOf)].sort());
    expect(listed(all, series.id)).toEqual(expected(series, from, to));
    expect(listed(all, biweekly.id)).toEqual(expected(biweekly, from, to));
    expect(all.filter((row) => !row.occurrence).map((row) => row.id)).toEqual(singles.map((s) => s.id));
    expect([expected(series, from, to).length, expected(biweekly, from, to).length]).toEqual([8, 4]);
    expect(all).toHaveLength(8 + 4 + 3);
    // Paging by 4: the same rows, each once, in the same order.
    const paged = await list(`calendar=mix&from=${from}&to=${to}`, 4);
    expect(paged.map((row) => `${row.id}${row.occurrence?.recurrenceId ?? ''}`)).toEqual(all.map((row) => `${row.id}${row.occurrence?.recurrenceId ?? ''}`));
    // The row: the series as lists show events, with the occurrence's own schedule and the two keys singles lack.
    const row = all.find((r) => r.occurrence?.recurrenceId === '2027-01-11T09:00:00')!;
    expect(row).toMatchObject({ id: series.id, calendar: 'mix', title: { en: 'Weekly call' }, status: series.status, version: series.version });
    expect(row.schedule).toEqual({ type: 'timed', start: '2027-01-11T09:00:00', end: '2027-01-11T10:00:00', timeZone: 'America/New_York' });
    expect(row.occurrence).toEqual({ seriesId: series.id, recurrenceId: '2027-01-11T09:00:00', overridden: false, cancelled: false });
    expect(row.series).toEqual({ recurrence: (await t.call('GET', `/events/${series.id}`)).body.schedule.recurrence });
    expect(all.find((r) => r.occurrence?.seriesId === biweekly.id)!.series.recurrence).not.toHaveProperty('lastRecurrenceId');
    for (const s of all.filter((r) => !r.occurrence)) expect(Object.keys(s)).not.toContain('series');
  });

  it('shows an override moved into another month there only, and a cancelled occurrence as cancelled single events are', async () => {
    await calendar('moves');
    const series = await create(weekly('moves', '2027-03-01T09:00'));
    const path = (rid: string, action = '') => `/events/${series.id}/occurrences/${rid}${action}`;
    expect((await t.call('PATCH', path('2027-03-29T09:00'), { body: { schedule: { start: '2027-04-02T14:00:00', end: '2027-04-02T15:00:00' }, title: { en: 'Moved' } } })).status).toBe(200);
    expect((await t.call('POST', path('2027-03-08T09:00', '/cancel'), { body: { reason: 'holiday' } })).status).toBe(200);
    // Each occurrence change rewrote its own item only: the rest stay at the version that created them.
    const versions = await client.send(
      new ScanCommand({ TableName: tableNames().views, ProjectionExpression: 'pk, lastAppliedVersion', FilterExpression: 'begins_with(pk, :p)', ExpressionAttributeValues: { ':p': `event#${series.id}#` } }),
    );
    const rewritten = (versions.Items ?? []).filter((item) => item.lastAppliedVersion > 1).map((item) => String(item.pk).split('#').at(-1));
    expect(rewritten.sort()).toEqual(['2027-03-08T09:00:00', '2027-03-29T09:00:00']);
    const march = await list('calendar=moves&from=2027-03-01T00:00:00Z&to=2027-04-01T00:00:00Z');
    expect(march.map((r) => r.occurrence.recurrenceId)).toEqual(['2027-03-01T09:00:00', '2027-03-08T09:00:00', '2027-03-15T09:00:00', '2027-03-22T09:00:00']);
    const cancelled = march[1]!;
    expect(cancelled).toMatchObject({ status: 'cancelled', cancelReason: 'holiday', occurrence: { cancelled: true, overridden: false } });
    const april = await list('calendar=moves&from=2027-04-01T00:00:00Z&to=2027-05-01T00:00:00Z');
    const moved = april.find((r) => r.occurrence.recurrenceId === '2027-03-29T09:00:00')!;
    expect(moved).toMatchObject({ title: { en: 'Moved' }, status: series.status, occurrence: { overridden: true, cancelled: false } });
    expect(moved.schedule).toEqual({ type: 'timed', start: '2027-04-02T14:00:00', end: '2027-04-02T15:00:00', timeZone: 'America/New_York' });
    expect(april.map(startOf)).toEqual([...april.map(startOf)].sort());
    expect((await list('calendar=moves&from=2027-03-01T00:00:00Z&to=2027-05-01T00:00:00Z&status=cancelled')).map((r) => r.occurrence.recurrenceId)).toEqual(['2027-03-08T09:00:00']);
  });

  it('after a split lists the first series up to the occurrence and the new one from it', async () => {
    await calendar('split');
    const series = await create(weekly('split', '2027-05-03T09:00', 'FREQ=WEEKLY;BYDAY=MO;COUNT=8'));
    const split = await t.call('POST', `/events/${series.id}/occurrences/2027-05-24T09:00/split`, { body: { title: { en: 'New call' } } });
    expect(split.status).toBe(201);
    const rows = await list('calendar=split&from=2027-05-01T00:00:00Z&to=2027-08-01T00:00:00Z');
    expect(rows.map((r) => [r.id, r.occurrence.recurrenceId, r.title.en])).toEqual([
      [series.id, '2027-05-03T09:00:00', 'Weekly call'],
      [series.id, '2027-05-10T09:00:00', 'Weekly call'],
      [series.id, '2027-05-17T09:00:00', 'Weekly call'],
      ...['05-24', '05-31', '06-07', '06-14', '06-21'].map((day) => [split.body.id, `2027-${day}T09:00:00`, 'New call']),
    ]);
  });

  it('removes the items of occurrences a rule change drops, and a rebuild lists the same', async () => {
    await calendar('rules');
    const series = await create(weekly('rules', '2027-09-06T09:00', 'FREQ=WEEKLY;BYDAY=MO;COUNT=10'));
    expect((await viewKeys(series.id)).filter((pk) => pk.includes('#2027'))).toHaveLength(10);
    const changed = await t.call('PATCH', `/events/${series.id}`, { body: { schedule: { ...weekly('rules', '2027-09-06T09:00').schedule, recurrence: { rule: 'FREQ=WEEKLY;BYDAY=MO;COUNT=3' } } } });
    expect(changed.status).toBe(200);
    expect((await viewKeys(series.id)).filter((pk) => pk.includes('#2027'))).toEqual(['2027-09-06', '2027-09-13', '2027-09-20'].map((day) => `event#${series.id}#${day}T09:00:00`));
    const window = 'calendar=rules&from=2027-08-01T00:00:00Z&to=2028-01-01T00:00:00Z';
    expect((await list(window)).map((r) => r.occurrence.recurrenceId)).toEqual(['2027-09-06T09:00:00', '2027-09-13T09:00:00', '2027-09-20T09:00:00']);
    const everything = 'calendar=mix&from=2026-01-01T00:00:00Z&to=2028-01-01T00:00:00Z';
    const [beforeRules, beforeMix, keys] = [await list(window), await list(everything), await viewKeys(series.id)];
    await rebuildViews({ client, journal: new DynamoJournal(client, tableNames().journal), viewsTable: tableNames().views, mode: 'live' });
    expect(await list(window)).toEqual(beforeRules);
    expect(await list(everything)).toEqual(beforeMix);
    expect(await viewKeys(series.id)).toEqual(keys);
  }, 120_000);
});

describe('what a list of series costs', () => {
  const reader = () => ({ client, tables: { views: tableNames().views }, adminKeyHash: async () => 'hash' });
  async function counted(filter: { calendar: string; from: string; to?: string }) {
    [reads.requests, reads.items] = [0, 0];
    const page = await listEvents(reader(), { includePrivate: true, limit: 200, ...filter });
    return { rows: page.items, requests: reads.requests, items: reads.items };
  }

  it('reads a bounded number of items for a month ten years after a series began', async () => {
    await calendar('old');
    await calendar('young');
    const now = new Date();
    const year = now.getUTCFullYear();
    const old = await create(weekly('old', `${year - 10}-01-05T09:00`, 'FREQ=WEEKLY;BYDAY=MO'.replace('MO', ['SU', 'MO', 'TU', 'WE', 'TH', 'FR', 'SA'][new Date(Date.UTC(year - 10, 0, 5)).getUTCDay()]!)));
    const young = await create(weekly('young', `${year}-01-05T09:00`, 'FREQ=WEEKLY;BYDAY=MO'.replace('MO', ['SU', 'MO', 'TU', 'WE', 'TH', 'FR', 'SA'][new Date(Date.UTC(year, 0, 5)).getUTCDay()]!)));
    const month = { from: `${year + 1}-03-01T00:00:00.000Z`, to: `${year + 1}-04-01T00:00:00.000Z` };
    const oldList = await counted({ calendar: 'old', ...month });
    const youngList = await counted({ calendar: 'young', ...month });
    expect(oldList.rows.map((r: Row) => r.occurrence.recurrenceId)).toEqual(expected(old as CalendarEvent, month.from, month.to).map((o) => o.recurrenceId));
    expect(youngList.rows).toHaveLength(oldList.rows.length);
    // The directory and one bucket Query (4–5 occurrence rows): the same as a series begun this year.
    expect(oldList.requests).toBe(2);
    expect(oldList.items).toBeLessThanOrEqual(1 + 5);
    expect({ requests: oldList.requests, items: oldList.items }).toEqual({ requests: youngList.requests, items: youngList.items });
    expect(young.id).not.toBe(old.id);
  }, 120_000);

  it('expands on read a window beyond the materialized range, reading only the series alive in it', async () => {
    await calendar('far');
    const endless = await create(weekly('far', '2027-01-04T09:00'));
    const ended = await create(weekly('far', '2027-01-05T09:00', 'FREQ=WEEKLY;BYDAY=TU;UNTIL=20270301T000000Z', 'Ended'));
    const hijri = await create({
      calendar: 'far',
      title: { en: 'Mid-month (Hijri)' },
      schedule: { type: 'allDay', startDate: '2027-01-10', endDate: '2027-01-10', recurrence: { rule: 'RSCALE=ISLAMIC-UMALQURA;FREQ=MONTHLY;BYMONTHDAY=15' } },
    });
    await create(single('far', '2061-03-10T10:00', 'A single event in 2061'));
    const window = { from: '2061-03-01T00:00:00.000Z', to: '2061-05-01T00:00:00.000Z' };
    const result = await counted({ calendar: 'far', ...window });
    expect(listed(result.rows, endless.id)).toEqual(expected(endless, window.from, window.to));
    expect(listed(result.rows, hijri.id)).toEqual(expected(hijri as CalendarEvent, window.from, window.to));
    expect(listed(result.rows, hijri.id).length).toBeGreaterThanOrEqual(2);
    expect(result.rows.filter((r: Row) => r.id === ended.id)).toEqual([]);
    expect(result.rows.map((r: Row) => startOf(r))).toEqual([...result.rows.map((r: Row) => startOf(r))].sort());
    // The directory, the month bucket (2061-03 holds the single event), the index of series past their range
    // (two alive: the ended one is filtered by its end), and one BatchGet of their docs; nothing of the years between.
    expect(result.items).toBeLessThanOrEqual(1 + 1 + 3 + 2);
    // Paged by 3 over HTTP: the same rows.
    const query = `calendar=far&from=${window.from}&to=${window.to}`;
    expect((await list(query, 3)).map((r) => `${r.id}${r.occurrence?.recurrenceId}`)).toEqual((await list(query)).map((r) => `${r.id}${r.occurrence?.recurrenceId}`));
  }, 120_000);

  it('gives a list without `to` the documented horizon of 366 days for an endless series', async () => {
    const rows = await list('calendar=far&from=2061-01-01T00:00:00Z');
    const series = rows.filter((r) => r.occurrence);
    expect(series.length).toBeGreaterThan(50);
    expect(series.every((r) => startOf(r) < '2062-01-02T00:00:00.000Z')).toBe(true);
    expect(startOf(series.at(-1)!) >= '2061-12').toBe(true);
  }, 120_000);
});
