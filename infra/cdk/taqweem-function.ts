/** The house defaults for every function: Node.js 22 on arm64, ESM bundles, JSON logs with retention, least privilege. */
import { Duration, type RemovalPolicy, Stack, Validations, type CfnResource } from 'aws-cdk-lib';
import type { ITable, Table } from 'aws-cdk-lib/aws-dynamodb';
import { Effect, PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, LoggingFormat, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { join } from 'node:path';
import { bundleAliases, bundling } from '../bundling.ts';
import type { FunctionSpec } from '../functions.ts';
import { repositoryRoot } from '../paths.ts';

export interface TaqweemFunctionProps {
  spec: FunctionSpec;
  prefix: string;
  logRetention: RetentionDays;
  removalPolicy: RemovalPolicy;
  environment: Record<string, string>;
}

/** Reading the journal: single items and queries by stream. Scan is for the rebuild path alone. */
const JOURNAL_READ = ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:Query', 'dynamodb:ConditionCheckItem', 'dynamodb:DescribeTable'];
/** The journal is append-only: no function may change or remove what it holds, nor read it whole (Scan). */
const JOURNAL_NEVER = ['dynamodb:Scan', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:BatchWriteItem', 'dynamodb:PartiQLUpdate', 'dynamodb:PartiQLDelete', 'dynamodb:DeleteTable', 'dynamodb:UpdateTable'];

export class TaqweemFunction extends NodejsFunction {
  private readonly ownRole: Role;

  constructor(scope: Construct, id: string, props: TaqweemFunctionProps) {
    const { spec } = props;
    const logGroup = new LogGroup(scope, `${id}Logs`, { logGroupName: `/aws/lambda/${props.prefix}-${spec.name}`, retention: props.logRetention, removalPolicy: props.removalPolicy });
    // A role of its own instead of AWSLambdaBasicExecutionRole, which may write to every log group of the account.
    const role = new Role(scope, `${id}Role`, { assumedBy: new ServicePrincipal('lambda.amazonaws.com'), description: `${props.prefix}-${spec.name}` });
    logGroup.grantWrite(role);
    super(scope, id, {
      functionName: `${props.prefix}-${spec.name}`,
      entry: join(repositoryRoot, spec.entry),
      handler: 'handler',
      projectRoot: repositoryRoot,
      depsLockFilePath: join(repositoryRoot, 'package-lock.json'),
      runtime: Runtime.NODEJS_22_X,
      architecture: Architecture.ARM_64,
      memorySize: spec.memoryMb,
      timeout: Duration.seconds(spec.timeoutSeconds),
      loggingFormat: LoggingFormat.JSON,
      logGroup,
      role,
      tracing: Tracing.ACTIVE,
      // No --enable-source-maps: it costs every cold start 11-48 ms; the maps ship beside the bundle for decoding stack traces offline.
      environment: { ...props.environment, POWERTOOLS_SERVICE_NAME: spec.name },
      bundling: {
        format: OutputFormat.ESM,
        target: bundling.target,
        minify: bundling.minify,
        sourceMap: bundling.sourcemap,
        mainFields: [...bundling.mainFields],
        banner: bundling.banner,
        // esbuild runs in projectRoot (locally and in Docker), so the targets stay relative to it.
        esbuildArgs: { '--alias': Object.entries(bundleAliases).map(([from, to]) => `${from}=./${to}`) },
        // The AWS SDK is bundled, so what runs is the version that was tested.
        externalModules: [],
      },
    });
    this.ownRole = role;
    for (const [id, reason] of [
      ['AwsSolutions-L1', 'nodejs22.x is the chosen runtime: the bundles are loaded and driven under Node 22 in the tests (test/integration/bundle.test.ts, npx node@22).'],
      ['Serverless-LambdaLatestVersion', 'nodejs22.x is the chosen runtime: the bundles are loaded and driven under Node 22 in the tests (test/integration/bundle.test.ts, npx node@22).'],
      [
        'Serverless-LambdaDLQ',
        'API calls are synchronous and stream failures go to the on-failure queue; the one function invoked asynchronously (dispatch) has an on-failure destination, which this rule does not recognise.',
      ],
      ['AwsSolutions-IAM5[Resource::*]', 'X-Ray tracing actions (PutTraceSegments, PutTelemetryRecords) have no resource-level permissions.'],
    ] as const)
      this.acknowledge(id, reason);
  }

  /** Acknowledges a cdk-nag finding on the function and on its role (whose policy is a sibling construct). */
  acknowledge(id: string, reason: string): void {
    Validations.of(this).acknowledge({ id, reason });
    Validations.of(this.ownRole).acknowledge({ id, reason });
  }

  /**
   * Grants exactly what the spec says: read, or append to the journal (PutItem, with updates, deletes and Scan
   * denied outright), read or write the other tables.
   */
  bindTables(tables: { journal: Table; views: ITable; idempotency: ITable; deliveries: ITable; secrets: ITable }, access: FunctionSpec['tables']): void {
    const journal = [tables.journal.tableArn, `${tables.journal.tableArn}/index/*`];
    this.addToRolePolicy(new PolicyStatement({ effect: Effect.ALLOW, actions: JOURNAL_READ, resources: journal }));
    if (access.journal === 'append') tables.journal.grant(this, 'dynamodb:PutItem');
    this.addToRolePolicy(
      new PolicyStatement({
        effect: Effect.DENY,
        actions: JOURNAL_NEVER,
        resources: [tables.journal.tableArn, `${tables.journal.tableArn}/*`],
      }),
    );
    const journalId = Stack.of(this).getLogicalId(tables.journal.node.defaultChild as CfnResource);
    this.acknowledge(`AwsSolutions-IAM5[Resource::<${journalId}.Arn>/index/*]`, 'Queries may use the journal’s own secondary indexes, which this grant names by table.');
    // feeds: a reader packs month segments read-through; IAM lets it put those items only (by their key's prefix).
    if (access.feedSegments === 'write') {
      this.addToRolePolicy(
        new PolicyStatement({
          effect: Effect.ALLOW,
          actions: ['dynamodb:PutItem'],
          resources: [tables.views.tableArn],
          conditions: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['feedsegment#*'] } },
        }),
      );
    }
    for (const name of ['views', 'idempotency', 'deliveries', 'secrets'] as const) {
      const level = access[name];
      if (level === 'read') tables[name].grantReadData(this);
      if (level === 'write') tables[name].grantReadWriteData(this);
      if (level) {
        const logicalId = Stack.of(this).getLogicalId(tables[name].node.defaultChild as CfnResource);
        this.acknowledge(`AwsSolutions-IAM5[Resource::<${logicalId}.Arn>/index/*]`, `Queries use the ${name} table's own secondary indexes, which this grant names by table.`);
      }
    }
  }
}
