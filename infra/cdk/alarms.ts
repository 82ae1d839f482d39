/**
 * Alarms that can fire: each watches a metric AWS publishes for a resource of this stack or one the code
 * emits (EMF, shared/config/observability.ts); test/infra/alarms.test.ts checks both. API functions never
 * throw (middy answers 500), so API failures are counted by API Gateway (5xx) and by the functions (ServerErrors),
 * never by Lambda's Errors. Only the three composite alarms notify, so an incident sends one message, not ten.
 */
import { Duration } from 'aws-cdk-lib';
import type { HttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import { Alarm, AlarmRule, ComparisonOperator, CompositeAlarm, MathExpression, Metric, TreatMissingData, type IMetric } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { Distribution } from 'aws-cdk-lib/aws-cloudfront';
import type { Table } from 'aws-cdk-lib/aws-dynamodb';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { metricNames } from '#config/metric-names';

export interface AlarmsProps {
  prefix: string;
  /** The EMF namespace the functions write to (POWERTOOLS_METRICS_NAMESPACE). */
  namespace: string;
  api: HttpApi;
  /** Only where CloudFront publishes its metrics (us-east-1): an alarm elsewhere would watch nothing. */
  distribution?: Distribution;
  tables: Table[];
  /** The journal's stream consumers: their iterator age is the projection and fan-out lag. */
  streamConsumers: { name: string; fn: IFunction }[];
  /**
   * The functions that answer routes (one per route, docs/decisions/0005; `web` serves its static files and the
   * embed page), with the p99 Duration above which each is slow.
   */
  routeFunctions: { name: string; fn: IFunction; p99BudgetMs: number }[];
  /** Functions that throw on failure (stream consumers, the dispatcher), unlike the API functions. */
  throwingFunctions: IFunction[];
  streamFailures: Queue;
  dispatchFailures: Queue;
  topic: ITopic;
}

const FIVE_MINUTES = Duration.minutes(5);
/** CloudWatch reads at most 10 metrics in one alarm. */
const METRICS_PER_ALARM = 10;

/** `items` in runs of at most `size`, as even as can be. */
const chunks = <T>(items: T[], size: number): T[][] => {
  const count = Math.ceil(items.length / size);
  return Array.from({ length: count }, (_, i) => items.slice(Math.floor((i * items.length) / count), Math.floor(((i + 1) * items.length) / count)));
};

export class Alarms extends Construct {
  readonly composites: CompositeAlarm[] = [];

  constructor(scope: Construct, id: string, props: AlarmsProps) {
    super(scope, id);
    const alarm = (name: string, metric: IMetric, threshold: number, description: string, periods = 1) =>
      new Alarm(this, name, {
        alarmName: `${props.prefix}-${name}`,
        metric,
        threshold,
        evaluationPeriods: periods,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: TreatMissingData.NOT_BREACHING,
        alarmDescription: description,
      });
    const emf = (metricName: string, service: string, statistic = 'Sum') => new Metric({ namespace: props.namespace, metricName, dimensionsMap: { service }, statistic, period: FIVE_MINUTES });

    const api = [
      alarm('Api5xx', props.api.metricServerError({ period: FIVE_MINUTES, statistic: 'Sum' }), 5, 'The API answered 5xx five times in 5 minutes: RouteServerErrors names the route; its log group has the request ids.'),
      alarm('ApiLatencyP99', props.api.metricLatency({ period: FIVE_MINUTES, statistic: 'p99' }), 3000, 'p99 latency over 3 s for 15 minutes: look at the slowest function’s Duration and DynamoDB throttles.', 3),
      alarm(
        'RouteServerErrors',
        new MathExpression({
          expression: `SELECT SUM(${metricNames.serverErrors}) FROM SCHEMA("${props.namespace}", service) GROUP BY service ORDER BY SUM() DESC LIMIT 1`,
          usingMetrics: {},
          period: FIVE_MINUTES,
          label: 'ServerErrors of the worst route',
        }),
        5,
        'One route answered 5xx five times in 5 minutes (EMF ServerErrors by function): see that function’s logs.',
      ),
    ];
    // p99 per route: Lambda's Duration of the function answering it (AWS publishes it per function, free). Each
    // series is divided by its own budget and the alarm takes the largest, so any one route past its budget fires
    // it; the description names the routes to compare. Groups of ten because CloudWatch reads at most ten metrics
    // per alarm (cost is per metric read either way: docs/decisions/0009).
    chunks(props.routeFunctions, METRICS_PER_ALARM).forEach((group, g) => {
      const usingMetrics = Object.fromEntries(group.map(({ fn }, i) => [`d${i}`, fn.metricDuration({ statistic: 'p99', period: FIVE_MINUTES })]));
      api.push(
        alarm(
          `RouteLatencyP99-${g + 1}`,
          new MathExpression({
            expression: `100 * MAX([${group.map(({ p99BudgetMs }, i) => `FILL(d${i}, 0) / ${p99BudgetMs}`).join(', ')}])`,
            usingMetrics,
            period: FIVE_MINUTES,
            label: 'p99 Duration of the slowest route, % of its budget',
          }),
          100,
          `A route's p99 exceeded its budget for 15 minutes; compare p99 Duration of ${group.map(({ name, p99BudgetMs }) => `${name} (${p99BudgetMs} ms)`).join(', ')}.`,
          3,
        ),
      );
    });
    if (props.distribution) {
      const cdn5xx = new Metric({
        namespace: 'AWS/CloudFront',
        metricName: '5xxErrorRate',
        dimensionsMap: { DistributionId: props.distribution.distributionId, Region: 'Global' },
        statistic: 'Average',
        period: FIVE_MINUTES,
      });
      api.push(alarm('Cdn5xxRate', cdn5xx, 5, 'Over 5% of CloudFront responses were 5xx: the origin (API) or CloudFront itself fails.', 2));
    }
    const tableMetrics: Record<string, IMetric> = {};
    props.tables.forEach((table, i) => {
      tableMetrics[`r${i}`] = table.metric('ReadThrottleEvents', { statistic: 'Sum', period: FIVE_MINUTES });
      tableMetrics[`w${i}`] = table.metric('WriteThrottleEvents', { statistic: 'Sum', period: FIVE_MINUTES });
    });
    api.push(
      alarm(
        'DynamoThrottles',
        new MathExpression({
          expression: Object.keys(tableMetrics)
            .map((id) => `FILL(${id}, 0)`)
            .join(' + '),
          usingMetrics: tableMetrics,
          period: FIVE_MINUTES,
          label: 'throttled reads and writes, all tables',
        }),
        10,
        'DynamoDB throttled requests: an on-demand table hit its per-partition or account limit.',
      ),
      alarm(
        'LambdaThrottles',
        new Metric({ namespace: 'AWS/Lambda', metricName: 'Throttles', statistic: 'Sum', period: FIVE_MINUTES }),
        5,
        'Lambda refused invocations in this account and region: raise the concurrency quota.',
      ),
    );

    const pipeline = [
      ...props.streamConsumers.map(({ name, fn }) =>
        alarm(`Lag-${name}`, fn.metric('IteratorAge', { statistic: 'Maximum', period: FIVE_MINUTES }), 60_000, `${name} is over a minute behind the journal (views or webhook fan-out lag).`, 2),
      ),
      alarm(
        'StreamRecordsParked',
        props.streamFailures.metricApproximateNumberOfMessagesVisible({ period: FIVE_MINUTES, statistic: 'Maximum' }),
        1,
        'Journal stream records failed every retry and are parked: replay them (README, Operations).',
      ),
      alarm(
        'StreamFunctionErrors',
        new MathExpression({
          expression: props.throwingFunctions.map((_, i) => `FILL(e${i}, 0)`).join(' + '),
          usingMetrics: Object.fromEntries(props.throwingFunctions.map((fn, i) => [`e${i}`, fn.metricErrors({ statistic: 'Sum', period: FIVE_MINUTES })])),
          period: FIVE_MINUTES,
          label: 'errors of the stream consumers and the dispatcher',
        }),
        3,
        'A stream consumer or the dispatcher threw: see its log group.',
      ),
    ];

    const succeeded = emf(metricNames.deliveriesSucceeded, 'dispatch');
    const failed = emf(metricNames.deliveriesFailed, 'dispatch');
    const webhooks = [
      alarm(
        'WebhookFailureRate',
        new MathExpression({
          expression: 'IF((FILL(s, 0) + FILL(f, 0)) >= 20, 100 * FILL(f, 0) / (FILL(s, 0) + FILL(f, 0)), 0)',
          usingMetrics: { s: succeeded, f: failed },
          period: FIVE_MINUTES,
          label: 'failed attempts, %',
        }),
        25,
        'Over a quarter of webhook attempts failed (at least 20 attempts): one partner down, or our egress.',
        2,
      ),
      alarm(
        'FanoutRecordsParked',
        emf(metricNames.recordsParked, 'fanout'),
        1,
        'Webhook fan-out parked a journal record it could not handle: npm run redrive-webhooks / the webhooks-redrive function (README, Webhooks).',
      ),
      alarm('WebhookBacklogAge', emf(metricNames.deliveryBacklogAge, 'dispatch', 'Maximum'), 900, 'A due webhook delivery has waited over 15 minutes: the dispatcher is behind or failing.', 2),
      alarm(
        'DispatchFailures',
        props.dispatchFailures.metricApproximateNumberOfMessagesVisible({ period: FIVE_MINUTES, statistic: 'Maximum' }),
        1,
        'Dispatcher runs (scheduled or woken) failed: pending deliveries wait.',
      ),
    ];

    for (const [name, children, what] of [
      ['Api', api, 'the API, CDN or tables'],
      ['Pipeline', pipeline, 'the journal stream (views, fan-out)'],
      ['Webhooks', webhooks, 'webhook delivery'],
    ] as const) {
      const composite = new CompositeAlarm(this, `${name}Health`, {
        compositeAlarmName: `${props.prefix}-${name}Health`,
        alarmRule: AlarmRule.anyOf(...children),
        alarmDescription: `Something is wrong with ${what}: the alarm in ALARM among ${children.map((a) => a.node.id).join(', ')} says what.`,
      });
      composite.addAlarmAction(new SnsAction(props.topic));
      this.composites.push(composite);
    }
  }
}
