/**
 * Idempotency keys. The first request with a key claims it (a conditional put) and fixes the id of what it
 * creates; a retry finds the claim and replays against the same id, so a create happens at most once even
 * when the first attempt crashed half-way. Other writes keep their first response under the key (`claimRequest`).
 * Claims expire after a day.
 */
import { DeleteCommand, GetCommand, PutCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createHash } from 'node:crypto';
import { DomainError } from '#domain/errors';
import { isConditionFailure } from './conditions.ts';

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

export async function claimIdempotencyKey(client: DynamoDBDocumentClient, table: string, claim: { scope: string; key: string; fingerprint: string; proposedId: string; now: Date }): Promise<Claim> {
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

/** A response as stored under its Idempotency-Key, to answer a retry with. */
export interface StoredResponse {
  statusCode: number;
  headers: Record<string, string>;
  body?: string;
}

export type RequestClaim = { kind: 'first' } | { kind: 'replay'; response: StoredResponse };

/**
 * Claims an Idempotency-Key for any write request (every write but POST /events, which fixes the id it creates
 * instead). The first request runs and its response is kept (`settleRequest`); a retry with the same request
 * gets that response again; a retry while the first has not answered gets a 409, never a second run.
 */
export async function claimRequest(client: DynamoDBDocumentClient, table: string, claim: { pk: string; fingerprint: string; now: Date }): Promise<RequestClaim> {
  try {
    await client.send(
      new PutCommand({
        TableName: table,
        Item: { pk: claim.pk, fingerprint: claim.fingerprint, state: 'pending', createdAt: claim.now.toISOString(), expiresAt: Math.floor(claim.now.getTime() / 1000) + TTL_SECONDS },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
    return { kind: 'first' };
  } catch (error) {
    if (!isConditionFailure(error)) throw error;
  }
  const existing = (await client.send(new GetCommand({ TableName: table, Key: { pk: claim.pk }, ConsistentRead: true }))).Item;
  if (!existing) return claimRequest(client, table, claim); // released meanwhile
  if (existing.fingerprint !== claim.fingerprint) {
    throw new DomainError('unprocessable', 'this Idempotency-Key was already used with a different request', [
      { field: 'header.idempotency-key', code: 'reused_key', message: 'was used with a different request; use a new key for a new request' },
    ]);
  }
  if (existing.response) return { kind: 'replay', response: existing.response as StoredResponse };
  throw new DomainError('conflict', 'a request with this Idempotency-Key has not answered yet; retry it later with the same key', [
    { field: 'header.idempotency-key', code: 'conflict', message: 'is in use by a request that has not answered yet' },
  ]);
}

/** Keeps the answer of the first request for its retries. */
export async function settleRequest(client: DynamoDBDocumentClient, table: string, pk: string, response: StoredResponse): Promise<void> {
  await client.send(
    new UpdateCommand({
      TableName: table,
      Key: { pk },
      UpdateExpression: 'SET #state = :done, #response = :response',
      ExpressionAttributeNames: { '#state': 'state', '#response': 'response' },
      ExpressionAttributeValues: { ':done': 'done', ':response': response },
    }),
  );
}

/** Gives the key back when the first request recorded nothing (it was refused as busy), so a retry runs afresh. */
export async function releaseRequest(client: DynamoDBDocumentClient, table: string, pk: string): Promise<void> {
  await client.send(new DeleteCommand({ TableName: table, Key: { pk }, ConditionExpression: '#state = :pending', ExpressionAttributeNames: { '#state': 'state' }, ExpressionAttributeValues: { ':pending': 'pending' } }));
}
