/**
 * Powertools for AWS Lambda: one Logger, one Metrics (EMF) and one Tracer (X-Ray) per process, shared by the
 * middy stack, the stream consumers and the scheduled dispatcher. On Lambda the service is the function's name and
 * the namespace the stage's (POWERTOOLS_SERVICE_NAME, POWERTOOLS_METRICS_NAMESPACE, set by the CDK stack).
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { xrayMode } from './xray-mode.ts';
import { Tracer } from '@aws-lambda-powertools/tracer';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import type { MetricName } from './metric-names.ts';

const serviceName = process.env.POWERTOOLS_SERVICE_NAME ?? 'taqweem';

/** Structured JSON logs; warn goes out as console.warn, so Lambda's JSON log format files it as WARN, not ERROR. */
export const logger = new Logger({ serviceName });

// Most invocations record no metric: Powertools' "no metrics to publish" notice is routine, not a warning.
const metricsLog = { debug: logger.debug.bind(logger), info: logger.info.bind(logger), warn: logger.debug.bind(logger), error: logger.error.bind(logger) };

/** EMF metrics, flushed once per invocation by the logMetrics middleware. */
export const metrics = new Metrics({ namespace: process.env.POWERTOOLS_METRICS_NAMESPACE ?? 'taqweem-local', serviceName, logger: metricsLog });

/**
 * X-Ray subsegments for the handler and every SDK call (`tracer.captureAWSv3Client`, in #config/env) and outgoing
 * HTTP request. Active only on Lambda (Powertools checks AWS_EXECUTION_ENV; POWERTOOLS_TRACE_ENABLED=false turns it
 * off). Responses are never recorded: some carry a secret shown once (keys, feed tokens, webhook secrets).
 */
export const tracer = new Tracer({ serviceName, ...(xrayMode === 'manual' ? { enabled: false } : {}) });

/** The Tracer's middy middleware, with the handler's response kept out of the trace (see `tracer`). */
export const traced = () => captureLambdaHandler(tracer, { captureResponse: false });

export { metricNames, type MetricName } from './metric-names.ts';

/** Counts an occurrence (flushed with the invocation's other metrics). */
export function countMetric(name: MetricName, value = 1): void {
  metrics.addMetric(name, MetricUnit.Count, value);
}

/** Records a duration in seconds. */
export function secondsMetric(name: MetricName, seconds: number): void {
  metrics.addMetric(name, MetricUnit.Seconds, seconds);
}

/** Locally, and in tests that call a handler without one, a context that names the function. */
const localContext = { functionName: serviceName, functionVersion: '$LATEST', invokedFunctionArn: '', memoryLimitInMB: '0', awsRequestId: 'local', getRemainingTimeInMillis: () => 60_000 } as unknown as Context;

/**
 * Wraps a stream consumer or scheduled handler in the Powertools middlewares (a trace segment, Lambda context
 * in logs, metrics flushed per invocation). API functions get the same through shared/http/api.ts.
 */
export function observed<Event, Result>(handler: (event: Event, context: Context) => Promise<Result>): (event: Event, context?: Context) => Promise<Result> {
  const wrapped = middy(handler).use(traced()).use(injectLambdaContext(logger)).use(logMetrics(metrics));
  return (event, context) => wrapped(event, context ?? localContext);
}
