/** DynamoDB Streams consumer: brings the views of every stream in the batch up to the journal. */
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import type { DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import { deps } from '#config/deps';
import type { CommitItem } from '#journal/commit';
import { projectStream } from '#views/projector';
import { log } from '#config/log';
import { observed } from '#config/observability';

// ops (#11): Powertools context in logs, metrics flushed per batch.
export const handler = observed(async (event: DynamoDBStreamEvent): Promise<DynamoDBBatchResponse> => {
  const d = deps();
  // Per stream: the highest version in the batch, and the first record to retry from if projecting fails.
  const targets = new Map<string, { version: number; firstSequenceNumber: string }>();
  for (const record of event.Records) {
    if (record.eventName !== 'INSERT' || !record.dynamodb?.NewImage) continue;
    const commit = unmarshall(record.dynamodb.NewImage as Record<string, AttributeValue>) as CommitItem;
    const target = targets.get(commit.streamId);
    if (target) target.version = Math.max(target.version, commit.lastVersion);
    else targets.set(commit.streamId, { version: commit.lastVersion, firstSequenceNumber: record.dynamodb.SequenceNumber! });
  }
  const failures: { itemIdentifier: string }[] = [];
  await Promise.all(
    [...targets].map(async ([streamId, { version, firstSequenceNumber }]) => {
      try {
        await projectStream({ client: d.client, journal: d.journal, viewsTable: d.tables.views }, streamId, version);
      } catch (error) {
        log('error', 'projection failed', { streamId, version, error: String(error) });
        failures.push({ itemIdentifier: firstSequenceNumber });
      }
    }),
  );
  return { batchItemFailures: failures };
});
