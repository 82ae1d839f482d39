import { revokeFeedToken } from '#commands/feed-tokens';
import { api } from '#http/api';
import { operations } from '#http/operations';
import { noContent } from '#http/respond';

export const handler = api(operations['DELETE /calendars/{id}/feed-tokens/{tokenId}'], async ({ deps, params, principal }) => {
  await revokeFeedToken(deps, params.id!, params.tokenId!, principal);
  return noContent();
});
