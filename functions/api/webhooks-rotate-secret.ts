import { rotateWebhookSecret } from '#commands/webhooks';
import { api } from '#http/api';
import { rotateWebhookSecretOperation } from '#http/operations';
import { json } from '#http/respond';
import { webhookConfig } from '#webhooks/config';

export const handler = api(rotateWebhookSecretOperation(), async ({ deps, params, principal }) => json(200, await rotateWebhookSecret(deps, webhookConfig(), params.id!, principal), { 'cache-control': 'no-store' }));
