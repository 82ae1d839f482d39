/** The names of the metrics the code emits, without the Powertools runtime: the CDK app imports these too. */

/**
 * Every metric the code emits: alarms may only watch these (test/infra/alarms.test.ts checks that each
 * one is really emitted by code outside this file).
 */
export const metricNames = {
  /** An API request answered 5xx (errors the middleware turned into a problem response, which Lambda never counts). */
  serverErrors: 'ServerErrors',
  /** A feed rendered in full (200). */
  feedRenders: 'FeedRenders',
  /** A feed answered 304: with feedRenders, the 304 ratio. */
  feedNotModified: 'FeedNotModified',
  /** A webhook attempt the endpoint accepted (2xx). */
  deliveriesSucceeded: 'DeliveriesSucceeded',
  /** A webhook attempt that failed (to be retried, or given up). */
  deliveriesFailed: 'DeliveriesFailed',
  /** How long the oldest due delivery has waited, after a sweep (seconds). */
  deliveryBacklogAge: 'DeliveryBacklogAgeSeconds',
  /** Stream records set aside because they could not be fanned out. */
  recordsParked: 'RecordsParked',
} as const;
export type MetricName = (typeof metricNames)[keyof typeof metricNames];
