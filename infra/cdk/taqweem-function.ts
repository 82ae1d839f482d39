/** The house defaults for every function: Node.js 22 on arm64, ESM bundles, JSON logs with retention, least privilege. */
import { Duration, RemovalPolicy, Stack, Validations, type CfnResource } from 'aws-cdk-lib';
import type { ITable, Table } from 'aws-cdk-lib/aws-dynamodb';
import { Effect, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { Architecture, LoggingFormat, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { join } from 'node:path';
import { bundling } from '../bundling.ts';
import type { FunctionSpec } from '../functions.ts';
import { repositoryRoot } from '../paths.ts';


export interface TaqweemFunctionProps {
  spec: FunctionSpec;
  prefix: string;
  logRetention: RetentionDays;
  removalPolicy: RemovalPolicy;
  environment: Record<string, string>;
}

export class TaqweemFunction extends NodejsFunction {
  constructor(scope: Construct, id: string, props: TaqweemFunctionProps) {
    const { spec } = props;
    const logGroup = new LogGroup(scope, `${id}Logs`, { logGroupName: `/aws/lambda/${props.prefix}-${spec.name}`, retention: props.logRetention, removalPolicy: props.removalPolicy });
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
      tracing: Tracing.ACTIVE,
      environment: { ...props.environment, NODE_OPTIONS: '--enable-source-maps' },
      bundling: {
        format: OutputFormat.ESM,
        target: bundling.target,
        minify: bundling.minify,
        sourceMap: bundling.sourcemap,
        mainFields: [...bundling.mainFields],
        banner: bundling.banner,
        // The AWS SDK is bundled, so what runs is the version that was tested.
        externalModules: [],
      },
    });
    for (const [id, reason] of [
      ['AwsSolutions-L1', 'nodejs22.x is the chosen runtime: it is what the code is tested for; moving to a newer one is a decision of its own.'],
      ['Serverless-LambdaLatestVersion', 'nodejs22.x is the chosen runtime: it is what the code is tested for; moving to a newer one is a decision of its own.'],
      ['Serverless-LambdaDLQ', 'API calls are synchronous and stream failures go to the on-failure queue; the one function invoked asynchronously (dispatch) has an on-failure destination, which this rule does not recognise.'],
      ['AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]', 'The basic execution role only lets the function write its own logs.'],
      ['AwsSolutions-IAM5[Resource::*]', 'X-Ray tracing actions (PutTraceSegments, PutTelemetryRecords) have no resource-level permissions.'],
    ] as const) Validations.of(this).acknowledge({ id, reason });
  }

  /**
   * Grants exactly what the spec says: read, or append to the journal (PutItem, with updates and deletes
   * denied outright), read or write the other tables.
   */
  bindTables(tables: { journal: Table; views: ITable; idempotency: ITable; deliveries: ITable; secrets: ITable }, access: FunctionSpec['tables']): void {
    tables.journal.grantReadData(this);
    if (access.journal === 'append') tables.journal.grant(this, 'dynamodb:PutItem');
    // The journal is append-only: no function may change or remove what it holds.
    this.addToRolePolicy(
      new PolicyStatement({
        effect: Effect.DENY,
        actions: ['dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:BatchWriteItem', 'dynamodb:PartiQLUpdate', 'dynamodb:PartiQLDelete', 'dynamodb:DeleteTable', 'dynamodb:UpdateTable'],
        resources: [tables.journal.tableArn, `${tables.journal.tableArn}/*`],
      }),
    );
    for (const name of ['views', 'idempotency', 'deliveries', 'secrets'] as const) {
      const level = access[name];
      if (level === 'read') tables[name].grantReadData(this);
      if (level === 'write') tables[name].grantReadWriteData(this);
      if (level) {
        const logicalId = Stack.of(this).getLogicalId(tables[name].node.defaultChild as CfnResource);
        Validations.of(this).acknowledge({ id: `AwsSolutions-IAM5[Resource::<${logicalId}.Arn>/index/*]`, reason: `Queries use the ${name} table's own secondary indexes, which this grant names by table.` });
      }
    }
  }
}
