import { createEvent, presentEvent } from '#commands/events';
import type { CreateEventInput } from '#domain/schemas';
import { api } from '#http/api';
import { checkIdempotencyKey } from '#journal/idempotency';
import { operations } from '#http/operations';
import { etag, json } from '#http/respond';

export const handler = api(operations['POST /events'], async ({ deps, body, principal, header }) => {
  const { event, replayed } = await createEvent(deps, body, principal, checkIdempotencyKey(header('idempotency-key')), await seriesSupportFor(body));
  return json(201, presentEvent(event, principal), {
    location: `/events/${event.id}`,
    etag: etag(event.version),
    ...(replayed ? { 'idempotent-replayed': 'true' } : {}),
  });
});

/** The expansion (ical.js) loads with the first series this container creates: a single event never compiles it (0007). */
const seriesSupportFor = async (input: CreateEventInput) => (input.schedule.recurrence ? (await import('#domain/series')).seriesSupport : undefined);
