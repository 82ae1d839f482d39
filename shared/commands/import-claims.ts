/**
 * What makes an import resumable under its Idempotency-Key, kept in the idempotency table (a day, like every
 * key): the request's claim, which holds the finished report once the whole file is done, and one claim per
 * (request, UID) holding the event's version before this request first touched it. A retry after a partial
 * run (a timeout, a crash, a deadline answer) runs the events again (a no-op where already done) and reports
 * each one against that version, so it answers what the first run would have answered.
 */
import { GetCommand, PutCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createHash } from 'node:crypto';
import { gunzipSync, gzipSync } from 'node:zlib';
import { DomainError } from '#domain/errors';
import { isConditionFailure } from '#journal/conditions';

const TTL_SECONDS = 24 * 60 * 60;

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

export type ImportClaim<Report> = { kind: 'first' | 'resume' } | { kind: 'done'; report: Report };

export interface ImportClaims {
  client: DynamoDBDocumentClient;
  table: string;
  /** `<actor>#<Idempotency-Key>`, as every other write keys its claim. */
  pk: string;
  now: Date;
}

const expiresAt = (now: Date) => Math.floor(now.getTime() / 1000) + TTL_SECONDS;

/** Claims the request, or finds its earlier run: finished (its report), or not (resume it). */
export async function claimImport<Report>(claims: ImportClaims, fingerprint: string): Promise<ImportClaim<Report>> {
  try {
    await claims.client.send(
      new PutCommand({
        TableName: claims.table,
        Item: { pk: claims.pk, fingerprint, state: 'importing', createdAt: claims.now.toISOString(), expiresAt: expiresAt(claims.now) },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
    return { kind: 'first' };
  } catch (error) {
    if (!isConditionFailure(error)) throw error;
  }
  const existing = (await claims.client.send(new GetCommand({ TableName: claims.table, Key: { pk: claims.pk }, ConsistentRead: true }))).Item!;
  if (existing.fingerprint !== fingerprint) {
    throw new DomainError('unprocessable', 'this Idempotency-Key was already used with a different request', [
      { field: 'header.idempotency-key', code: 'reused_key', message: 'was used with a different request; use a new key for a new request' },
    ]);
  }
  // The report is kept gzipped: a 5,000-event report is over DynamoDB's 400 KB item limit as JSON.
  if (existing.report) return { kind: 'done', report: JSON.parse(gunzipSync(existing.report as Uint8Array).toString('utf8')) as Report };
  return { kind: 'resume' };
}

/** Keeps the finished report for the request's retries. */
export async function settleImport(claims: ImportClaims, report: unknown): Promise<void> {
  await claims.client.send(
    new UpdateCommand({
      TableName: claims.table,
      Key: { pk: claims.pk },
      UpdateExpression: 'SET #state = :done, #report = :report',
      ExpressionAttributeNames: { '#state': 'state', '#report': 'report' },
      ExpressionAttributeValues: { ':done': 'done', ':report': gzipSync(JSON.stringify(report)) },
    }),
  );
}

/**
 * The version an event had before this request first ran its command: `seen` on the first run (written with
 * a conditional put), the first run's on a retry.
 */
export async function versionBefore(claims: ImportClaims, uid: string, seen: number): Promise<number> {
  const pk = `${claims.pk}#uid#${sha256(uid)}`;
  try {
    await claims.client.send(new PutCommand({ TableName: claims.table, Item: { pk, before: seen, expiresAt: expiresAt(claims.now) }, ConditionExpression: 'attribute_not_exists(pk)' }));
    return seen;
  } catch (error) {
    if (!isConditionFailure(error)) throw error;
  }
  const existing = (await claims.client.send(new GetCommand({ TableName: claims.table, Key: { pk }, ConsistentRead: true }))).Item!;
  return existing.before as number;
}

/** The request's fingerprint: the route, the calendar and the body's digest (the body itself may be megabytes). */
export const importFingerprint = (calendar: string, body: string) => sha256(JSON.stringify(['POST /calendars/{id}/import', calendar, sha256(body)]));
