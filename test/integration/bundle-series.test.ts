/**
 * events-create as it deploys, under Node 22 (Lambda's nodejs22.x): a single event and a series are recorded through
 * the bundle, and a rule it cannot expand is refused naming its field. bundles.test.ts drives only openapi, web and
 * project; this one drives the function whose series support (ical.js) the cold-import work keeps touching (0007).
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { hashSecret } from '#auth/keys';
import { putCalendar } from '#commands/calendars';
import { bundleAll } from '../../infra/bundle-all.ts';
import { toApiGatewayEvent } from '../../infra/local/apigw.ts';
import { commandDeps, startTestStore } from '../helpers/store.ts';

const ADMIN_KEY = 'bundle-series-admin-key';
let store: Awaited<ReturnType<typeof startTestStore>>;
const dir = mkdtempSync(join(tmpdir(), 'taqweem-bundle-series-'));

beforeAll(async () => {
  store = await startTestStore();
  await putCalendar(commandDeps(store), 'ato', { name: { en: 'ATO' }, defaultLanguage: 'ar', timeZone: 'Asia/Kuwait' }, { kind: 'key', id: 'admin', role: 'admin' });
}, 60_000);
afterAll(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

const post = (body: unknown) => {
  const request = {
    url: '/events',
    method: 'POST',
    httpVersion: '1.1',
    headers: { host: 'api.example', 'content-type': 'application/json', authorization: `Bearer ${ADMIN_KEY}` },
    socket: { remoteAddress: '127.0.0.1', localPort: 443 },
  };
  return toApiGatewayEvent(request as never, Buffer.from(JSON.stringify(body)), { routeKey: 'POST /events' });
};
const single = post({ calendar: 'ato', title: { en: 'Forum' }, schedule: { type: 'timed', start: '2026-07-14T09:00', end: '2026-07-14T10:00', timeZone: 'Asia/Muscat' } });
const series = post({ calendar: 'ato', title: { en: 'Board' }, schedule: { type: 'timed', start: '2026-07-14T09:00', end: '2026-07-14T10:00', timeZone: 'Asia/Muscat', recurrence: { rule: 'FREQ=MONTHLY;BYDAY=2TU' } } });
const badRule = post({ calendar: 'ato', title: { en: 'Bad' }, schedule: { type: 'timed', start: '2026-07-14T09:00', end: '2026-07-14T10:00', timeZone: 'Asia/Muscat', recurrence: { rule: 'FREQ=MONTHLY;BYDAY=9TU' } } });

interface Outcome {
  version: string;
  answers: { statusCode: number; body: { schedule?: { recurrence?: { rule: unknown } }; errors?: { field: string }[] } }[];
}

/** Imports the bundle in a fresh Node 22 process and sends it the events in turn. */
async function drive(file: string, events: unknown[]): Promise<Outcome> {
  const driver = join(dir, 'drive.mjs');
  writeFileSync(
    driver,
    `const { handler } = await import(${JSON.stringify(pathToFileURL(file).href)});
const context = { functionName: 'taqweem-test', awsRequestId: 'r', getRemainingTimeInMillis: () => 10000 };
const answers = [];
for (const event of ${JSON.stringify(events)}) {
  const response = await handler(event, context);
  answers.push({ statusCode: response.statusCode, body: JSON.parse(response.body)});
}
process.stdout.write('\\n' + JSON.stringify({ version: process.version, answers }));`,
  );
  const { stdout } = await promisify(execFile)('npx', ['-y', 'node@22', driver], {
    env: {
      ...process.env,
      DYNAMODB_ENDPOINT: store.store.endpoint,
      ADMIN_KEY_HASH: hashSecret(ADMIN_KEY),
      AWS_REGION: 'eu-west-1',
      POWERTOOLS_METRICS_DISABLED: 'true',
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    },
    encoding: 'utf8',
    timeout: 120_000,
  });
  return JSON.parse(stdout.trimEnd().split('\n').at(-1)!) as Outcome;
}

it('records a single event and a series through the deployed bundle under Node 22, and refuses a bad rule naming its field', async () => {
  const [bundle] = await bundleAll(join(dir, 'out'), (name) => name === 'events-create');
  const outcome = await drive(bundle!.file, [single, series, badRule]);
  expect(outcome.version).toMatch(/^v22\./);
  expect(outcome.answers.map((a) => a.statusCode)).toEqual([201, 201, 400]);
  expect(outcome.answers[0]!.body.schedule?.recurrence).toBeUndefined();
  expect(outcome.answers[1]!.body.schedule?.recurrence?.rule).toBeDefined();
  expect(outcome.answers[2]!.body.errors?.map((e) => e.field)).toContain('schedule.recurrence.rule');
}, 180_000);
