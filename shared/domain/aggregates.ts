/** One place that knows which evolve function folds which stream. */
import { evolveKey, type ApiKeyState } from './api-key.ts';
import { evolveCalendar, type CalendarState } from './calendar.ts';
import type { CalendarChange, Change, EventChange, FeedTokenChange, KeyChange, Recorded, WebhookChange } from './changes.ts';
import { evolveEvent, type EventState } from './event.ts';
import { evolveFeedToken, type FeedTokenState } from './feed-token.ts';
import { evolveWebhook, type WebhookState } from './webhook.ts';

export interface Aggregate<S, C extends Change> {
  evolve(state: S, change: Recorded<C>): S;
}

export const eventAggregate: Aggregate<EventState, EventChange> = { evolve: evolveEvent };
export const calendarAggregate: Aggregate<CalendarState, CalendarChange> = { evolve: evolveCalendar };
export const keyAggregate: Aggregate<ApiKeyState, KeyChange> = { evolve: evolveKey };
export const feedTokenAggregate: Aggregate<FeedTokenState, FeedTokenChange> = { evolve: evolveFeedToken };
export const webhookAggregate: Aggregate<WebhookState, WebhookChange> = { evolve: evolveWebhook };

export function fold<S, C extends Change>(aggregate: Aggregate<S, C>, changes: readonly Recorded[], state?: S): S {
  return changes.reduce<S>((current, change) => aggregate.evolve(current, change as Recorded<C>), state as S);
}
