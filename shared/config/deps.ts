/** What handlers need, built once per Lambda container (or local process) from the environment. */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { newId } from '#domain/ids';
import { DynamoJournal, type Journal } from '#journal/journal';
import { documentClient, tableNames, type TableNames } from './env.ts';

export interface Deps {
  client: DynamoDBDocumentClient;
  journal: Journal;
  tables: TableNames;
  now: () => Date;
  newId: () => string;
  adminKeyHash: string | undefined;
}

let cached: { endpoint: string | undefined; deps: Deps } | undefined;

export function deps(): Deps {
  const endpoint = process.env.DYNAMODB_ENDPOINT;
  if (!cached || cached.endpoint !== endpoint) {
    const client = documentClient();
    const tables = tableNames();
    cached = {
      endpoint,
      deps: {
        client,
        journal: new DynamoJournal(client, tables.journal),
        tables,
        now: () => new Date(),
        newId: () => newId(),
        adminKeyHash: process.env.ADMIN_KEY_HASH || undefined,
      },
    };
  }
  return cached.deps;
}
