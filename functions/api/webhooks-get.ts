import { readWebhook } from '#commands/webhooks';
import { api } from '#http/api';
import { getWebhookOperation } from '#http/operations';
import { etag, json } from '#http/respond';

export const handler = api(getWebhookOperation(), async ({ deps, params, principal }) => {
  const webhook = await readWebhook(deps, params.id!, principal);
  return json(200, webhook, { etag: etag(webhook.version) });
});
