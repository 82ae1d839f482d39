/**
 * Webhook replay of `count` changes (issue #10 point 5), locally on dynalite: the job's rate per slice and in
 * total, the DynamoDB calls and write units it spends per change, and from those an AWS estimate.
 */
import { BatchWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Principal } from '#auth/keys';
import { putCalendar } from '#commands/calendars';
import { createEvent } from '#commands/events';
import { createWebhook } from '#commands/webhooks';
import type { Deps } from '#config/deps';
import { newId } from '#domain/ids';
import { createEventSchema } from '#domain/schemas';
import type { CommitItem } from '#journal/commit';
import { webhookConfig } from '#webhooks/config';
import { advanceReplays, readReplay, startReplay } from '#webhooks/replay';
import { startTestStore } from '../test/helpers/store.ts';

/** Counts the calls a client sends, by command. */
export function countCalls(client: DynamoDBDocumentClient) {
  const calls = new Map<string, number>();
  const send = client.send.bind(client) as (command: unknown) => Promise<unknown>;
  client.send = ((command: { constructor: { name: string } }) => {
    const name = command.constructor.name.replace(/Command$/, '');
    calls.set(name, (calls.get(name) ?? 0) + 1);
    return send(command);
  }) as typeof client.send;
  return {
    calls,
    reset: () => calls.clear(),
    restore: () => {
      client.send = send as typeof client.send;
    },
  };
}

/** Writes `count` event commits (each a new event) straight into the journal, spread over `days` UTC days. */
async function seedJournal(client: DynamoDBDocumentClient, table: string, template: CommitItem, count: number, since: Date): Promise<void> {
  const spacingMs = Math.floor((Date.now() - since.getTime() - 60_000) / count);
  for (let i = 0; i < count; i += 25) {
    const items = Array.from({ length: Math.min(25, count - i) }, (_, j) => {
      const at = new Date(since.getTime() + (i + j) * spacingMs).toISOString();
      const streamId = `event#${newId()}`;
      return { ...template, streamId, commitId: newId(), at, changes: template.changes.map((change) => ({ ...change, id: newId() })), changedOn: at.slice(0, 10), changedAt: `${at}#${streamId}#1` };
    });
    await client.send(new BatchWriteCommand({ RequestItems: { [table]: items.map((Item) => ({ PutRequest: { Item } })) } }));
  }
}

export async function measureReplay(count: number, print: (line: string) => void): Promise<void> {
  process.env.ALLOW_PRIVATE_WEBHOOK_TARGETS = '1';
  const store = await startTestStore();
  const d: Deps = { client: store.client, journal: store.journal, tables: store.tables, now: () => new Date(), newId: () => newId(), adminKeyHash: async () => undefined };
  const admin: Principal = { kind: 'key', id: 'BENCH', role: 'admin' };
  await putCalendar(d, 'bench', { name: { en: 'Bench' }, defaultLanguage: 'en', timeZone: 'Asia/Kuwait' }, admin);
  const input = createEventSchema().parse({ calendar: 'bench', title: { en: 'Replayed', ar: 'معاد' }, schedule: { type: 'timed', start: '2026-07-14T09:00', end: '2026-07-14T17:00', timeZone: 'Asia/Muscat' } });
  const { event } = await createEvent(d, input, admin);
  const since = new Date(Date.now() - 7 * 86_400_000);
  const seedStarted = performance.now();
  await seedJournal(store.client, store.tables.journal, await templateCommit(store.client, store.tables.journal, event.id), count, since);
  const seedSeconds = (performance.now() - seedStarted) / 1000;
  const { webhook } = await createWebhook(d, { url: 'http://127.0.0.1:9/replay', types: ['*'] }, admin);
  const config = webhookConfig();
  const job = await startReplay(d, config, webhook.id, since);
  const counter = countCalls(store.client);
  const slices: { changes: number; seconds: number }[] = [];
  const started = performance.now();
  for (let done = 0, seen = 0; done === 0; ) {
    const sliceStarted = performance.now();
    done = await advanceReplays(d, config);
    const now = (await readReplay(d, webhook.id, job.id))!;
    slices.push({ changes: now.counts.changes - seen, seconds: (performance.now() - sliceStarted) / 1000 });
    seen = now.counts.changes;
  }
  const seconds = (performance.now() - started) / 1000;
  const final = (await readReplay(d, webhook.id, job.id))!;
  await store.close();
  const perChange = (name: string) => (counter.calls.get(name) ?? 0) / final.counts.changes;
  const totalCalls = [...counter.calls.values()].reduce((sum, n) => sum + n, 0);
  print(`\nWebhook replay: ${final.counts.changes.toLocaleString('en')} changes over 7 days (journal seeded in ${seedSeconds.toFixed(0)} s), status ${final.status}`);
  print(
    `  slices: ${slices
      .filter((s) => s.changes > 0)
      .map((s) => `${s.changes} in ${s.seconds.toFixed(1)} s`)
      .join('; ')} (and ${slices.filter((s) => s.changes === 0).length} runs that found the job leased)`,
  );
  print(`  total ${seconds.toFixed(1)} s = ${Math.round(final.counts.changes / seconds)} changes/s locally; created ${final.counts.created}, requeued ${final.counts.requeued}`);
  print(
    `  DynamoDB calls per change: ${(totalCalls / final.counts.changes).toFixed(2)} (${[...counter.calls].map(([name, n]) => `${name} ${(n / final.counts.changes).toFixed(3)}`).join(', ')}); ${((seconds * 1000) / totalCalls).toFixed(2)} ms of this machine per call`,
  );
  // AWS: a slice works a page of 200 changes with its calls in parallel, so a page costs a few sequential
  // round trips: the page query, the events' histories (none for a stream's first commit), which deliveries
  // exist (BatchGetItem, in parallel), the new ones written (BatchWriteItem, in parallel) with the existing ones
  // requeued, marking the lane due, then saving the job. At ~10 ms a round trip in a Region that is ~60 ms a page.
  const roundTripMs = 10;
  const pageMs = roundTripMs * (1 + 1 + 3 + 1);
  const latencyBound = (final.counts.changes / 200) * (pageMs / 1000);
  // Throughput: every delivery of one subscription shares a partition key (webhookId), and one partition takes
  // 1,000 write units a second. Items written per change, as measured (each item of a BatchWriteItem counts); the
  // delivery item (~1 KB payload) is 1–2 units, so 2 units a write is the cautious figure.
  const writesPerChange = perChange('Update') + perChange('Put') + final.counts.created / final.counts.changes;
  const partitionBound = (final.counts.changes * writesPerChange * 2) / 1000;
  print(
    `  AWS estimate for these ${final.counts.changes.toLocaleString('en')} changes: ≥ ${latencyBound.toFixed(0)} s by round trips (${pageMs} ms a page of 200 at ${roundTripMs} ms a call), ` +
      `≥ ${partitionBound.toFixed(0)} s by the one partition's 1,000 WCU/s (${writesPerChange.toFixed(2)} item writes × 2 WCU a change): about ${Math.ceil(Math.max(latencyBound, partitionBound) / 60)} min, in ${Math.ceil(Math.max(latencyBound, partitionBound) / 60)} one-minute slices`,
  );
}

async function templateCommit(client: DynamoDBDocumentClient, table: string, eventId: string): Promise<CommitItem> {
  const { QueryCommand } = await import('@aws-sdk/lib-dynamodb');
  const page = await client.send(new QueryCommand({ TableName: table, KeyConditionExpression: 'streamId = :s', ExpressionAttributeValues: { ':s': `event#${eventId}` }, Limit: 1 }));
  return page.Items![0] as CommitItem;
}
