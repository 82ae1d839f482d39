/** API keys: created with a role, stored only as a hash of their secret, revoked for good. */
import type { KeyChange, Recorded } from './changes.ts';
import { DomainError } from './errors.ts';
import type { ApiKeyRole } from './schemas.ts';

export interface ApiKey {
  id: string;
  name: string;
  role: ApiKeyRole;
  secretHash: string;
  revoked: boolean;
  createdAt: string;
  version: number;
}

export type ApiKeyState = ApiKey | undefined;

export function evolveKey(state: ApiKeyState, change: Recorded<KeyChange>): ApiKeyState {
  if (change.type === 'key.created') {
    const id = change.streamId.slice('key#'.length);
    return { id, ...change.data, revoked: false, createdAt: change.at, version: change.version };
  }
  if (!state) throw new Error(`key.revoked before key.created in ${change.streamId}`);
  return { ...state, revoked: true, version: change.version };
}

export function decideKeyCreate(input: { name: string; role: ApiKeyRole; secretHash: string }, state: ApiKeyState): KeyChange[] {
  if (state) throw new DomainError('conflict', 'a key with this id already exists');
  return [{ type: 'key.created', data: input }];
}

export function decideKeyRevoke(state: ApiKeyState): KeyChange[] {
  if (!state || state.revoked) throw new DomainError('not_found', 'key not found', [{ field: 'path.id', code: 'not_found', message: 'no such key' }]);
  return [{ type: 'key.revoked', data: {} }];
}
