/** Invoked by an operator: fans parked journal records out again (see shared/webhooks/parked.ts). */
import { deps } from '#config/deps';
import { log } from '#config/log';
import { observed } from '#config/observability';
import { webhookConfig } from '#webhooks/config';
import { redriveParked } from '#webhooks/parked';

export const handler = observed(async () => {
  const summary = await redriveParked(deps(), webhookConfig());
  log('info', 'parked webhook records re-driven', summary);
  return summary;
});
