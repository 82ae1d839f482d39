/**
 * Packed period segments (decision 0010, fourth session): a cold feed reads its periods' segments (days 1–7, 8–15,
 * 16–23, 24–end of a month) and Queries only the periods changed since they were packed, with the same bytes as the
 * plain fragment path (FEED_SEGMENTS=0).
 * Over real HTTP on dynalite; store requests and the items they return are counted at the document client.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { gunzipSync, gzipSync } from 'node:zlib';
import { DeleteCommand, GetCommand, PutCommand, QueryCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deps } from '#config/deps';
import { documentClient, tableNames } from '#config/env';
import { FEED_INDEX, RENDERING_VERSION } from '#feeds/fragments';
import { feedDirectoryKey, isPeriodAttribute } from '#feeds/periods';
import { rebuildViews } from '#views/rebuild';
import { unfold } from '../helpers/ical-lint.ts';
import { startTestRuntime } from '../helpers/runtime.ts';

let t: Awaited<ReturnType<typeof startTestRuntime>>;
const calendar = { name: { ar: 'منظمة المدن العربية', en: 'Arab Towns Organization' }, defaultLanguage: 'ar', timeZone: 'Asia/Kuwait' };
const EVENTS = 60;
const MONTHS = 12;
/** The days events fall on in each month: the 2nd and 3rd (period 1–7), 9th, 17th and 25th (one in each other period). */
const DAYS = [2, 9, 17, 25, 3];
const PERIODS = 4 * MONTHS;
/** The events in the period of the 2nd (and of the 3rd): two. */
const IN_FIRST_PERIOD = 2;

/** An all-day date in the `monthsAhead`-th month after this one (its end, the next day, stays in the day's period). */
function dayIn(monthsAhead: number, day: number): string {
  const now = new Date();
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + monthsAhead, day)).toISOString().slice(0, 10);
}
const allDay = (date: string) => ({ type: 'allDay', startDate: date, endDate: date });

const sent: string[] = [];
let itemsRead = 0;
let counting = false;

async function storeRequests(work: () => Promise<unknown>): Promise<{ requests: string[]; items: number }> {
  sent.length = 0;
  itemsRead = 0;
  counting = true;
  try {
    await work();
  } finally {
    counting = false;
  }
  return { requests: [...sent], items: itemsRead };
}

/** A feed's bytes (in English unless told), read from the store (no container body cache), with segments on or off. */
async function feed(calendarId: string, segments = true, query = '', language = 'en'): Promise<string> {
  process.env.FEED_SEGMENTS = segments ? '1' : '0';
  try {
    const reply = await t.call('GET', `/feeds/${calendarId}.ics?lang=${language}${query}`, { key: null });
    expect(reply.status).toBe(200);
    return reply.text;
  } finally {
    delete process.env.FEED_SEGMENTS;
  }
}

const uidCount = (ics: string, id: string) => unfold(ics).filter((line) => line === `UID:${id}@taqweem`).length;

/** Creates a calendar with EVENTS events spread over the PERIODS periods of MONTHS months ahead; returns their ids. */
async function yearOfEvents(calendarId: string, incompressible = false): Promise<string[]> {
  expect((await t.call('PUT', `/calendars/${calendarId}`, { body: calendar })).status).toBeLessThan(300);
  const ids: string[] = [];
  for (let i = 0; i < EVENTS; i++) {
    const reply = await t.call('POST', '/events', {
      body: {
        calendar: calendarId,
        title: { en: `Meeting ${i}`, ar: `اجتماع ${i}` },
        description: { en: incompressible ? randomBytes(225).toString('base64') : `Preparations ${i}` },
        schedule: allDay(dayIn(1 + (i % MONTHS), DAYS[Math.floor(i / MONTHS)]!)),
      },
    });
    expect(reply.status).toBe(201);
    ids.push(reply.body.id as string);
  }
  return ids;
}

const segmentItems = async (calendarId: string) =>
  ((await documentClient().send(new ScanCommand({ TableName: tableNames().views, FilterExpression: 'begins_with(pk, :p)', ExpressionAttributeValues: { ':p': `feedsegment#${calendarId}#` } }))).Items ?? []) as {
    pk: string;
    segment: Uint8Array;
    parts: number;
  }[];

/** The segment (first part) a public feed in English would read now for a period ("2026-12-01") of a calendar (its default: Arabic). */
async function currentSegment(calendarId: string, period: string) {
  const { Item: directory } = await documentClient().send(new GetCommand({ TableName: tableNames().views, Key: { pk: feedDirectoryKey(`${calendarId}#public`) } }));
  const revision = String(directory![`p${period}`]).split('@')[0];
  const [segment] = (await segmentItems(calendarId)).filter((item) => item.pk.startsWith(`feedsegment#${calendarId}#public#${period}#${revision}#`) && item.pk.endsWith('#en|ar|public#0'));
  expect(segment).toBeDefined();
  return segment!;
}

beforeAll(async () => {
  t = await startTestRuntime({ scheduleIntervalMs: 3_600_000 });
  // Every GET reads the store (no container body cache), and periods of a few events are packed too.
  process.env.FEED_CACHE_MB = '0';
  process.env.FEED_SEGMENT_MIN_FRAGMENTS = '1';
  const { views } = tableNames();
  documentClient().middlewareStack.add(
    (next, context) => async (args) => {
      const input = args.input as { TableName?: string; RequestItems?: Record<string, unknown> };
      const table = input.TableName ?? Object.keys(input.RequestItems ?? {})[0];
      const result = await next(args);
      if (counting && table === views) {
        sent.push(context.commandName!);
        const output = result.output as { Item?: unknown; Items?: unknown[]; Responses?: Record<string, unknown[]> };
        itemsRead += (output.Item ? 1 : 0) + (output.Items?.length ?? 0) + Object.values(output.Responses ?? {}).flat().length;
      }
      return result;
    },
    { step: 'initialize', name: 'countSegmentReads' },
  );
}, 60_000);
afterAll(async () => {
  delete process.env.FEED_CACHE_MB;
  delete process.env.FEED_SEGMENT_MIN_FRAGMENTS;
  await t.close();
});

describe('a cold feed over packed period segments', () => {
  let ids: string[] = [];

  it(`reads ${PERIODS} segments and the one period a change touched, not ${EVENTS} fragments, with the plain path's bytes`, async () => {
    ids = await yearOfEvents('year');
    const first = await storeRequests(() => feed('year'));
    // The first read finds no segment: it Queries the periods (adjacent ones together) and packs each.
    expect(first.requests.filter((r) => r === 'QueryCommand')).toHaveLength(1);
    expect(first.requests.filter((r) => r === 'PutItemCommand')).toHaveLength(PERIODS);
    expect(first.items).toBeGreaterThanOrEqual(EVENTS);
    expect((await segmentItems('year')).length).toBe(PERIODS);

    const again = await storeRequests(() => feed('year'));
    expect(again.requests).not.toContain('QueryCommand');
    expect(again.items).toBeLessThanOrEqual(2 + PERIODS);

    await t.call('PATCH', `/events/${ids[5]}`, { body: { title: { en: 'Renamed' } } });
    let changed = '';
    const cold = await storeRequests(async () => {
      changed = await feed('year');
    });
    // Calendar (ETag and body: one read), period directory, the segments, one Query of the changed period (bounded by
    // the next period: none of its events), its new segment.
    expect(cold.requests.filter((r) => r === 'QueryCommand')).toHaveLength(1);
    expect(cold.requests.length).toBeLessThanOrEqual(6);
    expect(cold.items).toBeLessThanOrEqual(2 + (PERIODS - 1) + IN_FIRST_PERIOD);
    expect(unfold(changed)).toContain('SUMMARY;LANGUAGE=en:Renamed');
    expect(changed).toBe(await feed('year', false));
    expect(uidCount(changed, ids[5]!)).toBe(1);
  }, 120_000);

  it('are what the feed reads, and a change in a period never reuses its segment', async () => {
    // Prepare: tamper with the segment of the period of ids[0] (month 1, the 2nd), keeping its form (and lengths).
    const segment = await currentSegment('year', `${dayIn(1, 2).slice(0, 8)}01`);
    const tampered = gunzipSync(segment.segment).toString('utf8').replaceAll('Meeting 0\r\n', 'Tampered!\r\n');
    await documentClient().send(new PutCommand({ TableName: tableNames().views, Item: { ...segment, segment: new Uint8Array(gzipSync(tampered)) } }));
    expect(unfold(await feed('year'))).toContain('SUMMARY;LANGUAGE=en:Tampered!');
    // Act: a change of another event in that period (ids[48]: month 1, the 3rd); Assess: the period is read again, not its old segment.
    await t.call('PATCH', `/events/${ids[48]}`, { body: { tags: ['moved-on'] } });
    const after = await feed('year');
    expect(unfold(after)).not.toContain('SUMMARY;LANGUAGE=en:Tampered!');
    expect(after).toBe(await feed('year', false));
  });

  it('follow an event moved to another month and period, cancelled, or made private, in public and token feeds', async () => {
    await feed('year');
    await t.call('PATCH', `/events/${ids[1]}`, { body: { schedule: allDay(dayIn(7, 9)) } });
    const moved = await feed('year');
    expect(uidCount(moved, ids[1]!)).toBe(1);
    expect(unfold(moved)).toContain(`DTSTART;VALUE=DATE:${dayIn(7, 9).replaceAll('-', '')}`);
    expect(moved).toBe(await feed('year', false));

    await t.call('POST', `/events/${ids[2]}/cancel`, { body: {} });
    const cancelled = await feed('year');
    expect(cancelled).toContain('STATUS:CANCELLED');
    expect(cancelled).toBe(await feed('year', false));

    await t.call('PATCH', `/events/${ids[3]}`, { body: { visibility: 'private' } });
    const withoutPrivate = await feed('year');
    expect(uidCount(withoutPrivate, ids[3]!)).toBe(0);
    expect(withoutPrivate).toBe(await feed('year', false));
    // A token feed (both partitions, the private variant) packs and reads its own segments.
    const created = await t.call('POST', '/calendars/year/feed-tokens', { body: { label: 'Secretariat' } });
    const token = `&token=${created.body.token as string}`;
    const withPrivate = await feed('year', true, token);
    expect(uidCount(withPrivate, ids[3]!)).toBe(1);
    expect(await feed('year', true, token)).toBe(withPrivate);
    expect(withPrivate).toBe(await feed('year', false, token));
  });

  it('are keyed by RENDERING_VERSION: a segment packed by another rendering of the same period is never read', async () => {
    const before = await feed('year');
    const segment = await currentSegment('year', `${dayIn(7, 2).slice(0, 8)}01`);
    expect(segment.pk).toContain(`#r${RENDERING_VERSION}#`);
    // As if packed before a deploy that changed rendering: the period's revision is the same, its bytes are not.
    const older = gunzipSync(segment.segment).toString('utf8').replaceAll('Meeting 6\r\n', 'OldRender\r\n');
    expect(older).not.toBe(gunzipSync(segment.segment).toString('utf8'));
    const olderKey = segment.pk.replace(`#r${RENDERING_VERSION}#`, `#r${RENDERING_VERSION - 1}#`);
    await documentClient().send(new PutCommand({ TableName: tableNames().views, Item: { ...segment, pk: olderKey, segment: new Uint8Array(gzipSync(older)) } }));
    await documentClient().send(new DeleteCommand({ TableName: tableNames().views, Key: { pk: segment.pk } }));
    const after = await storeRequests(async () => expect(await feed('year')).toBe(before));
    expect(after.requests).toContain('QueryCommand');
  });

  it('are never read again after a rebuild, and the rebuilt feed has the same bytes', async () => {
    const before = await feed('year');
    const directory = async () => (await documentClient().send(new GetCommand({ TableName: tableNames().views, Key: { pk: 'feedperiods#year#public' } }))).Item!;
    const revisions = await directory();
    await rebuildViews({ client: documentClient(), journal: deps().journal, viewsTable: tableNames().views });
    const rebuilt = await directory();
    expect(rebuilt.complete).toBe(true);
    for (const [name, value] of Object.entries(rebuilt)) if (isPeriodAttribute(name)) expect(value).not.toBe(revisions[name]);
    const after = await storeRequests(async () => expect(await feed('year')).toBe(before));
    expect(after.requests).toContain('QueryCommand');
    const next = await storeRequests(async () => expect(await feed('year')).toBe(before));
    expect(next.requests).not.toContain('QueryCommand');
  }, 120_000);

  it("hold UTF-8 bytes: Arabic and Chinese feeds read from segments have the plain path's bytes, before and after a change", async () => {
    await t.call('PATCH', `/events/${ids[7]}`, { body: { title: { en: 'Meeting 7', ar: 'اجتماع ٧', zh: '第七次会议' } } });
    for (const language of ['ar', 'zh']) {
      await feed('year', true, '', language);
      // Packed by the read above: every period from its segment, each entry sliced by its length in bytes.
      let packed = '';
      const read = await storeRequests(async () => {
        packed = await feed('year', true, '', language);
      });
      expect(read.requests).not.toContain('QueryCommand');
      expect(packed).toBe(await feed('year', false, '', language));
    }
    expect(unfold(await feed('year', true, '', 'zh'))).toContain('SUMMARY;LANGUAGE=zh:第七次会议');
    expect(unfold(await feed('year', true, '', 'ar'))).toContain('SUMMARY;LANGUAGE=ar:اجتماع ٧');
    await t.call('PATCH', `/events/${ids[8]}`, { body: { title: { en: 'Meeting 8', ar: 'اجتماع الثامن' } } });
    const changed = await feed('year', true, '', 'ar');
    expect(unfold(changed)).toContain('SUMMARY;LANGUAGE=ar:اجتماع الثامن');
    expect(changed).toBe(await feed('year', false, '', 'ar'));
  });

  it('never show up among the events of the feed index', async () => {
    const { Items: items = [] } = await documentClient().send(
      new QueryCommand({ TableName: tableNames().views, IndexName: FEED_INDEX, KeyConditionExpression: 'feedPartition = :p', ExpressionAttributeValues: { ':p': 'year#public' } }),
    );
    expect(items.length).toBeGreaterThan(0);
    expect(items.every((item) => String(item.pk).startsWith('event#'))).toBe(true);
    const listed = await t.call('GET', `/events?calendar=year&from=${dayIn(0, 1)}T00:00:00Z&to=${dayIn(14, 1)}T00:00:00Z`);
    expect(listed.status).toBe(200);
    expect(JSON.stringify(listed.body)).not.toContain('feedsegment');
  });
});

describe('segments a container has decoded (FEED_CACHE_MB, on by default)', () => {
  it("are not read again: after a change a feed reads the directory and the changed period only, with the plain path's bytes", async () => {
    const ids = await yearOfEvents('kept');
    delete process.env.FEED_CACHE_MB;
    let changed = '';
    let cold: Awaited<ReturnType<typeof storeRequests>>;
    try {
      await feed('kept');
      await t.call('PATCH', `/events/${ids[5]}`, { body: { title: { en: 'Kept' } } });
      cold = await storeRequests(async () => {
        changed = await feed('kept');
      });
    } finally {
      process.env.FEED_CACHE_MB = '0';
    }
    // Calendar, directory, a BatchGet of the changed period's new segment alone (another container may have packed
    // it; none has), one Query of that period (its two events), its new segment: no other segment is read.
    expect(cold.requests).toEqual(['GetItemCommand', 'GetItemCommand', 'BatchGetItemCommand', 'QueryCommand', 'PutItemCommand']);
    expect(cold.items).toBe(2 + IN_FIRST_PERIOD);
    expect(unfold(changed)).toContain('SUMMARY;LANGUAGE=en:Kept');
    expect(changed).toBe(await feed('kept', false));
  }, 120_000);
});

describe('a calendar whose feed directories are in the month format (before periods)', () => {
  it('is never read as complete with no periods: its feed reads the index, whole, and packs nothing', async () => {
    const ids = await yearOfEvents('monthly');
    const plain = await feed('monthly', false);
    // As the month format left them: `feedmonths#` directories, complete, naming months; no period directory.
    for (const visibility of ['public', 'private']) {
      await documentClient().send(new DeleteCommand({ TableName: tableNames().views, Key: { pk: feedDirectoryKey(`monthly#${visibility}`) } }));
      await documentClient().send(new PutCommand({ TableName: tableNames().views, Item: { pk: `feedmonths#monthly#${visibility}`, complete: true, [`m${dayIn(1, 2).slice(0, 7)}`]: `${randomUUID()}@${Date.now()}` } }));
    }
    const read = await storeRequests(async () => expect(await feed('monthly')).toBe(plain));
    expect(read.requests).toContain('QueryCommand');
    expect(read.requests).not.toContain('PutItemCommand');
    expect(ids.filter((id) => uidCount(plain, id) === 1)).toHaveLength(EVENTS);
  }, 120_000);
});

describe('a period above the byte cap', () => {
  it('is packed in parts, or read from the index when even one part would be too large, with the same bytes', async () => {
    await yearOfEvents('capped', true);
    const plain = await feed('capped', false);
    process.env.FEED_SEGMENT_MAX_BYTES = '800';
    try {
      expect(await feed('capped')).toBe(plain);
      const items = await segmentItems('capped');
      expect(items.some((item) => item.parts > 1)).toBe(true);
      const fromParts = await storeRequests(async () => expect(await feed('capped')).toBe(plain));
      expect(fromParts.requests).not.toContain('QueryCommand');
    } finally {
      delete process.env.FEED_SEGMENT_MAX_BYTES;
    }
    process.env.FEED_SEGMENT_MAX_BYTES = '50';
    try {
      const ids = await yearOfEvents('tinycap');
      expect(ids).toHaveLength(EVENTS);
      expect(await feed('tinycap')).toBe(await feed('tinycap', false));
      expect(await segmentItems('tinycap')).toEqual([]);
      const uncapped = await storeRequests(() => feed('tinycap'));
      expect(uncapped.requests).toContain('QueryCommand');
    } finally {
      delete process.env.FEED_SEGMENT_MAX_BYTES;
    }
  }, 180_000);
});
