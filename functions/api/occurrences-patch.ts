import { presentEvent } from '#commands/events';
import { changeOccurrence } from '#commands/series';
import { api } from '#http/api';
import { patchOccurrenceOperation } from '#http/operations';
import { etag, expectedVersion, json } from '#http/respond';

export const handler = api(patchOccurrenceOperation(), async ({ deps, params, body, principal, header }) => {
  const event = await changeOccurrence(deps, params.id!, { type: 'change', recurrenceId: params.recurrenceId!, patch: body }, principal, expectedVersion(header('if-match')));
  return json(200, presentEvent(event, principal), { etag: etag(event.version) });
});
