/** GET and HEAD /feeds/{calendar}.ics: a calendar as iCalendar, for subscription. */
import { DomainError } from '#domain/errors';
import { loadFeed, renderFeed } from '#feeds/feed';
import { api } from '#http/api';
import { operations } from '#http/operations';
import { calendarResponse, notModified } from '#http/respond';

export const handler = api(operations['GET /feeds/{file}'], async ({ deps, params, query, header, event }) => {
  const calendar = /^(.+)\.ics$/.exec(params.file ?? '')?.[1];
  if (!calendar) throw new DomainError('not_found', 'feeds are at /feeds/{calendar}.ics');
  const tags = query.tag ? query.tag.split(',') : [];
  const cancelledRetentionDays = Number(process.env.FEED_CANCELLED_RETENTION_DAYS ?? 30);
  const feed = await loadFeed(deps, { calendar, language: query.lang, tags, excludeTentative: query.tentative === 'exclude', token: query.token, cancelledRetentionDays });
  const options = {
    etag: feed.etag,
    lastModified: feed.lastModified,
    cacheControl: feed.withPrivateDetails ? 'private, max-age=300' : 'public, max-age=300',
    filename: `${calendar}.ics`,
    disposition: 'inline' as const,
  };
  if (notModified(header('if-none-match'), feed.etag)) return calendarResponse(304, undefined, options);
  if (event.requestContext.http.method === 'HEAD') return calendarResponse(200, undefined, options);
  return calendarResponse(200, renderFeed(feed), options);
});
