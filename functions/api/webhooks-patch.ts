import { updateWebhook } from '#commands/webhooks';
import { api } from '#http/api';
import { patchWebhookOperation } from '#http/operations';
import { etag, json } from '#http/respond';

export const handler = api(patchWebhookOperation(), async ({ deps, params, body, principal }) => {
  const webhook = await updateWebhook(deps, params.id!, body, principal);
  return json(200, webhook, { etag: etag(webhook.version) });
});
