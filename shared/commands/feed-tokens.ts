import { timingSafeEqual } from 'node:crypto';
import { actorOf, generateSecret, hashSecret, type Principal } from '#auth/keys';
import { recordedBy, type Deps } from '#config/deps';
import { calendarAggregate, feedTokenAggregate, fold } from '#domain/aggregates';
import { streams } from '#domain/changes';
import { decideFeedTokenCreate, decideFeedTokenRevoke } from '#domain/feed-token';
import { handle } from '#journal/handle';

const TOKEN_FORMAT = /^tqf_([0-9A-HJKMNP-TV-Z]{26})_[A-Za-z0-9_-]{43}$/;

/** Creates a feed token and returns it in full: the only time it is ever shown. */
export async function createFeedToken(d: Deps, calendar: string, label: string, principal: Principal) {
  const calendarExists = fold(calendarAggregate, await d.journal.read(streams.calendar(calendar))) !== undefined;
  const id = d.newId();
  const token = `tqf_${id}_${generateSecret()}`;
  const input = { calendar, label, secretHash: hashSecret(token), calendarExists };
  await handle(d.journal, streams.feedToken(id), feedTokenAggregate, (s) => decideFeedTokenCreate(input, s), recordedBy(d, actorOf(principal)));
  return { id, label, token };
}

export async function revokeFeedToken(d: Deps, calendar: string, tokenId: string, principal: Principal): Promise<void> {
  await handle(d.journal, streams.feedToken(tokenId), feedTokenAggregate, (s) => decideFeedTokenRevoke(calendar, s), recordedBy(d, actorOf(principal)));
}

/** True for a live token of this calendar. Read from the journal, so a revocation holds from the next request. */
export async function feedTokenOpens(d: Deps, calendar: string, token: string): Promise<boolean> {
  const id = TOKEN_FORMAT.exec(token)?.[1];
  if (!id) return false;
  const state = fold(feedTokenAggregate, await d.journal.read(streams.feedToken(id)));
  if (!state || state.revoked || state.calendar !== calendar) return false;
  return timingSafeEqual(Buffer.from(hashSecret(token), 'hex'), Buffer.from(state.secretHash, 'hex'));
}
