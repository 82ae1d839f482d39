import { presentEvent } from '#commands/events';
import { changeOccurrence } from '#commands/series';
import { api } from '#http/api';
import { restoreOccurrenceOperation } from '#http/operations';
import { etag, expectedVersion, json } from '#http/respond';

export const handler = api(restoreOccurrenceOperation(), async ({ deps, params, principal, header }) => {
  const event = await changeOccurrence(deps, params.id!, { type: 'restore', recurrenceId: params.recurrenceId! }, principal, expectedVersion(header('if-match')));
  return json(200, presentEvent(event, principal), { etag: etag(event.version) });
});
