/**
 * The local runtime: the Lambda handlers of infra/functions.ts behind one HTTP server, on dynalite, with the
 * journal's stream fed to the stream consumers. Same handlers, same event shapes as on AWS.
 */
import './local-env.ts';
import { CreateTableCommand, DynamoDBClient, GetItemCommand, ResourceInUseException, ScanCommand, type CreateTableCommandInput, type Projection } from '@aws-sdk/client-dynamodb';
import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2, Context, DynamoDBRecord, ScheduledEvent } from 'aws-lambda';
import { hashSecret } from '#auth/keys';
import { tableNames } from '#config/env';
import { streams } from '#domain/changes';
import type { FieldError } from '#domain/errors';
import { functions, type FunctionSpec } from '../functions.ts';
import { repositoryRoot } from '../paths.ts';
import { tableLayouts, type IndexLayout, type TableLayout } from '../tables.ts';
import { toApiGatewayEvent, writeResult } from './apigw.ts';
import { StreamPump, type StreamHandler } from './pump.ts';
import { RequestOrigins, type Origin } from './origins.ts';
import { Router } from './router.ts';
import { startStore } from './store.ts';
import { StreamLog, type CommitKey } from './stream-log.ts';
import { installLambdaStreaming, invokeStreaming, isStreamingHandler } from './streaming.ts';

export { repositoryRoot };
const STREAMED = Symbol('streamed');
// import (#14): Lambda's synchronous payload limit (API Gateway would take 10 MB); each route has its own, smaller one.
const MAX_REQUEST_BYTES = 6 * 1024 * 1024;

type ApiHandler = (event: APIGatewayProxyEventV2, context: Context) => Promise<APIGatewayProxyResultV2>;
type ScheduledHandler = (event: ScheduledEvent, context: Context) => Promise<unknown>;

export interface RuntimeOptions {
  port?: number;
  host?: string;
  /** LevelDB folder; undefined keeps everything in memory. */
  storePath?: string;
  adminApiKey: string;
  /** How often scheduled functions (the webhook dispatcher) run; fan-out also wakes the dispatcher, as on AWS. */
  scheduleIntervalMs?: number;
  log?: (line: Record<string, unknown>) => void;
  /**
   * ops (#11): run like AWS: stream records reach the consumers this long after a write, and a write is answered
   * without waiting for them, so a read right after a write may not see it yet. Default: TAQWEEM_STREAM_LAG_MS,
   * else 0 (records delivered before the write is answered).
   */
  streamLagMs?: number;
}

export interface Runtime {
  url: string;
  storeEndpoint: string;
  pump: StreamPump;
  /** Calls an API route in-process, as API Gateway would. */
  invoke(method: string, path: string, options?: { body?: unknown; headers?: Record<string, string> }): Promise<{ status: number; headers: Record<string, string>; body: unknown }>;
  close(): Promise<void>;
}

const localFunctionName = (name: string) => `taqweem-local-${name}`;

export function lambdaContext(spec: FunctionSpec): Context {
  const deadline = Date.now() + spec.timeoutSeconds * 1000;
  const functionName = localFunctionName(spec.name);
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:local:000000000000:function:${functionName}`,
    memoryLimitInMB: String(spec.memoryMb),
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: 'local',
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

function createTableInput(tableName: string, layout: TableLayout): CreateTableCommandInput {
  const attributes = new Map<string, 'S' | 'N'>([[layout.partitionKey.name, layout.partitionKey.type]]);
  if (layout.sortKey) attributes.set(layout.sortKey.name, layout.sortKey.type);
  for (const index of layout.indexes) attributes.set(index.partitionKey, 'S').set(index.sortKey, 'S');
  return {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [...attributes].map(([AttributeName, AttributeType]) => ({ AttributeName, AttributeType })),
    KeySchema: [{ AttributeName: layout.partitionKey.name, KeyType: 'HASH' }, ...(layout.sortKey ? [{ AttributeName: layout.sortKey.name, KeyType: 'RANGE' as const }] : [])],
    ...(layout.indexes.length > 0
      ? {
          GlobalSecondaryIndexes: layout.indexes.map((index) => ({
            IndexName: index.name,
            KeySchema: [
              { AttributeName: index.partitionKey, KeyType: 'HASH' as const },
              { AttributeName: index.sortKey, KeyType: 'RANGE' as const },
            ],
            Projection: projectionOf(index),
          })),
        }
      : {}),
  };
}

/** DynamoDB's Projection for an index layout: an attribute list is INCLUDE, nothing is ALL. */
export function projectionOf(index: IndexLayout): Projection {
  const projection = index.projection ?? 'ALL';
  return typeof projection === 'string' ? { ProjectionType: projection } : { ProjectionType: 'INCLUDE', NonKeyAttributes: [...projection] };
}

/** Creates the tables of infra/tables.ts where they are missing. */
export async function ensureTables(client: DynamoDBClient): Promise<void> {
  const names = tableNames();
  for (const [table, layout] of Object.entries(tableLayouts) as [keyof typeof tableLayouts, TableLayout][]) {
    try {
      await client.send(new CreateTableCommand(createTableInput(names[table], layout)));
    } catch (error) {
      if (!(error instanceof ResourceInUseException)) throw error;
    }
  }
}

async function loadHandler<T>(spec: FunctionSpec): Promise<T> {
  const module = (await import(pathToFileURL(resolve(repositoryRoot, spec.entry)).href)) as { handler: T };
  return module.handler;
}

async function readBody(req: IncomingMessage): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_REQUEST_BYTES) return undefined;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/** The runtime's own answers (no function took the request) name the part of the request at fault, as the API's do. */
function problem(res: ServerResponse, status: number, title: string, detail: string, error?: FieldError, headers: Record<string, string> = {}): void {
  const body = { type: 'about:blank', title, status, detail, ...(error ? { errors: [error] } : {}) };
  writeResult(res, { statusCode: status, headers: { 'content-type': 'application/problem+json', ...headers }, body: JSON.stringify(body) }, 'GET');
}

export async function startRuntime(options: RuntimeOptions): Promise<Runtime> {
  const log = options.log ?? ((line) => console.log(JSON.stringify(line)));
  // Lambda's streaming globals, for functions that stream their response (feeds), before any handler loads.
  installLambdaStreaming();
  const names = tableNames();
  const consumers = functions.filter((spec) => spec.journalStream);
  const streamLag = options.streamLagMs ?? Number(process.env.TAQWEEM_STREAM_LAG_MS ?? 0);
  const pump = new StreamPump(
    await Promise.all(consumers.map(async (spec) => ({ name: spec.name, handler: await loadHandler<StreamHandler>(spec), context: () => lambdaContext(spec) }))),
    // ops (#11): the lagged, AWS-like mode.
    { log, lagMs: streamLag, isBarrier: changesSubscriptions },
  );
  if (options.storePath) mkdirSync(options.storePath, { recursive: true });
  // A write waits for its own records only (origins.ts), never for another request's.
  const origins = new RequestOrigins();
  // What may be committed and not delivered survives a kill (stream-log.ts); in memory, nothing survives anyway.
  const streamLog = options.storePath ? StreamLog.open(join(options.storePath, STREAM_LOG)) : undefined;
  const deliver = (record: DynamoDBRecord) => {
    const delivered = pump.push(record);
    void delivered.then((ok) => ok && streamLog?.log.settle(commitKey(record.dynamodb?.NewImage as Record<string, never>)));
    return delivered;
  };
  const store = await startStore({
    path: options.storePath,
    streamedTables: [names.journal],
    onWrite: (_table, item) => streamLog?.log.begin(commitKey(item)),
    onRefused: (_table, item) => streamLog?.log.settle(commitKey(item)),
    onRecord: (record, clientPort) => {
      const delivered = origins.outside(() => deliver(record));
      origins.of(clientPort)?.deliveries.push(delivered);
    },
  });
  process.env.DYNAMODB_ENDPOINT = store.endpoint;
  process.env.ADMIN_KEY_HASH = hashSecret(options.adminApiKey);
  const client = new DynamoDBClient({ endpoint: store.endpoint, region: 'local', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
  await ensureTables(client);
  if (streamLog) await catchUp(client, names.journal, streamLog, (item) => deliver(store.recordFor(names.journal, item)), pump);

  const scheduler = new Scheduler(await Promise.all(functions.filter((f) => f.schedule).map(async (spec) => ({ spec, handler: await loadHandler<ScheduledHandler>(spec) }))), log);

  const router = new Router<{ spec: FunctionSpec; handler: ApiHandler }>();
  for (const spec of functions.filter((f) => f.routes)) {
    const handler = await loadHandler<ApiHandler>(spec);
    for (const route of spec.routes!) router.add(route, { spec, handler });
  }

  async function dispatch(req: IncomingMessage, res: ServerResponse, body: Buffer): Promise<APIGatewayProxyResultV2 | { methods: string[]; undecodable?: true } | typeof STREAMED> {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    const { route, methods, undecodable } = router.match(req.method ?? 'GET', path);
    if (!route) return { methods, ...(undecodable ? { undecodable } : {}) };
    const { handler } = route.target;
    const event = toApiGatewayEvent(req, body, route);
    // feeds: a streaming handler answers as behind a function URL (RESPONSE_STREAM), straight into the socket
    if (isStreamingHandler(handler)) {
      await invokeStreaming(handler, event, lambdaContext(route.target.spec), res, req.method ?? 'GET');
      return STREAMED;
    }
    const origin: Origin = { deliveries: [] };
    const result = await origins.run(origin, () => handler(event, lambdaContext(route.target.spec)));
    // Without a lag the write's own records are delivered before answering, so a list read right after it sees
    // it; with one (ops #11), the answer goes out first, as on AWS. Fan-out wakes the dispatcher, as on AWS.
    if (streamLag === 0) await Promise.all(origin.deliveries);
    return result;
  }

  const server = createServer(async (req, res) => {
    try {
      // webhooks: the Lambda Invoke API, as fan-out calls it on AWS to wake the dispatcher (see lambdaInvoke).
      if (lambdaInvoke(req, res, scheduler)) return;
      const body = await readBody(req);
      if (!body) return problem(res, 413, 'Request too large', `at most ${MAX_REQUEST_BYTES} bytes`, { field: 'body', code: 'too_large', message: `must be at most ${MAX_REQUEST_BYTES} bytes` });
      const result = await dispatch(req, res, body);
      if (result === STREAMED) return;
      if (typeof result === 'object' && result !== null && 'methods' in result) {
        if (result.undecodable) return problem(res, 400, 'Invalid request', 'the path is not percent-encoded UTF-8', { field: 'path', code: 'invalid_format', message: 'is not percent-encoded UTF-8' });
        return result.methods.length > 0
          ? problem(
              res,
              405,
              'Method not allowed',
              `${req.method} is not allowed here`,
              { field: 'method', code: 'unsupported', message: `must be one of: ${result.methods.join(', ')}` },
              { allow: result.methods.join(', ') },
            )
          : problem(res, 404, 'Not found', 'no such route; GET /openapi.json lists them all', { field: 'path', code: 'not_found', message: 'matches no route' });
      }
      writeResult(res, result, req.method ?? 'GET');
    } catch (error) {
      log({ level: 'error', message: 'handler failed', error: String(error) });
      if (!res.headersSent) problem(res, 500, 'Internal error', 'the request could not be completed');
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const url = `http://${host}:${address.port}`;
  scheduler.start(options.scheduleIntervalMs ?? 1000);
  // webhooks: functions that wake others (fan-out → dispatcher) invoke them through this server, as on AWS.
  Object.assign(process.env, { DISPATCH_FUNCTION_NAME: localFunctionName('dispatch'), AWS_ENDPOINT_URL_LAMBDA: url });
  process.env.AWS_REGION ??= 'local';
  process.env.AWS_ACCESS_KEY_ID ??= 'local';
  process.env.AWS_SECRET_ACCESS_KEY ??= 'local';

  return {
    url,
    storeEndpoint: store.endpoint,
    pump,
    async invoke(method, path, invokeOptions = {}) {
      const response = await fetch(`${url}${path}`, {
        method,
        headers: { ...(invokeOptions.body !== undefined ? { 'content-type': 'application/json' } : {}), authorization: `Bearer ${options.adminApiKey}`, ...invokeOptions.headers },
        ...(invokeOptions.body !== undefined ? { body: JSON.stringify(invokeOptions.body) } : {}),
      });
      const text = await response.text();
      return { status: response.status, headers: Object.fromEntries(response.headers), body: text ? JSON.parse(text) : undefined };
    },
    async close() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await scheduler.stop();
      await pump.drain();
      origins.close();
      streamLog?.log.close();
      await store.close();
      client.destroy();
    },
  };
}

/**
 * webhooks: `POST /2015-03-31/functions/{name}/invocations` with `X-Amz-Invocation-Type: Event`, the call the
 * AWS SDK makes for an asynchronous invoke: answered 202 at once, the function runs in the background. Only
 * scheduled functions (the dispatcher) are invocable this way; true when the request was one of these.
 */
function lambdaInvoke(req: IncomingMessage, res: ServerResponse, scheduler: Scheduler): boolean {
  const name = /^\/2015-03-31\/functions\/([^/]+)\/invocations$/.exec(req.url ?? '')?.[1];
  if (req.method !== 'POST' || !name) return false;
  req.resume();
  const found = scheduler.wake(decodeURIComponent(name));
  res.writeHead(found ? 202 : 404, { 'content-type': 'application/json' });
  res.end(found ? '' : JSON.stringify({ Type: 'User', message: `Function not found: ${name}` }));
  return true;
}

/**
 * Runs scheduled functions with EventBridge's event shape: on a timer, and when woken (as an asynchronous
 * invoke on AWS), a few runs at once at most; a wake beyond that runs as soon as one ends.
 */
class Scheduler {
  private timer: NodeJS.Timeout | undefined;
  private readonly running = new Set<Promise<unknown>>();
  private readonly waiting = new Set<string>();

  constructor(
    private readonly jobs: { spec: FunctionSpec; handler: ScheduledHandler }[],
    private readonly log: (line: Record<string, unknown>) => void,
  ) {}

  start(intervalMs: number): void {
    this.timer = setInterval(() => this.runNow(), intervalMs);
    this.timer.unref();
  }

  runNow(): void {
    for (const job of this.jobs) this.run(job);
  }

  /** Runs the function with this (local) name now; false when there is none. */
  wake(functionName: string): boolean {
    const job = this.jobs.find(({ spec }) => localFunctionName(spec.name) === functionName);
    if (job) this.run(job);
    return job !== undefined;
  }

  private run({ spec, handler }: { spec: FunctionSpec; handler: ScheduledHandler }): void {
    if (this.timer === undefined) return;
    if (this.running.size >= 8 * this.jobs.length) {
      this.waiting.add(spec.name);
      return;
    }
    const event: ScheduledEvent = {
      version: '0',
      id: randomUUID(),
      'detail-type': 'Scheduled Event',
      source: 'aws.events',
      account: '000000000000',
      time: new Date().toISOString(),
      region: 'local',
      resources: [`arn:aws:events:local:000000000000:rule/taqweem-local-${spec.name}`],
      detail: {},
    };
    const run: Promise<unknown> = handler(event, lambdaContext(spec))
      .catch((error: unknown) => this.log({ level: 'error', message: 'scheduled function failed', function: spec.name, error: String(error) }))
      .finally(() => {
        this.running.delete(run);
        if (this.waiting.delete(spec.name)) this.wake(localFunctionName(spec.name));
      });
    this.running.add(run);
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await Promise.all(this.running);
  }
}

/** Subscription and key commits: fan-out of later records reads them from the views (see StreamPump's barriers). */
function changesSubscriptions(record: DynamoDBRecord): boolean {
  const streamId = record.dynamodb?.Keys?.streamId?.S ?? '';
  return streamId.startsWith(streams.webhook('')) || streamId.startsWith(streams.key(''));
}

/** Where the stream log lives in the store's folder (LevelDB ignores files it does not know). */
const STREAM_LOG = 'taqweem-stream.log';

/** A journal item's key, as the stream log keeps it. */
function commitKey(item: Record<string, never>): CommitKey {
  const { streamId, version } = item as Record<string, { S?: string; N?: string } | undefined>;
  return [streamId?.S ?? '', version?.N ?? ''];
}

/**
 * Delivers at start what the last run may have committed and not delivered (a kill, or records given up on):
 * the writes its stream log left open, each read back from the journal. The consumers are idempotent, so a
 * write delivered just before the kill is harmless. Only a store without a log (written before the log
 * existed, or by something other than the runtime) is replayed whole, once.
 */
async function catchUp(client: DynamoDBClient, journalTable: string, { log, fresh }: { log: StreamLog; fresh: boolean }, emit: (item: Record<string, never>) => Promise<boolean>, pump: StreamPump): Promise<void> {
  if (fresh) {
    let startKey: Record<string, never> | undefined;
    do {
      const page = await client.send(new ScanCommand({ TableName: journalTable, ExclusiveStartKey: startKey, ConsistentRead: true }));
      for (const item of page.Items ?? []) void emit(item as Record<string, never>);
      startKey = page.LastEvaluatedKey as Record<string, never> | undefined;
    } while (startKey);
  }
  for (const key of log.unsettled()) {
    const [streamId, version] = key;
    const { Item } = await client.send(new GetItemCommand({ TableName: journalTable, Key: { streamId: { S: streamId }, version: { N: version } }, ConsistentRead: true }));
    // Not in the journal: the store never committed it. In it: delivered again, then settled (every open write of it).
    if (Item) void emit(Item as Record<string, never>).then((ok) => ok && log.settle(key, true));
    else log.settle(key, true);
  }
  await pump.drain();
}
