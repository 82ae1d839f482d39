import { changeEvent, presentEvent } from '#commands/events';
import { api } from '#http/api';
import { deleteParticipantOperation } from '#http/operations';
import { etag, expectedVersion, json } from '#http/respond';

export const handler = api(deleteParticipantOperation(), async ({ deps, params, principal, header }) => {
  const command = { type: 'removeParticipant', participantId: params.pid! } as const;
  const event = await changeEvent(deps, params.id!, command, principal, expectedVersion(header('if-match')));
  return json(200, presentEvent(event, principal), { etag: etag(event.version) });
});
