import { revokeKey } from '#commands/keys';
import { api } from '#http/api';
import { deleteKeyOperation } from '#http/operations';
import { noContent } from '#http/respond';

export const handler = api(deleteKeyOperation(), async ({ deps, params, principal }) => {
  await revokeKey(deps, params.id!, principal);
  return noContent();
});
