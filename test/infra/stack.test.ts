/** The CDK app, checked offline: resource properties, IAM statements, event sources, routes, stages, cdk-nag. */
import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../infra/cdk/app.ts';
import { callerBlind } from '../../infra/cdk/stack.ts';
import { functions } from '../../infra/functions.ts';
import { repositoryRoot } from '../../infra/paths.ts';
import { feedQuerySchema } from '#domain/schemas';

// Template assertions need no bundles; the CLI synth below builds them for real. Every synth writes to a
// folder of this file's, removed at the end (an App without outdir leaves a /tmp/cdk.out* per synth).
const outdirs: string[] = [];
const outdir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'taqweem-cdk-'));
  outdirs.push(dir);
  return dir;
};
afterAll(() => {
  for (const dir of outdirs) rmSync(dir, { recursive: true, force: true });
});
const synthWith = (context: Record<string, unknown>, env: Record<string, string> = {}) => {
  const saved = { ...process.env };
  Object.assign(process.env, env);
  try {
    const { app, stack } = buildApp(new App({ outdir: outdir(), context: { 'aws:cdk:bundling-stacks': [], ...context } }));
    app.synth();
    return Template.fromStack(stack);
  } finally {
    process.env = saved;
  }
};
const synth = (stage: 'dev' | 'prod') => synthWith({ stage });

let dev: Template;
let prod: Template;
beforeAll(() => {
  dev = synth('dev');
  prod = synth('prod');
}, 120_000);

type Statement = { Effect: string; Action: string | string[]; Resource: unknown; Condition?: unknown };
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
        KeySchema: [
          { AttributeName: 'streamId', KeyType: 'HASH' },
          { AttributeName: 'version', KeyType: 'RANGE' },
        ],
      },
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
    });
    dev.hasResource('AWS::DynamoDB::Table', { Properties: { TableName: 'taqweem-dev-journal', DeletionProtectionEnabled: false }, DeletionPolicy: 'Delete' });
  });

  it('have the indexes the code queries', () => {
    const indexNames = (name: string) =>
      (
        Object.values(prod.findResources('AWS::DynamoDB::Table', { Properties: { TableName: `taqweem-prod-${name}` } }))[0] as { Properties: { GlobalSecondaryIndexes?: { IndexName: string }[] } }
      ).Properties.GlobalSecondaryIndexes?.map((i) => i.IndexName);
    expect(indexNames('views')).toEqual(['byEntity', 'byCalendarMonth', 'byMonth', 'byFeed']);
    // Views' indexes copy only what their lists read (views engineer, issue #9 point 7).
    prod.hasResourceProperties('AWS::DynamoDB::Table', {
      TableName: 'taqweem-prod-views',
      GlobalSecondaryIndexes: [
        { IndexName: 'byEntity', Projection: { ProjectionType: 'INCLUDE', NonKeyAttributes: ['doc', 'owner'] } },
        { IndexName: 'byCalendarMonth', Projection: { ProjectionType: 'INCLUDE', NonKeyAttributes: ['doc', 'endUtc', 'status', 'visibility', 'tags', 'searchText', 'searchVersion'] } },
        { IndexName: 'byMonth', Projection: { ProjectionType: 'INCLUDE', NonKeyAttributes: ['doc', 'endUtc', 'status', 'visibility', 'tags', 'searchText', 'searchVersion'] } },
        // Feeds' index: the pre-rendered fragments only (test/infra/feeds-stack.test.ts).
        { IndexName: 'byFeed', Projection: { ProjectionType: 'INCLUDE', NonKeyAttributes: ['feed', 'feedZ'] } },
      ],
    });
    expect(indexNames('deliveries')).toEqual(['byLane', 'byLaneDue']); // webhooks: per-lane due indexes
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
        Environment: {
          Variables: Match.objectLike({
            JOURNAL_TABLE: Match.anyValue(),
            VIEWS_TABLE: Match.anyValue(),
            // feeds-get is CloudFront's origin: without a domain it cannot name CloudFront's host (a cycle), and mints no URLs.
            ...(spec.name === 'feeds-get' ? {} : { PUBLIC_BASE_URL: Match.anyValue() }),
            POWERTOOLS_SERVICE_NAME: spec.name,
            POWERTOOLS_METRICS_NAMESPACE: 'taqweem-prod',
          }),
        },
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
    const putsViews = (name: string) => statementsOf(prod, `taqweem-prod-${name}`).filter((s) => s.Effect === 'Allow' && JSON.stringify(s.Resource).includes('Tableviews') && actions(s).includes('dynamodb:PutItem'));
    const writesViews = (name: string) => putsViews(name).some((s) => s.Condition === undefined);
    expect(writesViews('project')).toBe(true);
    expect(writesViews('events-list')).toBe(false);
    expect(writesViews('feeds-get')).toBe(false);
    // feeds (0010): the feed function puts packed month segments, and IAM lets it put no other view item.
    expect(putsViews('events-list')).toEqual([]);
    expect(putsViews('feeds-get')).toEqual([expect.objectContaining({ Action: 'dynamodb:PutItem', Condition: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['feedsegment#*'] } } })]);
    prod.hasResourceProperties('AWS::DynamoDB::Table', { TableName: 'taqweem-prod-views', TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true } });
  });
});

describe('wiring', () => {
  it('routes every API route of the shared list through the HTTP API, throttled and logged', () => {
    const routes = Object.values(prod.findResources('AWS::ApiGatewayV2::Route')).map((r) => (r as { Properties: { RouteKey: string } }).Properties.RouteKey);
    // Streaming functions (feeds) are served by their function URL behind CloudFront instead (test/infra/feeds-stack.test.ts).
    expect(routes.sort()).toEqual(
      functions
        .filter((f) => !f.streaming)
        .flatMap((f) => f.routes ?? [])
        .sort(),
    );
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

  it('caches feeds briefly in CloudFront, keyed by the parameters a feed reads only, compressed, and passes the rest to the API', () => {
    const [policy] = Object.values(prod.findResources('AWS::CloudFront::CachePolicy')) as {
      Properties: { CachePolicyConfig: { DefaultTTL: number; ParametersInCacheKeyAndForwardedToOrigin: { QueryStringsConfig: { QueryStringBehavior: string; QueryStrings: string[] } } } };
    }[];
    const config = policy!.Properties.CachePolicyConfig;
    expect(config.DefaultTTL).toBe(300);
    expect(config.ParametersInCacheKeyAndForwardedToOrigin.QueryStringsConfig.QueryStringBehavior).toBe('whitelist');
    // Exactly what the feed's query schema accepts: anything else (?x=<random>) would split the cache.
    expect(config.ParametersInCacheKeyAndForwardedToOrigin.QueryStringsConfig.QueryStrings.sort()).toEqual(Object.keys(feedQuerySchema().shape).sort());
    prod.hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: Match.objectLike({
        DefaultCacheBehavior: Match.objectLike({ Compress: true }),
        CacheBehaviors: [Match.objectLike({ PathPattern: '/feeds/*', AllowedMethods: ['GET', 'HEAD'], Compress: true })],
      }),
    });
  });

  it('takes the origin’s region from the stack at deploy time, never from the synthesizing machine', () => {
    const template = synthWith({ stage: 'prod' }, { CDK_DEFAULT_REGION: 'us-east-1' });
    const [distribution] = Object.values(template.findResources('AWS::CloudFront::Distribution')) as { Properties: { DistributionConfig: { Origins: { DomainName: unknown }[] } } }[];
    const domain = JSON.stringify(distribution!.Properties.DistributionConfig.Origins[0]!.DomainName);
    expect(domain).toContain('{"Ref":"AWS::Region"}');
    expect(domain).not.toContain('us-east-1');
  });

  it('outputs the API, feed and web URLs, and keeps the admin key in Secrets Manager', () => {
    for (const output of ['PublicBaseUrl', 'ApiUrl', 'FeedBaseUrl', 'WebUrl', 'AdminKeySecretArn', 'AlarmTopicArn']) prod.hasOutput(output, {});
    prod.hasResourceProperties('AWS::SecretsManager::Secret', { Name: 'taqweem-prod/admin-api-key', GenerateSecretString: Match.objectLike({ PasswordLength: 48 }) });
  });
});

describe('cdk synth', () => {
  it('runs cdk-nag on every synth: an unacknowledged finding fails it', () => {
    const { app, stack } = buildApp(new App({ outdir: outdir(), context: { stage: 'dev', 'aws:cdk:bundling-stacks': [] } }));
    new Queue(stack, 'Unencrypted', { encryption: QueueEncryption.UNENCRYPTED });
    expect(() => app.synth()).toThrow(/AwsSolutions-SQS2/);
  });

  it('succeeds from the command line with no network and no AWS credentials, bundling every function, with cdk-nag passing', async () => {
    const out = mkdtempSync(join(tmpdir(), 'taqweem-cdk-'));
    try {
      const env: Record<string, string | undefined> = { ...process.env, CDK_DISABLE_VERSION_CHECK: '1', AWS_EC2_METADATA_DISABLED: 'true' };
      for (const name of ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_PROFILE']) delete env[name];
      // A guard against a hung synth, not a time budget: bundling 43 functions took 4.7–5.5 min by hand at load 7–10
      // on this 2-core machine, and the 240 s this allowed ran out beside the other test files in CI.
      await promisify(execFile)('npx', ['cdk', 'synth', '--no-notices', '--quiet', '-c', 'stage=prod', '-o', out], { cwd: repositoryRoot, env, timeout: 720_000, maxBuffer: 64 * 1024 * 1024 });
      const template = JSON.parse(readFileSync(join(out, 'Taqweem-prod.template.json'), 'utf8')) as { Resources: Record<string, { Type: string }> };
      expect(Object.values(template.Resources).filter((r) => r.Type === 'AWS::Lambda::Function')).toHaveLength(functions.length);
      const report = JSON.parse(readFileSync(join(out, 'validation-report.json'), 'utf8')) as { pluginReports: unknown[] };
      expect(report.pluginReports).toEqual([]);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  }, 780_000);
});

type Resource = { Type: string; Properties: { Environment: { Variables: Record<string, unknown> } } };
const envOf = (template: Template, name: string) =>
  (Object.values(template.findResources('AWS::Lambda::Function', { Properties: { FunctionName: name } }))[0] as Resource).Properties.Environment.Variables as Record<string, unknown>;

describe('domain', () => {
  const domain = { domainName: 'calendar.example.org', certificateArn: 'arn:aws:acm:us-east-1:123456789012:certificate/abc', hostedZoneId: 'Z0123456789', hostedZoneName: 'example.org' };
  let withDomain: Template;
  beforeAll(() => {
    withDomain = synthWith({ stage: 'prod', ...domain });
  }, 120_000);

  it('serves the API, feeds and page on https://<domain>/ with the certificate, and points the hosted zone at CloudFront', () => {
    withDomain.hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: Match.objectLike({
        Aliases: ['calendar.example.org'],
        ViewerCertificate: Match.objectLike({ AcmCertificateArn: domain.certificateArn, SslSupportMethod: 'sni-only', MinimumProtocolVersion: 'TLSv1.2_2021' }),
      }),
    });
    for (const type of ['A', 'AAAA']) {
      withDomain.hasResourceProperties('AWS::Route53::RecordSet', { Name: 'calendar.example.org.', Type: type, HostedZoneId: domain.hostedZoneId, AliasTarget: Match.objectLike({ DNSName: Match.anyValue() }) });
    }
    withDomain.hasOutput('PublicBaseUrl', { Value: 'https://calendar.example.org' });
  });

  it('sets PUBLIC_BASE_URL on every function from the domain, else from CloudFront', () => {
    for (const spec of functions) expect(envOf(withDomain, `taqweem-prod-${spec.name}`).PUBLIC_BASE_URL).toBe('https://calendar.example.org');
    const cdnId = Object.keys(prod.findResources('AWS::CloudFront::Distribution'))[0]!;
    for (const spec of functions.filter((f) => f.name !== 'feeds-get'))
      expect(envOf(prod, `taqweem-prod-${spec.name}`).PUBLIC_BASE_URL).toEqual({ 'Fn::Join': ['', ['https://', { 'Fn::GetAtt': [cdnId, 'DomainName'] }]] });
  });

  it('refuses a domain without its certificate', () => {
    expect(() => buildApp(new App({ outdir: outdir(), context: { stage: 'dev', domainName: 'calendar.example.org' } }))).toThrow(/domainName and certificateArn go together/);
  });
});

describe('edge protection', () => {
  it('adds a CloudFront web ACL with a per-IP rate-based rule only when asked, and only in us-east-1', () => {
    expect(Object.keys(prod.findResources('AWS::WAFv2::WebACL'))).toHaveLength(0);
    const withWaf = synthWith({ stage: 'prod', waf: 'true', wafRatePer5Minutes: '1500' }, { CDK_DEFAULT_REGION: 'us-east-1', CDK_DEFAULT_ACCOUNT: '123456789012' });
    withWaf.hasResourceProperties('AWS::WAFv2::WebACL', {
      Scope: 'CLOUDFRONT',
      DefaultAction: { Allow: {} },
      Rules: [Match.objectLike({ Action: { Block: {} }, Statement: { RateBasedStatement: { Limit: 1500, AggregateKeyType: 'IP' } } })],
    });
    const aclId = Object.keys(withWaf.findResources('AWS::WAFv2::WebACL'))[0]!;
    withWaf.hasResourceProperties('AWS::CloudFront::Distribution', { DistributionConfig: Match.objectLike({ WebACLId: { 'Fn::GetAtt': [aclId, 'Arn'] } }) });
    expect(() => synthWith({ stage: 'prod', waf: 'true' }, { CDK_DEFAULT_REGION: 'eu-west-1', CDK_DEFAULT_ACCOUNT: '123456789012' })).toThrow(/must be created in us-east-1/);
  }, 120_000);
});

describe('least privilege', () => {
  it('lets no function Scan the journal or its indexes (replay queries byTime; only the operator-run rebuild scans), and denies Scan outright', () => {
    const journalId = journalLogicalId(prod);
    const journalRead = ['dynamodb:BatchGetItem', 'dynamodb:ConditionCheckItem', 'dynamodb:DescribeTable', 'dynamodb:GetItem', 'dynamodb:Query'];
    const journalStream = ['dynamodb:DescribeStream', 'dynamodb:GetRecords', 'dynamodb:GetShardIterator'];
    for (const spec of functions) {
      const statements = statementsOf(prod, `taqweem-prod-${spec.name}`);
      const allowed = statements.filter((s) => s.Effect === 'Allow' && onJournal(prod)(s)).flatMap(actions);
      // Exactly the reads (the append, the stream where the spec says): no Scan, no wildcard, nothing else.
      const expected = [...journalRead, ...(spec.tables.journal === 'append' ? ['dynamodb:PutItem'] : []), ...(spec.journalStream ? journalStream : [])];
      expect([...new Set(allowed)].sort(), spec.name).toEqual(expected.sort());
      const denyScan = statements.filter((s) => s.Effect === 'Deny' && actions(s).includes('dynamodb:Scan'));
      expect(denyScan, spec.name).toHaveLength(1);
      // The deny names the table and everything under it (its indexes), so no later grant can reopen Scan.
      expect(denyScan[0]!.Resource, spec.name).toEqual([{ 'Fn::GetAtt': [journalId, 'Arn'] }, { 'Fn::Join': ['', [{ 'Fn::GetAtt': [journalId, 'Arn'] }, '/*']] }]);
    }
    // Replay reads the days it covers through the byTime index: Query on the index is granted to it.
    const replay = statementsOf(prod, 'taqweem-prod-webhooks-replay').filter((s) => s.Effect === 'Allow' && actions(s).includes('dynamodb:Query') && onJournal(prod)(s));
    expect(JSON.stringify(replay.map((s) => s.Resource))).toContain('/index/*');
  });

  it('lets only functions that authenticate keys read the admin key, and tells only them where it is', () => {
    const secretId = Object.keys(prod.findResources('AWS::SecretsManager::Secret'))[0]!;
    const readers = functions.filter((spec) =>
      statementsOf(prod, `taqweem-prod-${spec.name}`).some((s) => s.Effect === 'Allow' && actions(s).includes('secretsmanager:GetSecretValue') && JSON.stringify(s.Resource).includes(secretId)),
    );
    expect(readers.map((f) => f.name).sort()).toEqual(
      functions
        .filter((f) => f.routes && !callerBlind(f))
        .map((f) => f.name)
        .sort(),
    );
    for (const name of ['web', 'health', 'openapi', 'feeds-get', 'project', 'fanout', 'dispatch']) {
      expect(readers.map((f) => f.name)).not.toContain(name);
      expect(envOf(prod, `taqweem-prod-${name}`).ADMIN_KEY_SECRET_ARN).toBeUndefined();
    }
    expect(envOf(prod, 'taqweem-prod-keys-create').ADMIN_KEY_SECRET_ARN).toEqual({ Ref: secretId });
  });

  it('lets each function write only its own log group (no AWSLambdaBasicExecutionRole), without the source-map flag', () => {
    const roles = Object.values(prod.findResources('AWS::IAM::Role')) as Resource[];
    expect(JSON.stringify(roles)).not.toContain('AWSLambdaBasicExecutionRole');
    for (const spec of functions) {
      const logGroupId = Object.keys(prod.findResources('AWS::Logs::LogGroup', { Properties: { LogGroupName: `/aws/lambda/taqweem-prod-${spec.name}` } }))[0]!;
      const logStatements = statementsOf(prod, `taqweem-prod-${spec.name}`).filter((s) => actions(s).some((a) => a.startsWith('logs:')));
      expect(logStatements.flatMap(actions).sort()).toEqual(['logs:CreateLogStream', 'logs:PutLogEvents']);
      for (const statement of logStatements) expect(statement.Resource).toEqual({ 'Fn::GetAtt': [logGroupId, 'Arn'] });
      expect(envOf(prod, `taqweem-prod-${spec.name}`).NODE_OPTIONS).toBeUndefined();
    }
  });

  it('expires webhook deliveries: TTL on expiresAt, 30 days unless configured', () => {
    prod.hasResourceProperties('AWS::DynamoDB::Table', { TableName: 'taqweem-prod-deliveries', TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true } });
    for (const spec of functions.filter((f) => f.tables.deliveries === 'write')) expect(envOf(prod, `taqweem-prod-${spec.name}`).DELIVERY_RETENTION_DAYS).toBe('30');
    expect(envOf(synthWith({ stage: 'dev', deliveryRetentionDays: '7' }), 'taqweem-dev-fanout').DELIVERY_RETENTION_DAYS).toBe('7');
  }, 60_000);

  it('encrypts the alarm topic with a key CloudWatch may use, and subscribes alarmEmail when given', () => {
    const keyId = Object.keys(prod.findResources('AWS::KMS::Key'))[0]!;
    prod.hasResourceProperties('AWS::SNS::Topic', { TopicName: 'taqweem-prod-alarms', KmsMasterKeyId: { 'Fn::GetAtt': [keyId, 'Arn'] } });
    prod.hasResourceProperties('AWS::KMS::Key', {
      EnableKeyRotation: true,
      KeyPolicy: { Statement: Match.arrayWith([Match.objectLike({ Principal: { Service: 'cloudwatch.amazonaws.com' }, Action: ['kms:Decrypt', 'kms:GenerateDataKey*'] })]) },
    });
    expect(Object.keys(prod.findResources('AWS::SNS::Subscription'))).toHaveLength(0);
    synthWith({ stage: 'dev', alarmEmail: 'ops@example.org' }).hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'ops@example.org' });
  }, 60_000);
});
