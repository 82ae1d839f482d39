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
  /** Called with each committed record and the port the write came from (see origins.ts). */
  onRecord: (record: DynamoDBRecord, clientPort: number | undefined) => void;
  region?: string;
  /** Called before the store handles a write to a streamed table (the stream log records it: stream-log.ts). */
  onWrite?: (tableName: string, item: Record<string, never>) => void;
  /** Called when the store refused such a write: nothing was committed. */
  onRefused?: (tableName: string, item: Record<string, never>) => void;
}

export async function startStore(options: StoreOptions): Promise<Store> {
  const server = dynalite({ path: options.path, createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  let sequence = 0n;
  const region = options.region ?? 'local';
  server.prependListener('request', (req: IncomingMessage, res: ServerResponse) => {
    if (req.headers['x-amz-target'] !== 'DynamoDB_20120810.PutItem') return;
    const chunks: Buffer[] = [];
    let write: { TableName: string; Item: Record<string, never> } | undefined;
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    // This listener runs before dynalite's: the write is known (and logged) before the store handles it.
    req.on('end', () => {
      const parsed = parseWrite(Buffer.concat(chunks));
      if (!parsed || !options.streamedTables.includes(parsed.TableName)) return;
      write = parsed;
      options.onWrite?.(write.TableName, write.Item);
    });
    const end = res.end.bind(res) as (...args: unknown[]) => ServerResponse;
    res.end = ((...args: unknown[]) => {
      if (write && res.statusCode === 200) options.onRecord(streamRecord(write.TableName, write.Item, ++sequence, region), req.socket.remotePort);
      else if (write) options.onRefused?.(write.TableName, write.Item);
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

/** A PutItem's table and item; undefined for a body dynalite will reject anyway. */
function parseWrite(body: Buffer): { TableName: string; Item: Record<string, never> } | undefined {
  try {
    const parsed = JSON.parse(body.toString('utf8')) as { TableName?: unknown; Item?: unknown };
    return typeof parsed.TableName === 'string' && typeof parsed.Item === 'object' && parsed.Item !== null ? (parsed as { TableName: string; Item: Record<string, never> }) : undefined;
  } catch {
    return undefined;
  }
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
