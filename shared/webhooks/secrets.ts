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
  /** Earlier secrets, each valid until the end of the overlap its rotation promised (an object before several were kept). */
  previous?: PreviousSecret[] | PreviousSecret;
  rotation: number;
}

interface PreviousSecret {
  secret: string;
  validUntil: string;
}

/** A Standard Webhooks secret: "whsec_" and 32 random bytes in base64. */
export const newWebhookSecret = (): string => `whsec_${randomBytes(32).toString('base64')}`;

const key = (webhookId: string) => `webhook#${webhookId}`;
const previousOf = (item: SecretItem): PreviousSecret[] => (item.previous === undefined ? [] : Array.isArray(item.previous) ? item.previous : [item.previous]);

export async function saveSecret(client: DynamoDBDocumentClient, table: string, webhookId: string, secret: string): Promise<void> {
  await client.send(new PutCommand({ TableName: table, Item: { pk: key(webhookId), current: secret, rotation: 0 } satisfies SecretItem }));
}

/**
 * Makes `secret` current and keeps the old one valid until `validUntil`. Secrets from earlier rotations keep the
 * window they were promised (a second rotation within the overlap revokes nothing); expired ones are dropped.
 */
export async function rotateSecret(client: DynamoDBDocumentClient, table: string, webhookId: string, secret: string, validUntil: string, now: Date): Promise<void> {
  const existing = (await client.send(new GetCommand({ TableName: table, Key: { pk: key(webhookId) }, ConsistentRead: true }))).Item as SecretItem | undefined;
  if (!existing) throw new DomainError('not_found', 'webhook not found');
  const previous = [{ secret: existing.current, validUntil }, ...previousOf(existing).filter((p) => Date.parse(p.validUntil) > now.getTime())];
  try {
    await client.send(
      new PutCommand({
        TableName: table,
        Item: { pk: key(webhookId), current: secret, previous, rotation: existing.rotation + 1 } satisfies SecretItem,
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

/** The secrets a message is signed with now: the current one, and every earlier one still within its overlap. */
export async function activeSecrets(client: DynamoDBDocumentClient, table: string, webhookId: string, now: Date): Promise<string[]> {
  const item = (await client.send(new GetCommand({ TableName: table, Key: { pk: key(webhookId) }, ConsistentRead: true }))).Item as SecretItem | undefined;
  if (!item) return [];
  return [
    item.current,
    ...previousOf(item)
      .filter((p) => Date.parse(p.validUntil) > now.getTime())
      .map((p) => p.secret),
  ];
}

/** Standard Webhooks headers; `webhook-signature` holds one signature per active secret. */
export function signedHeaders(secrets: string[], messageId: string, at: Date, body: string): Record<string, string> {
  return signerFor(secrets)(messageId, at, body);
}

/** A signing function for a set of secrets, decoded once (a lane signs many messages with the same ones). */
export function signerFor(secrets: string[]): (messageId: string, at: Date, body: string) => Record<string, string> {
  const signers = secrets.map((secret) => new Signer(secret));
  return (messageId, at, body) => ({
    'webhook-id': messageId,
    'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
    'webhook-signature': signers.map((signer) => signer.sign(messageId, at, body)).join(' '),
  });
}
