/** A dynalite of its own for a test file: free port, tables created, stream records collected. */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import { documentClient, tableNames } from '#config/env';
import { DynamoJournal } from '#journal/journal';
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
