/**
 * Feeds stream records to the stream consumers the way Lambda's event source mappings do: each consumer on its
 * own, records of one stream (item key) in order and in batches, retrying from the first failed record (partial
 * batch responses) a bounded number of times. As on AWS, where a table's stream is split into shards that are
 * read in parallel, independent streams never wait for each other: one calendar's import does not hold up the
 * projection of another calendar's write (docs/decisions/0006-local-runtime-lag.md, fourth session).
 */
import type { Context, DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';

export type StreamHandler = (event: DynamoDBStreamEvent, context: Context) => Promise<DynamoDBBatchResponse | void>;

export interface Consumer {
  name: string;
  handler: StreamHandler;
  context: () => Context;
}

export interface PumpOptions {
  batchSize?: number;
  maxRetries?: number;
  retryDelayMs?: number;
  // ops (#11): the AWS-like mode.
  /** Delivers each record this long after it was committed, asynchronously, as DynamoDB Streams does (0: at once). */
  lagMs?: number;
  log?: (line: Record<string, unknown>) => void;
  /**
   * Records that every later record waits for (delivered to every consumer first), whatever its stream: a
   * subscription or key change, so that fan-out of the records after it sees it in the views. Stricter than
   * AWS, where this holds within a shard's batch only.
   */
  isBarrier?: (record: DynamoDBRecord) => boolean;
}

/** A record waiting in a lane, and how to tell its sender whether the consumer took it. */
interface Waiting {
  record: DynamoDBRecord;
  settle: (delivered: boolean) => void;
}

/** The item key a record belongs to: DynamoDB Streams keep order per item key, and only there. */
const laneOf = (consumer: Consumer, record: DynamoDBRecord) => `${consumer.name} ${JSON.stringify(record.dynamodb?.Keys?.streamId ?? null)}`;

export class StreamPump {
  // One lane per consumer and stream: records in commit order, delivered by one loop while the lane has any.
  private readonly lanes = new Map<string, Waiting[]>();
  // Every delivery not settled yet (lagging ones included), so that drain() waits for them.
  private readonly pending = new Set<Promise<boolean>>();
  // The delivery of the latest barrier record (see PumpOptions.isBarrier).
  private barrier: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly consumers: Consumer[],
    private readonly options: PumpOptions = {},
  ) {}

  /** Queues a committed record; resolves true once every consumer took it, false if one gave up on it. */
  push(record: DynamoDBRecord): Promise<boolean> {
    const lagMs = this.options.lagMs ?? 0;
    // ops (#11): like a stream, a lagged record arrives later, whatever the writer does meanwhile.
    const lagged = lagMs > 0 ? new Promise<void>((resolve) => setTimeout(resolve, lagMs)) : Promise.resolve();
    const before = this.barrier;
    const arrived = lagged.then(() => before);
    const delivered = arrived.then(async () => (await Promise.all(this.consumers.map((consumer) => this.enqueue(consumer, record)))).every(Boolean));
    if (this.options.isBarrier?.(record)) this.barrier = delivered;
    this.pending.add(delivered);
    void delivered.finally(() => this.pending.delete(delivered));
    return delivered;
  }

  /** Resolves once every record pushed so far has been delivered (or given up on), lagging ones included. */
  async drain(): Promise<void> {
    while (this.pending.size > 0) await Promise.all(this.pending);
  }

  private enqueue(consumer: Consumer, record: DynamoDBRecord): Promise<boolean> {
    return new Promise((settle) => {
      const lane = laneOf(consumer, record);
      const waiting = this.lanes.get(lane);
      if (waiting) waiting.push({ record, settle });
      else {
        this.lanes.set(lane, [{ record, settle }]);
        void this.run(consumer, lane);
      }
    });
  }

  private async run(consumer: Consumer, lane: string): Promise<void> {
    const waiting = this.lanes.get(lane)!;
    while (waiting.length > 0) {
      const batch = waiting.slice(0, this.options.batchSize ?? 100);
      const taken = await this.deliver(
        consumer,
        batch.map((entry) => entry.record),
      );
      waiting.splice(0, batch.length);
      for (const [i, entry] of batch.entries()) entry.settle(i < taken);
    }
    this.lanes.delete(lane);
  }

  /** Delivers a batch; returns how many records from its start the consumer took. */
  private async deliver(consumer: Consumer, records: DynamoDBRecord[]): Promise<number> {
    let pending = records;
    const maxRetries = this.options.maxRetries ?? 3;
    for (let attempt = 0; ; attempt++) {
      let failedFrom: number;
      try {
        const response = await consumer.handler({ Records: pending }, consumer.context());
        const failed = new Set((response?.batchItemFailures ?? []).map((f) => f.itemIdentifier));
        failedFrom = pending.findIndex((r) => failed.has(r.dynamodb?.SequenceNumber ?? ''));
        if (failedFrom < 0) return records.length;
      } catch (error) {
        this.options.log?.({ level: 'error', message: 'stream consumer threw', consumer: consumer.name, error: String(error) });
        failedFrom = 0;
      }
      pending = pending.slice(failedFrom);
      if (attempt >= maxRetries) {
        // The on-failure destination: the records stay in the journal, and the catch-up at the next start replays them.
        this.options.log?.({ level: 'error', message: 'stream records not delivered after retries', consumer: consumer.name, records: pending.length });
        return records.length - pending.length;
      }
      await new Promise((resolve) => setTimeout(resolve, (this.options.retryDelayMs ?? 200) * 2 ** attempt));
    }
  }
}
