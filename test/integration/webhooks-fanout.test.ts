/**
 * Fan-out, record by record: the stream handler of infra/functions.ts fed a DynamoDB Streams batch by hand, on
 * a dynalite of its own, so that a poison record sits in the same batch as innocent ones.
 */
import { marshall } from '@aws-sdk/util-dynamodb';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Change } from '#domain/changes';
import { deps } from '#config/deps';
import { webhookConfig } from '#webhooks/config';
import { parkedRecords, PARKED, redriveParked } from '#webhooks/parked';
import type { CommitItem } from '#journal/commit';
import { projectCommits } from '#views/projector';
import { handler } from '../../functions/stream/fanout.ts';
import { startTestStore } from '../helpers/store.ts';

let s: Awaited<ReturnType<typeof startTestStore>>;
let sequence = 0;
let webhookCommit: CommitItem;
const meta = () => ({ at: new Date().toISOString(), actor: 'test', newId: deps().newId });

/** Appends changes and returns the commit item as the journal holds it. */
async function commit(streamId: string, changes: Change[]): Promise<CommitItem> {
  const recorded = await s.journal.append(streamId, 0, changes, meta());
  const page = await s.client.send(new QueryCommand({ TableName: s.tables.journal, KeyConditionExpression: 'streamId = :s', ExpressionAttributeValues: { ':s': streamId }, ConsistentRead: true }));
  expect(recorded.length).toBeGreaterThan(0);
  return page.Items![0] as CommitItem;
}

const record = (item: CommitItem): DynamoDBRecord => ({
  eventName: 'INSERT',
  eventSource: 'aws:dynamodb',
  dynamodb: { NewImage: marshall(item, { removeUndefinedValues: true }) as never, SequenceNumber: String(++sequence).padStart(21, '0'), StreamViewType: 'NEW_IMAGE' },
});

const created = (title: string): Change => ({
  type: 'event.created',
  data: { calendar: 'fanout', title: { en: title }, schedule: { type: 'allDay', startDate: '2026-07-14', endDate: '2026-07-14' }, kind: 'meeting', visibility: 'public', status: 'confirmed', tags: [] } as never,
});

async function deliveriesOf(webhookId: string) {
  const page = await s.client.send(
    new QueryCommand({ TableName: s.tables.deliveries, KeyConditionExpression: 'webhookId = :w AND begins_with(id, :msg)', ExpressionAttributeValues: { ':w': webhookId, ':msg': 'msg_' }, ConsistentRead: true }),
  );
  return page.Items ?? [];
}

beforeAll(async () => {
  s = await startTestStore();
});
afterAll(async () => {
  delete process.env.DISPATCH_FUNCTION_NAME;
  await s.close();
});

describe('fan-out', () => {
  it('parks a record it cannot fan out, whole, and delivers every other record of the batch', async () => {
    delete process.env.DISPATCH_FUNCTION_NAME;
    const webhook = (webhookCommit = await commit('webhook#W1', [{ type: 'webhook.created', data: { url: 'https://example.com/hooks', types: ['*'], owner: { keyId: 'admin', role: 'admin' } } }]));
    await new Promise((resolve) => setTimeout(resolve, 5));
    const before = await commit('event#E1', [created('Before the poison')]);
    const poison = await commit('event#E2', [{ type: 'event.exploded', data: { how: 'loudly' } } as unknown as Change]);
    const after = await commit('event#E3', [created('After the poison')]);

    const response = await handler({ Records: [record(webhook), record(before), record(poison), record(after)] });

    expect(response.batchItemFailures).toEqual([]);
    expect((await deliveriesOf('W1')).map((delivery) => delivery.eventId).sort()).toEqual(['E1', 'E3']);
    const parked = await parkedRecords(deps());
    expect(parked).toHaveLength(1);
    expect(parked[0]).toMatchObject({ webhookId: PARKED, id: 'event#E2@1', commit: poison, error: expect.stringContaining('unknown change type event.exploded') });
  });

  it('re-drives parked records: those that go through now are delivered and unparked, the others stay', async () => {
    // Re-driving reads the subscriptions from the views, as fan-out does.
    await projectCommits({ client: s.client, journal: s.journal, viewsTable: s.tables.views }, 'webhook#W1', [webhookCommit]);
    const e4 = await commit('event#E4', [created('Parked by a passing fault')]);
    const { parkRecord } = await import('#webhooks/parked');
    await parkRecord(deps(), e4, new Error('ProvisionedThroughputExceededException'));
    const summary = await redriveParked(deps(), webhookConfig());
    expect(summary).toEqual({ redriven: 1, deliveries: 1, stillParked: 1 });
    expect((await deliveriesOf('W1')).map((delivery) => delivery.eventId).sort()).toEqual(['E1', 'E3', 'E4']);
    expect((await parkedRecords(deps())).map((parked) => parked.id)).toEqual(['event#E2@1']);
  });
});
