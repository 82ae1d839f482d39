/**
 * DynamoDB Streams consumer: turns committed event changes into persisted webhook deliveries. Each record
 * stands alone: one that cannot be fanned out is parked whole (and alarmed), and the rest of the batch goes on.
 */
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import type { DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import { deps } from '#config/deps';
import type { CommitItem } from '#journal/commit';
import type { Recorded } from '#domain/changes';
import { webhookConfig } from '#webhooks/config';
import { DeliveryStore } from '#webhooks/deliveries';
import { fanOutCommit, followSubscriptions, liveWebhooks } from '#webhooks/fanout';
import { nudgeDispatcher } from '#webhooks/nudge';
import { parkRecord } from '#webhooks/parked';
import { log } from '#config/log';
import { observed } from '#config/observability';

// ops (#11): Powertools context in logs, metrics flushed per batch.
export const handler = observed(async (event: DynamoDBStreamEvent): Promise<DynamoDBBatchResponse> => {
  const records = event.Records.filter((record) => record.eventName === 'INSERT' && record.dynamodb?.NewImage);
  if (records.length === 0) return { batchItemFailures: [] };
  const d = deps();
  const config = webhookConfig();
  const store = new DeliveryStore(d.client, d.tables.deliveries, config.deliveryTtlMs);
  let webhooks = await liveWebhooks(d);
  const histories = new Map<string, Recorded[]>();
  const batchItemFailures: { itemIdentifier: string }[] = [];
  let created = 0;
  for (const record of records) {
    const sequenceNumber = record.dynamodb!.SequenceNumber!;
    const commit = unmarshall(record.dynamodb!.NewImage as Record<string, AttributeValue>) as CommitItem;
    try {
      webhooks = await followSubscriptions(d, webhooks, commit);
      created += await fanOutCommit(d, store, commit, webhooks, { horizonMs: config.fanoutHorizonMs, histories });
    } catch (error) {
      // Parked, it no longer holds up the batch; only if parking fails too is the record retried by Lambda.
      await parkRecord(d, commit, error, sequenceNumber).catch((parkError: unknown) => {
        log('error', 'webhook fan-out could not park a record', { sequenceNumber, error: String(error), parkError: String(parkError) });
        batchItemFailures.push({ itemIdentifier: sequenceNumber });
      });
    }
  }
  // The schedule remains the fallback: a nudge that fails delays deliveries, it does not lose them.
  if (created > 0) await nudgeDispatcher().catch((error: unknown) => log('warn', 'could not wake the dispatcher', { error: String(error) }));
  return { batchItemFailures };
});
