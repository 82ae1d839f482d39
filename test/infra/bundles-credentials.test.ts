/**
 * The bundles read AWS credentials from the environment alone, as Lambda provides them (infra/bundling.ts aliases
 * the SDK's default chain to shared/config/lambda-credentials.ts). Driven under Node 22 against a DynamoDB stand-in
 * on 127.0.0.1 (AWS_ENDPOINT_URL_DYNAMODB, so the function's client is built exactly as on Lambda, with no endpoint
 * or credentials of ours) that records each request's signature.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { bundleAll, type Bundle } from '../../infra/bundle-all.ts';
import { toApiGatewayEvent } from '../../infra/local/apigw.ts';

const run = promisify(execFile);
const dir = mkdtempSync(join(tmpdir(), 'taqweem-bundles-credentials-'));
let bundles: Bundle[];
let server: Server;
let endpoint: string;
let node22: string;
const seen: { target: string | undefined; headers: IncomingHttpHeaders }[] = [];

beforeAll(async () => {
  bundles = await bundleAll(dir, (name) => name === 'health' || name === 'events-get');
  // Node 22 itself (npm's node@22, as Lambda's nodejs22.x), run directly so the handler sees only the environment given.
  node22 = (await run('npx', ['-y', 'node@22', '-p', 'process.execPath'], { timeout: 120_000 })).stdout.trim();
  // Answers DescribeTable as DynamoDB does; anything else is a table that does not exist.
  server = createServer((req, res) => {
    const target = req.headers['x-amz-target'] as string | undefined;
    seen.push({ target, headers: req.headers });
    req.resume();
    req.on('end', () => {
      const found = target === 'DynamoDB_20120810.DescribeTable';
      res.writeHead(found ? 200 : 400, { 'content-type': 'application/x-amz-json-1.0' });
      res.end(
        JSON.stringify(found ? { Table: { TableName: 'taqweem-journal', TableStatus: 'ACTIVE' } } : { __type: 'com.amazonaws.dynamodb.v20120810#ResourceNotFoundException', message: 'Requested resource not found' }),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}, 120_000);
afterAll(async () => {
  await new Promise((resolve) => server?.close(resolve));
  rmSync(dir, { recursive: true, force: true });
});

const request = (url: string) => ({ url, method: 'GET', httpVersion: '1.1', headers: { host: 'calendar.example.org' }, socket: { remoteAddress: '127.0.0.1', localPort: 443 } });

/** Runs one bundle's handler under Node 22 with exactly the given AWS environment (nothing inherited from ours). */
async function drive(name: string, url: string, routeKey: string, pathParameters: Record<string, string> | undefined, aws: Record<string, string>) {
  const event = toApiGatewayEvent(request(url) as never, Buffer.alloc(0), { routeKey, ...(pathParameters ? { pathParameters } : {}) });
  const driver = join(dir, `drive-${name}.mjs`);
  const file = pathToFileURL(bundles.find((b) => b.name === name)!.file).href;
  writeFileSync(
    driver,
    `const { handler } = await import(${JSON.stringify(file)});
const result = await handler(${JSON.stringify(event)}, { functionName: 'taqweem-test', awsRequestId: 'r', getRemainingTimeInMillis: () => 10000 });
process.stdout.write('\\nRESULT ' + JSON.stringify({ version: process.version, status: result.statusCode, body: result.body }));
`,
  );
  const env = { HOME: join(dir, 'home'), AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', POWERTOOLS_METRICS_DISABLED: 'true', AWS_REGION: 'eu-west-1', AWS_ENDPOINT_URL_DYNAMODB: endpoint, ...aws };
  const { stdout, stderr } = await run(node22, [driver], { timeout: 180_000, env });
  const result = JSON.parse(stdout.split('\nRESULT ').at(-1)!) as { version: string; status: number; body: string };
  return { ...result, logs: stdout + stderr };
}

it('signs DynamoDB requests with the credentials Lambda puts in the environment', async () => {
  seen.length = 0;
  const result = await drive('health', '/health', 'GET /health', undefined, { AWS_ACCESS_KEY_ID: 'AKIDLAMBDAENV', AWS_SECRET_ACCESS_KEY: 'secret-from-env', AWS_SESSION_TOKEN: 'session-from-env' });
  expect(result.version).toMatch(/^v22\./);
  expect([result.status, JSON.parse(result.body).status]).toEqual([200, 'ok']);
  expect(seen.map((s) => s.target)).toEqual(['DynamoDB_20120810.DescribeTable']);
  expect(seen[0]!.headers.authorization).toMatch(/^AWS4-HMAC-SHA256 Credential=AKIDLAMBDAENV\/\d{8}\/eu-west-1\/dynamodb\/aws4_request, /);
  expect(seen[0]!.headers['x-amz-security-token']).toBe('session-from-env');
}, 240_000);

it('with no credentials in the environment, fails the request with an error naming the variables, and sends nothing', async () => {
  seen.length = 0;
  // An ~/.aws of ours would be read by the SDK's default chain; the bundles must not look there (HOME is empty).
  const health = await drive('health', '/health', 'GET /health', undefined, {});
  expect(health.status).toBe(503);
  const read = await drive('events-get', '/events/evt_missing', 'GET /events/{id}', { id: 'evt_missing' }, {});
  expect(read.status).toBe(500);
  expect(read.logs).toContain('No AWS credentials in the environment: AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY');
  expect(seen).toEqual([]);
}, 240_000);
