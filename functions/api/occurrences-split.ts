import { presentEvent } from '#commands/events';
import { splitSeries } from '#commands/series';
import { api } from '#http/api';
import { splitSeriesOperation } from '#http/operations';
import { etag, expectedVersion, json } from '#http/respond';

export const handler = api(splitSeriesOperation(), async ({ deps, params, body, principal, header }) => {
  const { event, created } = await splitSeries(deps, params.id!, params.recurrenceId!, body, principal, expectedVersion(header('if-match')));
  return json(created ? 201 : 200, presentEvent(event, principal), { etag: etag(event.version), ...(created ? { location: `/events/${event.id}` } : {}) });
});
