/** The journal on DynamoDB: append-only commits, read back in order. Items are never updated or deleted. */
import { PutCommand, QueryCommand, ScanCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Change, Recorded } from '#domain/changes';
import { buildCommit, changesOf, type CommitItem } from './commit.ts';
import { isConditionFailure } from './conditions.ts';

export class ConcurrencyError extends Error {
  constructor(
    readonly streamId: string,
    readonly expectedVersion: number,
    readonly actualVersion: number,
  ) {
    super(`stream ${streamId} is at version ${actualVersion}, expected ${expectedVersion}`);
    this.name = 'ConcurrencyError';
  }
}

export const isConcurrencyError = (error: unknown): error is ConcurrencyError => error instanceof ConcurrencyError;

export interface AppendMeta {
  at: string;
  actor: string;
  newId: () => string;
}

export interface Journal {
  /** Every change of a stream after `afterVersion`, in order; strongly consistent. */
  read(streamId: string, afterVersion?: number): Promise<Recorded[]>;
  /** Appends a commit at `expectedVersion + 1`, or throws ConcurrencyError when the stream has moved on. */
  append(streamId: string, expectedVersion: number, changes: Change[], meta: AppendMeta): Promise<Recorded[]>;
  /** Every commit in the journal, in no particular order (for rebuilds). */
  scan(): AsyncIterable<CommitItem>;
}

export class DynamoJournal implements Journal {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async read(streamId: string, afterVersion = 0): Promise<Recorded[]> {
    const changes: Recorded[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'streamId = :s',
          ExpressionAttributeValues: { ':s': streamId },
          ExclusiveStartKey: startKey,
          ConsistentRead: true,
        }),
      );
      for (const item of (page.Items ?? []) as CommitItem[]) {
        if (item.lastVersion > afterVersion) changes.push(...changesOf(item).filter((c) => c.version > afterVersion));
      }
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    return changes;
  }

  async append(streamId: string, expectedVersion: number, changes: Change[], meta: AppendMeta): Promise<Recorded[]> {
    const item = buildCommit(streamId, expectedVersion, changes, meta);
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: item,
          ConditionExpression: 'attribute_not_exists(streamId)',
        }),
      );
    } catch (error) {
      if (isConditionFailure(error)) {
        throw new ConcurrencyError(streamId, expectedVersion, await this.lastVersion(streamId));
      }
      throw error;
    }
    return changesOf(item);
  }

  async *scan(): AsyncIterable<CommitItem> {
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await this.client.send(new ScanCommand({ TableName: this.tableName, ExclusiveStartKey: startKey, ConsistentRead: true }));
      yield* (page.Items ?? []) as CommitItem[];
      startKey = page.LastEvaluatedKey;
    } while (startKey);
  }

  private async lastVersion(streamId: string): Promise<number> {
    const page = await this.client.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'streamId = :s',
        ExpressionAttributeValues: { ':s': streamId },
        ScanIndexForward: false,
        Limit: 1,
        ConsistentRead: true,
      }),
    );
    return (page.Items?.[0] as CommitItem | undefined)?.lastVersion ?? 0;
  }
}
