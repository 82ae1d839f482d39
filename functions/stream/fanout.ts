/** DynamoDB Streams consumer: turns committed event changes into persisted webhook deliveries. */
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import type { DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import { deps } from '#config/deps';
import { changesOf, type CommitItem } from '#journal/commit';
import { fanOut, liveWebhooks } from '#webhooks/fanout';
import { log } from '#config/log';

export const handler = async (event: DynamoDBStreamEvent): Promise<DynamoDBBatchResponse> => {
  const records = event.Records.filter((record) => record.eventName === 'INSERT' && record.dynamodb?.NewImage);
  if (records.length === 0) return { batchItemFailures: [] };
  const webhooks = await liveWebhooks(deps());
  // In order, one record at a time: on a failure, Lambda retries from that record (and fan-out is idempotent).
  for (const record of records) {
    try {
      await fanOut(deps(), changesOf(unmarshall(record.dynamodb!.NewImage as Record<string, AttributeValue>) as CommitItem), webhooks);
    } catch (error) {
      log('error', 'webhook fan-out failed', { sequenceNumber: record.dynamodb!.SequenceNumber, error: String(error) });
      return { batchItemFailures: [{ itemIdentifier: record.dynamodb!.SequenceNumber! }] };
    }
  }
  return { batchItemFailures: [] };
};
