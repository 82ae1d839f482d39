/**
 * Feeds (issue #9), each figure beside its floor measured in the same run, on dynalite in memory:
 * - full rendering of 1,000 and 10,000 events beside bare ical-generator (what pre-rendering saves);
 * - a feed 200 at 10,000 events in its window beside a bare Query of the same fragments plus a join (the floor)
 *   and beside bare ical-generator rendering the same events: cold after a one-event change (packed period
 *   segments for the other periods, kept by the container or read from the store), cold with every period packed
 *   (kept, or from the store), the first read ever, segments off, and warm;
 * - a 304 at 50,000 events beside a 304 at 10 events;
 * - feed throughput under load at 10,000 events beside a static server of the same bytes.
 * View items are written as the projector writes them (toViewItem), in batches, to keep the setup short.
 */
import '../infra/local/local-env.ts'; // first: Powertools reads it at import (no EMF lines in the figures)
import ical from 'ical-generator';
import { cpus, loadavg } from 'node:os';
import type { Calendar } from '#domain/calendar';
import type { CalendarEvent } from '#domain/event';
import { utcRange } from '#domain/schedule';
import { BatchGetCommand, BatchWriteCommand, GetCommand, QueryCommand, ScanCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { deps } from '#config/deps';
import { documentClient, tableNames } from '#config/env';
import { joinEntries, joinFeed, loadFeedBody, loadFeedHead } from '#feeds/feed';
import { FEED_INDEX, fragmentOf, type FeedFragment } from '#feeds/fragments';
import { feedDirectoryKey, isPeriodAttribute, rebuiltFeedDirectories, writeRebuiltFeedDirectory } from '#feeds/periods';
import { renderCalendar } from '#feeds/render';
import { decodePart } from '#feeds/segment-parts';
import { toViewItem } from '#views/items';
import { startTestRuntime } from '../test/helpers/runtime.ts';
import { timed } from './measure.ts';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
process.env.LOG_LEVEL ??= 'error';

const calendar: Calendar = {
  id: 'ato',
  name: { ar: 'منظمة المدن العربية', en: 'Arab Towns Organization' },
  defaultLanguage: 'ar',
  timeZone: 'Asia/Kuwait',
  version: 1,
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z',
};
const zones = ['Asia/Muscat', 'Asia/Kuwait', 'Asia/Shanghai'];

function events(count: number): CalendarEvent[] {
  return Array.from({ length: count }, (_, i) => {
    const day = String((i % 28) + 1).padStart(2, '0');
    const month = String((i % 12) + 1).padStart(2, '0');
    const schedule =
      i % 10 === 0
        ? { type: 'month' as const, month: `2026-${month}`, timeZone: zones[i % 3]! }
        : { type: 'timed' as const, start: `2026-${month}-${day}T09:00`, end: `2026-${month}-${day}T11:00`, timeZone: zones[i % 3]! };
    return {
      id: `EVENT${String(i).padStart(21, '0')}`,
      calendar: 'ato',
      kind: 'meeting',
      title: { ar: `اجتماع رقم ${i}`, en: `Meeting number ${i}`, zh: `第${i}次会议` },
      description: { en: 'Preparations for the Arab–Chinese Cities Forum; coordination, logistics, and the programme.' },
      schedule,
      location: { name: { en: 'Dhofar' }, country: 'OM' },
      organizer: { name: 'Dhofar Municipality' },
      tags: ['forum', 'dhofar'],
      visibility: 'public',
      status: 'confirmed',
      participants: [],
      sequence: 1,
      version: 2,
      createdAt: '2026-01-01T00:00:00.000Z',
      updatedAt: '2026-02-01T00:00:00.000Z',
    };
  });
}

function bareIcalGenerator(list: CalendarEvent[]): string {
  const cal = ical({ name: calendar.name.en, ttl: 3600 });
  for (const event of list) {
    const range = utcRange(event.schedule);
    cal.createEvent({
      id: event.id,
      start: new Date(range.start),
      end: new Date(range.end),
      allDay: event.schedule.type === 'month',
      summary: event.title.en,
      description: event.description?.en,
      location: 'Dhofar, Oman',
      stamp: new Date(event.updatedAt),
      sequence: event.sequence,
      categories: [{ name: 'meeting' }, { name: 'forum' }, { name: 'dhofar' }],
    });
  }
  return cal.toString();
}

function median(work: () => unknown, runs: number): number {
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    work();
    samples.push(performance.now() - started);
  }
  return samples.sort((a, b) => a - b)[Math.floor(runs / 2)]!;
}

const middle = (list: number[]) => list.sort((a, b) => a - b)[Math.floor(list.length / 2)]!;

/** The machine's load, printed with each figure (it is shared). */
const uptime = () =>
  `load average ${loadavg()
    .map((load) => load.toFixed(2))
    .join(', ')}`;

const kb = (text: string) => `${(Buffer.byteLength(text) / 1024).toFixed(0)} KiB`;

async function seed(t: Awaited<ReturnType<typeof startTestRuntime>>, calendarId: string, list: CalendarEvent[]): Promise<void> {
  await t.call('PUT', `/calendars/${calendarId}`, { body: { name: calendar.name, defaultLanguage: 'ar', timeZone: 'Asia/Kuwait' } });
  const client = documentClient();
  const items = list.map((event) => toViewItem(`event#${calendarId}${event.id}`, { ...event, id: `${calendarId}${event.id}`, calendar: calendarId }));
  for (let i = 0; i < items.length; i += 25) {
    let request: Record<string, unknown> | undefined = { [tableNames().views]: items.slice(i, i + 25).map((Item) => ({ PutRequest: { Item } })) };
    while (request && Object.keys(request).length > 0) request = (await client.send(new BatchWriteCommand({ RequestItems: request as never }))).UnprocessedItems;
  }
  // The feed's period directories, as a rebuild writes them (the projector keeps them after that).
  for (const directory of rebuiltFeedDirectories([{ pk: `calendar#${calendarId}`, entity: 'calendar', doc: { id: calendarId } }, ...items])) {
    await writeRebuiltFeedDirectory(client, tableNames().views, directory);
  }
  // One projected change, so the calendar's feed revision is set as the projector sets it.
  const reply = await t.call('POST', '/events', { body: { calendar: calendarId, title: { en: 'Revision' }, schedule: list[0]!.schedule } });
  changed.set(calendarId, reply.body.id as string);
}

/** The event of each calendar that the bench changes through the API (the seeded ones have no journal). */
const changed = new Map<string, string>();

/** New revisions for every period of a calendar's public feed, as `npm run rebuild-views` issues them: no segment is read again. */
async function renewPeriods(calendarId: string): Promise<void> {
  const { Item: directory } = await documentClient().send(new GetCommand({ TableName: tableNames().views, Key: { pk: feedDirectoryKey(`${calendarId}#public`) } }));
  await writeRebuiltFeedDirectory(documentClient(), tableNames().views, directory!);
}

async function queryFragments(calendarId: string): Promise<FeedFragment[]> {
  const fragments: FeedFragment[] = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await documentClient().send(
      new QueryCommand({ TableName: tableNames().views, IndexName: FEED_INDEX, KeyConditionExpression: 'feedPartition = :p', ExpressionAttributeValues: { ':p': `${calendarId}#public` }, ExclusiveStartKey: startKey }),
    );
    fragments.push(...(page.Items ?? []).map((item) => fragmentOf(item)!));
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return fragments;
}

/** The floor of a feed 200: Query the same fragments from the same index, join one pre-rendered string each. */
async function bareQueryAndJoin(calendarId: string): Promise<number> {
  const chunks = (await queryFragments(calendarId)).map((fragment) => fragment.h + Object.values(fragment.su)[0] + fragment.p);
  return Buffer.byteLength(chunks.join(''));
}

/**
 * The packed segments of a calendar's public feed under its current revisions, and the keys of those a feed in
 * English reads (its default language: Arabic).
 */
async function segmentSizes(calendarId: string): Promise<{ count: number; bytes: number; largest: number; keys: string[] }> {
  const { Item: directory } = await documentClient().send(new GetCommand({ TableName: tableNames().views, Key: { pk: feedDirectoryKey(`${calendarId}#public`) } }));
  const current = Object.entries(directory ?? {}).flatMap(([name, value]) => (isPeriodAttribute(name) ? [`feedsegment#${calendarId}#public#${name.slice(1)}#${String(value).split('@')[0]}#`] : []));
  const sizes: number[] = [];
  const keys: string[] = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await documentClient().send(
      new ScanCommand({ TableName: tableNames().views, FilterExpression: 'begins_with(pk, :p)', ExpressionAttributeValues: { ':p': `feedsegment#${calendarId}#public#` }, ExclusiveStartKey: startKey }),
    );
    for (const item of page.Items ?? []) {
      if (!current.some((prefix) => String(item.pk).startsWith(prefix))) continue;
      sizes.push((item.segment as Uint8Array).length);
      if (String(item.pk).includes('#en|ar|public#')) keys.push(String(item.pk));
    }
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return { count: sizes.length, bytes: sizes.reduce((a, b) => a + b, 0), largest: Math.max(0, ...sizes), keys };
}

/**
 * Where a cold read over packed segments spends its time, stage by stage, in process (what loadFeedBody does, taken
 * apart): the store's reads (calendar, period directory, one BatchGet of the segments), gunzip and decoding, filter,
 * order and join, and the body as one buffer. Medians of `runs`.
 */
async function packedReadStages(calendarDoc: Calendar, keys: string[], head: Awaited<ReturnType<typeof loadFeedHead>>, runs: number): Promise<[string, number][]> {
  const { views } = tableNames();
  const client = documentClient();
  const read = async () => {
    await client.send(new GetCommand({ TableName: views, Key: { pk: `calendar#${calendarDoc.id}` } }));
    await client.send(new GetCommand({ TableName: views, Key: { pk: feedDirectoryKey(`${calendarDoc.id}#public`) }, ConsistentRead: true }));
    const reply = await client.send(new BatchGetCommand({ RequestItems: { [views]: { Keys: keys.map((pk) => ({ pk })) } } }));
    return (reply.Responses?.[views] ?? []).map((item) => item.segment as Uint8Array);
  };
  const segments = await read();
  const decode = () => segments.flatMap((segment) => decodePart(segment)).map(([, , entry]) => entry);
  const entries = decode();
  const chunks = joinEntries(calendarDoc, entries, head);
  return [
    [`store: calendar, directory, BatchGet of ${keys.length} segments`, middle(await timed(runs, read))],
    ['gunzip and decode the segments', median(decode, runs)],
    [`filter, order and join ${entries.length} entries`, median(() => joinEntries(calendarDoc, entries, head), runs)],
    ['the body as one buffer', median(() => Buffer.concat(chunks), runs)],
  ];
}

/** 200s per second, requests started during `seconds`, `concurrency` at a time, each read to its end; and the other statuses seen. */
async function throughput(url: string, concurrency: number, seconds: number): Promise<{ rate: number; failed: Record<number, number> }> {
  const started = performance.now();
  const until = started + seconds * 1000;
  let done = 0;
  const failed: Record<number, number> = {};
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < until) {
        const response = await fetch(url);
        await response.arrayBuffer();
        if (response.status === 200) done++;
        else failed[response.status] = (failed[response.status] ?? 0) + 1;
      }
    }),
  );
  // Over the time until the last request ended: a slow request started near the end counts its whole time.
  return { rate: done / ((performance.now() - started) / 1000), failed };
}

const failures = ({ failed }: { failed: Record<number, number> }) => {
  const list = Object.entries(failed).map(([status, count]) => `${count} × ${status}`);
  return list.length === 0 ? '' : `; also ${list.join(', ')} (the function's 20 s deadline)`;
};

async function main(): Promise<void> {
  console.log(`Taqweem feeds bench — ${cpus()[0]?.model ?? 'unknown CPU'} ×${cpus().length}, Node ${process.version}`);
  console.log('\nFull rendering, no pre-rendered fragments (median of 3)');
  for (const count of (process.env.BENCH_FULL_RENDER_SIZES ?? '1000,10000').split(',').filter(Boolean).map(Number)) {
    const list = events(count);
    const ours = renderCalendar(calendar, list, { language: 'en', withPrivateDetails: false });
    const theirs = bareIcalGenerator(list);
    const oursMs = median(() => renderCalendar(calendar, list, { language: 'en', withPrivateDetails: false }), 3);
    const theirsMs = median(() => bareIcalGenerator(list), 3);
    console.log(`  ${String(count).padStart(6)} events  taqweem ${oursMs.toFixed(1).padStart(7)} ms ${kb(ours).padStart(9)}   bare ical-generator ${theirsMs.toFixed(1).padStart(7)} ms ${kb(theirs).padStart(9)}`);
  }

  const large = Number(process.env.BENCH_FEED_EVENTS ?? 10_000);
  const huge = Number(process.env.BENCH_304_EVENTS ?? 50_000);
  const t = await startTestRuntime({ scheduleIntervalMs: 3_600_000 });
  const seeding = performance.now();
  await seed(t, 'large', events(large));
  await seed(t, 'tiny', events(10));
  await seed(
    t,
    'huge',
    events(huge).map((event) => ({ ...event, description: undefined })),
  );
  console.log(`\nSeeded ${large} + 10 + ${huge} events as view items in ${((performance.now() - seeding) / 1000).toFixed(0)} s`);

  const url = (calendarId: string) => `${t.runtime.url}/feeds/${calendarId}.ics?lang=en`;
  // The ETag from a HEAD (one read, and at most one bounded Query: it never assembles a large feed), then 304s
  // of the two calendars interleaved, so that the shared machine's load drifts over both alike.
  const etagOf = async (calendarId: string) => (await fetch(url(calendarId), { method: 'HEAD' })).headers.get('etag')!;
  const etags = { tiny: await etagOf('tiny'), huge: await etagOf('huge') };
  const notModified = async (calendarId: 'tiny' | 'huge') => {
    const started = performance.now();
    const response = await fetch(url(calendarId), { headers: { 'if-none-match': etags[calendarId] } });
    await response.arrayBuffer();
    if (response.status !== 304) throw new Error(`expected 304, got ${response.status}`);
    return performance.now() - started;
  };
  const samples = { tiny: [] as number[], huge: [] as number[] };
  for (let i = 0; i < 101; i++) for (const calendarId of i % 2 === 0 ? (['tiny', 'huge'] as const) : (['huge', 'tiny'] as const)) samples[calendarId].push(await notModified(calendarId));
  const [tiny304, huge304] = [middle(samples.tiny), middle(samples.huge)];
  console.log(`\n304 (If-None-Match) over HTTP (median of 101, interleaved; ${uptime()})`);
  console.log(`  10 events        ${tiny304.toFixed(2).padStart(7)} ms`);
  console.log(`  ${huge} events  ${huge304.toFixed(2).padStart(7)} ms   ratio ${(huge304 / tiny304).toFixed(2)}× (target ≤ 1.5×: ${huge304 / tiny304 <= 1.5 ? 'met' : 'NOT met'})`);

  const runs = Number(process.env.BENCH_RUNS ?? 3);
  // Every sample must be a 200 (a failed request is fast, and would pass for a good figure).
  const get = async () => {
    const response = await fetch(url('large'));
    const bytes = await response.arrayBuffer();
    if (response.status !== 200) throw new Error(`expected 200, got ${response.status}`);
    return bytes;
  };
  const body = Buffer.from(await get());
  // Cold GETs, each the first under a new ETag, the store's side of each made untimed before the sample:
  // - after one event change through the API (the projector renews its period's revision): the other periods'
  //   segments are read, the changed period is Queried from the index and packed again;
  // - with every period packed and no event changed (a new ETag all the same: a new UTC day, a calendar change);
  // - the first read ever (every period's revision renewed, as a rebuild does): every period Queried, then packed;
  // - segments off (FEED_SEGMENTS=0): the window's fragments Queried one item each, as before.
  // Warm: the same ETag again, answered from the body the container kept (one GetItem).
  let edits = 0;
  const changeOneEvent = async () => {
    await t.call('PATCH', `/events/${changed.get('large')}`, { body: { title: { en: `Revision ${++edits}` } } });
    await t.runtime.pump.drain();
  };
  // The change's own aftermath in this one process (stream consumers, timers, collecting the write path's garbage)
  // is over before the GET: what a subscriber polling a little later meets. Printed beside the GET taken at once.
  const settleMs = Number(process.env.BENCH_SETTLE_MS ?? 500);
  const changeOneEventAndSettle = async () => {
    await changeOneEvent();
    await new Promise((resolve) => setTimeout(resolve, settleMs));
  };
  const newEtag = () =>
    documentClient().send(new UpdateCommand({ TableName: tableNames().views, Key: { pk: 'calendar#large' }, UpdateExpression: 'SET feedRevision = :r', ExpressionAttributeValues: { ':r': randomUUID() } }));
  const list = events(large);
  // Rounds: in each, every cold GET once and bare ical-generator once, so that each ratio compares samples taken
  // seconds apart (the shared machine's load drifts over minutes); medians over the rounds.
  // "Kept": the container's decoded segments (FEED_CACHE_MB) hold the periods it read before; "from the store": that
  // cache off (FEED_CACHE_MB=0, as a container that never served this calendar), every segment BatchGot and gunzipped.
  const rounds = {
    cold: [] as number[],
    coldSettled: [] as number[],
    coldStore: [] as number[],
    packed: [] as number[],
    packedStore: [] as number[],
    first: [] as number[],
    plain: [] as number[],
    ical: [] as number[],
  };
  // A sample that is not a 200 is not counted: it is prepared and taken again (at most twice), and reported below.
  const failedSamples: string[] = [];
  const coldGet = async (series: number[], prepare: () => Promise<unknown>) => {
    for (let attempt = 0; ; attempt++) {
      await prepare();
      try {
        series.push(...(await timed(1, get)));
        return;
      } catch (error) {
        failedSamples.push((error as Error).message);
        if (attempt === 2) throw error;
      }
    }
  };
  const fromStore = async (series: number[], prepare: () => Promise<unknown>) => {
    process.env.FEED_CACHE_MB = '0';
    try {
      await coldGet(series, prepare);
    } finally {
      delete process.env.FEED_CACHE_MB;
    }
  };
  for (let i = 0; i < runs; i++) {
    await coldGet(rounds.cold, changeOneEvent);
    await coldGet(rounds.coldSettled, changeOneEventAndSettle);
    await fromStore(rounds.coldStore, changeOneEvent);
    await coldGet(rounds.packed, newEtag);
    await fromStore(rounds.packedStore, newEtag);
    await coldGet(rounds.first, async () => {
      await renewPeriods('large');
      await changeOneEvent();
    });
    process.env.FEED_SEGMENTS = '0';
    await coldGet(rounds.plain, newEtag);
    delete process.env.FEED_SEGMENTS;
    rounds.ical.push(median(() => bareIcalGenerator(list), 1));
    // ical-generator holds the event loop for seconds: idle keep-alive sockets time out meanwhile. Let their closes
    // be seen before the next request, which would otherwise be written into a reset connection.
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  const series = [rounds.cold, rounds.coldSettled, rounds.coldStore, rounds.packed, rounds.packedStore, rounds.first, rounds.plain, rounds.ical];
  const [feedCold, feedColdSettled, feedColdStore, feedPacked, feedPackedStore, feedFirst, feedPlain, icalGenerator] = series.map((samples) => middle([...samples])) as [
    number,
    number,
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const perRound = (series: number[]) => `${series.map((ms, i) => (ms / rounds.ical[i]!).toFixed(3)).join(', ')}×`;
  const feedWarm = middle(await timed(Math.max(runs, 11), get));
  const floor = middle(await timed(runs, () => bareQueryAndJoin('large')));
  const join = middle(
    await timed(runs, async () => {
      const head = await loadFeedHead(deps(), { calendar: 'large', language: 'en', tags: [], excludeTentative: false, cancelledRetentionDays: 30 });
      return Buffer.concat(await loadFeedBody(deps(), head)).length;
    }),
  );
  const head = await loadFeedHead(deps(), { calendar: 'large', language: 'en', tags: [], excludeTentative: false, cancelledRetentionDays: 30 });
  const fragments = await queryFragments('large');
  const calendarDoc = { ...calendar, id: 'large' };
  const joinOnly = median(() => Buffer.concat(joinFeed(calendarDoc, fragments, head)).length, runs);
  const parseOnly = median(() => fragments.map((fragment) => JSON.parse(JSON.stringify(fragment))), runs);
  const segments = await segmentSizes('large');
  const stages = await packedReadStages(calendarDoc, segments.keys, head, Math.max(runs, 11));
  const verdict = (ratio: number, target: number) => `${ratio.toFixed(3)}× (target ≤ ${target}×: ${ratio <= target ? 'met' : 'NOT met'})`;
  const line = (label: string, ms: number) => `  ${label.padEnd(62)} ${ms.toFixed(1).padStart(8)} ms   vs floor ${verdict(ms / floor, 3)}; vs ical-generator ${verdict(ms / icalGenerator, 0.05)}`;
  console.log(`\nFeed 200 at ${large} events in the window, ${kb(body.toString())} (medians of ${runs} rounds, each GET and ical-generator once; warm median of ${Math.max(runs, 11)}; ${uptime()})`);
  console.log(`  packed period segments (days 1–7, 8–15, 16–23, 24–end): ${segments.count} items, ${(segments.bytes / 1024).toFixed(0)} KiB gzipped, largest ${(segments.largest / 1024).toFixed(0)} KiB`);
  console.log(`  ${'bare ical-generator, same events'.padEnd(62)} ${icalGenerator.toFixed(1).padStart(8)} ms`);
  console.log(`  ${'floor: bare Query of the fragments + join'.padEnd(62)} ${floor.toFixed(1).padStart(8)} ms   ${(floor / icalGenerator).toFixed(3)}× bare ical-generator`);
  console.log(line('GET cold after a one-event change, other periods kept', feedCold));
  console.log(`  ${'  each round against its own ical-generator'.padEnd(62)} ${perRound(rounds.cold)}`);
  console.log(line(`  the same, ${settleMs} ms after the change`, feedColdSettled));
  console.log(`  ${'  each round against its own ical-generator'.padEnd(62)} ${perRound(rounds.coldSettled)}`);
  console.log(line('GET cold after a one-event change, periods from the store', feedColdStore));
  console.log(`  ${'  each round against its own ical-generator'.padEnd(62)} ${perRound(rounds.coldStore)}`);
  console.log(line('GET cold, every period packed and kept (new ETag)', feedPacked));
  console.log(line('GET cold, every period packed, from the store (new ETag)', feedPackedStore));
  console.log(line('GET cold, first read ever (no segment yet; packs them)', feedFirst));
  console.log(line('GET cold, segments off (FEED_SEGMENTS=0: every fragment)', feedPlain));
  console.log(line('GET warm (same ETag, body kept)', feedWarm));
  console.log(`  ${'in process: loadFeedHead + loadFeedBody (segments kept)'.padEnd(62)} ${join.toFixed(1).padStart(8)} ms`);
  console.log(`  ${'join alone (what replaced rendering)'.padEnd(62)} ${joinOnly.toFixed(1).padStart(8)} ms   ${(joinOnly / icalGenerator).toFixed(3)}× bare ical-generator`);
  console.log(`  ${'JSON round trip of the fragments alone'.padEnd(62)} ${parseOnly.toFixed(1).padStart(8)} ms   ${(parseOnly / icalGenerator).toFixed(3)}× bare ical-generator`);
  if (failedSamples.length > 0) console.log(`  samples taken again after a failed request: ${failedSamples.join('; ')}`);
  console.log(`  stages of a packed read, in process (median of ${Math.max(runs, 11)}):`);
  for (const [label, ms] of stages) console.log(`    ${label.padEnd(60)} ${ms.toFixed(1).padStart(8)} ms`);

  const statics = createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/calendar; charset=utf-8', 'content-length': body.length }).end(body));
  await new Promise<void>((resolve) => statics.listen(0, '127.0.0.1', resolve));
  const staticUrl = `http://127.0.0.1:${(statics.address() as AddressInfo).port}/large.ics`;
  const concurrency = 8;
  const seconds = Number(process.env.BENCH_LOAD_SECONDS ?? 5);
  const warmRate = await throughput(url('large'), concurrency, seconds);
  const floorRate = await throughput(staticUrl, concurrency, seconds);
  // Last: cold requests cut off at the deadline keep reading in the background, and would slow what follows.
  process.env.FEED_CACHE_MB = '0';
  const coldRate = await throughput(url('large'), concurrency, seconds);
  delete process.env.FEED_CACHE_MB;
  console.log(`\nThroughput at ${large} events (${kb(body.toString())}), ${concurrency} concurrent fetches for ${seconds} s (${uptime()})`);
  console.log(`  feed 200s, warm (body kept under its ETag)          ${warmRate.rate.toFixed(1).padStart(8)} req/s   ${(warmRate.rate / floorRate.rate).toFixed(2)}× static${failures(warmRate)}`);
  console.log(`  feed 200s, cold (FEED_CACHE_MB=0: reads the segments) ${coldRate.rate.toFixed(1).padStart(8)} req/s   ${(coldRate.rate / floorRate.rate).toFixed(2)}× static${failures(coldRate)}`);
  console.log(`  static server, same bytes                           ${floorRate.rate.toFixed(1).padStart(8)} req/s`);
  statics.close();
  await t.close();
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
