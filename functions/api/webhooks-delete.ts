import { deleteWebhook } from '#commands/webhooks';
import { api } from '#http/api';
import { deleteWebhookOperation } from '#http/operations';
import { noContent } from '#http/respond';

export const handler = api(deleteWebhookOperation(), async ({ deps, params, principal }) => {
  await deleteWebhook(deps, params.id!, principal);
  return noContent();
});
