/** `npm start`: the service on one machine, on the embedded DynamoDB. Configuration is by environment. */
import './local-env.ts';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import { startRuntime } from './runtime.ts';
import { claimDataDir } from './data-dir.ts';
import { seedIfEmpty } from './seed.ts';

// Locally the terminal is for people: routine sweeps stay quiet unless LOG_LEVEL says otherwise.
process.env.LOG_LEVEL ??= 'warn';

const port = Number(process.env.PORT ?? 3000);
const host = process.env.HOST ?? '127.0.0.1';
const dataDir = process.env.DATA_DIR ?? '.data';
const inMemory = dataDir === 'memory';
const seed = process.env.SEED !== '0';

function adminKey(): { key: string; origin: string; show: boolean } {
  if (process.env.ADMIN_API_KEY) return { key: process.env.ADMIN_API_KEY, origin: 'ADMIN_API_KEY', show: false };
  const generated = `tqa_${randomBytes(32).toString('base64url')}`;
  if (inMemory) return { key: generated, origin: 'generated for this run (DATA_DIR=memory)', show: true };
  const file = join(resolve(dataDir), 'admin-key');
  if (existsSync(file)) return { key: readFileSync(file, 'utf8').trim(), origin: file, show: false };
  mkdirSync(resolve(dataDir), { recursive: true });
  writeFileSync(file, `${generated}\n`, { mode: 0o600 });
  return { key: generated, origin: `generated on first start, kept in ${file}`, show: true };
}

function explain(error: unknown): string {
  const text = String((error as Error)?.message ?? error);
  if ((error as NodeJS.ErrnoException)?.code === 'EADDRINUSE') return `${host}:${port} is already in use. Stop the other process or choose another port: PORT=3001 npm start`;
  return text;
}

async function main(): Promise<void> {
  const release = inMemory ? () => undefined : claimDataDir(resolve(dataDir));
  const admin = adminKey();
  const runtime = await startRuntime({
    port,
    host,
    storePath: inMemory ? undefined : join(resolve(dataDir), 'dynalite'),
    adminApiKey: admin.key,
    scheduleIntervalMs: Number(process.env.SCHEDULE_INTERVAL_MS ?? 1000),
  });
  const seeded = seed ? await seedIfEmpty(runtime) : 0;
  const lines = [
    `Taqweem is running at ${runtime.url}`,
    `  store:     ${inMemory ? 'in memory (DATA_DIR=memory): nothing is kept' : `dynalite in ${resolve(dataDir)}`}`,
    `  seed:      ${seeded > 0 ? `loaded the launch customer's calendar "ato" and ${seeded} events` : seed ? 'store already has data; not seeded' : 'off (SEED=0)'}`,
    `  admin key: ${admin.show ? admin.key : '(not shown)'}  — ${admin.origin}`,
    ...(process.env.ALLOW_PRIVATE_WEBHOOK_TARGETS === '1' ? ['  webhooks:  ALLOW_PRIVATE_WEBHOOK_TARGETS=1: webhooks may target http, loopback and private addresses (development only)'] : []),
    '',
    `  ${runtime.url}/                        the web page`,
    `  ${runtime.url}/feeds/ato.ics           the launch calendar's feed (subscribe to it)`,
    `  ${runtime.url}/health`,
    `  ${runtime.url}/openapi.json`,
    `  ${runtime.url}/calendars`,
    `  ${runtime.url}/events?calendar=ato`,
    '',
    'Ctrl-C stops it.',
  ];
  console.log(lines.join('\n'));
  const stop = async () => {
    await runtime.close();
    release();
    process.exit(0);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error) => {
  console.error(`Taqweem could not start: ${explain(error)}`);
  process.exit(1);
});
