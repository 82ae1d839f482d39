import { revokeKey } from '#commands/keys';
import { api } from '#http/api';
import { operations } from '#http/operations';
import { noContent } from '#http/respond';

export const handler = api(operations['DELETE /keys/{id}'], async ({ deps, params, principal }) => {
  await revokeKey(deps, params.id!, principal);
  return noContent();
});
