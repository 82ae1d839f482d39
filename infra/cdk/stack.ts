/** Everything the local runtime stands in for, on AWS: tables, functions, HTTP API, streams, dispatcher, CDN, alarms. */
import { CfnOutput, Duration, RemovalPolicy, Stack, Validations, type CfnResource, type StackProps } from 'aws-cdk-lib';
import { CorsHttpMethod, HttpApi, HttpMethod, type CfnStage } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import { FunctionUrlOrigin, HttpOrigin } from 'aws-cdk-lib/aws-cloudfront-origins';
import { Alarm, ComparisonOperator, TreatMissingData, type IMetric } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { AttributeType, BillingMode, ProjectionType, StreamViewType, Table, TableEncryption, type TableProps } from 'aws-cdk-lib/aws-dynamodb';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { FunctionUrlAuthType, InvokeMode, StartingPosition, type FunctionUrl } from 'aws-cdk-lib/aws-lambda';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import { DynamoEventSource, SqsDlq } from 'aws-cdk-lib/aws-lambda-event-sources';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { functions, type FunctionSpec } from '../functions.ts';
import { tableLayouts, type TableLayout } from '../tables.ts';
import { TaqweemFunction } from './taqweem-function.ts';

export type StageName = 'dev' | 'prod';

export interface TaqweemStackProps extends StackProps {
  stage: StageName;
}

/** Per-stage settings: production keeps its data and logs; dev can be torn down completely. */
export const stageSettings = {
  dev: { removalPolicy: RemovalPolicy.DESTROY, deletionProtection: false, logRetention: RetentionDays.TWO_WEEKS, throttle: { rate: 50, burst: 100 } },
  prod: { removalPolicy: RemovalPolicy.RETAIN, deletionProtection: true, logRetention: RetentionDays.ONE_YEAR, throttle: { rate: 500, burst: 1000 } },
} as const;

const HTTP_METHODS: Record<string, HttpMethod> = { GET: HttpMethod.GET, HEAD: HttpMethod.HEAD, POST: HttpMethod.POST, PUT: HttpMethod.PUT, PATCH: HttpMethod.PATCH, DELETE: HttpMethod.DELETE };

export class TaqweemStack extends Stack {
  readonly functions = new Map<string, TaqweemFunction>();

  constructor(scope: Construct, id: string, props: TaqweemStackProps) {
    super(scope, id, props);
    const settings = stageSettings[props.stage];
    const prefix = `taqweem-${props.stage}`;

    const table = (name: keyof typeof tableLayouts, extra: Partial<TableProps> = {}) => this.table(name, tableLayouts[name], prefix, settings, extra);
    const tables = {
      journal: table('journal', { stream: StreamViewType.NEW_IMAGE }),
      views: table('views'),
      idempotency: table('idempotency'),
      deliveries: table('deliveries'),
      secrets: table('secrets'),
    };

    const alarmTopic = new Topic(this, 'Alarms', { topicName: `${prefix}-alarms`, enforceSSL: true, masterKey: undefined });
    Validations.of(alarmTopic).acknowledge({ id: 'AwsSolutions-SNS2', reason: 'Alarm notifications carry no customer data, so the AWS-managed encryption at rest is enough.' });
    const alarm = (id: string, metric: IMetric, threshold: number, description: string) =>
      new Alarm(this, id, { metric, threshold, evaluationPeriods: 1, comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD, treatMissingData: TreatMissingData.NOT_BREACHING, alarmDescription: description }).addAlarmAction(new SnsAction(alarmTopic));

    const adminKey = new Secret(this, 'AdminKey', {
      secretName: `${prefix}/admin-api-key`,
      description: 'The first admin API key of Taqweem; read it with `aws secretsmanager get-secret-value`.',
      generateSecretString: { passwordLength: 48, excludePunctuation: true },
      removalPolicy: settings.removalPolicy,
    });
    Validations.of(adminKey).acknowledge({ id: 'AwsSolutions-SMG4', reason: 'The admin key is rotated by an operator (README, Operations); automatic rotation would lock out its holder.' });

    const environment = {
      JOURNAL_TABLE: tables.journal.tableName,
      VIEWS_TABLE: tables.views.tableName,
      IDEMPOTENCY_TABLE: tables.idempotency.tableName,
      DELIVERIES_TABLE: tables.deliveries.tableName,
      SECRETS_TABLE: tables.secrets.tableName,
      ADMIN_KEY_SECRET_ARN: adminKey.secretArn,
      LOG_LEVEL: 'info',
    };
    for (const spec of functions) {
      const fn = new TaqweemFunction(this, `Fn-${spec.name}`, { spec, prefix, logRetention: settings.logRetention, removalPolicy: settings.removalPolicy, environment });
      fn.bindTables(tables, spec.tables);
      if (spec.routes) adminKey.grantRead(fn);
      this.functions.set(spec.name, fn);
      alarm(`Errors-${spec.name}`, fn.metricErrors({ period: Duration.minutes(5) }), 1, `${spec.name} threw errors: see its log group.`);
      alarm(`Throttles-${spec.name}`, fn.metricThrottles({ period: Duration.minutes(5) }), 1, `${spec.name} was throttled: raise its reserved concurrency or the account limit.`);
    }

    const api = this.httpApi(prefix, settings, alarm);
    const streamFailures = this.queue('StreamFailures', `${prefix}-stream-failures`);
    alarm('StreamFailuresDepth', streamFailures.metricApproximateNumberOfMessagesVisible(), 1, 'Journal stream records failed every retry: the views or webhook fan-out miss them until replayed.');
    for (const spec of functions.filter((f) => f.journalStream)) this.consumeJournal(spec, tables.journal, streamFailures, alarm);
    const dispatchFailures = this.queue('DispatchFailures', `${prefix}-dispatch-failures`);
    alarm('DispatchFailuresDepth', dispatchFailures.metricApproximateNumberOfMessagesVisible(), 1, 'Webhook dispatches (scheduled or woken) failed to run: pending deliveries wait.');
    for (const spec of functions.filter((f) => f.schedule)) {
      const fn = this.functions.get(spec.name)!;
      new Rule(this, `Schedule-${spec.name}`, {
        schedule: Schedule.expression(spec.schedule!),
        targets: [new LambdaFunction(fn, { deadLetterQueue: dispatchFailures, retryAttempts: 2, maxEventAge: Duration.minutes(5) })],
      });
      // Woken asynchronously too: a failed wake-up is not retried (the schedule follows within a minute), but kept.
      fn.configureAsyncInvoke({ retryAttempts: 0, maxEventAge: Duration.minutes(1), onFailure: new SqsDestination(dispatchFailures) });
    }
    for (const spec of functions.filter((f) => f.wakes)) {
      const target = this.functions.get(spec.wakes!)!;
      const fn = this.functions.get(spec.name)!;
      fn.addEnvironment('DISPATCH_FUNCTION_NAME', target.functionName);
      target.grantInvoke(fn);
      const targetId = this.getLogicalId(target.node.defaultChild as CfnResource);
      Validations.of(fn).acknowledge({ id: `AwsSolutions-IAM5[Resource::<${targetId}.Arn>:*]`, reason: `The grant covers ${spec.wakes}'s own versions and aliases, nothing else.` });
    }

    // --- feeds: streamed through a function URL (RESPONSE_STREAM) that only this stack's CloudFront may call
    // (origin access control); FEED_INDEX_SETTLE_MS covers the lag of DynamoDB's byFeed index (docs/decisions/0010).
    const feeds = this.functions.get('feeds-get')!;
    feeds.addEnvironment('FEED_INDEX_SETTLE_MS', '2000');
    const feedsUrl = feeds.addFunctionUrl({ authType: FunctionUrlAuthType.AWS_IAM, invokeMode: InvokeMode.RESPONSE_STREAM });
    // --- end feeds
    const cdn = this.distribution(api, prefix, feedsUrl);
    new CfnOutput(this, 'ApiUrl', { value: api.apiEndpoint, description: 'The HTTP API' });
    new CfnOutput(this, 'FeedBaseUrl', { value: `https://${cdn.distributionDomainName}/feeds/`, description: 'Calendar feeds, through CloudFront: <FeedBaseUrl><calendar>.ics' });
    new CfnOutput(this, 'WebUrl', { value: `https://${cdn.distributionDomainName}/`, description: 'The service through CloudFront' });
    new CfnOutput(this, 'AdminKeySecretArn', { value: adminKey.secretArn, description: 'aws secretsmanager get-secret-value --secret-id <this>' });
    new CfnOutput(this, 'AlarmTopicArn', { value: alarmTopic.topicArn, description: 'Subscribe operators here' });
  }

  private table(name: string, layout: TableLayout, prefix: string, settings: (typeof stageSettings)[StageName], extra: Partial<TableProps>): Table {
    const table = new Table(this, `Table-${name}`, {
      tableName: `${prefix}-${name}`,
      partitionKey: { name: layout.partitionKey.name, type: layout.partitionKey.type === 'S' ? AttributeType.STRING : AttributeType.NUMBER },
      ...(layout.sortKey ? { sortKey: { name: layout.sortKey.name, type: layout.sortKey.type === 'S' ? AttributeType.STRING : AttributeType.NUMBER } } : {}),
      billingMode: BillingMode.PAY_PER_REQUEST,
      encryption: TableEncryption.AWS_MANAGED,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      deletionProtection: settings.deletionProtection,
      removalPolicy: settings.removalPolicy,
      ...(layout.timeToLive ? { timeToLiveAttribute: layout.timeToLive } : {}),
      ...extra,
    });
    for (const index of layout.indexes) {
      const projection = index.projection ?? 'ALL';
      table.addGlobalSecondaryIndex({
        indexName: index.name,
        partitionKey: { name: index.partitionKey, type: AttributeType.STRING },
        sortKey: { name: index.sortKey, type: AttributeType.STRING },
        ...(typeof projection === 'string' ? { projectionType: ProjectionType[projection] } : { projectionType: ProjectionType.INCLUDE, nonKeyAttributes: [...projection] }),
      });
    }
    return table;
  }

  private queue(id: string, name: string): Queue {
    const queue = new Queue(this, id, { queueName: name, encryption: QueueEncryption.SQS_MANAGED, enforceSSL: true, retentionPeriod: Duration.days(14) });
    for (const id of ['AwsSolutions-SQS3', 'Serverless-SQSRedrivePolicy']) Validations.of(queue).acknowledge({ id, reason: 'This queue is itself the dead-letter destination; nothing consumes it but an operator.' });
    return queue;
  }

  private consumeJournal(spec: FunctionSpec, journal: Table, failures: Queue, alarm: (id: string, metric: IMetric, threshold: number, description: string) => void): void {
    const fn = this.functions.get(spec.name)!;
    fn.addEventSource(
      new DynamoEventSource(journal, {
        startingPosition: StartingPosition.TRIM_HORIZON,
        batchSize: 100,
        maxBatchingWindow: Duration.seconds(1),
        bisectBatchOnError: true,
        retryAttempts: 10,
        reportBatchItemFailures: true,
        onFailure: new SqsDlq(failures),
      }),
    );
    alarm(`IteratorAge-${spec.name}`, fn.metric('IteratorAge', { statistic: 'Maximum', period: Duration.minutes(5) }), 60_000, `${spec.name} is over a minute behind the journal.`);
  }

  private httpApi(prefix: string, settings: (typeof stageSettings)[StageName], alarm: (id: string, metric: IMetric, threshold: number, description: string) => void): HttpApi {
    const api = new HttpApi(this, 'Api', {
      apiName: prefix,
      corsPreflight: {
        allowOrigins: ['*'],
        allowMethods: [CorsHttpMethod.ANY],
        allowHeaders: ['authorization', 'content-type', 'if-match', 'if-none-match', 'idempotency-key'],
        exposeHeaders: ['etag', 'location', 'idempotent-replayed'],
        maxAge: Duration.hours(1),
      },
    });
    // Streaming functions (feeds) are served by their function URL, behind CloudFront.
    for (const spec of functions.filter((f) => f.routes && !f.streaming)) {
      const integration = new HttpLambdaIntegration(`Integration-${spec.name}`, this.functions.get(spec.name)!);
      for (const route of spec.routes!) {
        const [method, path] = route.split(' ') as [string, string];
        const [created] = api.addRoutes({ path, methods: [HTTP_METHODS[method]!], integration });
        // Keys are checked by the shared middleware in every function, against the journal, on every request.
        Validations.of(created!).acknowledge({ id: 'AwsSolutions-APIG4', reason: 'Authorization is done in each function by the shared API-key middleware, so a revoked key stops at once.' });
      }
    }
    const accessLogs = new LogGroup(this, 'ApiAccessLogs', { logGroupName: `/aws/apigateway/${prefix}`, retention: settings.logRetention, removalPolicy: settings.removalPolicy });
    const stage = api.defaultStage!.node.defaultChild as CfnStage;
    stage.defaultRouteSettings = { throttlingRateLimit: settings.throttle.rate, throttlingBurstLimit: settings.throttle.burst };
    stage.accessLogSettings = {
      destinationArn: accessLogs.logGroupArn,
      format: JSON.stringify({ requestId: '$context.requestId', ip: '$context.identity.sourceIp', time: '$context.requestTime', route: '$context.routeKey', status: '$context.status', latency: '$context.responseLatency', integrationError: '$context.integrationErrorMessage' }),
    };
    alarm('Api5xx', api.metricServerError({ period: Duration.minutes(5) }), 5, 'The API answered 5xx: see the failing function’s Errors alarm and logs.');
    return api;
  }

  private distribution(api: HttpApi, prefix: string, feedsUrl: FunctionUrl): cloudfront.Distribution {
    const origin = new HttpOrigin(`${api.apiId}.execute-api.${this.region}.${this.urlSuffix}`, { protocolPolicy: cloudfront.OriginProtocolPolicy.HTTPS_ONLY });
    const feedCache = new cloudfront.CachePolicy(this, 'FeedCache', {
      cachePolicyName: `${prefix}-feeds`,
      comment: 'Feeds: briefly cached, keyed by every query parameter (lang, tag, tentative, token); ETag passes through',
      defaultTtl: Duration.minutes(5),
      minTtl: Duration.seconds(0),
      maxTtl: Duration.hours(1),
      queryStringBehavior: cloudfront.CacheQueryStringBehavior.all(),
      headerBehavior: cloudfront.CacheHeaderBehavior.none(),
      enableAcceptEncodingGzip: true,
      enableAcceptEncodingBrotli: true,
    });
    const distribution = new cloudfront.Distribution(this, 'Cdn', {
      comment: `${prefix}: feeds (cached) and the API`,
      defaultBehavior: {
        origin,
        viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        allowedMethods: cloudfront.AllowedMethods.ALLOW_ALL,
        cachePolicy: cloudfront.CachePolicy.CACHING_DISABLED,
        originRequestPolicy: cloudfront.OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
      },
      additionalBehaviors: {
        // feeds: the function URL, signed by CloudFront (OAC), which grants it lambda:InvokeFunctionUrl and lambda:InvokeFunction
        '/feeds/*': {
          origin: FunctionUrlOrigin.withOriginAccessControl(feedsUrl, { readTimeout: Duration.seconds(30) }),
          viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
          allowedMethods: cloudfront.AllowedMethods.ALLOW_GET_HEAD,
          cachePolicy: feedCache,
          compress: true,
        },
      },
    });
    for (const [id, reason] of [
      ['AwsSolutions-CFR1', 'Calendars are public by design and subscribed to worldwide; no geo restriction applies.'],
      ['AwsSolutions-CFR2', 'A WAF web ACL is an account-level choice and costs money; the API has its own throttling.'],
      ['AwsSolutions-CFR3', 'Requests are already logged by the API access logs behind this distribution.'],
      ['AwsSolutions-CFR4', 'The default CloudFront certificate is used until an operator attaches a custom domain (README).'],
    ] as const) Validations.of(distribution).acknowledge({ id, reason });
    return distribution;
  }
}
