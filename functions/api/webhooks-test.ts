import { sendTestMessage } from '#commands/webhooks';
import { api } from '#http/api';
import { testWebhookOperation } from '#http/operations';
import { json } from '#http/respond';
import { webhookConfig } from '#webhooks/config';

export const handler = api(testWebhookOperation(), async ({ deps, params, principal }) => json(200, await sendTestMessage(deps, webhookConfig(), params.id!, principal)));
