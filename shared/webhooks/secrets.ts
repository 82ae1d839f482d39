/**
 * Signing secrets, kept apart from the journal (which is forever) so that a rotated secret can really go.
 * After a rotation the previous secret stays valid for an overlap, and messages carry both signatures.
 */
import { GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { randomBytes } from 'node:crypto';
import { Webhook as Signer } from 'standardwebhooks';
import { DomainError } from '#domain/errors';
import { isConditionFailure } from '#journal/conditions';

interface SecretItem {
  pk: string;
  current: string;
  previous?: { secret: string; validUntil: string };
  rotation: number;
}

/** A Standard Webhooks secret: "whsec_" and 32 random bytes in base64. */
export const newWebhookSecret = (): string => `whsec_${randomBytes(32).toString('base64')}`;

const key = (webhookId: string) => `webhook#${webhookId}`;

export async function saveSecret(client: DynamoDBDocumentClient, table: string, webhookId: string, secret: string): Promise<void> {
  await client.send(new PutCommand({ TableName: table, Item: { pk: key(webhookId), current: secret, rotation: 0 } satisfies SecretItem }));
}

/** Makes `secret` current and keeps the old one valid until `validUntil`. */
export async function rotateSecret(client: DynamoDBDocumentClient, table: string, webhookId: string, secret: string, validUntil: string): Promise<void> {
  const existing = (await client.send(new GetCommand({ TableName: table, Key: { pk: key(webhookId) }, ConsistentRead: true }))).Item as SecretItem | undefined;
  if (!existing) throw new DomainError('not_found', 'webhook not found');
  try {
    await client.send(
      new PutCommand({
        TableName: table,
        Item: { pk: key(webhookId), current: secret, previous: { secret: existing.current, validUntil }, rotation: existing.rotation + 1 } satisfies SecretItem,
        ConditionExpression: 'rotation = :rotation',
        ExpressionAttributeValues: { ':rotation': existing.rotation },
      }),
    );
  } catch (error) {
    if (isConditionFailure(error)) {
      throw new DomainError('conflict', 'the secret was rotated at the same moment; try again');
    }
    throw error;
  }
}

/** The secrets a message is signed with now: the current one, and the previous one during its overlap. */
export async function activeSecrets(client: DynamoDBDocumentClient, table: string, webhookId: string, now: Date): Promise<string[]> {
  const item = (await client.send(new GetCommand({ TableName: table, Key: { pk: key(webhookId) }, ConsistentRead: true }))).Item as SecretItem | undefined;
  if (!item) return [];
  return item.previous && Date.parse(item.previous.validUntil) > now.getTime() ? [item.current, item.previous.secret] : [item.current];
}

/** Standard Webhooks headers; `webhook-signature` holds one signature per active secret. */
export function signedHeaders(secrets: string[], messageId: string, at: Date, body: string): Record<string, string> {
  const signatures = secrets.map((secret) => new Signer(secret).sign(messageId, at, body));
  return { 'webhook-id': messageId, 'webhook-timestamp': String(Math.floor(at.getTime() / 1000)), 'webhook-signature': signatures.join(' ') };
}
