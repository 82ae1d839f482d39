/** Everything the local runtime stands in for, on AWS: tables, functions, HTTP API, streams, dispatcher, CDN, alarms. */
import { Annotations, Aws, CfnOutput, Duration, RemovalPolicy, Stack, Token, Validations, type CfnResource, type StackProps } from 'aws-cdk-lib';
import { Certificate } from 'aws-cdk-lib/aws-certificatemanager';
import { CorsHttpMethod, HttpApi, HttpMethod, type CfnStage } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import { FunctionUrlOrigin, HttpOrigin } from 'aws-cdk-lib/aws-cloudfront-origins';
import { AttributeType, BillingMode, ProjectionType, StreamViewType, Table, TableEncryption, type TableProps } from 'aws-cdk-lib/aws-dynamodb';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { FunctionUrlAuthType, InvokeMode, StartingPosition, type FunctionUrl } from 'aws-cdk-lib/aws-lambda';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import { DynamoEventSource, SqsDlq } from 'aws-cdk-lib/aws-lambda-event-sources';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { Effect, PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { ARecord, AaaaRecord, HostedZone, RecordTarget } from 'aws-cdk-lib/aws-route53';
import { CloudFrontTarget } from 'aws-cdk-lib/aws-route53-targets';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import { CfnWebACL } from 'aws-cdk-lib/aws-wafv2';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { functions, type FunctionSpec } from '../functions.ts';
import { tableLayouts, type TableLayout } from '../tables.ts';
import { operations } from '#http/operations';
import { feedQuerySchema } from '#domain/schemas';
import { Alarms } from './alarms.ts';
import { TaqweemFunction } from './taqweem-function.ts';

export type StageName = 'dev' | 'prod';

export interface TaqweemStackProps extends StackProps {
  stage: StageName;
  /**
   * The public origin from day one: `https://<name>/` serves the API, the feeds and the page. The certificate
   * must be in us-east-1 (CloudFront's); with a hosted zone, A/AAAA alias records are created too.
   */
  domain?: { name: string; certificateArn: string; hostedZone?: { id: string; name: string } };
  /** Subscribed to the alarm topic (confirm the e-mail AWS sends). */
  alarmEmail?: string;
  /** A CloudFront web ACL with a per-IP rate-based rule (requests per 5 minutes); CloudFront's WAF lives in us-east-1. */
  waf?: { ratePer5Minutes: number };
  /** Webhook deliveries expire this many days after they are written (DynamoDB TTL on `expiresAt`). Default 30. */
  deliveryRetentionDays?: number;
}

/** Functions whose every route ignores the caller (no key changes the answer): they never read the admin key. */
export const callerBlind = (spec: FunctionSpec): boolean => (spec.routes ?? []).every((route) => operations[route].access === 'public') && ['web', 'health', 'openapi', 'feeds-get'].includes(spec.name);

/** Per-stage settings: production keeps its data and logs; dev can be torn down completely. */
export const stageSettings = {
  dev: { removalPolicy: RemovalPolicy.DESTROY, deletionProtection: false, logRetention: RetentionDays.TWO_WEEKS, throttle: { rate: 50, burst: 100 } },
  prod: { removalPolicy: RemovalPolicy.RETAIN, deletionProtection: true, logRetention: RetentionDays.ONE_YEAR, throttle: { rate: 500, burst: 1000 } },
} as const;

const HTTP_METHODS: Record<string, HttpMethod> = { GET: HttpMethod.GET, HEAD: HttpMethod.HEAD, POST: HttpMethod.POST, PUT: HttpMethod.PUT, PATCH: HttpMethod.PATCH, DELETE: HttpMethod.DELETE };

export class TaqweemStack extends Stack {
  readonly functions = new Map<string, TaqweemFunction>();
  alarms!: Alarms;

  constructor(scope: Construct, id: string, props: TaqweemStackProps) {
    super(scope, id, props);
    const settings = stageSettings[props.stage];
    const prefix = `taqweem-${props.stage}`;

    const table = (name: keyof typeof tableLayouts, extra: Partial<TableProps> = {}) => this.table(name, tableLayouts[name], prefix, settings, extra);
    const tables = {
      journal: table('journal', { stream: StreamViewType.NEW_IMAGE }),
      views: table('views'),
      idempotency: table('idempotency'),
      // Deliveries hold participants' e-mail addresses: they expire (the writer sets expiresAt, DELIVERY_RETENTION_DAYS).
      deliveries: table('deliveries', { timeToLiveAttribute: 'expiresAt' }),
      secrets: table('secrets'),
    };

    // CloudWatch must be allowed to use the key, or encrypted alarm notifications are silently dropped.
    const alarmKey = new Key(this, 'AlarmsKey', { description: `${prefix} alarm notifications`, enableKeyRotation: true, removalPolicy: settings.removalPolicy });
    alarmKey.addToResourcePolicy(new PolicyStatement({ effect: Effect.ALLOW, principals: [new ServicePrincipal('cloudwatch.amazonaws.com')], actions: ['kms:Decrypt', 'kms:GenerateDataKey*'], resources: ['*'] }));
    const alarmTopic = new Topic(this, 'Alarms', { topicName: `${prefix}-alarms`, enforceSSL: true, masterKey: alarmKey });
    if (props.alarmEmail) {
      alarmTopic.addSubscription(new EmailSubscription(props.alarmEmail));
      Validations.of(alarmTopic).acknowledge({ id: 'Serverless-SNSRedrivePolicy', reason: 'An e-mail subscription: SNS retries it for hours, and the alarm stays visible in CloudWatch whatever the mail does.' });
    }

    const adminKey = new Secret(this, 'AdminKey', {
      secretName: `${prefix}/admin-api-key`,
      description: 'The first admin API key of Taqweem; read it with `aws secretsmanager get-secret-value`.',
      generateSecretString: { passwordLength: 48, excludePunctuation: true },
      removalPolicy: settings.removalPolicy,
    });
    Validations.of(adminKey).acknowledge({ id: 'AwsSolutions-SMG4', reason: 'The admin key is rotated by an operator (README, Operations); automatic rotation would lock out its holder.' });

    const metricsNamespace = prefix;
    const environment = {
      JOURNAL_TABLE: tables.journal.tableName,
      VIEWS_TABLE: tables.views.tableName,
      IDEMPOTENCY_TABLE: tables.idempotency.tableName,
      DELIVERIES_TABLE: tables.deliveries.tableName,
      SECRETS_TABLE: tables.secrets.tableName,
      DELIVERY_RETENTION_DAYS: String(props.deliveryRetentionDays ?? 30),
      POWERTOOLS_METRICS_NAMESPACE: metricsNamespace,
      LOG_LEVEL: 'info',
    };
    for (const spec of functions) {
      const fn = new TaqweemFunction(this, `Fn-${spec.name}`, { spec, prefix, logRetention: settings.logRetention, removalPolicy: settings.removalPolicy, environment });
      // No function may Scan the journal: replay queries its byTime index; only the rebuild path scans, and it runs
      // from an operator's machine (npm run rebuild-views -- --aws), never as a function.
      fn.bindTables(tables, spec.tables);
      // Only functions that authenticate keys read the admin key; the others never see it (nor its ARN).
      if (spec.routes && !callerBlind(spec)) {
        adminKey.grantRead(fn);
        fn.addEnvironment('ADMIN_KEY_SECRET_ARN', adminKey.secretArn);
      }
      this.functions.set(spec.name, fn);
    }

    const api = this.httpApi(prefix, settings);
    const streamFailures = this.queue('StreamFailures', `${prefix}-stream-failures`);
    for (const spec of functions.filter((f) => f.journalStream)) this.consumeJournal(spec, tables.journal, streamFailures);
    const dispatchFailures = this.queue('DispatchFailures', `${prefix}-dispatch-failures`);
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
      fn.acknowledge(`AwsSolutions-IAM5[Resource::<${targetId}.Arn>:*]`, `The grant covers ${spec.wakes}'s own versions and aliases, nothing else.`);
    }

    // --- feeds: streamed through a function URL (RESPONSE_STREAM) that only this stack's CloudFront may call
    // (origin access control); FEED_INDEX_SETTLE_MS covers the lag of DynamoDB's byFeed index (docs/decisions/0010).
    const feeds = this.functions.get('feeds-get')!;
    feeds.addEnvironment('FEED_INDEX_SETTLE_MS', '2000');
    const feedsUrl = feeds.addFunctionUrl({ authType: FunctionUrlAuthType.AWS_IAM, invokeMode: InvokeMode.RESPONSE_STREAM });
    // --- end feeds
    const cdn = this.distribution(api, prefix, props, feedsUrl);
    // Every URL the service mints names this origin (feed-token URLs, Location): the domain, else CloudFront's.
    const publicBaseUrl = `https://${props.domain?.name ?? cdn.distributionDomainName}`;
    // feeds-get is CloudFront's origin (function URL): CloudFront's own name would be a cycle, and feeds mint no URLs.
    for (const [name, fn] of this.functions) if (props.domain || name !== 'feeds-get') fn.addEnvironment('PUBLIC_BASE_URL', publicBaseUrl);
    if (props.domain?.hostedZone) {
      const zone = HostedZone.fromHostedZoneAttributes(this, 'Zone', { hostedZoneId: props.domain.hostedZone.id, zoneName: props.domain.hostedZone.name });
      const target = RecordTarget.fromAlias(new CloudFrontTarget(cdn));
      new ARecord(this, 'DomainA', { zone, recordName: props.domain.name, target });
      new AaaaRecord(this, 'DomainAAAA', { zone, recordName: props.domain.name, target });
    }

    // CloudFront publishes its metrics in us-east-1 only; elsewhere a CDN alarm would watch nothing.
    const cdnMetricsHere = !Token.isUnresolved(this.region) && this.region === 'us-east-1';
    if (!cdnMetricsHere) Annotations.of(this).addInfo('No CloudFront 5xx alarm: CloudFront publishes metrics in us-east-1 only (README, Operations).');
    const alarms = new Alarms(this, 'Alarm', {
      prefix,
      namespace: metricsNamespace,
      api,
      ...(cdnMetricsHere ? { distribution: cdn } : {}),
      tables: Object.values(tables),
      streamConsumers: functions.filter((f) => f.journalStream).map((f) => ({ name: f.name, fn: this.functions.get(f.name)! })),
      // 3 s like the whole API; feeds stream large calendars (20 s timeout), so theirs is 10 s.
      routeFunctions: functions.filter((f) => f.routes).map((f) => ({ name: f.name, fn: this.functions.get(f.name)!, p99BudgetMs: f.p99BudgetMs ?? (f.streaming ? 10_000 : 3_000) })),
      throwingFunctions: functions.filter((f) => !f.routes).map((f) => this.functions.get(f.name)!),
      streamFailures,
      dispatchFailures,
      topic: alarmTopic,
    });
    this.alarms = alarms;

    new CfnOutput(this, 'PublicBaseUrl', { value: publicBaseUrl, description: 'The service: API, feeds (<PublicBaseUrl>/feeds/<calendar>.ics) and the page' });
    new CfnOutput(this, 'CdnDomainName', { value: cdn.distributionDomainName, description: 'Point the custom domain here (CNAME or alias) when no hosted zone is given' });
    new CfnOutput(this, 'ApiUrl', { value: api.apiEndpoint, description: 'The HTTP API behind CloudFront (kept answering: old subscriptions may use it)' });
    new CfnOutput(this, 'FeedBaseUrl', { value: `${publicBaseUrl}/feeds/`, description: 'Calendar feeds: <FeedBaseUrl><calendar>.ics' });
    new CfnOutput(this, 'WebUrl', { value: `${publicBaseUrl}/`, description: 'The page' });
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

  private consumeJournal(spec: FunctionSpec, journal: Table, failures: Queue): void {
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
  }

  private httpApi(prefix: string, settings: (typeof stageSettings)[StageName]): HttpApi {
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
      format: JSON.stringify({
        requestId: '$context.requestId',
        ip: '$context.identity.sourceIp',
        time: '$context.requestTime',
        route: '$context.routeKey',
        status: '$context.status',
        latency: '$context.responseLatency',
        integrationError: '$context.integrationErrorMessage',
      }),
    };
    return api;
  }

  private distribution(api: HttpApi, prefix: string, props: TaqweemStackProps, feedsUrl: FunctionUrl): cloudfront.Distribution {
    // The region is the deploying stack's (a pseudo parameter), never the one the synth machine happened to default to.
    const origin = new HttpOrigin(`${api.apiId}.execute-api.${Aws.REGION}.${Aws.URL_SUFFIX}`, { protocolPolicy: cloudfront.OriginProtocolPolicy.HTTPS_ONLY });
    const feedCache = new cloudfront.CachePolicy(this, 'FeedCache', {
      cachePolicyName: `${prefix}-feeds`,
      comment: 'Feeds: briefly cached, keyed only by the parameters a feed reads; ETag passes through',
      defaultTtl: Duration.minutes(5),
      minTtl: Duration.seconds(0),
      maxTtl: Duration.hours(1),
      // Any other parameter (?utm=, ?x=<random>) would split the cache and reach the API on every request.
      queryStringBehavior: cloudfront.CacheQueryStringBehavior.allowList(...Object.keys(feedQuerySchema().shape)),
      headerBehavior: cloudfront.CacheHeaderBehavior.none(),
      enableAcceptEncodingGzip: true,
      enableAcceptEncodingBrotli: true,
    });
    const webAclId = props.waf ? this.webAcl(prefix, props.waf.ratePer5Minutes).attrArn : undefined;
    const distribution = new cloudfront.Distribution(this, 'Cdn', {
      comment: `${prefix}: feeds (cached) and the API`,
      ...(props.domain ? { domainNames: [props.domain.name], certificate: Certificate.fromCertificateArn(this, 'Certificate', props.domain.certificateArn) } : {}),
      minimumProtocolVersion: cloudfront.SecurityPolicyProtocol.TLS_V1_2_2021,
      ...(webAclId ? { webAclId } : {}),
      defaultBehavior: {
        origin,
        viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        allowedMethods: cloudfront.AllowedMethods.ALLOW_ALL,
        cachePolicy: cloudfront.CachePolicy.CACHING_DISABLED,
        originRequestPolicy: cloudfront.OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
        compress: true,
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
    const acknowledgements: [string, string][] = [
      ['AwsSolutions-CFR1', 'Calendars are public by design and subscribed to worldwide; no geo restriction applies.'],
      ['AwsSolutions-CFR3', 'Requests are already logged by the API access logs behind this distribution.'],
    ];
    if (!props.waf) acknowledgements.push(['AwsSolutions-CFR2', 'WAF is opt-in (-c waf=true, README): a web ACL costs ~$6/month; the API stage throttles on its own.']);
    if (!props.domain) acknowledgements.push(['AwsSolutions-CFR4', 'Without -c domainName the default *.cloudfront.net certificate (TLSv1 floor) is the only one possible; README: deploy with a domain.']);
    for (const [id, reason] of acknowledgements) Validations.of(distribution).acknowledge({ id, reason });
    return distribution;
  }

  /** A CloudFront-scoped web ACL: per-IP rate limit, so no single client can use up the API's throttle for everyone. */
  private webAcl(prefix: string, ratePer5Minutes: number): CfnWebACL {
    if (!Token.isUnresolved(this.region) && this.region !== 'us-east-1') throw new Error(`waf: a CloudFront web ACL must be created in us-east-1; this stack deploys to ${this.region}`);
    return new CfnWebACL(this, 'WebAcl', {
      name: `${prefix}-edge`,
      scope: 'CLOUDFRONT',
      defaultAction: { allow: {} },
      visibilityConfig: { cloudWatchMetricsEnabled: true, metricName: `${prefix}-edge`, sampledRequestsEnabled: true },
      rules: [
        {
          name: 'rate-per-ip',
          priority: 0,
          action: { block: {} },
          statement: { rateBasedStatement: { limit: ratePer5Minutes, aggregateKeyType: 'IP' } },
          visibilityConfig: { cloudWatchMetricsEnabled: true, metricName: `${prefix}-rate-per-ip`, sampledRequestsEnabled: true },
        },
      ],
    });
  }
}
