import { revokeFeedToken } from '#commands/feed-tokens';
import { api } from '#http/api';
import { deleteFeedTokenOperation } from '#http/operations';
import { noContent } from '#http/respond';

export const handler = api(deleteFeedTokenOperation(), async ({ deps, params, principal }) => {
  await revokeFeedToken(deps, params.id!, params.tokenId!, principal);
  return noContent();
});
