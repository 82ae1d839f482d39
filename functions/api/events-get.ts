import { presentEvent, readEvent } from '#commands/events';
import { invalidField } from '#domain/errors';
import { parseInstant } from '#domain/time';
import { api } from '#http/api';
import { operations } from '#http/operations';
import { etag, json } from '#http/respond';

export const handler = api(operations['GET /events/{id}'], async ({ deps, params, query, principal }) => {
  const asOf = query.asOf === undefined ? undefined : parseInstant(query.asOf);
  if (query.asOf !== undefined && asOf === undefined) throw invalidField('query.asOf', 'must be an RFC 3339 instant, e.g. 2026-07-01T00:00:00Z');
  const event = await readEvent(deps, params.id!, principal, asOf);
  return json(200, presentEvent(event, principal), { etag: etag(event.version), 'cache-control': 'no-cache' });
});
