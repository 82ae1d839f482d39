/** Feed tokens: secret URLs that show a calendar's private events and participants, revocable at once. */
import type { FeedTokenChange, Recorded } from './changes.ts';
import { DomainError } from './errors.ts';

export interface FeedToken {
  id: string;
  calendar: string;
  label: string;
  secretHash: string;
  revoked: boolean;
  createdAt: string;
  version: number;
}

export type FeedTokenState = FeedToken | undefined;

export function evolveFeedToken(state: FeedTokenState, change: Recorded<FeedTokenChange>): FeedTokenState {
  if (change.type === 'feedToken.created') {
    return { id: change.streamId.slice('feed-token#'.length), ...change.data, revoked: false, createdAt: change.at, version: change.version };
  }
  if (!state) throw new Error(`feedToken.revoked before feedToken.created in ${change.streamId}`);
  return { ...state, revoked: true, version: change.version };
}

export function decideFeedTokenCreate(input: { calendar: string; label: string; secretHash: string; calendarExists: boolean }, state: FeedTokenState): FeedTokenChange[] {
  if (!input.calendarExists) throw new DomainError('not_found', `calendar ${input.calendar} not found`, [{ field: 'path.id', code: 'not_found', message: 'no such calendar' }]);
  if (state) throw new DomainError('conflict', 'a feed token with this id already exists');
  return [{ type: 'feedToken.created', data: { calendar: input.calendar, label: input.label, secretHash: input.secretHash } }];
}

export function decideFeedTokenRevoke(calendar: string, state: FeedTokenState): FeedTokenChange[] {
  if (!state || state.revoked || state.calendar !== calendar) throw new DomainError('not_found', 'feed token not found', [{ field: 'path.tokenId', code: 'not_found', message: 'no such feed token' }]);
  return [{ type: 'feedToken.revoked', data: {} }];
}
