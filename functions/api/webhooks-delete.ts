import { deleteWebhook } from '#commands/webhooks';
import { api } from '#http/api';
import { operations } from '#http/operations';
import { noContent } from '#http/respond';

export const handler = api(operations['DELETE /webhooks/{id}'], async ({ deps, params, principal }) => {
  await deleteWebhook(deps, params.id!, principal);
  return noContent();
});
