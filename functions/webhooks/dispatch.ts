/** Scheduled: attempts every webhook delivery that is due (EventBridge on AWS, a timer in the local runtime). */
import { deps } from '#config/deps';
import { webhookConfig } from '#webhooks/config';
import { DeliveryStore } from '#webhooks/deliveries';
import { sweep, type SweepSummary } from '#webhooks/dispatch';
import { log } from '#config/log';
import { countMetric, metricNames, observed, secondsMetric } from '#config/observability';

export const handler = observed(async (): Promise<SweepSummary> => {
  const d = deps();
  const summary = await sweep(d, webhookConfig());
  if (summary.attempted > 0) log('info', 'webhook sweep', { ...summary });
  // ops (#11): what the webhook alarms watch (failure rate, backlog age).
  countMetric(metricNames.deliveriesSucceeded, summary.succeeded);
  countMetric(metricNames.deliveriesFailed, summary.retrying + summary.failed);
  const oldestDueAt = await new DeliveryStore(d.client, d.tables.deliveries).oldestDueAt();
  secondsMetric(metricNames.deliveryBacklogAge, oldestDueAt ? Math.max(0, (d.now().getTime() - Date.parse(oldestDueAt)) / 1000) : 0);
  return summary;
});
