/** How each view is stored: one item per event, calendar and key, keyed by its journal stream. */
import type { ApiKey } from '#domain/api-key';
import type { Calendar } from '#domain/calendar';
import { streamKind } from '#domain/changes';
import type { CalendarEvent } from '#domain/event';
import type { FeedToken } from '#domain/feed-token';
import type { Webhook } from '#domain/webhook';
import { utcRange } from '#domain/schedule';
import { calendarFeedAttributes } from '#feeds/digest';
import { feedItemAttributes } from '#feeds/fragments';

export const INDEX = { byEntity: 'byEntity', byCalendar: 'byCalendar' } as const;

export interface ViewItem {
  pk: string;
  entity: 'event' | 'calendar' | 'key' | 'feedToken' | 'webhook';
  owner?: string;
  sortKey: string;
  lastAppliedVersion: number;
  doc: Record<string, unknown>;
  calendar?: string;
  startUtc?: string;
  endUtc?: string;
  status?: string;
  visibility?: string;
  tags?: string[];
  /** Feed fragment and revision attributes (shared/feeds): opaque to the views. */
  [feedAttribute: `feed${string}`]: unknown;
}

export type ViewState = CalendarEvent | Calendar | ApiKey | FeedToken | Webhook;

export function toViewItem(streamId: string, state: ViewState): ViewItem {
  const kind = streamKind(streamId);
  if (kind === 'event') {
    const event = state as CalendarEvent;
    const { start, end } = utcRange(event.schedule);
    return {
      pk: streamId,
      entity: 'event',
      sortKey: `${start}#${event.id}`,
      lastAppliedVersion: event.version,
      doc: { ...event },
      calendar: event.calendar,
      startUtc: start,
      endUtc: end,
      status: event.status,
      visibility: event.visibility,
      tags: event.tags,
      // feeds: the pre-rendered VEVENT parts and the byFeed index keys (shared/feeds/fragments.ts)
      ...feedItemAttributes(event),
    };
  }
  if (kind === 'webhook') {
    const webhook = state as Webhook;
    return { pk: streamId, entity: 'webhook', sortKey: webhook.id, owner: webhook.owner.keyId, lastAppliedVersion: webhook.version, doc: { ...webhook } };
  }
  if (kind === 'calendar') {
    const calendar = state as Calendar;
    // feeds: a new feed revision with every calendar change (shared/feeds/digest.ts)
    return { pk: streamId, entity: 'calendar', sortKey: calendar.id, lastAppliedVersion: calendar.version, doc: { ...calendar }, ...calendarFeedAttributes() };
  }
  // A secret's hash stays in the journal: views are read widely and never need it.
  const { secretHash: _hash, ...doc } = state as ApiKey | FeedToken;
  if (kind === 'key') return { pk: streamId, entity: 'key', sortKey: doc.id, lastAppliedVersion: doc.version, doc };
  const token = state as FeedToken;
  return { pk: streamId, entity: 'feedToken', sortKey: `${token.calendar}#${token.id}`, lastAppliedVersion: token.version, doc };
}
