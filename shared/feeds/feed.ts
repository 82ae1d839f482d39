/** Everything a feed request needs before rendering: the calendar, the events it shows, and its validators. */
import { createHash } from 'node:crypto';
import { readCalendar } from '#commands/calendars';
import { feedTokenOpens } from '#commands/feed-tokens';
import type { Deps } from '#config/deps';
import type { Calendar } from '#domain/calendar';
import { DomainError } from '#domain/errors';
import type { CalendarEvent } from '#domain/event';
import { allCalendarEvents } from '#views/queries';
import { renderCalendar } from './render.ts';

/** Bumped whenever rendering changes, so caches and ETags do not outlive the bytes they stand for. */
export const RENDERING_VERSION = 1;

export interface FeedQuery {
  calendar: string;
  language?: string;
  tags: string[];
  excludeTentative: boolean;
  token?: string;
  /** How long a cancelled event stays in the feed (with STATUS:CANCELLED) before it leaves. */
  cancelledRetentionDays: number;
}

export interface Feed {
  calendar: Calendar;
  events: CalendarEvent[];
  language: string;
  withPrivateDetails: boolean;
  etag: string;
  lastModified: Date;
}

function shown(event: CalendarEvent, query: FeedQuery, now: Date): boolean {
  if (query.tags.length > 0 && !query.tags.some((tag) => event.tags.includes(tag))) return false;
  if (query.excludeTentative && (event.status === 'tentative' || event.schedule.type === 'month')) return false;
  if (event.status !== 'cancelled') return true;
  const cancelledAt = Date.parse(event.cancelledAt ?? event.updatedAt);
  return now.getTime() - cancelledAt <= query.cancelledRetentionDays * 86_400_000;
}

/** Strong validator of what the feed will render: same inputs, same bytes, same ETag; computed without rendering. */
function feedEtag(calendar: Calendar, events: CalendarEvent[], language: string, withPrivateDetails: boolean): string {
  const inputs = [RENDERING_VERSION, calendar.id, calendar.version, language, withPrivateDetails, events.map((e) => [e.id, e.version]).sort()];
  return `"${createHash('sha256').update(JSON.stringify(inputs)).digest('base64url').slice(0, 32)}"`;
}

export async function loadFeed(d: Deps, query: FeedQuery): Promise<Feed> {
  const calendar = await readCalendar(d, query.calendar);
  const withPrivateDetails = query.token !== undefined;
  // A feed URL with a wrong or revoked token is simply not there, as a calendar app should be told.
  if (query.token !== undefined && !(await feedTokenOpens(d, calendar.id, query.token))) throw new DomainError('not_found', 'no such feed');
  const now = d.now();
  const all = (await allCalendarEvents(d.client, d.tables.views, calendar.id, withPrivateDetails)) as unknown as CalendarEvent[];
  const events = all.filter((event) => shown(event, query, now));
  const language = query.language ?? calendar.defaultLanguage;
  const lastModified = new Date(Math.max(Date.parse(calendar.updatedAt), ...events.map((e) => Date.parse(e.updatedAt))));
  return { calendar, events, language, withPrivateDetails, etag: feedEtag(calendar, events, language, withPrivateDetails), lastModified };
}

export function renderFeed(feed: Feed): string {
  return renderCalendar(feed.calendar, feed.events, { language: feed.language, withPrivateDetails: feed.withPrivateDetails });
}
