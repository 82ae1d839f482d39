/**
 * Powertools Tracer is wired in the bundles as they deploy: driven under Node 22 with the environment Lambda gives a
 * function with active tracing (AWS_EXECUTION_ENV, LAMBDA_TASK_ROOT, _X_AMZN_TRACE_ID, AWS_XRAY_DAEMON_ADDRESS), the
 * X-Ray SDK sends its subsegments over UDP to the daemon address: here a socket on 127.0.0.1 that keeps them. The
 * function's DynamoDB client talks to a stand-in on 127.0.0.1 (AWS_ENDPOINT_URL_DYNAMODB, as in bundles-credentials).
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createSocket, type Socket } from 'node:dgram';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { bundleAll, type Bundle } from '../../infra/bundle-all.ts';
import { toApiGatewayEvent } from '../../infra/local/apigw.ts';

const run = promisify(execFile);
const dir = mkdtempSync(join(tmpdir(), 'taqweem-bundles-tracer-'));
const TRACE_ID = '1-5759e988-bd862e3fe1be46a994272793';
const ADMIN_KEY = 'admin-key-for-the-tracer-test';
let bundles: Bundle[];
let server: Server;
let daemon: Socket;
let endpoint: string;
let daemonAddress: string;
let node22: string;
/** Each datagram the "daemon" received: the X-Ray header line, then one segment document. */
const datagrams: string[] = [];

interface Subsegment {
  id: string;
  name: string;
  trace_id: string;
  parent_id: string;
  type: string;
  namespace?: string;
  aws?: { operation?: string; table_name?: string };
  annotations?: Record<string, unknown>;
  metadata?: Record<string, unknown>;
}

beforeAll(async () => {
  bundles = await bundleAll(dir, (name) => name === 'health' || name === 'dispatch' || name === 'keys-delete');
  node22 = (await run('npx', ['-y', 'node@22', '-p', 'process.execPath'], { timeout: 120_000 })).stdout.trim();
  // DynamoDB as far as these functions need it: DescribeTable, empty answers to reads, and an Idempotency-Key that was
  // already answered (its claim fails; the stored item holds the claim's own fingerprint and a response).
  let fingerprint = '';
  server = createServer((req, res) => {
    const target = String(req.headers['x-amz-target'] ?? '').split('.')[1];
    let text = '';
    req.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
    req.on('end', () => {
      const input = JSON.parse(text || '{}') as { TableName?: string; Item?: { fingerprint?: { S: string } } };
      const claim = target === 'PutItem' && input.TableName === 'taqweem-idempotency';
      if (claim) fingerprint = input.Item!.fingerprint!.S;
      const replay = target === 'GetItem' && input.TableName === 'taqweem-idempotency';
      const stored = { pk: { S: 'admin#k1' }, fingerprint: { S: fingerprint }, state: { S: 'done' }, response: { M: { statusCode: { N: '204' }, headers: { M: {} } } } };
      res.writeHead(claim ? 400 : 200, { 'content-type': 'application/x-amz-json-1.0' });
      res.end(
        JSON.stringify(
          claim
            ? { __type: 'com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException', message: 'The conditional request failed' }
            : target === 'DescribeTable'
              ? { Table: { TableName: 'taqweem-journal', TableStatus: 'ACTIVE' } }
              : replay
                ? { Item: stored }
                : target === 'GetItem'
                  ? {}
                  : { Items: [], Count: 0 },
        ),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  daemon = createSocket('udp4');
  daemon.on('message', (message) => datagrams.push(message.toString('utf8')));
  await new Promise<void>((resolve) => daemon.bind(0, '127.0.0.1', resolve));
  daemonAddress = `127.0.0.1:${daemon.address().port}`;
}, 120_000);
afterAll(async () => {
  await new Promise((resolve) => server?.close(resolve));
  daemon?.close();
  rmSync(dir, { recursive: true, force: true });
});

/**
 * Runs one bundle's handler under Node 22 with exactly the given environment, and collects what reached the daemon.
 * `next`: a second invocation in the same process (a warm start), with its own trace header as Lambda sets it.
 */
async function drive(name: string, event: unknown, env: Record<string, string>, next?: { event: unknown; traceHeader: string }) {
  datagrams.length = 0;
  const driver = join(dir, `drive-${name}.mjs`);
  const file = pathToFileURL(bundles.find((b) => b.name === name)!.file).href;
  writeFileSync(
    driver,
    `const { handler } = await import(${JSON.stringify(file)});
const context = { functionName: ${JSON.stringify(name)}, awsRequestId: 'r', getRemainingTimeInMillis: () => 10000 };
const result = await handler(${JSON.stringify(event)}, context);
${
  next
    ? `process.env._X_AMZN_TRACE_ID = ${JSON.stringify(next.traceHeader)};
const nextResult = await handler(${JSON.stringify(next.event)}, context);`
    : 'const nextResult = undefined;'
}
// cls-hooked registers the X-Ray SDK's namespace (and its async hook) here in automatic mode.
process.stdout.write('\\nRESULT ' + JSON.stringify({ result, nextResult, asyncHook: Boolean(process.namespaces?.AWSXRay) }));
`,
  );
  const base = {
    HOME: join(dir, 'home'),
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    POWERTOOLS_METRICS_DISABLED: 'true',
    POWERTOOLS_SERVICE_NAME: name,
    AWS_REGION: 'eu-west-1',
    AWS_ACCESS_KEY_ID: 'AKIDLAMBDAENV',
    AWS_SECRET_ACCESS_KEY: 'secret-from-env',
    AWS_ENDPOINT_URL_DYNAMODB: endpoint,
    ADMIN_KEY_HASH: createHash('sha256').update(ADMIN_KEY).digest('hex'),
  };
  const { stdout, stderr } = await run(node22, [driver], { timeout: 180_000, env: { ...base, ...env } });
  // The SDK sends each subsegment as it closes; the datagrams are on loopback, so a short wait gathers them all.
  await new Promise((resolve) => setTimeout(resolve, 200));
  const subsegments = datagrams.map((datagram) => {
    const [header, body] = datagram.split('\n');
    expect(JSON.parse(header!)).toEqual({ format: 'json', version: 1 });
    return JSON.parse(body!) as Subsegment;
  });
  const { result, nextResult, asyncHook } = JSON.parse(stdout.split('\nRESULT ').at(-1)!) as { result: unknown; nextResult: unknown; asyncHook: boolean };
  return { result, nextResult, asyncHook, subsegments, logs: stdout + stderr };
}

/** What Lambda sets for a function with active tracing, for one sampled invocation. */
const lambda = (handler: string) => ({
  AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs22.x',
  AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand',
  LAMBDA_TASK_ROOT: dir,
  _HANDLER: handler,
  _X_AMZN_TRACE_ID: `Root=${TRACE_ID};Parent=53995c3f42cd8ad8;Sampled=1`,
  AWS_XRAY_DAEMON_ADDRESS: '',
});

const health = () =>
  toApiGatewayEvent({ url: '/health', method: 'GET', httpVersion: '1.1', headers: { host: 'calendar.example.org' }, socket: { remoteAddress: '127.0.0.1', localPort: 443 } } as never, Buffer.alloc(0), {
    routeKey: 'GET /health',
  });

it('an API function on Lambda sends X-Ray subsegments for its handler and for its DynamoDB call, in the invocation trace', async () => {
  const { result, subsegments, asyncHook, logs } = await drive('health', health(), { ...lambda('health.handler'), AWS_XRAY_DAEMON_ADDRESS: daemonAddress });
  expect(result).toMatchObject({ statusCode: 200 });
  expect(asyncHook).toBe(true);
  expect(logs).not.toMatch(/context missing|Failed to get the current sub\/segment|cannot be called on an AWS Lambda segment|Failed to close or serialize/i);
  const handler = subsegments.find((s) => s.name === '## health.handler');
  const dynamo = subsegments.find((s) => s.name === 'DynamoDB');
  expect(handler).toMatchObject({ type: 'subsegment', trace_id: TRACE_ID, parent_id: '53995c3f42cd8ad8', annotations: { ColdStart: true, Service: 'health' } });
  expect(dynamo).toMatchObject({ type: 'subsegment', trace_id: TRACE_ID, namespace: 'aws', aws: { operation: 'DescribeTable', table_name: 'taqweem-journal' } });
  // The SDK call is traced inside the handler's subsegment, and the response (some hold a secret) is not recorded.
  expect(dynamo!.parent_id).toBe(handler!.id);
  expect(JSON.stringify(handler!.metadata ?? {})).not.toContain('statusCode');
}, 240_000);

it('a scheduled function (the observed() chain) traces its handler and its DynamoDB reads the same way', async () => {
  const { subsegments } = await drive('dispatch', {}, { ...lambda('dispatch.handler'), AWS_XRAY_DAEMON_ADDRESS: daemonAddress });
  const handler = subsegments.find((s) => s.name === '## dispatch.handler');
  expect(handler).toMatchObject({ trace_id: TRACE_ID, annotations: { ColdStart: true, Service: 'dispatch' } });
  const calls = subsegments.filter((s) => s.name === 'DynamoDB');
  expect(calls.length).toBeGreaterThan(0);
  for (const call of calls) expect(call).toMatchObject({ trace_id: TRACE_ID, parent_id: handler!.id, namespace: 'aws' });
}, 240_000);

// An answer from a `before` middleware (a replayed Idempotency-Key) skips every `after`: the trace must still close.
it('closes the trace of a replayed request, so the next invocation is traced in its own trace', async () => {
  const request = (idempotencyKey?: string) =>
    toApiGatewayEvent(
      {
        url: '/keys/key_x',
        method: 'DELETE',
        httpVersion: '1.1',
        headers: { host: 'calendar.example.org', authorization: `Bearer ${ADMIN_KEY}`, ...(idempotencyKey ? { 'idempotency-key': idempotencyKey } : {}) },
        socket: { remoteAddress: '127.0.0.1', localPort: 443 },
      } as never,
      Buffer.alloc(0),
      { routeKey: 'DELETE /keys/{id}', pathParameters: { id: 'key_x' } },
    );
  const nextTrace = '1-5759e988-0123456789abcdef01234567';
  const { result, nextResult, subsegments } = await drive(
    'keys-delete',
    request('k1'),
    { ...lambda('keys-delete.handler'), AWS_XRAY_DAEMON_ADDRESS: daemonAddress },
    {
      event: request(),
      traceHeader: `Root=${nextTrace};Parent=1111111111111111;Sampled=1`,
    },
  );
  expect(result).toMatchObject({ statusCode: 204, headers: { 'idempotent-replayed': 'true' } });
  expect(nextResult).toMatchObject({ statusCode: 404 });
  const handlers = subsegments.filter((s) => s.name === '## keys-delete.handler');
  expect(handlers.map((s) => [s.trace_id, s.parent_id])).toEqual([
    [TRACE_ID, '53995c3f42cd8ad8'],
    [nextTrace, '1111111111111111'],
  ]);
  expect(handlers[1]!.annotations).toMatchObject({ ColdStart: false });
}, 240_000);

it('sends nothing with POWERTOOLS_TRACE_ENABLED=false, nor outside Lambda, where it logs no X-Ray context error and installs no async hook', async () => {
  const off = await drive('health', health(), { ...lambda('health.handler'), AWS_XRAY_DAEMON_ADDRESS: daemonAddress, POWERTOOLS_TRACE_ENABLED: 'false' });
  expect(off.result).toMatchObject({ statusCode: 200 });
  expect(off.subsegments).toEqual([]);
  // As the local runtime and the tests run a handler: no Lambda variables at all.
  const local = await drive('health', health(), { AWS_XRAY_DAEMON_ADDRESS: daemonAddress });
  expect(local.result).toMatchObject({ statusCode: 200 });
  expect(local.subsegments).toEqual([]);
  // shared/config/xray-mode.ts: the X-Ray SDK's automatic mode (an async hook on every promise) only on Lambda.
  expect(local.asyncHook).toBe(false);
  expect(local.logs).not.toMatch(/context missing|Failed to get the current sub\/segment|cannot be called on an AWS Lambda segment/i);
}, 240_000);
