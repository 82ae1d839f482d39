import { createEvent, presentEvent } from '#commands/events';
import { seriesSupport } from '#domain/series';
import { api } from '#http/api';
import { checkIdempotencyKey } from '#journal/idempotency';
import { createEventOperation } from '#http/operations';
import { etag, json } from '#http/respond';

export const handler = api(createEventOperation(), async ({ deps, body, principal, header }) => {
  const { event, replayed } = await createEvent(deps, body, principal, checkIdempotencyKey(header('idempotency-key')), seriesSupport);
  return json(201, presentEvent(event, principal), {
    location: `/events/${event.id}`,
    etag: etag(event.version),
    ...(replayed ? { 'idempotent-replayed': 'true' } : {}),
  });
});
