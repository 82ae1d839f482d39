import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { build } from 'esbuild';
import { bundleAll, type Bundle } from '../../infra/bundle-all.ts';
import { bundling } from '../../infra/bundling.ts';
import { repositoryRoot } from '../../infra/paths.ts';
import { functions } from '../../infra/functions.ts';
import { toApiGatewayEvent } from '../../infra/local/apigw.ts';

const run = promisify(execFile);
const dir = mkdtempSync(join(tmpdir(), 'taqweem-bundles-'));
let bundles: Bundle[];
beforeAll(async () => {
  bundles = await bundleAll(dir);
}, 120_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const loadAll = () =>
  `for (const file of ${JSON.stringify(bundles.map((b) => pathToFileURL(b.file).href))}) { const m = await import(file); if (typeof m.handler !== 'function') throw new Error(file + ' has no handler'); } console.log('loaded');`;

it('bundles every function as it deploys, and each bundle loads in a plain Node process and exports a handler', async () => {
  expect(bundles.map((b) => b.name)).toEqual(functions.map((f) => f.name));
  for (const bundle of bundles) expect(statSync(bundle.file).size).toBeGreaterThan(1000);
  const { stdout } = await run(process.execPath, ['--input-type=module', '-e', loadAll()], { timeout: 60_000 });
  expect(stdout.trim()).toBe('loaded');
}, 120_000);

// Lambda puts the role's credentials in the environment; the SDK's default chain (SSO, INI files, STS, instance
// metadata, and the nested STS/SSO clients) is replaced by a reader of it (infra/bundling.ts).
it('carries no part of the SDK default credential chain in any bundle', () => {
  const chain = /node_modules\/(@aws-sdk\/(credential-provider-(node|ini|sso|login|http|process|web-identity)|nested-clients|token-providers)|@smithy\/credential-provider-imds)\//;
  for (const bundle of bundles) {
    expect(Object.keys(bundle.inputs).filter((path) => chain.test(path))).toEqual([]);
    expect(bundle.inputs['shared/config/lambda-credentials.ts']).toBeGreaterThan(0);
  }
});

// Powertools Tracer is in every function; what its X-Ray SDK and the SDK carry but Lambda never uses is aliased out.
it('carries Powertools Tracer in every bundle, and neither semver, the SDK event-stream codec, the endpoint discovery cache nor X-Ray host plugins', () => {
  // patches/aws-xray-sdk-core+3.12.0.patch: no host plugins (EC2, ECS, Elastic Beanstalk), parameters kept for DynamoDB only.
  const aliasedOut = /node_modules\/(semver|mnemonist|obliterator)\/|node_modules\/@smithy\/core\/dist-es\/submodules\/event-streams\/|node_modules\/aws-xray-sdk-core\/dist\/lib\/segments\/plugins\//;
  for (const bundle of bundles) {
    expect(Object.keys(bundle.inputs).filter((path) => aliasedOut.test(path))).toEqual([]);
    expect(bundle.inputs['node_modules/@aws-lambda-powertools/tracer/lib/esm/middleware/middy.js']).toBeGreaterThan(0);
    expect(bundle.inputs['node_modules/aws-xray-sdk-core/dist/lib/patchers/aws3_p.js']).toBeGreaterThan(0);
    expect(bundle.inputs['node_modules/aws-xray-sdk-core/dist/lib/resources/aws_whitelist.json']).toBeLessThan(2048);
    for (const standIn of ['lambda-no-semver', 'lambda-no-event-streams', 'lambda-no-endpoint-discovery']) expect(bundle.inputs[`shared/config/${standIn}.ts`]).toBeGreaterThan(0);
  }
});

// Each alias's stand-in fails, naming the alias, where the module it replaces would be used: bundled with the deploy
// options and reached through the code that would call it.
it('fails clearly, naming the alias, wherever a bundle would use a module aliased out', async () => {
  const entry = join(dir, 'aliased-entry.mjs');
  writeFileSync(
    entry,
    `import xray from 'aws-xray-sdk-core';
import { EndpointCache } from '@aws-sdk/endpoint-cache';
const attempt = async (use) => { try { await use(); return 'no error'; } catch (error) { return error.message; } };
const results = {
  semver: await attempt(() => xray.captureAWS({ VERSION: '2.1500.0' })),
  hostPlugin: await attempt(() => xray.config([xray.plugins.EC2Plugin])),
  eventStreams: await attempt(async () => (await import('@smithy/core/event-streams')).eventStreamSerdeProvider({})),
  endpointDiscovery: await attempt(() => new EndpointCache(10).set('key', [{ Address: 'dynamodb.example', CachePeriodInMinutes: 1 }])),
  endpointLookup: new EndpointCache(10).getEndpoint('key') ?? 'miss',
};
console.log(JSON.stringify(results));`,
  );
  const outfile = join(dir, 'aliased.mjs');
  await build({ ...bundling, mainFields: [...bundling.mainFields], banner: { js: bundling.banner }, bundle: true, entryPoints: [entry], outfile, nodePaths: [join(repositoryRoot, 'node_modules')], logLevel: 'silent' });
  const { stdout } = await run(process.execPath, [outfile], { timeout: 60_000, env: { ...process.env, AWS_XRAY_CONTEXT_MISSING: 'IGNORE_ERROR' } });
  const results = JSON.parse(stdout.trim().split('\n').at(-1)!) as Record<string, string>;
  expect(results.semver).toMatch(/^This bundle carries no semver: .*shared\/config\/lambda-no-semver\.ts/);
  expect(results.eventStreams).toMatch(/^This bundle carries no SDK event-stream support: .*shared\/config\/lambda-no-event-streams\.ts/);
  expect(results.endpointDiscovery).toMatch(/^This bundle carries no endpoint discovery cache: .*AWS_ENABLE_ENDPOINT_DISCOVERY/);
  expect(results.endpointLookup).toBe('miss');
  expect(results.hostPlugin).toMatch(/^AWSXRay\.plugins\.EC2Plugin is not in this build of aws-xray-sdk-core \(patches\/aws-xray-sdk-core\+3\.12\.0\.patch\)/);
}, 120_000);

// Lambda runs nodejs22.x: the bundles are loaded and driven under Node 22 itself (npm's `node@22`), with the
// event shapes API Gateway v2 and DynamoDB Streams send.
it('loads every bundle under Node 22 and answers API Gateway v2 and DynamoDB Streams events there', async () => {
  const request = (url: string) => ({ url, method: 'GET', httpVersion: '1.1', headers: { host: 'calendar.example.org' }, socket: { remoteAddress: '127.0.0.1', localPort: 443 } });
  const openapi = toApiGatewayEvent(request('/openapi.json') as never, Buffer.alloc(0), { routeKey: 'GET /openapi.json' });
  const page = toApiGatewayEvent(request('/') as never, Buffer.alloc(0), { routeKey: 'GET /' });
  const file = (name: string) => pathToFileURL(bundles.find((b) => b.name === name)!.file).href;
  const driver = join(dir, 'drive22.mjs');
  writeFileSync(
    driver,
    `${loadAll().replace("console.log('loaded');", '')}
const context = { functionName: 'taqweem-test', awsRequestId: 'r', getRemainingTimeInMillis: () => 10000 };
const openapi = await (await import(${JSON.stringify(file('openapi'))})).handler(${JSON.stringify(openapi)}, context);
const page = await (await import(${JSON.stringify(file('web'))})).handler(${JSON.stringify(page)}, context);
const project = await (await import(${JSON.stringify(file('project'))})).handler({ Records: [{ eventID: '1', eventName: 'MODIFY', eventSource: 'aws:dynamodb', awsRegion: 'eu-west-1', dynamodb: { SequenceNumber: '1', Keys: { streamId: { S: 'x' }, version: { N: '1' } } } }] }, context);
process.stdout.write(JSON.stringify({ version: process.version, openapi: [openapi.statusCode, JSON.parse(openapi.body).openapi], page: [page.statusCode, page.headers['content-type']], project }));
`,
  );
  const { stdout } = await run('npx', ['-y', 'node@22', driver], {
    timeout: 180_000,
    // Credentials in the environment, as Lambda sets them (the bundles read them from there alone).
    env: {
      ...process.env,
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      POWERTOOLS_METRICS_DISABLED: 'true',
      AWS_REGION: 'eu-west-1',
      AWS_ACCESS_KEY_ID: 'AKIDLAMBDAENV',
      AWS_SECRET_ACCESS_KEY: 'secret-from-env',
      AWS_SESSION_TOKEN: 'session-from-env',
    },
  });
  const result = JSON.parse(stdout.trim().split('\n').at(-1)!) as { version: string; openapi: [number, string]; page: [number, string]; project: unknown };
  expect(result.version).toMatch(/^v22\./);
  expect(result.openapi).toEqual([200, expect.stringMatching(/^3\.1/)]);
  expect(result.page).toEqual([200, expect.stringContaining('text/html')]);
  expect(result.project).toEqual({ batchItemFailures: [] });
}, 240_000);
