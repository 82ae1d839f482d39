/**
 * Deliveries: every change a subscription wants becomes one of these before the first attempt. They are work
 * items, not facts, so they are updated in place: attempts appended, status and next attempt moved on, and
 * they expire (DynamoDB TTL on `expiresAt`) after WEBHOOK_DELIVERY_TTL.
 *
 * Work is found per endpoint, never as one global oldest-first page: each subscription has a lane item
 * (`#lane`) that sits in the sparse `byLaneDue` index only while the lane has work due, once per lane however
 * long its backlog; a lane's own due deliveries are read from `byLane` (webhookId, dueAt). See
 * docs/decisions/0014-webhook-lanes.md.
 */
import { BatchGetCommand, BatchWriteCommand, DeleteCommand, GetCommand, PutCommand, QueryCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { invalidField } from '#domain/errors';
import { isConditionFailure } from '#journal/conditions';
import { webhookConfig } from './config.ts';
import type { AttemptOutcome } from './send.ts';

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
  /** Only while pending: the key of the `byLane` index. */
  dueAt?: string;
  /** Bumped by every manual retry or replay, so an attempt in flight cannot overwrite the new request. */
  requeues: number;
  /** DynamoDB TTL (epoch seconds). */
  expiresAt: number;
}

export type NewDelivery = Pick<Delivery, 'webhookId' | 'id' | 'type' | 'eventId' | 'changeVersion' | 'payload'>;

/** One endpoint's lane: its lease, its health and when it next has work. */
export interface Lane {
  webhookId: string;
  leaseUntil?: string;
  holder?: string;
  /** Set when the subscription is disabled or deleted: the lane takes no more work and its lease cannot be renewed. */
  stopped?: string;
  /** When the endpoint started failing without a success since. */
  failingSince?: string;
  /** Consecutive failed attempts: the lane is backing off while this is above zero. */
  failures?: number;
  /** While backing off, the next probe (one attempt) is not before this. */
  probeAfter?: string;
  /** Counts enqueues, so a dispatcher settling the lane notices work that arrived meanwhile. */
  enqueued?: number;
  /** "due" while the lane is in the `byLaneDue` index. */
  laneDue?: string;
  laneDueAt?: string;
  idle?: boolean;
  /** Manual retries asked for (`<message id>#<requeues>`) that the lane's holder re-applies, in case an attempt in flight overwrote them. */
  requeued?: Set<string>;
}

/** An attempt's outcome, and what comes next: the end (succeeded or failed) or another attempt at `at`. */
export interface Outcome {
  delivery: Delivery;
  outcome: AttemptOutcome;
  next: { status: DeliveryStatus; at?: Date };
}

/** BatchWriteItem's limit. */
const BATCH_WRITE = 25;

export const LANE = '#lane';
const DUE = 'due';
const laneKey = (at: string, webhookId: string) => `${at}#${webhookId}`;
/** The time part of a lane key (an ISO instant has no '#'). */
export const laneTime = (key: string) => key.slice(0, key.indexOf('#'));
/** An emptied lane is looked at once more after this, in case the per-lane index had not yet caught up (GSIs are eventually consistent). */
const IDLE_RECHECK_MS = 60_000;

export class DeliveryStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly table: string,
    private readonly ttlMs = webhookConfig().deliveryTtlMs,
  ) {}

  private expiry(now: Date): number {
    return Math.floor((now.getTime() + this.ttlMs) / 1000);
  }

  /** Persists new pending deliveries and marks their lanes due; returns how many were new (a redelivered stream record makes none). */
  async enqueue(deliveries: NewDelivery[], now: Date): Promise<number> {
    const created = await Promise.all(deliveries.map((delivery) => this.create(delivery, now)));
    const lanes = new Set(deliveries.filter((_, i) => created[i]).map((delivery) => delivery.webhookId));
    await Promise.all([...lanes].map((webhookId) => this.markLaneDue(webhookId, now)));
    return created.filter(Boolean).length;
  }

  private async create(delivery: NewDelivery, now: Date): Promise<boolean> {
    const at = now.toISOString();
    const item: Delivery = { ...delivery, status: 'pending', createdAt: at, attempts: [], retryStep: 0, nextAttemptAt: at, dueAt: at, requeues: 0, expiresAt: this.expiry(now) };
    try {
      await this.client.send(new PutCommand({ TableName: this.table, Item: item, ConditionExpression: 'attribute_not_exists(id)' }));
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  /** The lane has work due at `at`: moves its due time earlier (never into a back-off) and counts the enqueue. */
  async markLaneDue(webhookId: string, at: Date): Promise<void> {
    const iso = at.toISOString();
    const earlierAndLive = '(attribute_not_exists(laneDueAt) OR laneDueAt > :key) AND attribute_not_exists(stopped)';
    const notBackingOff = '(attribute_not_exists(probeAfter) OR probeAfter <= :at)';
    if (await this.fileDue(webhookId, iso, { condition: `${earlierAndLive} AND ${notBackingOff}`, values: { ':at': iso }, countEnqueue: true })) return;
    // Already due earlier, backing off or stopped: count the enqueue. A lane backing off must still come due
    // when its back-off ends, even if it had settled with nothing pending (else this work would wait for the
    // next enqueue after the back-off, however long that is).
    const lane = (
      await this.client.send(
        new UpdateCommand({ TableName: this.table, Key: { webhookId, id: LANE }, UpdateExpression: 'REMOVE idle ADD enqueued :one', ExpressionAttributeValues: { ':one': 1 }, ReturnValues: 'ALL_NEW' }),
      )
    ).Attributes as Lane | undefined;
    if (!lane || lane.stopped) return;
    if (!lane.probeAfter || lane.probeAfter <= iso) {
      // Refused above because the lane was held (filed at its earlier time); a holder settling after this count
      // sees it and files the lane due now. One that settled in between filed it for the idle recheck: file it now.
      if (!lane.holder && !(lane.laneDue && lane.laneDueAt && laneTime(lane.laneDueAt) <= iso)) {
        await this.fileDue(webhookId, iso, { condition: `${earlierAndLive} AND ${notBackingOff}`, values: { ':at': iso } });
      }
      return;
    }
    // Filed no later than its probe (settling files a backing-off lane with work at its probe): it comes due then.
    if (lane.laneDue && lane.laneDueAt && laneTime(lane.laneDueAt) <= lane.probeAfter) return;
    await this.fileDue(webhookId, lane.probeAfter, { condition: earlierAndLive });
  }

  /** Files the lane as due at `at` if `condition` holds (counting an enqueue with it); false when it does not. */
  private async fileDue(webhookId: string, at: string, options: { condition: string; values?: Record<string, unknown>; countEnqueue?: boolean }): Promise<boolean> {
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.table,
          Key: { webhookId, id: LANE },
          UpdateExpression: options.countEnqueue ? 'SET laneDue = :due, laneDueAt = :key REMOVE idle ADD enqueued :one' : 'SET laneDue = :due, laneDueAt = :key',
          ConditionExpression: options.condition,
          ExpressionAttributeValues: { ':due': DUE, ':key': laneKey(at, webhookId), ...(options.countEnqueue ? { ':one': 1 } : {}), ...options.values },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  async get(webhookId: string, id: string): Promise<Delivery | undefined> {
    return (await this.client.send(new GetCommand({ TableName: this.table, Key: { webhookId, id }, ConsistentRead: true }))).Item as Delivery | undefined;
  }

  /** Lanes with work due by `now`, one entry per endpoint however long its backlog, earliest first. */
  async *dueLanes(now: Date): AsyncIterable<string> {
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await this.client.send(
        new QueryCommand({
          TableName: this.table,
          IndexName: 'byLaneDue',
          KeyConditionExpression: 'laneDue = :due AND laneDueAt <= :now',
          ExpressionAttributeValues: { ':due': DUE, ':now': `${now.toISOString()}#\uffff` },
          ProjectionExpression: 'webhookId',
          ExclusiveStartKey: startKey,
        }),
      );
      for (const item of page.Items ?? []) yield item.webhookId as string;
      startKey = page.LastEvaluatedKey;
    } while (startKey);
  }

  /** When the longest-waiting lane became due (for the backlog-age metric): one item read, whatever the backlog. */
  async oldestDueAt(): Promise<string | undefined> {
    const page = await this.client.send(new QueryCommand({ TableName: this.table, IndexName: 'byLaneDue', KeyConditionExpression: 'laneDue = :due', ExpressionAttributeValues: { ':due': DUE }, Limit: 1 }));
    return (page.Items?.[0]?.laneDueAt as string | undefined)?.split('#')[0];
  }

  /**
   * One lane's next pending deliveries, earliest due first, whether due yet or not: the due ones are the batch,
   * and the first one not due tells when the lane is next due (one read for both). `after`: those after this one
   * in the lane's order (the next page, while the outcomes of the last are still being written).
   */
  async nextIn(webhookId: string, limit: number, after?: Delivery): Promise<Delivery[]> {
    const startKey = after?.dueAt ? { webhookId, id: after.id, dueAt: after.dueAt } : undefined;
    const page = await this.client.send(
      new QueryCommand({ TableName: this.table, IndexName: 'byLane', KeyConditionExpression: 'webhookId = :w', ExpressionAttributeValues: { ':w': webhookId }, Limit: limit, ExclusiveStartKey: startKey }),
    );
    return (page.Items ?? []) as Delivery[];
  }

  /** When the lane's earliest pending delivery is due; undefined when it has none. */
  private async earliestDue(webhookId: string): Promise<string | undefined> {
    const page = await this.client.send(
      new QueryCommand({ TableName: this.table, IndexName: 'byLane', KeyConditionExpression: 'webhookId = :w', ExpressionAttributeValues: { ':w': webhookId }, Limit: 1, ProjectionExpression: 'dueAt' }),
    );
    return page.Items?.[0]?.dueAt as string | undefined;
  }

  /**
   * Takes a lane for one dispatcher: the lease keeps others off it (one dispatcher per endpoint at a time, so
   * a hanging endpoint ties up one at most) and runs out soon if that dispatcher dies. Undefined when another
   * holds it or the lane is stopped.
   */
  async claimLane(webhookId: string, holder: string, now: Date, leaseMs: number): Promise<Lane | undefined> {
    try {
      const result = await this.client.send(
        new UpdateCommand({
          TableName: this.table,
          Key: { webhookId, id: LANE },
          UpdateExpression: 'SET leaseUntil = :lease, holder = :holder',
          ConditionExpression: '(attribute_not_exists(leaseUntil) OR leaseUntil < :now) AND attribute_not_exists(stopped)',
          ExpressionAttributeValues: { ':lease': new Date(now.getTime() + leaseMs).toISOString(), ':now': now.toISOString(), ':holder': holder },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return result.Attributes as Lane;
    } catch (error) {
      if (isConditionFailure(error)) return undefined;
      throw error;
    }
  }

  /**
   * Renews the lease right before attempts and answers the lane as it now is; undefined when it was stopped
   * (revoked, disabled, deleted) or taken over.
   */
  async renewLane(webhookId: string, holder: string, now: Date, leaseMs: number): Promise<Lane | undefined> {
    try {
      const result = await this.client.send(
        new UpdateCommand({
          TableName: this.table,
          Key: { webhookId, id: LANE },
          UpdateExpression: 'SET leaseUntil = :lease',
          ConditionExpression: 'holder = :holder AND attribute_not_exists(stopped)',
          ExpressionAttributeValues: { ':lease': new Date(now.getTime() + leaseMs).toISOString(), ':holder': holder },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return result.Attributes as Lane;
    } catch (error) {
      if (isConditionFailure(error)) return undefined;
      throw error;
    }
  }

  /**
   * Releases a lane and files it under its next due time: the earliest pending delivery, not before the
   * back-off's next probe. An emptied lane leaves the index after one late recheck, unless work arrived
   * meanwhile: then it is due now, and the answer is true. `known`: the earliest pending due time when the
   * caller has just read it (null: none pending), saving the read.
   */
  async settleLane(lane: Lane, holder: string, now: Date, known?: string | null): Promise<boolean> {
    const { webhookId } = lane;
    const earliest = known === undefined ? await this.earliestDue(webhookId) : (known ?? undefined);
    const release = { ':holder': holder };
    const settle = async (update: string, values: Record<string, unknown>, condition = 'holder = :holder') => {
      try {
        await this.client.send(new UpdateCommand({ TableName: this.table, Key: { webhookId, id: LANE }, UpdateExpression: update, ConditionExpression: condition, ExpressionAttributeValues: { ...release, ...values } }));
        return true;
      } catch (error) {
        if (isConditionFailure(error)) return false;
        throw error;
      }
    };
    const seen = { ':seen': lane.enqueued ?? 0, ':zero': 0 };
    const unchanged = 'holder = :holder AND (enqueued = :seen OR (attribute_not_exists(enqueued) AND :seen = :zero))';
    const fileAt = (at: string, condition?: string) =>
      settle('SET laneDue = :due, laneDueAt = :key REMOVE leaseUntil, holder, idle', { ...(condition ? seen : {}), ':due': DUE, ':key': laneKey(at, webhookId) }, condition);
    if (earliest) {
      const at = lane.probeAfter && lane.probeAfter > earliest ? lane.probeAfter : earliest;
      if (at <= now.toISOString()) {
        await fileAt(at);
        return false;
      }
      // Filed for later only if nothing was enqueued meanwhile (that work may be due now).
      if (await fileAt(at, unchanged)) return false;
    } else {
      const settled = lane.idle
        ? await settle('REMOVE laneDue, laneDueAt, leaseUntil, holder, idle', seen, unchanged)
        : await settle(
            'SET laneDue = :due, laneDueAt = :key, idle = :true REMOVE leaseUntil, holder',
            { ...seen, ':due': DUE, ':key': laneKey(new Date(now.getTime() + IDLE_RECHECK_MS).toISOString(), webhookId), ':true': true },
            unchanged,
          );
      if (settled) return false;
    }
    // Work arrived while the lane was settling: it is due now.
    await fileAt(now.toISOString());
    return true;
  }

  /** Stops a lane: no lease can be taken or renewed, so nothing more is sent (revocation, disabling, deletion). */
  async stopLane(webhookId: string, reason: string): Promise<void> {
    await this.client.send(
      new UpdateCommand({ TableName: this.table, Key: { webhookId, id: LANE }, UpdateExpression: 'SET stopped = :reason REMOVE laneDue, laneDueAt', ExpressionAttributeValues: { ':reason': reason } }),
    );
  }

  /** Starts a stopped lane again with a clean health record (its failure streak starts over); pending work is due now. */
  async resumeLane(webhookId: string, now: Date): Promise<void> {
    await this.client.send(
      new UpdateCommand({
        TableName: this.table,
        Key: { webhookId, id: LANE },
        UpdateExpression: 'SET laneDue = :due, laneDueAt = :key REMOVE stopped, failingSince, failures, probeAfter, idle',
        ExpressionAttributeValues: { ':due': DUE, ':key': laneKey(now.toISOString(), webhookId) },
      }),
    );
  }

  async lane(webhookId: string): Promise<Lane | undefined> {
    return (await this.client.send(new GetCommand({ TableName: this.table, Key: { webhookId, id: LANE }, ConsistentRead: true }))).Item as Lane | undefined;
  }

  /** A failed attempt: the lane backs off (one probe at a time, not before `probeAfter`); returns when it started failing. */
  async noteFailure(webhookId: string, now: Date, probeAfter: Date): Promise<string> {
    const result = await this.client.send(
      new UpdateCommand({
        TableName: this.table,
        Key: { webhookId, id: LANE },
        UpdateExpression: 'SET failingSince = if_not_exists(failingSince, :now), probeAfter = :probe ADD failures :one',
        ExpressionAttributeValues: { ':now': now.toISOString(), ':probe': probeAfter.toISOString(), ':one': 1 },
        ReturnValues: 'ALL_NEW',
      }),
    );
    return result.Attributes!.failingSince as string;
  }

  /** A success after failures: the lane is healthy again. */
  async noteRecovery(webhookId: string): Promise<void> {
    await this.client.send(new UpdateCommand({ TableName: this.table, Key: { webhookId, id: LANE }, UpdateExpression: 'REMOVE failingSince, failures, probeAfter' }));
  }

  /**
   * Records a batch's outcomes with BatchWriteItem (25 deliveries a call, not one call each): each delivery is
   * written whole as the holder read it, its attempt appended. Only the lane's holder writes deliveries, except a
   * manual retry: one asked while the attempt was in flight is listed on the lane and re-applied by the holder
   * (`reapplyRequeues`), so the retry stands and goes again.
   */
  async recordOutcomes(outcomes: Outcome[]): Promise<void> {
    const items = outcomes.map(({ delivery, outcome, next }) => {
      const { dueAt: _dueAt, nextAttemptAt: _nextAttemptAt, ...rest } = delivery;
      const at = next.status === 'pending' && next.at ? next.at.toISOString() : undefined;
      return { ...rest, attempts: [...delivery.attempts, outcome], status: next.status, retryStep: delivery.retryStep + 1, ...(at ? { nextAttemptAt: at, dueAt: at } : {}) };
    });
    for (let i = 0; i < items.length; i += BATCH_WRITE) await this.putAll(items.slice(i, i + BATCH_WRITE));
  }

  /** One BatchWriteItem of puts, retrying what DynamoDB left unprocessed (with backoff, as AWS advises). */
  private async putAll(items: Record<string, unknown>[]): Promise<void> {
    let pending = items.map((Item) => ({ PutRequest: { Item } }));
    for (let attempt = 0; pending.length > 0; attempt++) {
      if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, Math.min(1000, 25 * 2 ** attempt)));
      const result = await this.client.send(new BatchWriteCommand({ RequestItems: { [this.table]: pending } }));
      pending = (result.UnprocessedItems?.[this.table] ?? []) as typeof pending;
    }
  }

  /**
   * Re-applies the manual retries listed on the lane (the holder calls this on every lease it takes or renews,
   * before reading work): each is queued again unless the delivery already carries that retry, then unlisted.
   */
  async reapplyRequeues(lane: Lane, now: Date): Promise<void> {
    const listed = [...(lane.requeued ?? [])];
    if (listed.length === 0) return;
    const at = now.toISOString();
    await Promise.all(
      listed.map(async (entry) => {
        const [id, requeues] = [entry.slice(0, entry.lastIndexOf('#')), Number(entry.slice(entry.lastIndexOf('#') + 1))];
        try {
          await this.client.send(
            new UpdateCommand({
              TableName: this.table,
              Key: { webhookId: lane.webhookId, id },
              UpdateExpression: 'SET #status = :pending, dueAt = :at, nextAttemptAt = :at, retryStep = :zero, requeues = :n',
              ConditionExpression: 'attribute_exists(id) AND (attribute_not_exists(requeues) OR requeues < :n)',
              ExpressionAttributeNames: { '#status': 'status' },
              ExpressionAttributeValues: { ':pending': 'pending', ':at': at, ':zero': 0, ':n': requeues },
            }),
          );
        } catch (error) {
          if (!isConditionFailure(error)) throw error;
        }
      }),
    );
    await this.client.send(
      new UpdateCommand({ TableName: this.table, Key: { webhookId: lane.webhookId, id: LANE }, UpdateExpression: 'DELETE requeued :listed', ExpressionAttributeValues: { ':listed': new Set(listed) } }),
    );
    delete lane.requeued;
  }

  /** Queues a delivery again, now, from the start of the retry schedule (manual retry): the delivery as queued, or undefined when it does not exist. */
  async requeue(webhookId: string, id: string, now: Date): Promise<Delivery | undefined> {
    const queued = await this.requeueItem(webhookId, id, now);
    if (!queued) return undefined;
    // Listed on the lane before it is marked due: an attempt in flight may overwrite the delivery, and the holder re-applies it.
    await this.client.send(
      new UpdateCommand({ TableName: this.table, Key: { webhookId, id: LANE }, UpdateExpression: 'ADD requeued :entry', ExpressionAttributeValues: { ':entry': new Set([`${id}#${queued.requeues}`]) } }),
    );
    await this.markLaneDue(webhookId, now);
    return queued;
  }

  /**
   * Sends deliveries again under their message ids (replay): each is created, or requeued where it exists, and
   * each lane is marked due once for the lot. Which exist is read 100 at a time (BatchGetItem) and the new ones are
   * written 25 at a time (BatchWriteItem), not one conditional put each: one written meanwhile (by fan-out, the
   * same message) is written again, pending, which is what a replay asks. Returns how many were created and requeued.
   */
  async enqueueOrRequeue(deliveries: NewDelivery[], now: Date): Promise<{ created: number; requeued: number }> {
    const existing = await this.existingIds(deliveries);
    const fresh = deliveries.filter((delivery) => !existing.has(`${delivery.webhookId}#${delivery.id}`));
    const at = now.toISOString();
    const items = fresh.map((delivery): Delivery => ({ ...delivery, status: 'pending', createdAt: at, attempts: [], retryStep: 0, nextAttemptAt: at, dueAt: at, requeues: 0, expiresAt: this.expiry(now) }));
    const requeued = deliveries.filter((delivery) => existing.has(`${delivery.webhookId}#${delivery.id}`));
    const [, queued] = await Promise.all([
      Promise.all(Array.from({ length: Math.ceil(items.length / BATCH_WRITE) }, (_, i) => this.putAll(items.slice(i * BATCH_WRITE, (i + 1) * BATCH_WRITE) as unknown as Record<string, unknown>[]))),
      Promise.all(requeued.map((delivery) => this.requeueItem(delivery.webhookId, delivery.id, now))),
    ]);
    const lanes = new Set(deliveries.map((delivery) => delivery.webhookId));
    await Promise.all([...lanes].map((webhookId) => this.markLaneDue(webhookId, now)));
    return { created: items.length, requeued: queued.filter(Boolean).length };
  }

  /** Which of these deliveries exist, as `<webhookId>#<id>`: BatchGetItem, 100 keys a call, retrying unprocessed keys. */
  private async existingIds(deliveries: NewDelivery[]): Promise<Set<string>> {
    const found = new Set<string>();
    const keys = [...new Map(deliveries.map((delivery) => [`${delivery.webhookId}#${delivery.id}`, { webhookId: delivery.webhookId, id: delivery.id }])).values()];
    await Promise.all(
      Array.from({ length: Math.ceil(keys.length / 100) }, async (_, i) => {
        let pending: Record<string, unknown>[] = keys.slice(i * 100, (i + 1) * 100);
        for (let attempt = 0; pending.length > 0; attempt++) {
          if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, Math.min(1000, 25 * 2 ** attempt)));
          const result = await this.client.send(new BatchGetCommand({ RequestItems: { [this.table]: { Keys: pending, ProjectionExpression: 'webhookId, id', ConsistentRead: true } } }));
          for (const item of result.Responses?.[this.table] ?? []) found.add(`${item.webhookId}#${item.id}`);
          pending = result.UnprocessedKeys?.[this.table]?.Keys ?? [];
        }
      }),
    );
    return found;
  }

  private async requeueItem(webhookId: string, id: string, now: Date): Promise<Delivery | undefined> {
    const at = now.toISOString();
    try {
      const result = await this.client.send(
        new UpdateCommand({
          TableName: this.table,
          Key: { webhookId, id },
          UpdateExpression: 'SET #status = :pending, dueAt = :at, nextAttemptAt = :at, retryStep = :zero, expiresAt = :expires ADD requeues :one',
          ConditionExpression: 'attribute_exists(id)',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':pending': 'pending', ':at': at, ':zero': 0, ':one': 1, ':expires': this.expiry(now) },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return result.Attributes as Delivery;
    } catch (error) {
      if (isConditionFailure(error)) return undefined;
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

  /** Removes an item by key (parked records once re-driven). */
  async remove(webhookId: string, id: string): Promise<void> {
    await this.client.send(new DeleteCommand({ TableName: this.table, Key: { webhookId, id } }));
  }
}

function decodeCursor(cursor: string): string {
  const id = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!id.startsWith('msg_')) throw invalidField('query.cursor', 'is not a cursor this API returned', 'invalid_cursor');
  return id;
}
