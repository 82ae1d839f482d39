import { changeEvent, presentEvent } from '#commands/events';
import { api } from '#http/api';
import { patchParticipantOperation } from '#http/operations';
import { etag, expectedVersion, json } from '#http/respond';

export const handler = api(patchParticipantOperation(), async ({ deps, params, body, principal, header }) => {
  const command = { type: 'respond', participantId: params.pid!, status: body.status } as const;
  const event = await changeEvent(deps, params.id!, command, principal, expectedVersion(header('if-match')));
  return json(200, presentEvent(event, principal), { etag: etag(event.version) });
});
