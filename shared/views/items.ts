/** How each view is stored: one item per event, calendar and key, keyed by its journal stream. */
import type { ApiKey } from '#domain/api-key';
import type { Calendar } from '#domain/calendar';
import { streamKind } from '#domain/changes';
import type { CalendarEvent } from '#domain/event';
import { utcRange } from '#domain/schedule';

export const INDEX = { byEntity: 'byEntity', byCalendar: 'byCalendar' } as const;

export interface ViewItem {
  pk: string;
  entity: 'event' | 'calendar' | 'key';
  sortKey: string;
  lastAppliedVersion: number;
  doc: Record<string, unknown>;
  calendar?: string;
  startUtc?: string;
  endUtc?: string;
  status?: string;
  visibility?: string;
  tags?: string[];
}

export type ViewState = CalendarEvent | Calendar | ApiKey;

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
    };
  }
  const entity = state as Calendar | ApiKey;
  // The secret's hash stays in the journal: views are read widely and never need it.
  const { secretHash: _hash, ...doc } = entity as ApiKey;
  return { pk: streamId, entity: kind, sortKey: entity.id, lastAppliedVersion: entity.version, doc: kind === 'key' ? doc : { ...entity } };
}
