import { presentEvent } from '#commands/events';
import { changeOccurrence } from '#commands/series';
import { api } from '#http/api';
import { cancelOccurrenceOperation } from '#http/operations';
import { etag, expectedVersion, json } from '#http/respond';

export const handler = api(cancelOccurrenceOperation(), async ({ deps, params, body, principal, header }) => {
  const event = await changeOccurrence(deps, params.id!, { type: 'cancel', recurrenceId: params.recurrenceId!, reason: body.reason }, principal, expectedVersion(header('if-match')));
  return json(200, presentEvent(event, principal), { etag: etag(event.version) });
});
