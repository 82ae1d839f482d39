/**
 * The feed function as it deploys: bundled by esbuild with the CDK's options, then run in fresh Node
 * processes under three server time zones. The bytes must not change, and the zone data must be there.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { putCalendar } from '#commands/calendars';
import { createEvent } from '#commands/events';
import type { Deps } from '#config/deps';
import { newId } from '#domain/ids';
import { createEventSchema } from '#domain/schemas';
import { bundling } from '../../infra/bundling.ts';
import { toApiGatewayEvent } from '../../infra/local/apigw.ts';
import { repositoryRoot } from '../../infra/local/runtime.ts';
import { handler as project } from '../../functions/stream/project.ts';
import { startTestStore } from '../helpers/store.ts';

let store: Awaited<ReturnType<typeof startTestStore>>;
const dir = mkdtempSync(join(tmpdir(), 'taqweem-bundle-'));

beforeAll(async () => {
  store = await startTestStore();
  const deps: Deps = { client: store.client, journal: store.journal, tables: store.tables, now: () => new Date(), newId: () => newId(), adminKeyHash: async () => undefined };
  const admin = { kind: 'key', id: 'admin', role: 'admin' } as const;
  await putCalendar(deps, 'ato', { name: { ar: 'منظمة المدن العربية', en: 'ATO' }, defaultLanguage: 'ar', timeZone: 'Asia/Kuwait' }, admin);
  for (const [day, timeZone] of [
    ['2026-07-14', 'Asia/Muscat'],
    ['2026-07-15', 'Asia/Kuwait'],
    ['2026-07-16', 'Asia/Shanghai'],
    ['2026-03-08', 'America/New_York'],
  ] as const) {
    const input = createEventSchema().parse({ calendar: 'ato', title: { en: `09:00 in ${timeZone}` }, schedule: { type: 'timed', start: `${day}T09:00`, end: `${day}T10:00`, timeZone } });
    await createEvent(deps, input, admin);
  }
  await project({ Records: store.records.splice(0) });
  await build({
    ...bundling,
    mainFields: [...bundling.mainFields],
    entryPoints: [join(repositoryRoot, 'functions/feeds/get.ts')],
    bundle: true,
    outfile: join(dir, 'feeds-get.mjs'),
    banner: { js: bundling.banner },
    logLevel: 'silent',
  });
  // The feed function streams its response: the child gets the local runtime's stand-in for Lambda's streaming globals.
  await build({
    ...bundling,
    mainFields: [...bundling.mainFields],
    entryPoints: [join(repositoryRoot, 'infra/local/streaming.ts')],
    bundle: true,
    outfile: join(dir, 'streaming.mjs'),
    banner: { js: bundling.banner },
    logLevel: 'silent',
  });
});
afterAll(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

async function renderInChild(timeZone: string): Promise<{ statusCode: number; body: string }> {
  const request = { url: '/feeds/ato.ics?lang=en', method: 'GET', httpVersion: '1.1', headers: { host: 'feeds.example' }, socket: { remoteAddress: '127.0.0.1', localPort: 443 } };
  const event = toApiGatewayEvent(request as never, Buffer.alloc(0), { routeKey: 'GET /feeds/{file}', pathParameters: { file: 'ato.ics' } });
  const driver = join(dir, 'driver.mjs');
  writeFileSync(
    driver,
    [
      `const { installLambdaStreaming } = await import(${JSON.stringify(join(dir, 'streaming.mjs'))});`,
      'installLambdaStreaming();',
      `const { handler } = await import(${JSON.stringify(join(dir, 'feeds-get.mjs'))});`,
      "const { Writable } = await import('node:stream');",
      'const chunks = []; let metadata = {};',
      'const stream = Object.assign(new Writable({ write(chunk, _encoding, callback) { chunks.push(chunk); callback(); } }), { setMetadata: (m) => { metadata = m; } });',
      'await handler(JSON.parse(process.argv[2]), stream, { getRemainingTimeInMillis: () => 10000 });',
      'process.stdout.write("\\n" + JSON.stringify({ statusCode: metadata.statusCode, body: Buffer.concat(chunks).toString("utf8") }), () => process.exit(0));',
    ].join('\n'),
  );
  // Asynchronous: the store this child reads is served by this very process.
  const { stdout } = await promisify(execFile)(process.execPath, [driver, JSON.stringify(event)], {
    env: { ...process.env, TZ: timeZone, DYNAMODB_ENDPOINT: store.store.endpoint, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    encoding: 'utf8',
    timeout: 20_000,
  });
  // The handler's own log lines (Powertools writes JSON to stdout) come first; the driver's result is the last line.
  return JSON.parse(stdout.trimEnd().split('\n').at(-1)!) as { statusCode: number; body: string };
}

it('renders byte-identical feeds under TZ=UTC, America/New_York and Pacific/Kiritimati, with the zone data inside the bundle', async () => {
  const [utc, newYork, kiritimati] = await Promise.all(['UTC', 'America/New_York', 'Pacific/Kiritimati'].map(renderInChild));
  expect(utc!.statusCode).toBe(200);
  expect(newYork!.body).toBe(utc!.body);
  expect(kiritimati!.body).toBe(utc!.body);
  for (const zone of ['Asia/Muscat', 'Asia/Kuwait', 'Asia/Shanghai', 'America/New_York']) expect(utc!.body).toContain(`\r\nTZID:${zone}\r\n`);
  expect(utc!.body).toContain('DTSTART;TZID=Asia/Muscat:20260714T090000');
  expect(utc!.body).toContain('DTSTART;TZID=America/New_York:20260308T090000');
  // The daylight-saving rule of New York must be in the VTIMEZONE, or 09:00 there would be an hour off half the year.
  expect(utc!.body).toMatch(/BEGIN:DAYLIGHT\r\nDTSTART:20260308T020000\r\nTZOFFSETFROM:-0500\r\nTZOFFSETTO:-0400/);
});
