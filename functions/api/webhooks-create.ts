import { createWebhook } from '#commands/webhooks';
import { api } from '#http/api';
import { createWebhookOperation } from '#http/operations';
import { json } from '#http/respond';

export const handler = api(createWebhookOperation(), async ({ deps, body, principal }) => {
  const { webhook, secret } = await createWebhook(deps, body, principal);
  return json(201, secret ? { ...webhook, secret } : webhook, { location: `/webhooks/${webhook.id}`, 'cache-control': 'no-store' });
});
