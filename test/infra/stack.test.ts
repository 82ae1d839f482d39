/** The CDK app, checked offline: resource properties, IAM statements, event sources, routes, stages, cdk-nag. */
import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../infra/cdk/app.ts';
import { functions } from '../../infra/functions.ts';
import { repositoryRoot } from '../../infra/paths.ts';

// Template assertions need no bundles; the CLI synth below builds them for real.
const synth = (stage: 'dev' | 'prod') => {
  const { app, stack } = buildApp(new App({ context: { stage, 'aws:cdk:bundling-stacks': [] } }));
  app.synth();
  return Template.fromStack(stack);
};

let dev: Template;
let prod: Template;
beforeAll(() => {
  dev = synth('dev');
  prod = synth('prod');
}, 120_000);

type Statement = { Effect: string; Action: string | string[]; Resource: unknown };
const statementsOf = (template: Template, functionName: string): Statement[] => {
  const fn = Object.values(template.findResources('AWS::Lambda::Function', { Properties: { FunctionName: functionName } }))[0] as { Properties: { Role: { 'Fn::GetAtt': [string] } } };
  const role = fn.Properties.Role['Fn::GetAtt'][0];
  return Object.values(template.findResources('AWS::IAM::Policy'))
    .filter((policy) => (policy as { Properties: { Roles: { Ref: string }[] } }).Properties.Roles.some((r) => r.Ref === role))
    .flatMap((policy) => (policy as { Properties: { PolicyDocument: { Statement: Statement[] } } }).Properties.PolicyDocument.Statement);
};
const actions = (statement: Statement) => [statement.Action].flat();
const journalLogicalId = (template: Template) => Object.keys(template.findResources('AWS::DynamoDB::Table', { Properties: { TableName: Match.stringLikeRegexp('-journal$') } }))[0]!;
const onJournal = (template: Template) => (statement: Statement) => JSON.stringify(statement.Resource).includes(journalLogicalId(template));

describe('tables', () => {
  it('keep the journal on demand, recoverable, streamed (NEW_IMAGE), and protected in prod', () => {
    prod.hasResource('AWS::DynamoDB::Table', {
      Properties: {
        TableName: 'taqweem-prod-journal',
        BillingMode: 'PAY_PER_REQUEST',
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        StreamSpecification: { StreamViewType: 'NEW_IMAGE' },
        DeletionProtectionEnabled: true,
        KeySchema: [{ AttributeName: 'streamId', KeyType: 'HASH' }, { AttributeName: 'version', KeyType: 'RANGE' }],
      },
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
    });
    dev.hasResource('AWS::DynamoDB::Table', { Properties: { TableName: 'taqweem-dev-journal', DeletionProtectionEnabled: false }, DeletionPolicy: 'Delete' });
  });

  it('have the indexes the code queries', () => {
    const indexNames = (name: string) =>
      (Object.values(prod.findResources('AWS::DynamoDB::Table', { Properties: { TableName: `taqweem-prod-${name}` } }))[0] as { Properties: { GlobalSecondaryIndexes?: { IndexName: string }[] } }).Properties.GlobalSecondaryIndexes?.map((i) => i.IndexName);
    expect(indexNames('views')).toEqual(['byEntity', 'byCalendarMonth', 'byMonth', 'byFeed']);
    // Views' indexes copy only what their lists read (views engineer, issue #9 point 7).
    prod.hasResourceProperties('AWS::DynamoDB::Table', {
      TableName: 'taqweem-prod-views',
      GlobalSecondaryIndexes: [
        { IndexName: 'byEntity', Projection: { ProjectionType: 'INCLUDE', NonKeyAttributes: ['doc', 'owner'] } },
        { IndexName: 'byCalendarMonth', Projection: { ProjectionType: 'INCLUDE', NonKeyAttributes: ['doc', 'endUtc', 'status', 'visibility', 'tags'] } },
        { IndexName: 'byMonth', Projection: { ProjectionType: 'INCLUDE', NonKeyAttributes: ['doc', 'endUtc', 'status', 'visibility', 'tags'] } },
      ],
    });
    expect(indexNames('deliveries')).toEqual(['byDue']);
    prod.hasResourceProperties('AWS::DynamoDB::Table', { TableName: 'taqweem-prod-idempotency', TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true } });
  });
});

describe('functions', () => {
  it('are one per entry of the shared list, on nodejs22.x and arm64, with JSON logs kept per stage', () => {
    const deployed = Object.values(prod.findResources('AWS::Lambda::Function')).map((f) => (f as { Properties: { FunctionName: string } }).Properties.FunctionName);
    expect(deployed.sort()).toEqual(functions.map((spec) => `taqweem-prod-${spec.name}`).sort());
    for (const spec of functions) {
      prod.hasResourceProperties('AWS::Lambda::Function', {
        FunctionName: `taqweem-prod-${spec.name}`,
        Runtime: 'nodejs22.x',
        Architectures: ['arm64'],
        MemorySize: spec.memoryMb,
        Timeout: spec.timeoutSeconds,
        LoggingConfig: Match.objectLike({ LogFormat: 'JSON' }),
        Environment: { Variables: Match.objectLike({ JOURNAL_TABLE: Match.anyValue(), VIEWS_TABLE: Match.anyValue(), ADMIN_KEY_SECRET_ARN: Match.anyValue() }) },
      });
    }
    prod.hasResourceProperties('AWS::Logs::LogGroup', { LogGroupName: '/aws/lambda/taqweem-prod-events-create', RetentionInDays: 365 });
    dev.hasResourceProperties('AWS::Logs::LogGroup', { LogGroupName: '/aws/lambda/taqweem-dev-events-create', RetentionInDays: 14 });
  });

  it('may append to the journal only where the spec says, and no function may update or delete journal items', () => {
    for (const spec of functions) {
      const statements = statementsOf(prod, `taqweem-prod-${spec.name}`);
      const allowedOnJournal = statements.filter((s) => s.Effect === 'Allow' && onJournal(prod)(s)).flatMap(actions);
      expect(allowedOnJournal).not.toEqual(expect.arrayContaining(['dynamodb:UpdateItem']));
      for (const forbidden of ['dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:BatchWriteItem', 'dynamodb:*']) expect(allowedOnJournal).not.toContain(forbidden);
      expect(allowedOnJournal.includes('dynamodb:PutItem')).toBe(spec.tables.journal === 'append');
      const denied = statements.filter((s) => s.Effect === 'Deny' && onJournal(prod)(s)).flatMap(actions);
      expect(denied).toEqual(expect.arrayContaining(['dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:BatchWriteItem']));
    }
  });

  it('read the views without writing them, except the projector', () => {
    const writesViews = (name: string) =>
      statementsOf(prod, `taqweem-prod-${name}`).some((s) => s.Effect === 'Allow' && JSON.stringify(s.Resource).includes('Tableviews') && actions(s).includes('dynamodb:PutItem'));
    expect(writesViews('project')).toBe(true);
    expect(writesViews('events-list')).toBe(false);
    expect(writesViews('feeds-get')).toBe(false);
  });
});

describe('wiring', () => {
  it('routes every API route of the shared list through the HTTP API, throttled and logged', () => {
    const routes = Object.values(prod.findResources('AWS::ApiGatewayV2::Route')).map((r) => (r as { Properties: { RouteKey: string } }).Properties.RouteKey);
    // Streaming functions (feeds) are served by their function URL behind CloudFront instead (test/infra/feeds-stack.test.ts).
    expect(routes.sort()).toEqual(functions.filter((f) => !f.streaming).flatMap((f) => f.routes ?? []).sort());
    prod.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      DefaultRouteSettings: { ThrottlingRateLimit: 500, ThrottlingBurstLimit: 1000 },
      AccessLogSettings: Match.objectLike({ Format: Match.stringLikeRegexp('requestId') }),
    });
    prod.hasResourceProperties('AWS::ApiGatewayV2::Api', { CorsConfiguration: Match.objectLike({ AllowHeaders: Match.arrayWith(['authorization', 'if-match', 'idempotency-key']) }) });
  });

  it('feeds the journal stream to the projector and the fan-out with bisecting, bounded retries and an on-failure queue', () => {
    const mappings = prod.findResources('AWS::Lambda::EventSourceMapping');
    expect(Object.keys(mappings)).toHaveLength(functions.filter((f) => f.journalStream).length);
    prod.allResourcesProperties('AWS::Lambda::EventSourceMapping', {
      EventSourceArn: { 'Fn::GetAtt': [journalLogicalId(prod), 'StreamArn'] },
      BatchSize: 100,
      BisectBatchOnFunctionError: true,
      MaximumRetryAttempts: 10,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      StartingPosition: 'TRIM_HORIZON',
      DestinationConfig: { OnFailure: { Destination: Match.anyValue() } },
    });
  });

  it('runs the webhook dispatcher on a schedule with a dead-letter queue', () => {
    prod.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'rate(1 minute)',
      Targets: [Match.objectLike({ DeadLetterConfig: Match.anyValue(), RetryPolicy: Match.objectLike({ MaximumRetryAttempts: 2 }) })],
    });
  });

  it('lets the fan-out wake the dispatcher, whose failed wake-ups are kept, not retried', () => {
    const dispatchId = Object.keys(prod.findResources('AWS::Lambda::Function', { Properties: { FunctionName: 'taqweem-prod-dispatch' } }))[0]!;
    prod.hasResourceProperties('AWS::Lambda::Function', { FunctionName: 'taqweem-prod-fanout', Environment: { Variables: Match.objectLike({ DISPATCH_FUNCTION_NAME: { Ref: dispatchId } }) } });
    const invokes = statementsOf(prod, 'taqweem-prod-fanout').filter((s) => s.Effect === 'Allow' && actions(s).includes('lambda:InvokeFunction'));
    expect(JSON.stringify(invokes)).toContain(dispatchId);
    expect(statementsOf(prod, 'taqweem-prod-events-create').some((s) => actions(s).includes('lambda:InvokeFunction'))).toBe(false);
    prod.hasResourceProperties('AWS::Lambda::EventInvokeConfig', { FunctionName: { Ref: dispatchId }, MaximumRetryAttempts: 0, DestinationConfig: { OnFailure: { Destination: Match.anyValue() } } });
  });

  it('caches feeds briefly in CloudFront, keyed by their query, and passes the rest to the API', () => {
    prod.hasResourceProperties('AWS::CloudFront::CachePolicy', {
      CachePolicyConfig: Match.objectLike({ DefaultTTL: 300, ParametersInCacheKeyAndForwardedToOrigin: Match.objectLike({ QueryStringsConfig: { QueryStringBehavior: 'all' } }) }),
    });
    prod.hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: Match.objectLike({ CacheBehaviors: [Match.objectLike({ PathPattern: '/feeds/*', AllowedMethods: ['GET', 'HEAD'] })] }),
    });
  });

  it('alarms on errors, throttles, stream lag and dead letters, to one topic', () => {
    const alarms = Object.values(prod.findResources('AWS::CloudWatch::Alarm')).map((a) => (a as { Properties: { MetricName: string; AlarmActions: unknown[] } }).Properties);
    const metricNames = new Set(alarms.map((a) => a.MetricName));
    for (const name of ['Errors', 'Throttles', 'IteratorAge', 'ApproximateNumberOfMessagesVisible', '5xx']) expect(metricNames).toContain(name);
    expect(alarms.every((a) => a.AlarmActions.length === 1)).toBe(true);
    expect(alarms.filter((a) => a.MetricName === 'IteratorAge')).toHaveLength(2);
  });

  it('outputs the API, feed and web URLs, and keeps the admin key in Secrets Manager', () => {
    for (const output of ['ApiUrl', 'FeedBaseUrl', 'WebUrl', 'AdminKeySecretArn', 'AlarmTopicArn']) prod.hasOutput(output, {});
    prod.hasResourceProperties('AWS::SecretsManager::Secret', { Name: 'taqweem-prod/admin-api-key', GenerateSecretString: Match.objectLike({ PasswordLength: 48 }) });
  });
});

describe('cdk synth', () => {
  it('runs cdk-nag on every synth: an unacknowledged finding fails it', () => {
    const { app, stack } = buildApp(new App({ context: { stage: 'dev', 'aws:cdk:bundling-stacks': [] } }));
    new Queue(stack, 'Unencrypted', { encryption: QueueEncryption.UNENCRYPTED });
    expect(() => app.synth()).toThrow(/AwsSolutions-SQS2/);
  });

  it('succeeds from the command line with no network and no AWS credentials, bundling every function, with cdk-nag passing', async () => {
    const out = mkdtempSync(join(tmpdir(), 'taqweem-cdk-'));
    try {
      const env: Record<string, string | undefined> = { ...process.env, CDK_DISABLE_VERSION_CHECK: '1', AWS_EC2_METADATA_DISABLED: 'true' };
      for (const name of ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_PROFILE']) delete env[name];
      await promisify(execFile)('npx', ['cdk', 'synth', '--no-notices', '--quiet', '-c', 'stage=prod', '-o', out], { cwd: repositoryRoot, env, timeout: 240_000, maxBuffer: 64 * 1024 * 1024 });
      const template = JSON.parse(readFileSync(join(out, 'Taqweem-prod.template.json'), 'utf8')) as { Resources: Record<string, { Type: string }> };
      expect(Object.values(template.Resources).filter((r) => r.Type === 'AWS::Lambda::Function')).toHaveLength(functions.length);
      const report = JSON.parse(readFileSync(join(out, 'validation-report.json'), 'utf8')) as { pluginReports: unknown[] };
      expect(report.pluginReports).toEqual([]);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  }, 300_000);
});
