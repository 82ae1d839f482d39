import { changeEvent, presentEvent } from '#commands/events';
import { api } from '#http/api';
import { addParticipantOperation } from '#http/operations';
import { etag, expectedVersion, json } from '#http/respond';

export const handler = api(addParticipantOperation(), async ({ deps, params, body, principal, header }) => {
  const participantId = deps.newId();
  const event = await changeEvent(deps, params.id!, { type: 'invite', participant: body, participantId }, principal, expectedVersion(header('if-match')));
  return json(201, presentEvent(event, principal), { etag: etag(event.version), location: `/events/${event.id}/participants/${participantId}` });
});
