/**
 * Deliveries: every change a subscription wants becomes one of these before the first attempt. They are work
 * items, not facts, so they are updated in place: attempts appended, status and next attempt moved on.
 */
import { GetCommand, PutCommand, QueryCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { invalidField } from '#domain/errors';
import type { AttemptOutcome } from './send.ts';
import { isConditionFailure } from '#config/env';

export type DeliveryStatus = 'pending' | 'succeeded' | 'failed';

export interface Delivery {
  webhookId: string;
  /** The message id: `webhook-id` on every attempt of it, retries and replays included. */
  id: string;
  status: DeliveryStatus;
  type: string;
  eventId?: string;
  changeVersion?: number;
  payload: string;
  createdAt: string;
  attempts: AttemptOutcome[];
  /** Attempts since the delivery was last (re)queued: which step of the retry schedule comes next. */
  retryStep: number;
  nextAttemptAt?: string;
  due?: 'pending';
  dueAt?: string;
  leaseUntil?: string;
}

const dueKey = (at: string, webhookId: string, id: string) => `${at}#${webhookId}#${id}`;

export class DeliveryStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  /** Persists a new pending delivery; false when it already exists (a redelivered stream record). */
  async create(delivery: Pick<Delivery, 'webhookId' | 'id' | 'type' | 'eventId' | 'changeVersion' | 'payload'>, now: Date): Promise<boolean> {
    const at = now.toISOString();
    const item: Delivery = { ...delivery, status: 'pending', createdAt: at, attempts: [], retryStep: 0, nextAttemptAt: at, due: 'pending', dueAt: dueKey(at, delivery.webhookId, delivery.id) };
    try {
      await this.client.send(new PutCommand({ TableName: this.table, Item: item, ConditionExpression: 'attribute_not_exists(id)' }));
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  async get(webhookId: string, id: string): Promise<Delivery | undefined> {
    return (await this.client.send(new GetCommand({ TableName: this.table, Key: { webhookId, id }, ConsistentRead: true }))).Item as Delivery | undefined;
  }

  /** Pending deliveries due by `now`, oldest first. */
  async due(now: Date, limit: number): Promise<Delivery[]> {
    const page = await this.client.send(
      new QueryCommand({
        TableName: this.table,
        IndexName: 'byDue',
        KeyConditionExpression: 'due = :pending AND dueAt <= :now',
        ExpressionAttributeValues: { ':pending': 'pending', ':now': `${now.toISOString()}#\uffff` },
        Limit: limit,
      }),
    );
    return (page.Items ?? []) as Delivery[];
  }

  /** Takes a due delivery for one attempt; false when another dispatcher holds it or it moved on. */
  async claim(delivery: Delivery, now: Date, leaseMs: number): Promise<boolean> {
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.table,
          Key: { webhookId: delivery.webhookId, id: delivery.id },
          UpdateExpression: 'SET leaseUntil = :lease',
          ConditionExpression: '#status = :pending AND dueAt = :dueAt AND (attribute_not_exists(leaseUntil) OR leaseUntil < :now)',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':lease': new Date(now.getTime() + leaseMs).toISOString(), ':pending': 'pending', ':dueAt': delivery.dueAt, ':now': now.toISOString() },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  /** Records an attempt, and either the next one (a time) or the end (succeeded or failed). */
  async recordAttempt(delivery: Delivery, outcome: AttemptOutcome, next: { status: DeliveryStatus; at?: Date }): Promise<void> {
    const pending = next.status === 'pending' && next.at;
    const at = pending ? next.at!.toISOString() : undefined;
    await this.client.send(
      new UpdateCommand({
        TableName: this.table,
        Key: { webhookId: delivery.webhookId, id: delivery.id },
        UpdateExpression: pending
          ? 'SET attempts = list_append(attempts, :attempt), #status = :status, retryStep = retryStep + :one, nextAttemptAt = :at, dueAt = :dueAt REMOVE leaseUntil'
          : 'SET attempts = list_append(attempts, :attempt), #status = :status, retryStep = retryStep + :one REMOVE leaseUntil, due, dueAt, nextAttemptAt',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':attempt': [outcome], ':status': next.status, ':one': 1, ...(pending ? { ':at': at, ':dueAt': dueKey(at!, delivery.webhookId, delivery.id) } : {}) },
      }),
    );
  }

  /** Queues a delivery again, now, from the start of the retry schedule (manual retry, replay). */
  async requeue(webhookId: string, id: string, now: Date): Promise<boolean> {
    const at = now.toISOString();
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.table,
          Key: { webhookId, id },
          UpdateExpression: 'SET #status = :pending, due = :pending, dueAt = :dueAt, nextAttemptAt = :at, retryStep = :zero REMOVE leaseUntil',
          ConditionExpression: 'attribute_exists(id)',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':pending': 'pending', ':dueAt': dueKey(at, webhookId, id), ':at': at, ':zero': 0 },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  async list(webhookId: string, query: { status?: DeliveryStatus; limit: number; cursor?: string }): Promise<{ items: Delivery[]; nextCursor: string | null }> {
    const items: Delivery[] = [];
    let startKey: Record<string, unknown> | undefined = query.cursor ? { webhookId, id: decodeCursor(query.cursor) } : undefined;
    while (items.length < query.limit) {
      const page = await this.client.send(
        new QueryCommand({
          TableName: this.table,
          KeyConditionExpression: 'webhookId = :w AND begins_with(id, :msg)',
          FilterExpression: query.status ? '#status = :status' : undefined,
          ExpressionAttributeNames: query.status ? { '#status': 'status' } : undefined,
          ExpressionAttributeValues: { ':w': webhookId, ':msg': 'msg_', ...(query.status ? { ':status': query.status } : {}) },
          ScanIndexForward: false,
          ExclusiveStartKey: startKey,
          Limit: query.limit - items.length,
        }),
      );
      items.push(...((page.Items ?? []) as Delivery[]));
      startKey = page.LastEvaluatedKey;
      if (!startKey) return { items, nextCursor: null };
    }
    return { items, nextCursor: Buffer.from(items.at(-1)!.id).toString('base64url') };
  }

  /**
   * One attempt at a time per endpoint: a lane is leased (and the lease renewed before each attempt), so a
   * dead endpoint ties up one dispatcher at most, and a crashed dispatcher's lease soon runs out.
   */
  async claimLane(webhookId: string, holder: string, now: Date, leaseMs: number): Promise<boolean> {
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.table,
          Key: { webhookId, id: '#lane' },
          UpdateExpression: 'SET leaseUntil = :lease, holder = :holder',
          ConditionExpression: 'attribute_not_exists(leaseUntil) OR leaseUntil < :now OR holder = :holder',
          ExpressionAttributeValues: { ':lease': new Date(now.getTime() + leaseMs).toISOString(), ':now': now.toISOString(), ':holder': holder },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  async releaseLane(webhookId: string, holder: string): Promise<void> {
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.table,
          Key: { webhookId, id: '#lane' },
          UpdateExpression: 'REMOVE leaseUntil, holder',
          ConditionExpression: 'holder = :holder',
          ExpressionAttributeValues: { ':holder': holder },
        }),
      );
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
  }

  /** When the subscription's endpoint started failing without a success since; undefined when healthy. */
  async failingSince(webhookId: string): Promise<string | undefined> {
    return ((await this.client.send(new GetCommand({ TableName: this.table, Key: { webhookId, id: '#health' }, ConsistentRead: true }))).Item as { failingSince?: string } | undefined)?.failingSince;
  }

  /** Notes a success (healthy again) or a failure (failing since the first failure); returns failingSince. */
  async noteHealth(webhookId: string, succeeded: boolean, now: Date): Promise<string | undefined> {
    if (succeeded) {
      await this.client.send(new UpdateCommand({ TableName: this.table, Key: { webhookId, id: '#health' }, UpdateExpression: 'REMOVE failingSince' }));
      return undefined;
    }
    const result = await this.client.send(
      new UpdateCommand({
        TableName: this.table,
        Key: { webhookId, id: '#health' },
        UpdateExpression: 'SET failingSince = if_not_exists(failingSince, :now)',
        ExpressionAttributeValues: { ':now': now.toISOString() },
        ReturnValues: 'ALL_NEW',
      }),
    );
    return result.Attributes?.failingSince as string | undefined;
  }
}

function decodeCursor(cursor: string): string {
  const id = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!id.startsWith('msg_')) throw invalidField('query.cursor', 'is not a cursor this API returned', 'invalid_cursor');
  return id;
}
