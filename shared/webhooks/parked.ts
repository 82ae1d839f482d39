/**
 * Parked stream records: a journal commit fan-out could not handle (an unknown change type, a bug, a poison
 * record) is kept whole, with the error, in the deliveries table under `#parked`, and logged as an error with
 * the `RecordsParked` metric (EMF, through Powertools Metrics) so it can be alarmed on. Every other
 * record of the batch goes on. `redriveParked` fans them out again (after a fix or a deploy) and removes
 * those that went through.
 */
import { PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { Deps } from '#config/deps';
import { log } from '#config/log';
import { countMetric, metricNames } from '#config/observability';
import type { CommitItem } from '#journal/commit';
import type { WebhookConfig } from './config.ts';
import { DeliveryStore } from './deliveries.ts';
import { fanOutCommit, liveWebhooks } from './fanout.ts';

export const PARKED = '#parked';

export interface ParkedRecord {
  webhookId: typeof PARKED;
  /** `<streamId>@<version>`: parking the same commit twice keeps one item. */
  id: string;
  commit: CommitItem;
  error: string;
  parkedAt: string;
  sequenceNumber?: string;
}

/** Keeps a commit that could not be fanned out, and says so loudly. */
export async function parkRecord(d: Deps, commit: CommitItem, error: unknown, sequenceNumber?: string): Promise<void> {
  const item: ParkedRecord = { webhookId: PARKED, id: `${commit.streamId}@${commit.version}`, commit, error: String(error), parkedAt: d.now().toISOString(), ...(sequenceNumber ? { sequenceNumber } : {}) };
  await d.client.send(new PutCommand({ TableName: d.tables.deliveries, Item: item }));
  log('error', 'webhook fan-out parked a record', {
    streamId: commit.streamId,
    version: commit.version,
    sequenceNumber,
    error: item.error,
  });
  // What the FanoutRecordsParked alarm watches (infra/cdk/alarms.ts); flushed with the fan-out's other metrics.
  countMetric(metricNames.recordsParked);
}

export async function parkedRecords(d: Deps): Promise<ParkedRecord[]> {
  const items: ParkedRecord[] = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await d.client.send(
      new QueryCommand({ TableName: d.tables.deliveries, KeyConditionExpression: 'webhookId = :parked', ExpressionAttributeValues: { ':parked': PARKED }, ExclusiveStartKey: startKey, ConsistentRead: true }),
    );
    items.push(...((page.Items ?? []) as ParkedRecord[]));
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return items;
}

/**
 * Fans parked records out again, oldest first, with no age horizon (they were parked, not late). Those that
 * go through are removed; the others stay parked with their new error.
 */
export async function redriveParked(d: Deps, config: WebhookConfig): Promise<{ redriven: number; deliveries: number; stillParked: number }> {
  const store = new DeliveryStore(d.client, d.tables.deliveries, config.deliveryTtlMs);
  const webhooks = await liveWebhooks(d);
  const summary = { redriven: 0, deliveries: 0, stillParked: 0 };
  for (const parked of (await parkedRecords(d)).sort((a, b) => a.commit.at.localeCompare(b.commit.at))) {
    try {
      summary.deliveries += await fanOutCommit(d, store, parked.commit, webhooks, { horizonMs: Number.POSITIVE_INFINITY });
      await store.remove(PARKED, parked.id);
      summary.redriven++;
    } catch (error) {
      await parkRecord(d, parked.commit, error, parked.sequenceNumber);
      summary.stillParked++;
    }
  }
  return summary;
}
