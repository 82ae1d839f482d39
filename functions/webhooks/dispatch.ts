/** Scheduled: attempts every webhook delivery that is due (EventBridge on AWS, a timer in the local runtime). */
import { deps } from '#config/deps';
import { webhookConfig } from '#webhooks/config';
import { sweep, type SweepSummary } from '#webhooks/dispatch';
import { log } from '#config/log';

export const handler = async (): Promise<SweepSummary> => {
  const summary = await sweep(deps(), webhookConfig());
  if (summary.attempted > 0) log('info', 'webhook sweep', { ...summary });
  return summary;
};
