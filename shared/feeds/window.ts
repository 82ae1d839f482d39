/**
 * A feed's window: events that ended within the last `feedPastDays` (the calendar's, default 365; 0 = all),
 * narrowed by the URL's `pastDays`, plus everything ahead. It moves once a day, at 00:00 UTC, so that the
 * bytes of a feed, and its ETag, depend on the date and never on the time of day.
 */
export const DEFAULT_FEED_PAST_DAYS = 365;

const DAY = 86_400_000;

/** The UTC day of an instant, "2026-11-28". */
export const utcDay = (now: Date): string => now.toISOString().slice(0, 10);

/** The earliest end (an ISO instant) a feed shows, or undefined for all. */
export function windowStart(now: Date, calendarPastDays: number | undefined, requestedPastDays: number | undefined): string | undefined {
  const calendar = calendarPastDays ?? DEFAULT_FEED_PAST_DAYS;
  const days = calendar === 0 ? requestedPastDays : Math.min(calendar, requestedPastDays ?? calendar);
  if (days === undefined) return undefined;
  return new Date(Date.parse(utcDay(now)) - days * DAY).toISOString();
}

/**
 * Whether a cancelled event still shows (with STATUS:CANCELLED): for `retentionDays` whole UTC days after the
 * day it was cancelled; 0 removes it at once.
 */
export function cancellationShows(cancelledAt: string, now: Date, retentionDays: number): boolean {
  if (retentionDays <= 0) return false;
  return Date.parse(cancelledAt) >= Date.parse(utcDay(now)) - retentionDays * DAY;
}
