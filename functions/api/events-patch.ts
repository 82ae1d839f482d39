import { changeEvent, presentEvent } from '#commands/events';
import { seriesSupport } from '#domain/series';
import { api } from '#http/api';
import { patchEventOperation } from '#http/operations';
import { etag, expectedVersion, json } from '#http/respond';

export const handler = api(patchEventOperation(), async ({ deps, params, body, principal, header }) => {
  const event = await changeEvent(deps, params.id!, { type: 'patch', patch: body, series: seriesSupport }, principal, expectedVersion(header('if-match')));
  return json(200, presentEvent(event, principal), { etag: etag(event.version) });
});
