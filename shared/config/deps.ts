/** What handlers need, built once per Lambda container (or local process) from the environment. */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { hashSecret } from '#auth/keys';
import { newId } from '#domain/ids';
import { DynamoJournal, type Journal } from '#journal/journal';
import { documentClient, tableNames, type TableNames } from './env.ts';

export interface Deps {
  client: DynamoDBDocumentClient;
  journal: Journal;
  tables: TableNames;
  now: () => Date;
  newId: () => string;
  /** SHA-256 of the admin key: ADMIN_KEY_HASH locally; on AWS read once per container from ADMIN_KEY_SECRET_ARN. */
  adminKeyHash: () => Promise<string | undefined>;
}

let adminKeyHashFromSecret: Promise<string | undefined> | undefined;

function adminKeyHash(): Promise<string | undefined> {
  if (process.env.ADMIN_KEY_HASH) return Promise.resolve(process.env.ADMIN_KEY_HASH);
  const secretArn = process.env.ADMIN_KEY_SECRET_ARN;
  if (!secretArn) return Promise.resolve(undefined);
  adminKeyHashFromSecret ??= new SecretsManagerClient({})
    .send(new GetSecretValueCommand({ SecretId: secretArn }))
    .then(({ SecretString }) => (SecretString ? hashSecret(SecretString) : undefined))
    .catch((error: unknown) => {
      adminKeyHashFromSecret = undefined;
      throw error;
    });
  return adminKeyHashFromSecret;
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
      },
    };
  }
  return cached.deps;
}
