/** Configuration read from the environment, the same on Lambda and in the local runtime. */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { tracer } from './observability.ts';

export interface TableNames {
  journal: string;
  views: string;
  idempotency: string;
  deliveries: string;
  secrets: string;
}

export function tableNames(): TableNames {
  return {
    journal: process.env.JOURNAL_TABLE ?? 'taqweem-journal',
    views: process.env.VIEWS_TABLE ?? 'taqweem-views',
    idempotency: process.env.IDEMPOTENCY_TABLE ?? 'taqweem-idempotency',
    deliveries: process.env.DELIVERIES_TABLE ?? 'taqweem-deliveries',
    secrets: process.env.SECRETS_TABLE ?? 'taqweem-secrets',
  };
}

const clients = new Map<string, DynamoDBDocumentClient>();

/**
 * The DynamoDB document client, created once per process and endpoint. DYNAMODB_ENDPOINT points it at the
 * embedded store locally; on Lambda it is unset and the SDK uses the function's region and role. On Lambda every
 * call is an X-Ray subsegment (Powertools Tracer; a no-op where tracing is off).
 */
export function documentClient(): DynamoDBDocumentClient {
  const endpoint = process.env.DYNAMODB_ENDPOINT ?? '';
  let client = clients.get(endpoint);
  if (!client) {
    const base = endpoint ? new DynamoDBClient({ endpoint, region: 'local', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } }) : new DynamoDBClient({});
    client = DynamoDBDocumentClient.from(tracer.captureAWSv3Client(base), { marshallOptions: { removeUndefinedValues: true } });
    clients.set(endpoint, client);
  }
  return client;
}
