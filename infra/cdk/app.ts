/**
 * The CDK app: `npx cdk synth -c stage=dev|prod`, `npm run deploy -- -c stage=prod -c domainName=… -c certificateArn=…`.
 * Context: stage, domainName, certificateArn, hostedZoneId + hostedZoneName, alarmEmail, waf, wafRatePer5Minutes,
 * deliveryRetentionDays (README, Deploy).
 */
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { TaqweemStack, type StageName, type TaqweemStackProps } from './stack.ts';

/** Context values arrive as strings from `-c` and as JSON values from cdk.json. */
function context(app: App, name: string): string | undefined {
  const value: unknown = app.node.tryGetContext(name);
  return value === undefined || value === null || value === '' ? undefined : String(value);
}

function positive(app: App, name: string, fallback: number): number {
  const text = context(app, name);
  const value = text === undefined ? fallback : Number(text);
  if (!Number.isInteger(value) || value <= 0) throw new Error(`${name} must be a positive whole number, not ${JSON.stringify(text)}`);
  return value;
}

export function stackProps(app: App): Omit<TaqweemStackProps, 'env' | 'description'> {
  const stage = (context(app, 'stage') ?? 'dev') as StageName;
  if (stage !== 'dev' && stage !== 'prod') throw new Error(`stage must be dev or prod, not ${JSON.stringify(stage)} (-c stage=dev)`);
  const domainName = context(app, 'domainName');
  const certificateArn = context(app, 'certificateArn');
  if (Boolean(domainName) !== Boolean(certificateArn)) throw new Error('domainName and certificateArn go together: -c domainName=calendar.example.org -c certificateArn=arn:aws:acm:us-east-1:…');
  const hostedZoneId = context(app, 'hostedZoneId');
  const hostedZoneName = context(app, 'hostedZoneName') ?? (hostedZoneId && domainName ? domainName.split('.').slice(-2).join('.') : undefined);
  const alarmEmail = context(app, 'alarmEmail');
  return {
    stage,
    ...(domainName && certificateArn ? { domain: { name: domainName, certificateArn, ...(hostedZoneId && hostedZoneName ? { hostedZone: { id: hostedZoneId, name: hostedZoneName } } : {}) } } : {}),
    ...(alarmEmail ? { alarmEmail } : {}),
    ...(context(app, 'waf') === 'true' ? { waf: { ratePer5Minutes: positive(app, 'wafRatePer5Minutes', 2000) } } : {}),
    deliveryRetentionDays: positive(app, 'deliveryRetentionDays', 30),
  };
}

export function buildApp(app: App = new App()): { app: App; stack: TaqweemStack } {
  const props = stackProps(app);
  const stack = new TaqweemStack(app, `Taqweem-${props.stage}`, {
    ...props,
    env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION },
    description: `Taqweem event-sourced calendar service (${props.stage})`,
  });
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app), new ServerlessChecks(app));
  return { app, stack };
}
