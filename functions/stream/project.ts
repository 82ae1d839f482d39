/** DynamoDB Streams consumer: applies the commits each record carries to the views of their streams. */
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import type { DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import { deps } from '#config/deps';
import type { CommitItem } from '#journal/commit';
import { projectCommits } from '#views/projector';
import { log } from '#config/log';
import { observed } from '#config/observability';

// ops (#11): Powertools context in logs, metrics flushed per batch.
export const handler = observed(async (event: DynamoDBStreamEvent): Promise<DynamoDBBatchResponse> => {
  const d = deps();
  // Per stream: the commits in the batch, and the first record to retry from if projecting fails.
  const targets = new Map<string, { commits: CommitItem[]; firstSequenceNumber: string }>();
  for (const record of event.Records) {
    if (record.eventName !== 'INSERT' || !record.dynamodb?.NewImage) continue;
    const commit = unmarshall(record.dynamodb.NewImage as Record<string, AttributeValue>) as CommitItem;
    const target = targets.get(commit.streamId);
    if (target) target.commits.push(commit);
    else targets.set(commit.streamId, { commits: [commit], firstSequenceNumber: record.dynamodb.SequenceNumber! });
  }
  const failures: { itemIdentifier: string }[] = [];
  await Promise.all(
    [...targets].map(async ([streamId, { commits, firstSequenceNumber }]) => {
      try {
        await projectCommits({ client: d.client, journal: d.journal, viewsTable: d.tables.views }, streamId, commits);
      } catch (error) {
        log('error', 'projection failed', { streamId, version: Math.max(...commits.map((c) => c.lastVersion)), error: String(error) });
        failures.push({ itemIdentifier: firstSequenceNumber });
      }
    }),
  );
  return { batchItemFailures: failures };
});
