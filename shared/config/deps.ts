/** What handlers need, built once per Lambda container (or local process) from the environment. */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { hashSecret } from '#auth/keys';
import { newId } from '#domain/ids';
import type { HandleOptions, SnapshotSource } from '#journal/handle';
import { viewSnapshots } from '#views/snapshots';
import { DynamoJournal, type Journal } from '#journal/journal';
import { getSecretString } from './admin-key.ts';
import { documentClient, tableNames, type TableNames } from './env.ts';

export interface Deps {
  client: DynamoDBDocumentClient;
  journal: Journal;
  tables: TableNames;
  now: () => Date;
  newId: () => string;
  /** Where commands start folding a stream (its view), so a write reads only the changes after it. */
  snapshots?: SnapshotSource;
  /** SHA-256 of the admin key: ADMIN_KEY_HASH locally; on AWS read from the secret ADMIN_KEY_SECRET_ARN names. */
  adminKeyHash: () => Promise<string | undefined>;
}

/** Re-read this often, so that a rotated admin key takes effect within minutes without a redeploy. */
const ADMIN_KEY_CACHE_MS = 5 * 60_000;
let adminKeyHashFromSecret: { value: Promise<string | undefined>; readAt: number } | undefined;

function adminKeyHash(): Promise<string | undefined> {
  if (process.env.ADMIN_KEY_HASH) return Promise.resolve(process.env.ADMIN_KEY_HASH);
  const secretArn = process.env.ADMIN_KEY_SECRET_ARN;
  if (!secretArn) return Promise.resolve(undefined);
  if (!adminKeyHashFromSecret || Date.now() - adminKeyHashFromSecret.readAt > ADMIN_KEY_CACHE_MS) {
    const value = getSecretString(secretArn)
      .then((secret) => (secret ? hashSecret(secret) : undefined))
      .catch((error: unknown) => {
        adminKeyHashFromSecret = undefined;
        throw error;
      });
    adminKeyHashFromSecret = { value, readAt: Date.now() };
  }
  return adminKeyHashFromSecret.value;
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
        adminKeyHash,
        snapshots: viewSnapshots(client, tables.views),
      },
    };
  }
  return cached.deps;
}

/** How a command's changes are recorded: by whom, with the injected clock and ids. */
export function recordedBy(d: Pick<Deps, 'now' | 'newId' | 'snapshots'>, actor: string, expectedVersion?: number): HandleOptions {
  return { actor, now: d.now, newId: d.newId, snapshot: d.snapshots, ...(expectedVersion === undefined ? {} : { expectedVersion }) };
}
