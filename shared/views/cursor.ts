/**
 * Page cursors: opaque to clients, tamper-evident to us. A cursor is `<base64url JSON>.<HMAC-SHA256>`; one we
 * did not sign, or signed for another list, is a 400 on `query.cursor`, never a query built from it.
 *
 * The key: CURSOR_KEY when set (any environment); otherwise derived from the admin key's hash, which every API
 * function already has (ADMIN_KEY_HASH locally; on AWS the secret ADMIN_KEY_SECRET_ARN names). Rotating the
 * admin key therefore ends outstanding cursors: a client holding one gets a 400 and starts the list again.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { invalidField } from '#domain/errors';

export type CursorKey = () => Promise<Buffer>;

/** The signing key, read only when a cursor is read or written (so pages without one need no secret). */
export function cursorKey(adminKeyHash: () => Promise<string | undefined>): CursorKey {
  return async () => {
    if (process.env.CURSOR_KEY) return createHash('sha256').update(process.env.CURSOR_KEY).digest();
    const admin = await adminKeyHash();
    if (!admin) throw new Error('no key to sign cursors with: set CURSOR_KEY or the admin key');
    return createHmac('sha256', admin).update('taqweem cursors v1').digest();
  };
}

/** Signs a position in the list named `list`. */
export async function writeCursor(key: CursorKey, list: string, position: Record<string, string>): Promise<string> {
  const body = Buffer.from(JSON.stringify({ l: list, ...position })).toString('base64url');
  return `${body}.${signature(await key(), body).toString('base64url')}`;
}

/** The position a cursor of list `list` holds, with exactly `fields` as strings; a 400 on anything else. */
export async function readCursor<F extends string>(key: CursorKey, list: string, cursor: string, fields: readonly F[]): Promise<Record<F, string>> {
  const [body, mac, ...rest] = cursor.split('.');
  const given = Buffer.from(mac ?? '', 'base64url');
  const expected = body && rest.length === 0 ? signature(await key(), body) : undefined;
  if (!expected || given.length !== expected.length || !timingSafeEqual(given, expected)) throw notOurs();
  const position = JSON.parse(Buffer.from(body!, 'base64url').toString('utf8')) as Record<string, unknown>;
  if (position.l !== list || !fields.every((field) => typeof position[field] === 'string')) throw notOurs();
  return position as Record<F, string>;
}

const signature = (key: Buffer, body: string): Buffer => createHmac('sha256', key).update(body).digest();
const notOurs = () => invalidField('query.cursor', 'is not a cursor this list returned');
