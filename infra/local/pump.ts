/**
 * Feeds stream records to the stream consumers the way Lambda's event source mapping does: in batches,
 * in order, retrying from the first failed record (partial batch responses), a bounded number of times.
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
}

export class StreamPump {
  private readonly queue: DynamoDBRecord[] = [];
  private running: Promise<void> | undefined;
  // ops (#11): records waiting out the lag, so that drain() waits for them too.
  private readonly lagging = new Set<Promise<void>>();

  constructor(
    private readonly consumers: Consumer[],
    private readonly options: PumpOptions = {},
  ) {}

  push(record: DynamoDBRecord): void {
    const lagMs = this.options.lagMs ?? 0;
    if (lagMs > 0) {
      // ops (#11): like a stream, the record arrives later, whatever the writer does meanwhile.
      const arrival: Promise<void> = new Promise<void>((resolve) => setTimeout(resolve, lagMs)).then(() => {
        this.lagging.delete(arrival);
        this.enqueue(record);
      });
      this.lagging.add(arrival);
      return;
    }
    this.enqueue(record);
  }

  private enqueue(record: DynamoDBRecord): void {
    this.queue.push(record);
    this.running ??= this.run().finally(() => (this.running = undefined));
  }

  /** Resolves once every record pushed so far has been delivered (or given up on), lagging ones included. */
  async drain(): Promise<void> {
    while (this.running || this.lagging.size > 0) {
      await Promise.all(this.lagging);
      if (this.running) await this.running;
    }
  }

  private async run(): Promise<void> {
    while (this.queue.length > 0) {
      const batch = this.queue.splice(0, this.options.batchSize ?? 100);
      await Promise.all(this.consumers.map((consumer) => this.deliver(consumer, batch)));
    }
  }

  private async deliver(consumer: Consumer, records: DynamoDBRecord[]): Promise<void> {
    let pending = records;
    const maxRetries = this.options.maxRetries ?? 3;
    for (let attempt = 0; pending.length > 0; attempt++) {
      let failedFrom: number;
      try {
        const response = await consumer.handler({ Records: pending }, consumer.context());
        const failed = new Set((response?.batchItemFailures ?? []).map((f) => f.itemIdentifier));
        failedFrom = pending.findIndex((r) => failed.has(r.dynamodb?.SequenceNumber ?? ''));
        if (failedFrom < 0) return;
      } catch (error) {
        this.options.log?.({ level: 'error', message: 'stream consumer threw', consumer: consumer.name, error: String(error) });
        failedFrom = 0;
      }
      pending = pending.slice(failedFrom);
      if (attempt >= maxRetries) {
        // The on-failure destination: the records stay in the journal, and the catch-up at the next start replays them.
        this.options.log?.({ level: 'error', message: 'stream records not delivered after retries', consumer: consumer.name, records: pending.length });
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, (this.options.retryDelayMs ?? 200) * 2 ** attempt));
    }
  }
}
