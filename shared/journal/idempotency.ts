/**
 * Idempotency keys. The first request with a key claims it (a conditional put) and fixes the id of what it
 * creates; a retry finds the claim and replays against the same id, so a create happens at most once even
 * when the first attempt crashed half-way. Claims are immutable and expire after a day.
 */
import { GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createHash } from 'node:crypto';
import { DomainError } from '#domain/errors';
import { isConditionFailure } from '#config/env';

const TTL_SECONDS = 24 * 60 * 60;

export interface Claim {
  resourceId: string;
  /** True when an earlier request made this claim. */
  replay: boolean;
}

export function requestFingerprint(parts: unknown[]): string {
  return createHash('sha256').update(JSON.stringify(parts)).digest('hex');
}

export function checkIdempotencyKey(key: string | undefined): string | undefined {
  if (key === undefined) return undefined;
  if (!/^[\x21-\x7e]{1,255}$/.test(key)) {
    throw new DomainError('invalid', 'Idempotency-Key must be 1 to 255 visible ASCII characters', [{ field: 'header.idempotency-key', code: 'invalid_format', message: 'must be 1 to 255 visible ASCII characters' }]);
  }
  return key;
}

export async function claimIdempotencyKey(
  client: DynamoDBDocumentClient,
  table: string,
  claim: { scope: string; key: string; fingerprint: string; proposedId: string; now: Date },
): Promise<Claim> {
  const pk = `${claim.scope}#${claim.key}`;
  try {
    await client.send(
      new PutCommand({
        TableName: table,
        Item: { pk, fingerprint: claim.fingerprint, resourceId: claim.proposedId, createdAt: claim.now.toISOString(), expiresAt: Math.floor(claim.now.getTime() / 1000) + TTL_SECONDS },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
    return { resourceId: claim.proposedId, replay: false };
  } catch (error) {
    if (!isConditionFailure(error)) throw error;
  }
  const existing = (await client.send(new GetCommand({ TableName: table, Key: { pk }, ConsistentRead: true }))).Item!;
  if (existing.fingerprint !== claim.fingerprint) {
    throw new DomainError('unprocessable', 'this Idempotency-Key was already used with a different request', [
      { field: 'header.idempotency-key', code: 'reused_key', message: 'was used with a different body; use a new key for a new request' },
    ]);
  }
  return { resourceId: existing.resourceId as string, replay: true };
}
