import { changeEvent, presentEvent } from '#commands/events';
import { api } from '#http/api';
import { cancelEventOperation } from '#http/operations';
import { etag, expectedVersion, json } from '#http/respond';

export const handler = api(cancelEventOperation(), async ({ deps, params, body, principal, header }) => {
  const event = await changeEvent(deps, params.id!, { type: 'cancel', reason: body.reason }, principal, expectedVersion(header('if-match')));
  return json(200, presentEvent(event, principal), { etag: etag(event.version) });
});
