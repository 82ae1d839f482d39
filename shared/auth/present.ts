/** How an event is shown to whoever asks: participants' e-mail addresses only to those who may see private details. */
import type { CalendarEvent } from '#domain/event';
import { seesPrivate, type Principal } from './keys.ts';

/** The event without participants' e-mail addresses unless `privateDetails`. */
export function presentEventWith(event: CalendarEvent | Record<string, unknown>, privateDetails: boolean): Record<string, unknown> {
  if (privateDetails) return event as Record<string, unknown>;
  const participants = (event.participants ?? []) as { email?: string }[];
  return { ...event, participants: participants.map(({ email: _email, ...rest }) => rest) };
}

/** What a caller may see of an event: without a key, participants' e-mail addresses are left out. */
export function presentEvent(event: CalendarEvent | Record<string, unknown>, principal: Principal): Record<string, unknown> {
  return presentEventWith(event, seesPrivate(principal));
}
