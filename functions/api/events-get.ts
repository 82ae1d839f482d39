import { readCalendar } from '#commands/calendars';
import { presentEvent, readEvent } from '#commands/events';
import { invalidField } from '#domain/errors';
import { parseInstant } from '#domain/time';
import { RENDERING_VERSION } from '#feeds/feed';
import { renderCalendar } from '#feeds/render';
import { seesPrivate } from '#auth/keys';
import { api } from '#http/api';
import { getEventOperation } from '#http/operations';
import { calendarResponse, etag, json, notModified } from '#http/respond';

export const handler = api(getEventOperation(), async ({ deps, params, query, principal, header }) => {
  const asOf = query.asOf === undefined ? undefined : parseInstant(query.asOf);
  if (query.asOf !== undefined && asOf === undefined) throw invalidField('query.asOf', 'must be an RFC 3339 instant, e.g. 2026-07-01T00:00:00Z', 'invalid_format');
  // API Gateway routes whole path segments only, so /events/{id}.ics arrives here: the same event, as iCalendar.
  const ics = /^(.+)\.ics$/.exec(params.id!)?.[1];
  const event = await readEvent(deps, ics ?? params.id!, principal, asOf);
  if (!ics) return json(200, presentEvent(event, principal), { etag: etag(event.version), 'cache-control': 'no-cache' });

  const calendar = await readCalendar(deps, event.calendar);
  const language = query.lang ?? calendar.defaultLanguage;
  const withPrivateDetails = seesPrivate(principal);
  const now = deps.now();
  // rfeeds (#14): an endless or Hijri series' bytes move with the year (VTIMEZONE and RDATE horizons), so its ETag does.
  const horizon = event.schedule.recurrence ? `-${now.getUTCFullYear()}` : '';
  const options = {
    etag: `"ics-${RENDERING_VERSION}-${event.version}-${calendar.version}-${language}-${withPrivateDetails ? 'private' : 'public'}${horizon}"`,
    lastModified: new Date(event.updatedAt),
    cacheControl: withPrivateDetails ? 'private, no-cache' : 'public, max-age=300',
    filename: `${event.id}.ics`,
    disposition: 'attachment' as const,
  };
  if (notModified(header('if-none-match'), options.etag)) return calendarResponse(304, undefined, options);
  return calendarResponse(200, renderCalendar(calendar, [event], { language, withPrivateDetails }, now), options);
});
