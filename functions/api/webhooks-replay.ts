import { replay } from '#commands/webhooks';
import { api } from '#http/api';
import { replayWebhookOperation } from '#http/operations';
import { json } from '#http/respond';
import { webhookConfig } from '#webhooks/config';

export const handler = api(replayWebhookOperation(), async ({ deps, params, body, principal }) => {
  const job = await replay(deps, webhookConfig(), params.id!, body.since, principal);
  return json(202, job, { location: `/webhooks/${params.id!}/replays/${job.id}` });
});
