/**
 * API keys. A key reads `tqk_<id>_<secret>`: the id finds the key's journal stream in one consistent read,
 * so a revocation takes effect on the next request; only the SHA-256 of the whole key is ever stored.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { fold, keyAggregate } from '#domain/aggregates';
import { streams } from '#domain/changes';
import { DomainError } from '#domain/errors';
import type { ApiKeyRole } from '#domain/schemas';
import type { Journal } from '#journal/journal';

export type Principal = { kind: 'anonymous' } | { kind: 'key'; id: string; role: ApiKeyRole };

/** public: anyone; key: any valid key; write: admin or editor; admin: admin only. */
export type Access = 'public' | 'key' | 'write' | 'admin';

const KEY_FORMAT = /^tqk_([0-9A-HJKMNP-TV-Z]{26})_[A-Za-z0-9_-]{43}$/;
export const ADMIN_KEY_ID = 'admin';

export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

/** 256 random bits, URL-safe (43 characters). */
export const generateSecret = (): string => randomBytes(32).toString('base64url');

export function generateKey(id: string): string {
  return `tqk_${id}_${generateSecret()}`;
}

function sameHash(a: string, b: string): boolean {
  return a.length === b.length && timingSafeEqual(Buffer.from(a, 'hex'), Buffer.from(b, 'hex'));
}

const unauthorized = (message: string) => new DomainError('unauthorized', message, [{ field: 'header.authorization', code: 'unauthorized', message }]);

/**
 * Who is calling. The admin key is configured as a hash (ADMIN_KEY_HASH), so not even the function's
 * environment holds it; other keys are looked up in the journal.
 */
export async function resolvePrincipal(authorization: string | undefined, journal: Journal, adminKeyHash: () => Promise<string | undefined>): Promise<Principal> {
  if (authorization === undefined || authorization === '') return { kind: 'anonymous' };
  const match = /^Bearer (\S+)$/i.exec(authorization.trim());
  if (!match) throw unauthorized('must be "Bearer <key>"');
  const presented = hashSecret(match[1]!);
  const adminHash = await adminKeyHash();
  if (adminHash && sameHash(presented, adminHash)) return { kind: 'key', id: ADMIN_KEY_ID, role: 'admin' };
  const id = KEY_FORMAT.exec(match[1]!)?.[1];
  const key = id ? fold(keyAggregate, await journal.read(streams.key(id))) : undefined;
  if (!key || key.revoked || !sameHash(presented, key.secretHash)) throw unauthorized('the key is unknown or revoked');
  return { kind: 'key', id: key.id, role: key.role };
}

export function authorize(principal: Principal, access: Access): void {
  if (access === 'public') return;
  if (principal.kind === 'anonymous') throw unauthorized('this request needs an API key');
  if (access === 'key') return;
  const allowed = access === 'admin' ? principal.role === 'admin' : principal.role === 'admin' || principal.role === 'editor';
  if (!allowed) throw new DomainError('forbidden', `a ${principal.role} key cannot do this; it needs ${access === 'admin' ? 'an admin' : 'an admin or editor'} key`);
}

export const actorOf = (principal: Principal): string => (principal.kind === 'key' ? `key:${principal.id}` : 'anonymous');

/** Private events and participants' e-mail addresses are for callers with any valid key. */
export const seesPrivate = (principal: Principal): boolean => principal.kind === 'key';
