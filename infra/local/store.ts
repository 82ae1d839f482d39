/**
 * The embedded DynamoDB (dynalite) and the stand-in for DynamoDB Streams. dynalite has no streams, so the
 * store watches its own traffic: every PutItem on a streamed table that dynalite answers with 200 becomes
 * an INSERT record carrying the item as NEW_IMAGE, the shape DynamoDB Streams deliver on AWS. Capturing at
 * the store, not in the application, keeps the handlers' code the same on both.
 */
import type { IncomingMessage, ServerResponse, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import type { DynamoDBRecord } from 'aws-lambda';

const require = createRequire(import.meta.url);
const dynalite = require('dynalite') as (options: Record<string, unknown>) => Server;

export interface Store {
  endpoint: string;
  /** A stream record for an item already in the table (the catch-up at start uses it). */
  recordFor(tableName: string, item: Record<string, never>): DynamoDBRecord;
  close(): Promise<void>;
}

export interface StoreOptions {
  /** A folder for LevelDB files, or undefined to keep everything in memory. */
  path?: string;
  /** Tables whose committed puts become stream records. */
  streamedTables: string[];
  onRecord: (record: DynamoDBRecord) => void;
  region?: string;
}

export async function startStore(options: StoreOptions): Promise<Store> {
  const server = dynalite({ path: options.path, createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  let sequence = 0n;
  const region = options.region ?? 'local';
  server.prependListener('request', (req: IncomingMessage, res: ServerResponse) => {
    if (req.headers['x-amz-target'] !== 'DynamoDB_20120810.PutItem') return;
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    const end = res.end.bind(res) as (...args: unknown[]) => ServerResponse;
    res.end = ((...args: unknown[]) => {
      if (res.statusCode === 200) {
        const { TableName, Item } = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { TableName: string; Item: Record<string, never> };
        if (options.streamedTables.includes(TableName)) options.onRecord(streamRecord(TableName, Item, ++sequence, region));
      }
      return end(...args);
    }) as typeof res.end;
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    recordFor: (tableName, item) => streamRecord(tableName, item, ++sequence, region),
    close: () => new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve()))),
  };
}

/** A DynamoDB Streams record as Lambda receives it (StreamViewType NEW_IMAGE). */
export function streamRecord(tableName: string, item: Record<string, never>, sequence: bigint, region: string): DynamoDBRecord {
  const { streamId, version } = item as Record<string, unknown>;
  return {
    eventID: `${sequence.toString(16).padStart(32, '0')}`,
    eventName: 'INSERT',
    eventVersion: '1.1',
    eventSource: 'aws:dynamodb',
    awsRegion: region,
    dynamodb: {
      ApproximateCreationDateTime: Math.floor(Date.now() / 1000),
      Keys: { streamId, version } as never,
      NewImage: item,
      SequenceNumber: sequence.toString().padStart(21, '0'),
      SizeBytes: JSON.stringify(item).length,
      StreamViewType: 'NEW_IMAGE',
    },
    eventSourceARN: `arn:aws:dynamodb:${region}:000000000000:table/${tableName}/stream/local`,
  };
}
