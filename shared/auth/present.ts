/** How an event is shown to whoever asks: e-mail addresses only to those who may see private details. */
import type { CalendarEvent } from '#domain/event';
import { seesPrivate, type Principal } from './keys.ts';

/** An organizer without an e-mail address. */
export function withoutEmail(organizer: unknown): unknown {
  if (!organizer || typeof organizer !== 'object') return organizer;
  const { email: _email, ...rest } = organizer as { email?: string };
  return rest;
}

/** The event without the organizer's and participants' e-mail addresses unless `privateDetails`. */
export function presentEventWith(stored: CalendarEvent | Record<string, unknown>, privateDetails: boolean): Record<string, unknown> {
  const event = withoutDerived(stored);
  if (privateDetails) return event as Record<string, unknown>;
  const participants = (event.participants ?? []) as { email?: string }[];
  return {
    ...event,
    ...(event.organizer ? { organizer: withoutEmail(event.organizer) } : {}),
    participants: participants.map(({ email: _email, ...rest }) => rest),
  };
}

/** What a caller may see of an event: without a key, e-mail addresses are left out. */
export function presentEvent(event: CalendarEvent | Record<string, unknown>, principal: Principal): Record<string, unknown> {
  return presentEventWith(event, seesPrivate(principal));
}

/** recur (#14): a series' schedule as clients write it: the last occurrence a COUNT rule reaches is derived, kept for expansion only. */
function withoutDerived(event: CalendarEvent | Record<string, unknown>): CalendarEvent | Record<string, unknown> {
  const schedule = event.schedule as { recurrence?: { lastRecurrenceId?: string } } | undefined;
  if (schedule?.recurrence?.lastRecurrenceId === undefined) return event;
  const { lastRecurrenceId: _derived, ...recurrence } = schedule.recurrence;
  return { ...event, schedule: { ...schedule, recurrence } };
}
