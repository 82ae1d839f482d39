/** Feeds on AWS: a streaming function URL that only CloudFront may call, and an index that copies only fragments. */
import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../infra/cdk/app.ts';

let template: Template;
beforeAll(() => {
  const { app, stack } = buildApp(new App({ context: { stage: 'prod', 'aws:cdk:bundling-stacks': [] } }));
  app.synth();
  template = Template.fromStack(stack);
}, 120_000);

const logicalId = (type: string, properties: Record<string, unknown>) => Object.keys(template.findResources(type, { Properties: properties }))[0]!;

describe('feeds on AWS', () => {
  it('stream from a function URL (RESPONSE_STREAM, IAM auth), not through the HTTP API', () => {
    const feeds = logicalId('AWS::Lambda::Function', { FunctionName: 'taqweem-prod-feeds-get' });
    template.hasResourceProperties('AWS::Lambda::Url', { TargetFunctionArn: { 'Fn::GetAtt': [feeds, 'Arn'] }, AuthType: 'AWS_IAM', InvokeMode: 'RESPONSE_STREAM' });
    const routes = Object.values(template.findResources('AWS::ApiGatewayV2::Route')).map((r) => (r as { Properties: { RouteKey: string } }).Properties.RouteKey);
    expect(routes.filter((route) => route.includes('/feeds/'))).toEqual([]);
    template.hasResourceProperties('AWS::Lambda::Function', { FunctionName: 'taqweem-prod-feeds-get', Environment: { Variables: Match.objectLike({ FEED_INDEX_SETTLE_MS: '2000' }) } });
  });

  it('reach it through CloudFront with origin access control, which alone may invoke it', () => {
    const url = logicalId('AWS::Lambda::Url', { InvokeMode: 'RESPONSE_STREAM' });
    const oac = logicalId('AWS::CloudFront::OriginAccessControl', { OriginAccessControlConfig: Match.objectLike({ OriginAccessControlOriginType: 'lambda', SigningBehavior: 'always', SigningProtocol: 'sigv4' }) });
    const distribution = Object.values(template.findResources('AWS::CloudFront::Distribution'))[0] as {
      Properties: { DistributionConfig: { Origins: { Id: string; DomainName: unknown; OriginAccessControlId?: unknown }[]; CacheBehaviors: { PathPattern: string; TargetOriginId: string }[] } };
    };
    const { Origins, CacheBehaviors } = distribution.Properties.DistributionConfig;
    const feedsBehavior = CacheBehaviors.find((behavior) => behavior.PathPattern === '/feeds/*')!;
    const origin = Origins.find((o) => o.Id === feedsBehavior.TargetOriginId)!;
    expect(JSON.stringify(origin.DomainName)).toContain(url);
    expect(origin.OriginAccessControlId).toEqual({ 'Fn::GetAtt': [oac, 'Id'] });
    for (const action of ['lambda:InvokeFunctionUrl', 'lambda:InvokeFunction']) {
      template.hasResourceProperties('AWS::Lambda::Permission', { Action: action, Principal: 'cloudfront.amazonaws.com', SourceArn: Match.anyValue() });
    }
  });

  it('read fragments from byFeed, which copies only them', () => {
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      TableName: 'taqweem-prod-views',
      GlobalSecondaryIndexes: Match.arrayWith([
        {
          IndexName: 'byFeed',
          KeySchema: [
            { AttributeName: 'feedPartition', KeyType: 'HASH' },
            { AttributeName: 'feedEnd', KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'INCLUDE', NonKeyAttributes: ['feed', 'feedZ'] },
        },
      ]),
    });
  });
});
