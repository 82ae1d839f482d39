/**
 * Every alarm watches a metric that something really produces: AWS, for a resource of this very stack, or
 * the code, through the EMF helper (shared/config/observability.ts). An alarm on a metric nothing emits
 * would stay green through any outage. ServerErrors and the feed metrics are also seen emitted at run
 * time in test/infra/observability.test.ts.
 */
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { metricNames } from '#config/metric-names';
import { buildApp } from '../../infra/cdk/app.ts';
import { functions } from '../../infra/functions.ts';
import { repositoryRoot } from '../../infra/paths.ts';

/** What AWS publishes, per namespace: metric names, and which resource type each dimension names. */
const PUBLISHED: Record<string, { metrics: string[]; dimensions: Record<string, string | null> }> = {
  'AWS/ApiGateway': { metrics: ['5xx', '4xx', 'Latency', 'IntegrationLatency', 'Count'], dimensions: { ApiId: 'AWS::ApiGatewayV2::Api' } },
  'AWS/Lambda': { metrics: ['Errors', 'Throttles', 'IteratorAge', 'Duration', 'Invocations'], dimensions: { FunctionName: 'AWS::Lambda::Function' } },
  'AWS/DynamoDB': { metrics: ['ReadThrottleEvents', 'WriteThrottleEvents'], dimensions: { TableName: 'AWS::DynamoDB::Table' } },
  'AWS/SQS': { metrics: ['ApproximateNumberOfMessagesVisible', 'ApproximateAgeOfOldestMessage'], dimensions: { QueueName: 'AWS::SQS::Queue' } },
  'AWS/CloudFront': { metrics: ['5xxErrorRate', 'TotalErrorRate'], dimensions: { DistributionId: 'AWS::CloudFront::Distribution', Region: null } },
};
const NAMESPACE = 'taqweem-prod';

type Dimension = { Name: string; Value: unknown };
type Watched = { alarm: string; namespace: string; metric: string; dimensions: Dimension[] };
type AlarmProps = {
  AlarmName: string;
  Namespace?: string;
  MetricName?: string;
  Dimensions?: Dimension[];
  AlarmActions?: unknown[];
  AlarmDescription?: string;
  Threshold?: number;
  EvaluationPeriods?: number;
  Metrics?: { Id: string; Expression?: string; MetricStat?: { Stat: string; Metric: { Namespace: string; MetricName: string; Dimensions?: Dimension[] } } }[];
};

let template: Template;
const outdir = mkdtempSync(join(tmpdir(), 'taqweem-cdk-alarms-'));
beforeAll(() => {
  const saved = process.env.CDK_DEFAULT_REGION;
  process.env.CDK_DEFAULT_REGION = 'us-east-1'; // where CloudFront publishes, so its alarm exists too
  try {
    const { app, stack } = buildApp(new App({ outdir, context: { stage: 'prod', 'aws:cdk:bundling-stacks': [] } }));
    app.synth();
    template = Template.fromStack(stack);
  } finally {
    if (saved === undefined) delete process.env.CDK_DEFAULT_REGION;
    else process.env.CDK_DEFAULT_REGION = saved;
  }
}, 120_000);
afterAll(() => rmSync(outdir, { recursive: true, force: true }));

const alarms = () => Object.values(template.findResources('AWS::CloudWatch::Alarm')).map((a) => (a as { Properties: AlarmProps }).Properties);

/** The metrics an alarm reads: plain, metric math, or a Metrics Insights query. */
function watched(alarm: AlarmProps): Watched[] {
  if (alarm.MetricName) return [{ alarm: alarm.AlarmName, namespace: alarm.Namespace!, metric: alarm.MetricName, dimensions: alarm.Dimensions ?? [] }];
  return (alarm.Metrics ?? []).flatMap((m): Watched[] => {
    if (m.MetricStat) return [{ alarm: alarm.AlarmName, namespace: m.MetricStat.Metric.Namespace, metric: m.MetricStat.Metric.MetricName, dimensions: m.MetricStat.Metric.Dimensions ?? [] }];
    const query = /^SELECT \w+\((\w+)\) FROM SCHEMA\("([^"]+)", (\w+)\)/.exec(m.Expression ?? '');
    return query ? [{ alarm: alarm.AlarmName, namespace: query[2]!, metric: query[1]!, dimensions: [{ Name: query[3]!, Value: '*' }] }] : [];
  });
}

/** Source files that run on Lambda, minus the helper that names the metrics. */
function lambdaSources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return lambdaSources(path);
    return path.endsWith('.ts') && !/shared\/config\/(observability|metric-names)\.ts$/.test(path) ? [path] : [];
  });
}

describe('alarms', () => {
  it('each watch a metric AWS publishes for a resource of this stack, or one the code emits', () => {
    const resources = template.toJSON().Resources as Record<string, { Type: string }>;
    const code = [...lambdaSources(join(repositoryRoot, 'functions')), ...lambdaSources(join(repositoryRoot, 'shared'))].map((file) => ({ file: relative(repositoryRoot, file), text: readFileSync(file, 'utf8') }));
    const all = alarms().flatMap(watched);
    expect(all.length).toBeGreaterThanOrEqual(alarms().length);
    for (const { alarm, namespace, metric, dimensions } of all) {
      if (namespace.startsWith('AWS/')) {
        const published = PUBLISHED[namespace];
        expect(published, `${alarm}: ${namespace}`).toBeDefined();
        expect(published!.metrics, `${alarm}: ${namespace} ${metric}`).toContain(metric);
        for (const { Name, Value } of dimensions) {
          expect(Object.keys(published!.dimensions), `${alarm}: dimension ${Name}`).toContain(Name);
          const type = published!.dimensions[Name];
          if (type === null) continue;
          // The dimension names a resource of this stack (Ref or GetAtt to it), of the right type.
          const logicalId = (Value as { Ref?: string; 'Fn::GetAtt'?: [string] }).Ref ?? (Value as { 'Fn::GetAtt'?: [string] })['Fn::GetAtt']?.[0];
          expect(resources[logicalId ?? '']?.Type, `${alarm}: ${Name}=${JSON.stringify(Value)}`).toBe(type);
        }
      } else {
        expect(namespace, alarm).toBe(NAMESPACE);
        const key = Object.entries(metricNames).find(([, name]) => name === metric)?.[0];
        expect(key, `${alarm}: ${metric} is not one of metricNames`).toBeDefined();
        const emitters = code.filter(({ text }) => text.includes(`metricNames.${key}`));
        expect(
          emitters.map((e) => e.file),
          `${alarm}: nothing emits ${metric}`,
        ).not.toEqual([]);
        expect(dimensions.map((d) => d.Name)).toEqual(['service']);
      }
    }
  });

  it('cover 5xx and p99 latency, per route 5xx and p99, CDN 5xx, DynamoDB throttles, stream lag, parked records, webhook failures and backlog', () => {
    const names = alarms().map((a) => a.AlarmName.replace(/^taqweem-prod-/, ''));
    for (const name of [
      'Api5xx',
      'ApiLatencyP99',
      'RouteLatencyP99-1',
      'RouteServerErrors',
      'Cdn5xxRate',
      'DynamoThrottles',
      'LambdaThrottles',
      'Lag-project',
      'Lag-fanout',
      'StreamRecordsParked',
      'StreamFunctionErrors',
      'WebhookFailureRate',
      'WebhookBacklogAge',
      'DispatchFailures',
    ]) {
      expect(names).toContain(name);
    }
    const metrics = alarms().flatMap(watched);
    expect(metrics.find((m) => m.alarm.endsWith('ApiLatencyP99'))).toMatchObject({ namespace: 'AWS/ApiGateway', metric: 'Latency' });
    expect(alarms().find((a) => a.AlarmName.endsWith('ApiLatencyP99'))).toMatchObject({ ExtendedStatistic: 'p99' });
    expect(metrics.filter((m) => m.alarm.endsWith('DynamoThrottles'))).toHaveLength(10);
  });

  it('watch p99 latency per route: every routed function’s Duration p99 against its budget, ten to an alarm', () => {
    const functionIds = Object.fromEntries(
      Object.entries(template.findResources('AWS::Lambda::Function')).map(([id, fn]) => [id, (fn as { Properties: { FunctionName: string } }).Properties.FunctionName.replace(/^taqweem-prod-/, '')]),
    );
    const latency = alarms().filter((a) => /-RouteLatencyP99-\d+$/.test(a.AlarmName));
    const watchedFunctions: string[] = [];
    for (const alarm of latency) {
      const reads = alarm.Metrics!.filter((m) => m.MetricStat);
      expect(reads.length, alarm.AlarmName).toBeLessThanOrEqual(10);
      const [expression] = alarm.Metrics!.filter((m) => m.Expression);
      for (const read of reads) {
        expect(read.MetricStat).toMatchObject({ Stat: 'p99', Metric: { Namespace: 'AWS/Lambda', MetricName: 'Duration' } });
        const [dimension] = read.MetricStat!.Metric.Dimensions!;
        const name = functionIds[(dimension!.Value as { Ref: string }).Ref]!;
        watchedFunctions.push(name);
        // Each series is scaled by its own budget inside the MAX, so no route's p99 is averaged away.
        const spec = functions.find((f) => f.name === name)!;
        const budget = spec.p99BudgetMs ?? (spec.streaming ? 10000 : 3000);
        expect(expression!.Expression, `${alarm.AlarmName}: ${name}`).toContain(`FILL(${read.Id}, 0) / ${budget}`);
        // The description names the routes to compare when it fires.
        expect(alarm.AlarmDescription, name).toContain(`${name} (${budget} ms)`);
      }
      expect(expression!.Expression).toMatch(/^100 \* MAX\(\[.*\]\)$/);
      expect(alarm).toMatchObject({ Threshold: 100, EvaluationPeriods: 3 });
    }
    // Every route is answered by exactly one watched function (HEAD and GET of feeds, web's files: one function).
    const routed = functions.filter((f) => f.routes).map((f) => f.name);
    expect(watchedFunctions.sort()).toEqual(routed.sort());
    expect(latency).toHaveLength(Math.ceil(routed.length / 10));
    // Per-route API Gateway metrics (detailed metrics) stay off: ~6 custom metrics per route, unused.
    expect(JSON.stringify(template.findResources('AWS::ApiGatewayV2::Stage'))).not.toContain('DetailedMetricsEnabled');
  });

  it('notify through three composite alarms only, to the encrypted topic: fewer alarms and messages than one per function', () => {
    const topicId = Object.keys(template.findResources('AWS::SNS::Topic'))[0]!;
    for (const alarm of alarms()) expect(alarm.AlarmActions ?? []).toEqual([]);
    const composites = Object.values(template.findResources('AWS::CloudWatch::CompositeAlarm')).map((c) => (c as { Properties: { AlarmRule: unknown; AlarmActions: unknown[] } }).Properties);
    expect(composites).toHaveLength(3);
    for (const composite of composites) expect(composite.AlarmActions).toEqual([{ Ref: topicId }]);
    // Every child alarm belongs to a composite, or it would never notify.
    const rules = JSON.stringify(composites.map((c) => c.AlarmRule));
    for (const id of Object.keys(template.findResources('AWS::CloudWatch::Alarm'))) expect(rules).toContain(id);
    expect(alarms().length).toBeLessThan(20);
  });
});
