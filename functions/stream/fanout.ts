/** DynamoDB Streams consumer: turns committed event changes into persisted webhook deliveries. */
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import type { DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import { deps } from '#config/deps';
import { changesOf, type CommitItem } from '#journal/commit';
import { fanOut, liveWebhooks } from '#webhooks/fanout';
import { nudgeDispatcher } from '#webhooks/nudge';
import { log } from '#config/log';
import { observed } from '#config/observability';

// ops (#11): Powertools context in logs, metrics flushed per batch.
export const handler = observed(async (event: DynamoDBStreamEvent): Promise<DynamoDBBatchResponse> => {
  const records = event.Records.filter((record) => record.eventName === 'INSERT' && record.dynamodb?.NewImage);
  if (records.length === 0) return { batchItemFailures: [] };
  const webhooks = await liveWebhooks(deps());
  let created = 0;
  let failure: { itemIdentifier: string } | undefined;
  // In order, one record at a time: on a failure, Lambda retries from that record (and fan-out is idempotent).
  for (const record of records) {
    try {
      created += await fanOut(deps(), changesOf(unmarshall(record.dynamodb!.NewImage as Record<string, AttributeValue>) as CommitItem), webhooks);
    } catch (error) {
      log('error', 'webhook fan-out failed', { sequenceNumber: record.dynamodb!.SequenceNumber, error: String(error) });
      failure = { itemIdentifier: record.dynamodb!.SequenceNumber! };
      break;
    }
  }
  // The schedule remains the fallback: a nudge that fails delays deliveries, it does not lose them.
  if (created > 0) await nudgeDispatcher().catch((error: unknown) => log('warn', 'could not wake the dispatcher', { error: String(error) }));
  return { batchItemFailures: failure ? [failure] : [] };
});
