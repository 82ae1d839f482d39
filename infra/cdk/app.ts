/** The CDK app: `npx cdk synth -c stage=dev|prod`, `npm run deploy -- -c stage=prod`. */
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { TaqweemStack, type StageName } from './stack.ts';

export function buildApp(app: App = new App()): { app: App; stack: TaqweemStack } {
  const stage = (app.node.tryGetContext('stage') ?? 'dev') as StageName;
  if (stage !== 'dev' && stage !== 'prod') throw new Error(`stage must be dev or prod, not ${JSON.stringify(stage)} (-c stage=dev)`);
  const stack = new TaqweemStack(app, `Taqweem-${stage}`, {
    stage,
    env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION },
    description: `Taqweem event-sourced calendar service (${stage})`,
  });
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app), new ServerlessChecks(app));
  return { app, stack };
}

