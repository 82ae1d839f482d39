/** The journal on dynalite: concurrency, idempotency, projection and rebuilds. */
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Principal } from '#auth/keys';
import { createEvent, changeEvent } from '#commands/events';
import { putCalendar } from '#commands/calendars';
import type { Deps } from '#config/deps';
import { eventAggregate, fold } from '#domain/aggregates';
import { streams } from '#domain/changes';
import type { EventState } from '#domain/event';
import { DomainError } from '#domain/errors';
import { newId } from '#domain/ids';
import { createEventSchema } from '#domain/schemas';
import { handle } from '#journal/handle';
import { ConcurrencyError, type Journal } from '#journal/journal';
import { rebuildViews, type RebuildProgress } from '#views/rebuild';
import { handler as project } from '../../functions/stream/project.ts';
import { startTestStore } from '../helpers/store.ts';

let store: Awaited<ReturnType<typeof startTestStore>>;
let deps: Deps;
const editor: Principal = { kind: 'key', id: 'EDITOR', role: 'editor' };
const meta = () => ({ at: new Date().toISOString(), actor: 'test', newId: () => newId() });

const eventInput = (title: string) => createEventSchema().parse({ calendar: 'ato', title: { en: title }, schedule: { type: 'timed', start: '2026-07-14T09:00', end: '2026-07-14T17:00', timeZone: 'Asia/Muscat' } });

beforeAll(async () => {
  store = await startTestStore();
  deps = { client: store.client, journal: store.journal, tables: store.tables, now: () => new Date(), newId: () => newId(), adminKeyHash: async () => undefined };
  await putCalendar(deps, 'ato', { name: { en: 'ATO' }, defaultLanguage: 'ar', timeZone: 'Asia/Kuwait' }, editor);
});
afterAll(() => store.close());

async function views(): Promise<Record<string, unknown>[]> {
  const page = await store.client.send(new ScanCommand({ TableName: store.tables.views, ConsistentRead: true }));
  return (page.Items ?? []).sort((a, b) => String(a.pk).localeCompare(String(b.pk)));
}

function withoutFeedValidators({ feedRevision: _r, feedRevisedAt: _at, feedChangedAt: _changed, ...item }: Record<string, unknown>): Record<string, unknown> {
  // So are a feed directory's period revisions (shared/feeds/periods.ts): which periods it names is derived data.
  if (String(item.pk).startsWith('feedperiods#')) return Object.fromEntries(Object.entries(item).map(([name, value]) => [name, /^p\d{4}-\d{2}-\d{2}$/.test(name) ? 'revision' : value]));
  return item;
}

async function projectAll(): Promise<void> {
  const batch = store.records.splice(0);
  const response = await project({ Records: batch });
  expect(response.batchItemFailures).toEqual([]);
}

describe('appending', () => {
  it('reads back what was appended, in order, and refuses a second commit at the same version', async () => {
    const streamId = streams.calendar(`journal-${newId().toLowerCase()}`);
    await store.journal.append(streamId, 0, [{ type: 'calendar.created', data: { name: { en: 'a' }, defaultLanguage: 'en', timeZone: 'UTC' } }], meta());
    const error = await store.journal.append(streamId, 0, [{ type: 'calendar.updated', data: { name: { en: 'b' }, defaultLanguage: 'en', timeZone: 'UTC' } }], meta()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConcurrencyError);
    expect(error).toMatchObject({ streamId, expectedVersion: 0, actualVersion: 1 });
    const changes = await store.journal.read(streamId);
    expect(changes.map((c) => [c.version, c.type])).toEqual([[1, 'calendar.created']]);
  });

  it('keeps the versions of a multi-change commit contiguous and reads from the middle of one', async () => {
    const { event } = await createEvent(
      deps,
      {
        ...eventInput('with guests'),
        participants: [
          { name: 'A', role: 'chair', status: 'invited' },
          { name: 'B', role: 'optional', status: 'invited' },
        ],
      },
      editor,
    );
    const all = await store.journal.read(streams.event(event.id));
    expect(all.map((c) => c.version)).toEqual([1, 2, 3]);
    expect((await store.journal.read(streams.event(event.id), 2)).map((c) => c.version)).toEqual([3]);
  });
});

describe('concurrent writers', () => {
  it('lets exactly one of 20 writers holding the same If-Match win; the others get 412', async () => {
    const { event } = await createEvent(deps, eventInput('race with If-Match'), editor);
    const results = await Promise.allSettled(Array.from({ length: 20 }, (_, i) => changeEvent(deps, event.id, { type: 'patch', patch: { tags: [`writer-${i}`] } }, editor, 1)));
    const won = results.filter((r) => r.status === 'fulfilled');
    const lost = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(19);
    for (const failure of lost) expect(failure.reason).toMatchObject({ code: 'precondition_failed' });
    expect((await store.journal.read(streams.event(event.id))).map((c) => c.version)).toEqual([1, 2]);
  });

  it('records all of 20 writers without If-Match, with contiguous versions and no update lost', async () => {
    const { event } = await createEvent(deps, eventInput('race without If-Match'), editor);
    await Promise.all(Array.from({ length: 20 }, (_, i) => changeEvent(deps, event.id, { type: 'invite', participantId: `P${i}`, participant: { name: `Guest ${i}`, role: 'optional', status: 'invited' } }, editor)));
    const history = await store.journal.read(streams.event(event.id));
    expect(history.map((c) => c.version)).toEqual(Array.from({ length: 21 }, (_, i) => i + 1));
    const state = fold(eventAggregate, history);
    expect(state?.participants.map((p) => p.id).sort()).toEqual(Array.from({ length: 20 }, (_, i) => `P${i}`).sort());
  });
});

describe('idempotent creation', () => {
  it('creates once for a key, returns the first result to every retry, and refuses the key with another body', async () => {
    const input = eventInput('idempotent');
    const attempts = await Promise.all(Array.from({ length: 5 }, () => createEvent(deps, input, editor, 'same-key')));
    const ids = new Set(attempts.map((a) => a.event.id));
    expect(ids.size).toBe(1);
    expect(attempts.filter((a) => !a.replayed)).toHaveLength(1);
    const [id] = ids;
    expect(await store.journal.read(streams.event(id!))).toHaveLength(1);
    await changeEvent(deps, id!, { type: 'patch', patch: { url: 'https://ato.example' } }, editor);
    const later = await createEvent(deps, input, editor, 'same-key');
    expect(later).toMatchObject({ replayed: true, event: { id, version: 1 } });
    expect(later.event.url).toBeUndefined();
    const mismatch = await createEvent(deps, eventInput('another body'), editor, 'same-key').catch((e: unknown) => e);
    expect(mismatch).toMatchObject({ code: 'unprocessable', errors: [{ field: 'header.idempotency-key' }] });
  });

  it('records nothing and claims nothing when the command is refused', async () => {
    const error = await createEvent(deps, { ...eventInput('nowhere'), calendar: 'no-such-calendar' }, editor, 'refused-key').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DomainError);
    const claims = await store.client.send(new ScanCommand({ TableName: store.tables.idempotency }));
    expect(claims.Items?.some((item) => String(item.pk).endsWith('#refused-key'))).toBe(false);
  });
});

describe('views', () => {
  it('are unchanged by duplicate and out-of-order stream records', async () => {
    const { event } = await createEvent(deps, eventInput('projected'), editor);
    await changeEvent(deps, event.id, { type: 'patch', patch: { tags: ['one'] } }, editor);
    await changeEvent(deps, event.id, { type: 'patch', patch: { tags: ['two'] } }, editor);
    const batch = store.records.splice(0);
    const reversedWithDuplicates = [...batch].reverse().concat(batch);
    expect((await project({ Records: reversedWithDuplicates })).batchItemFailures).toEqual([]);
    const before = await views();
    expect((await project({ Records: batch })).batchItemFailures).toEqual([]);
    expect(await views()).toEqual(before);
    const view = before.find((item) => item.pk === streams.event(event.id));
    expect(view).toMatchObject({ lastAppliedVersion: 3, tags: ['two'], doc: { version: 3, tags: ['two'] } });
  });

  it('rebuilt from the journal alone equal the live views, and drop views the journal does not support', async () => {
    await projectAll();
    const live = await views();
    await store.client.send(new (await import('@aws-sdk/lib-dynamodb')).PutCommand({ TableName: store.tables.views, Item: { pk: 'event#ORPHAN', entity: 'event', sortKey: 'x', lastAppliedVersion: 1, doc: {} } }));
    const progress: RebuildProgress[] = [];
    const summary = await rebuildViews({ client: store.client, journal: store.journal, viewsTable: store.tables.views, onProgress: (p) => progress.push(p) });
    // A calendar's feed revision is a random validator (shared/feeds/digest.ts), not derived data: a rebuild issues new ones.
    expect((await views()).map(withoutFeedValidators)).toEqual(live.map(withoutFeedValidators));
    expect(summary.viewsRemoved).toBe(1);
    expect(progress.at(-1)).toMatchObject({ phase: 'write', done: summary.streams, total: summary.streams, etaSeconds: 0 });
    expect(summary.changes).toBeGreaterThan(summary.streams);
  });
});

describe('handle', () => {
  it('re-decides on the new state after losing a race, so the decision sees the winner', async () => {
    const { event } = await createEvent(deps, eventInput('re-decide'), editor);
    const streamId = streams.event(event.id);
    let interfered = false;
    // Another writer commits between this writer's read and its append, once.
    const racedJournal: Journal = {
      read: (id, after) => store.journal.read(id, after),
      scan: () => store.journal.scan(),
      async append(id, expected, changes, appendMeta) {
        if (!interfered) {
          interfered = true;
          await store.journal.append(id, expected, [{ type: 'event.updated', data: { tags: ['winner'] } }], meta());
        }
        return store.journal.append(id, expected, changes, appendMeta);
      },
    };
    const seen: number[] = [];
    const decide = (state: EventState) => {
      seen.push(state!.version);
      return [{ type: 'event.updated' as const, data: { tags: [...state!.tags, `seen-${state!.version}`] } }];
    };
    const result = await handle(racedJournal, streamId, eventAggregate, decide, { actor: 'test', now: () => new Date(), newId: () => newId() });
    expect(seen).toEqual([1, 2]);
    expect(result.state?.tags).toEqual(['winner', 'seen-2']);
    expect((await store.journal.read(streamId)).map((c) => c.version)).toEqual([1, 2, 3]);
  });
});
