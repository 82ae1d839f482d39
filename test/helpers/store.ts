/** A dynalite of its own for a test file: free port, tables created, stream records collected. */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import type { Deps } from '#config/deps';
import { documentClient, tableNames } from '#config/env';
import { newId } from '#domain/ids';
import { DynamoJournal } from '#journal/journal';
import { viewSnapshots } from '#views/snapshots';
import { ensureTables } from '../../infra/local/runtime.ts';
import { startStore } from '../../infra/local/store.ts';

export async function startTestStore(path?: string) {
  const records: DynamoDBRecord[] = [];
  const tables = tableNames();
  const store = await startStore({ path, streamedTables: [tables.journal], onRecord: (record) => records.push(record) });
  process.env.DYNAMODB_ENDPOINT = store.endpoint;
  const raw = new DynamoDBClient({ endpoint: store.endpoint, region: 'local', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
  await ensureTables(raw);
  const client = documentClient();
  return {
    store,
    records,
    tables,
    client,
    journal: new DynamoJournal(client, tables.journal),
    async close() {
      raw.destroy();
      await store.close();
    },
  };
}

/** What commands and queries need, over a test store: the real journal and snapshots, the wall clock, no admin key. */
export function commandDeps(store: Awaited<ReturnType<typeof startTestStore>>): Deps {
  return {
    client: store.client,
    journal: store.journal,
    tables: store.tables,
    now: () => new Date(),
    newId: () => newId(),
    adminKeyHash: async () => undefined,
    snapshots: viewSnapshots(store.client, store.tables.views),
  };
}
