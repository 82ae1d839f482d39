import { sendTestMessage } from '#commands/webhooks';
import { api } from '#http/api';
import { operations } from '#http/operations';
import { json } from '#http/respond';
import { webhookConfig } from '#webhooks/config';

export const handler = api(operations['POST /webhooks/{id}/test'], async ({ deps, params, principal }) => json(200, await sendTestMessage(deps, webhookConfig(), params.id!, principal)));
