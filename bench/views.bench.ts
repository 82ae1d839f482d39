/**
 * `npm run bench` (views): what issue #9 asks of lists, writes, rebuilds and the local runtime's memory, each
 * beside its baseline in the same run:
 * - the latest month's list of a calendar of 50,000 events against the same month of a calendar of 1,000;
 * - a PATCH (command and its projection) on an event at version 500 against one at version 2;
 * - rebuild-views against Castore's replay (@castore/core + its DynamoDB adapter) of the same changes;
 * Sizes: BENCH_EVENTS (50000), BENCH_SMALL_EVENTS (1000), BENCH_REBUILD_EVENTS (3000: Castore's replay is slow
 * enough that the whole journal would take minutes). The runtime's memory: bench/rss.bench.ts.
 */
import '../infra/local/local-env.ts'; // first: Powertools reads it at import (no EMF lines in the figures)
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { EventStore, EventType, type Aggregate, type EventDetail } from '@castore/core';
import { DynamoDBSingleTableEventStorageAdapter } from '@castore/event-storage-adapter-dynamodb';
import { cpus, totalmem } from 'node:os';
import type { Principal } from '#auth/keys';
import { putCalendar } from '#commands/calendars';
import { changeEvent, createEvent } from '#commands/events';
import type { Deps } from '#config/deps';
import { streams, type EventChange, type Recorded } from '#domain/changes';
import { decideEvent, evolveEvent, type EventState } from '#domain/event';
import { newId } from '#domain/ids';
import { createEventSchema } from '#domain/schemas';
import { buildCommit, type CommitItem } from '#journal/commit';
import { listEvents } from '#views/queries';
import { rebuildViews } from '#views/rebuild';
import { viewSnapshots } from '#views/snapshots';
import { handler as project } from '../functions/stream/project.ts';
import { startTestStore } from '../test/helpers/store.ts';
import { timed } from './measure.ts';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const LARGE = Number(process.env.BENCH_EVENTS ?? 50_000);
const SMALL = Number(process.env.BENCH_SMALL_EVENTS ?? 1_000);
const REBUILD = Number(process.env.BENCH_REBUILD_EVENTS ?? 3_000);
const LATEST_MONTH_EVENTS = 40;
const editor: Principal = { kind: 'key', id: 'BENCH', role: 'editor' };

const median = (samples: number[]) => [...samples].sort((a, b) => a - b)[Math.floor(samples.length / 2)]!;
const ms = (value: number) => `${value.toFixed(2)} ms`;
const n = (value: number) => Math.round(value).toLocaleString('en');
const ratio = (value: number, limit: number, wantBelow = true) => `${value.toFixed(2)}× (target ${wantBelow ? '≤' : '≥'} ${limit}×: ${(wantBelow ? value <= limit : value >= limit) ? 'met' : 'NOT met'})`;

/** A calendar's events as journal commits: created, then updated (two commits, one change each). */
function eventCommits(calendar: string, count: number): CommitItem[] {
  const commits: CommitItem[] = [];
  const meta = { at: '2026-01-01T00:00:00.000Z', actor: 'key:BENCH', newId };
  for (let i = 0; i < count; i++) {
    const latest = i >= count - LATEST_MONTH_EVENTS;
    const month = latest ? '2027-01' : `${2022 + Math.floor((i % 60) / 12)}-${String((i % 12) + 1).padStart(2, '0')}`;
    const day = String((i % 27) + 1).padStart(2, '0');
    const input = createEventSchema().parse({
      calendar,
      title: { en: `Event ${i}`, ar: `فعالية ${i}` },
      schedule: { type: 'timed', start: `${month}-${day}T09:00`, end: `${month}-${day}T11:00`, timeZone: 'Asia/Kuwait' },
    });
    const streamId = streams.event(newId());
    commits.push(buildCommit(streamId, 0, decideEvent({ type: 'create', input, calendarExists: true, participantIds: [] }, undefined), meta));
    commits.push(buildCommit(streamId, 1, [{ type: 'event.updated', data: { tags: ['bench'] } }], meta));
  }
  return commits;
}

async function batchPut(client: Deps['client'], table: string, items: Record<string, unknown>[]): Promise<void> {
  const batches = Array.from({ length: Math.ceil(items.length / 25) }, (_, i) => items.slice(i * 25, i * 25 + 25));
  let next = 0;
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      while (next < batches.length) {
        let pending = batches[next++]!.map((Item) => ({ PutRequest: { Item } }));
        while (pending.length > 0) pending = ((await client.send(new BatchWriteCommand({ RequestItems: { [table]: pending } }))).UnprocessedItems?.[table] ?? []) as typeof pending;
      }
    }),
  );
}

/** Castore's replay: list the aggregate ids page by page, get each aggregate (16 at a time), store it. */
async function castoreReplay(raw: DynamoDBClient, client: Deps['client'], table: string, viewsTable: string): Promise<number> {
  const eventTypes = ['event.created', 'event.updated'].map((type) => new EventType({ type }));
  const store = new EventStore({
    eventStoreId: 'taqweem-events',
    eventTypes,
    reducer: (aggregate: Aggregate, event: EventDetail) =>
      evolveEvent(
        aggregate as unknown as EventState,
        { id: '', commitId: '', streamId: event.aggregateId, version: event.version, type: event.type, at: event.timestamp, actor: '', data: event.payload, schemaVersion: 1 } as Recorded<EventChange>,
      ) as unknown as Aggregate,
    eventStorageAdapter: new DynamoDBSingleTableEventStorageAdapter({ tableName: table, dynamoDBClient: raw }),
  });
  let replayed = 0;
  let pageToken: string | undefined;
  do {
    const page = await store.listAggregateIds({ limit: 1000, pageToken });
    let next = 0;
    await Promise.all(
      Array.from({ length: 16 }, async () => {
        while (next < page.aggregateIds.length) {
          const { aggregateId } = page.aggregateIds[next++]!;
          const { aggregate, events } = await store.getAggregate(aggregateId);
          await client.send(new PutCommand({ TableName: viewsTable, Item: { pk: aggregateId, doc: aggregate } }));
          replayed += events.length;
        }
      }),
    );
    pageToken = page.nextPageToken;
  } while (pageToken);
  return replayed;
}

/** rebuild-views beside Castore's replay of the same changes, each in the same (fresh) store. */
async function compareRebuilds(): Promise<void> {
  const store = await startTestStore();
  const raw = new DynamoDBClient({ endpoint: store.store.endpoint, region: 'local', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
  // The same changes in our journal and in Castore's table (one item per change in both).
  const commits = eventCommits('rebuild', REBUILD);
  await batchPut(store.client, store.tables.journal, commits as unknown as Record<string, unknown>[]);
  const castoreTable = 'castore-events';
  await raw.send(
    new CreateTableCommand({
      TableName: castoreTable,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: ['aggregateId:S', 'version:N', 'eventStoreId:S', 'timestamp:S'].map((a) => ({ AttributeName: a.split(':')[0], AttributeType: a.split(':')[1] as 'S' | 'N' })),
      KeySchema: [
        { AttributeName: 'aggregateId', KeyType: 'HASH' },
        { AttributeName: 'version', KeyType: 'RANGE' },
      ],
      GlobalSecondaryIndexes: [
        {
          IndexName: 'initialEvents',
          KeySchema: [
            { AttributeName: 'eventStoreId', KeyType: 'HASH' },
            { AttributeName: 'timestamp', KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'KEYS_ONLY' },
        },
      ],
    }),
  );
  await raw.send(
    new CreateTableCommand({ TableName: 'castore-views', BillingMode: 'PAY_PER_REQUEST', AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }], KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }] }),
  );
  const castoreItems = commits.map((commit) => {
    const [change] = commit.changes;
    const item = {
      aggregateId: `taqweem-events#${commit.streamId.slice('event#'.length)}`,
      version: commit.version,
      type: change!.type,
      timestamp: commit.at,
      payload: change!.data,
      ...(commit.version === 1 ? { eventStoreId: 'taqweem-events' } : {}),
    };
    return item;
  });
  await batchPut(store.client, castoreTable, castoreItems);

  // Rebuild (offline, as `npm run rebuild-views` runs locally) beside Castore's replay of the same changes.
  const castoreStarted = performance.now();
  const castoreChanges = await castoreReplay(raw, store.client, castoreTable, 'castore-views');
  const castoreRate = castoreChanges / ((performance.now() - castoreStarted) / 1000);
  const summary = await rebuildViews({ client: store.client, journal: store.journal, viewsTable: store.tables.views, mode: 'offline' });
  const rebuildRate = summary.changes / (summary.millis / 1000);
  console.log(`\nRebuild (${n(summary.streams)} streams, ${n(summary.changes)} changes)`);
  console.log(`  baseline: Castore replay (listAggregateIds + getAggregate ×16 + PutItem)  ${n(castoreRate)} changes/s (${n(castoreChanges)} changes)`);
  console.log(`  rebuild-views (8 Scan segments, BatchWriteItem)                         ${n(rebuildRate)} changes/s (${n(summary.millis)} ms)  ${ratio(rebuildRate / castoreRate, 1, false)}`);

  raw.destroy();
  await store.close();
}

async function main(): Promise<void> {
  console.log(`Taqweem views bench — ${cpus()[0]?.model ?? 'unknown CPU'} ×${cpus().length}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}, dynalite in memory`);
  console.log(`Sizes: lists over ${n(LARGE)} and ${n(SMALL)} events (${LATEST_MONTH_EVENTS} in the latest month of each); rebuild vs Castore over ${n(REBUILD)} events; 2 changes each`);
  await compareRebuilds();
  const store = await startTestStore();
  const deps: Deps = { client: store.client, journal: store.journal, tables: store.tables, now: () => new Date(), newId, adminKeyHash: async () => 'bench', snapshots: viewSnapshots(store.client, store.tables.views) };
  for (const id of ['large', 'small', 'writes']) await putCalendar(deps, id, { name: { en: id }, defaultLanguage: 'en', timeZone: 'Asia/Kuwait' }, editor);
  store.records.splice(0);

  // The lists' calendars, written to the journal and rebuilt into views (offline, as `npm run rebuild-views`).
  await batchPut(store.client, store.tables.journal, [...eventCommits('large', LARGE), ...eventCommits('small', SMALL)] as unknown as Record<string, unknown>[]);
  const seeded = await rebuildViews({ client: store.client, journal: store.journal, viewsTable: store.tables.views, mode: 'offline' });
  console.log(`  (seeding the lists: rebuild-views over ${n(seeded.streams)} streams, ${n(seeded.changes)} changes: ${n(seeded.changes / (seeded.millis / 1000))} changes/s)`);

  // The latest month of each calendar: 40 events in both, after 1,000 or 50,000 earlier ones.
  const month = { from: '2027-01-01T00:00:00.000Z', to: '2027-02-01T00:00:00.000Z', includePrivate: false, limit: 200 };
  const reader = { client: store.client, tables: store.tables, adminKeyHash: deps.adminKeyHash };
  const check = await listEvents(reader, { ...month, calendar: 'large' });
  if (check.items.length !== LATEST_MONTH_EVENTS) throw new Error(`expected ${LATEST_MONTH_EVENTS} events in the latest month, listed ${check.items.length}`);
  const small = await timed(300, () => listEvents(reader, { ...month, calendar: 'small' }));
  const large = await timed(300, () => listEvents(reader, { ...month, calendar: 'large' }));
  console.log(`\nMonth list, latest month (${LATEST_MONTH_EVENTS} events), 300 sequential lists each`);
  console.log(`  baseline: calendar of ${n(SMALL)} events   p50 ${ms(median(small))}`);
  console.log(`  calendar of ${n(LARGE)} events          p50 ${ms(median(large))}  ${ratio(median(large) / median(small), 2)}`);

  // PATCH: the command, then the projection of what it committed (what a write costs end to end).
  const input = createEventSchema().parse({ calendar: 'writes', title: { en: 'Patched' }, schedule: { type: 'timed', start: '2027-03-01T09:00', end: '2027-03-01T10:00', timeZone: 'Asia/Muscat' } });
  const patchAndProject = async (id: string, tag: string) => {
    await changeEvent(deps, id, { type: 'patch', patch: { tags: [tag] } }, editor);
    await project({ Records: store.records.splice(0) });
  };
  const long = (await createEvent(deps, input, editor)).event.id;
  for (let v = 2; v <= 500; v++) await patchAndProject(long, `v${v}`);
  const fresh: string[] = [];
  for (let i = 0; i < 200; i++) {
    const id = (await createEvent(deps, input, editor)).event.id;
    await patchAndProject(id, 'v2');
    fresh.push(id);
  }
  const atTwo = await timed(200, (i) => patchAndProject(fresh[i]!, 'again'));
  const atFiveHundred = await timed(200, (i) => patchAndProject(long, `again-${i}`));
  console.log(`\nPATCH + projection, 200 each`);
  console.log(`  baseline: event at version 2     p50 ${ms(median(atTwo))}`);
  console.log(`  event at version 500 (to 700)    p50 ${ms(median(atFiveHundred))}  ${ratio(median(atFiveHundred) / median(atTwo), 1.5)}`);
  await store.close();
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
