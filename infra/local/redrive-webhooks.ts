/**
 * `npm run redrive-webhooks`: fans parked journal records out again (functions/webhooks/redrive.ts, the same
 * handler as on AWS). Locally it opens DATA_DIR (stop `npm start` first: the store takes a lock); with --aws
 * it works on the tables named by JOURNAL_TABLE, VIEWS_TABLE and DELIVERIES_TABLE.
 */
import { join, resolve } from 'node:path';
import { claimDataDir } from './data-dir.ts';
import { startStore, type Store } from './store.ts';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
// The handler flushes its EMF metrics (observed()); here they would only precede the summary on stdout.
process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';

async function main(): Promise<void> {
  let store: Store | undefined;
  let release = () => undefined as void;
  if (!process.argv.includes('--aws')) {
    const dataDir = resolve(process.env.DATA_DIR ?? '.data');
    release = claimDataDir(dataDir);
    store = await startStore({ path: join(dataDir, 'dynalite'), streamedTables: [], onRecord: () => undefined });
    process.env.DYNAMODB_ENDPOINT = store.endpoint;
  }
  const { handler } = await import('../../functions/webhooks/redrive.ts');
  console.log(JSON.stringify(await handler({})));
  await store?.close();
  release();
}

main().catch((error) => {
  console.error(`redrive-webhooks failed: ${String((error as Error)?.message ?? error)}`);
  process.exit(1);
});
