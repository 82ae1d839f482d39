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

export interface ReadOptions {
  afterCommit?: boolean;
}

/** One of `total` disjoint parts of a parallel scan (DynamoDB's Segment / TotalSegments). */
export interface ScanSegment {
  segment: number;
  total: number;
}

export interface Journal {
  /**
   * Every change of a stream after `afterVersion`, in order; strongly consistent. Reads only the commits after
   * it; `afterCommit` says `afterVersion` ends a commit (a view's version does), which spares a look back for a
   * commit that straddles it.
   */
  read(streamId: string, afterVersion?: number, options?: ReadOptions): Promise<Recorded[]>;
  /** Appends a commit at `expectedVersion + 1`, or throws ConcurrencyError when the stream has moved on. */
  append(streamId: string, expectedVersion: number, changes: Change[], meta: AppendMeta): Promise<Recorded[]>;
  /** Every commit in the journal, in no particular order (for rebuilds); one segment of a parallel scan when given. */
  scan(segment?: ScanSegment): AsyncIterable<CommitItem>;
}

export class DynamoJournal implements Journal {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async read(streamId: string, afterVersion = 0, options: ReadOptions = {}): Promise<Recorded[]> {
    const commits: CommitItem[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'streamId = :s AND version > :after',
          ExpressionAttributeValues: { ':s': streamId, ':after': afterVersion },
          ExclusiveStartKey: startKey,
          ConsistentRead: true,
        }),
      );
      commits.push(...((page.Items ?? []) as CommitItem[]));
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    // A commit that starts at or before `afterVersion` may still hold changes after it.
    if (afterVersion > 0 && !options.afterCommit && commits[0]?.version !== afterVersion + 1) {
      const straddling = await this.lastCommitAtOrBefore(streamId, afterVersion);
      if (straddling && straddling.lastVersion > afterVersion) commits.unshift(straddling);
    }
    return commits.flatMap(changesOf).filter((change) => change.version > afterVersion);
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

  async *scan(segment?: ScanSegment): AsyncIterable<CommitItem> {
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await this.client.send(
        new ScanCommand({ TableName: this.tableName, ExclusiveStartKey: startKey, ConsistentRead: true, ...(segment ? { Segment: segment.segment, TotalSegments: segment.total } : {}) }),
      );
      yield* (page.Items ?? []) as CommitItem[];
      startKey = page.LastEvaluatedKey;
    } while (startKey);
  }

  private async lastVersion(streamId: string): Promise<number> {
    return (await this.lastCommitAtOrBefore(streamId))?.lastVersion ?? 0;
  }

  private async lastCommitAtOrBefore(streamId: string, version?: number): Promise<CommitItem | undefined> {
    const page = await this.client.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: `streamId = :s${version === undefined ? '' : ' AND version <= :v'}`,
        ExpressionAttributeValues: { ':s': streamId, ...(version === undefined ? {} : { ':v': version }) },
        ScanIndexForward: false,
        Limit: 1,
        ConsistentRead: true,
      }),
    );
    return page.Items?.[0] as CommitItem | undefined;
  }
}
