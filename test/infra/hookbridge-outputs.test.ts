import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as sns from 'aws-cdk-lib/aws-sns';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { HookbridgeStack } from '../../infra/hookbridge-stack.js';
import { Hookbridge, type HookbridgeProps } from '../../infra/index.js';

// About the template, not the code: bundling is skipped.
const context = { 'aws:cdk:bundling-stacks': [] };

function embedded(props: HookbridgeProps = {}) {
  const stack = new Stack(new App({ context }), 'Embedding');
  return { stack, hookbridge: new Hookbridge(stack, 'Hookbridge', props) };
}

function idOf(template: Template, type: string, part: string): string {
  const ids = Object.keys(template.findResources(type)).filter((id) => id.includes(part));
  expect(ids, `${type} ${part}`).toHaveLength(1);
  return ids[0] as string;
}

describe('the Hookbridge construct', () => {
  it('types its outputs as the interfaces an application builds on, read-only', () => {
    expectTypeOf<Hookbridge['apiUrl']>().toEqualTypeOf<string>();
    expectTypeOf<Hookbridge['bus']>().toEqualTypeOf<events.IEventBus>();
    expectTypeOf<Hookbridge['eventBusName']>().toEqualTypeOf<string>();
    expectTypeOf<Hookbridge['archive']>().toEqualTypeOf<events.Archive>();
    expectTypeOf<Hookbridge['subscriptionsTable']>().toEqualTypeOf<dynamodb.ITable>();
    expectTypeOf<Hookbridge['deliveriesTable']>().toEqualTypeOf<dynamodb.ITable>();
    expectTypeOf<Hookbridge['idempotencyTable']>().toEqualTypeOf<dynamodb.ITable>();
    expectTypeOf<Hookbridge['accessTable']>().toEqualTypeOf<dynamodb.ITable>();
    expectTypeOf<Hookbridge['eventStoreTable']>().toEqualTypeOf<dynamodb.ITable>();
    expectTypeOf<Hookbridge['tokenApiUrl']>().toEqualTypeOf<string | undefined>();
    expectTypeOf<Hookbridge['authorizerFunction']>().toEqualTypeOf<lambda.IFunction | undefined>();
    expectTypeOf<Hookbridge['ingestFunction']>().toEqualTypeOf<lambda.IFunction>();
    expectTypeOf<Hookbridge['deliveryFunction']>().toEqualTypeOf<lambda.IFunction>();
    expectTypeOf<Hookbridge['managementFunction']>().toEqualTypeOf<lambda.IFunction>();
    expectTypeOf<Hookbridge['reconcilerFunction']>().toEqualTypeOf<lambda.IFunction>();
    expectTypeOf<Hookbridge['dashboardName']>().toEqualTypeOf<string>();
    expectTypeOf<Hookbridge['dashboardUrl']>().toEqualTypeOf<string>();
    expectTypeOf<Hookbridge['alarmTopic']>().toEqualTypeOf<sns.ITopic | undefined>();
    expectTypeOf<Hookbridge['webAppUrl']>().toEqualTypeOf<string | undefined>();
    // Never run: the compiler (npm run typecheck) holds the properties to readonly.
    const assignments = (hookbridge: Hookbridge, other: Hookbridge) => {
      // @ts-expect-error readonly
      hookbridge.apiUrl = 'https://elsewhere.example.com';
      // @ts-expect-error readonly
      hookbridge.bus = other.bus;
      // @ts-expect-error readonly
      hookbridge.deliveriesTable = other.subscriptionsTable;
      // @ts-expect-error readonly
      hookbridge.dashboardUrl = '';
    };
    expect(assignments).toBeTypeOf('function');
  });

  it('points each output at the resource it names', () => {
    const { stack, hookbridge } = embedded();
    const template = Template.fromStack(stack);
    const ref = (type: string, part: string) => ({ Ref: idOf(template, type, part) });
    const resolve = (value: unknown) => stack.resolve(value);

    expect(resolve(hookbridge.bus.eventBusName)).toEqual(ref('AWS::Events::EventBus', 'EventBus'));
    expect(resolve(hookbridge.eventBusName)).toEqual(ref('AWS::Events::EventBus', 'EventBus'));
    expect(resolve(hookbridge.archive.archiveName)).toEqual(ref('AWS::Events::Archive', 'Archive'));
    expect(resolve(hookbridge.subscriptionsTable.tableName)).toEqual(
      ref('AWS::DynamoDB::Table', 'Subscriptions'),
    );
    expect(resolve(hookbridge.deliveriesTable.tableName)).toEqual(
      ref('AWS::DynamoDB::Table', 'Deliveries'),
    );
    expect(resolve(hookbridge.idempotencyTable.tableName)).toEqual(
      ref('AWS::DynamoDB::Table', 'Idempotency'),
    );
    expect(resolve(hookbridge.accessTable.tableName)).toEqual(
      ref('AWS::DynamoDB::Table', 'AccessStore'),
    );
    expect(resolve(hookbridge.eventStoreTable.tableName)).toEqual(
      ref('AWS::DynamoDB::Table', 'EventStore'),
    );
    expect(resolve(hookbridge.authorizerFunction?.functionName)).toEqual(
      ref('AWS::Lambda::Function', 'TokenApiAuthorizer'),
    );
    const tokenApi = idOf(template, 'AWS::ApiGatewayV2::Api', 'TokenApi');
    expect(JSON.stringify(resolve(hookbridge.tokenApiUrl))).toContain(
      JSON.stringify({ Ref: tokenApi }),
    );
    expect(resolve(hookbridge.ingestFunction.functionName)).toEqual(
      ref('AWS::Lambda::Function', 'IngestApiFunction'),
    );
    expect(resolve(hookbridge.deliveryFunction.functionName)).toEqual(
      ref('AWS::Lambda::Function', 'DeliveryFunction'),
    );
    expect(resolve(hookbridge.managementFunction.functionName)).toEqual(
      ref('AWS::Lambda::Function', 'ManagementApiFunction'),
    );
    expect(resolve(hookbridge.reconcilerFunction.functionName)).toEqual(
      ref('AWS::Lambda::Function', 'ManagementApiReconciler'),
    );
    const dashboard = ref('AWS::CloudWatch::Dashboard', 'Dashboard');
    expect(resolve(hookbridge.dashboardName)).toEqual(dashboard);
    expect(JSON.stringify(resolve(hookbridge.dashboardUrl))).toContain(JSON.stringify(dashboard));
    expect(JSON.stringify(resolve(hookbridge.dashboardUrl))).toContain('#dashboards:name=');
    const api = idOf(template, 'AWS::ApiGatewayV2::Api', 'IngestApi');
    expect(JSON.stringify(resolve(hookbridge.apiUrl))).toContain(JSON.stringify({ Ref: api }));
    expect(hookbridge.alarmTopic).toBeUndefined();
    const distribution = idOf(template, 'AWS::CloudFront::Distribution', 'WebApp');
    expect(resolve(hookbridge.webAppDistribution?.distributionId)).toEqual({ Ref: distribution });
    expect(JSON.stringify(resolve(hookbridge.webAppUrl))).toContain(
      JSON.stringify({ 'Fn::GetAtt': [distribution, 'DomainName'] }),
    );
    expect(resolve(hookbridge.webAppBucket?.bucketName)).toEqual(
      ref('AWS::S3::Bucket', 'WebAppBucket'),
    );
  });

  it('gives the alarm topic when alarms notify someone', () => {
    const { stack, hookbridge } = embedded({ alarmEmail: 'ops@example.com' });
    const template = Template.fromStack(stack);
    expect(stack.resolve(hookbridge.alarmTopic?.topicArn)).toEqual({
      Ref: idOf(template, 'AWS::SNS::Topic', 'Alarm'),
    });
  });

  it('lets an application build on them: a rule on the bus, a read grant on the attempt log', () => {
    const { stack, hookbridge } = embedded();
    new events.Rule(stack, 'Audit', {
      eventBus: hookbridge.bus,
      eventPattern: { source: ['hookbridge.system'] },
    });
    const reader = new iam.Role(stack, 'Reader', {
      assumedBy: new iam.AccountRootPrincipal(),
    });
    hookbridge.deliveriesTable.grantReadData(reader);
    const template = Template.fromStack(stack);
    const bus = idOf(template, 'AWS::Events::EventBus', 'EventBus');
    template.hasResourceProperties('AWS::Events::Rule', {
      EventBusName: { Ref: bus },
      EventPattern: { source: ['hookbridge.system'] },
    });
    const table = idOf(template, 'AWS::DynamoDB::Table', 'Deliveries');
    template.hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: idOf(template, 'AWS::IAM::Role', 'Reader') }],
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Action: Match.arrayWith(['dynamodb:Query']),
            // The time index too: reading the log in attempt order queries it.
            Resource: Match.arrayWith([
              { 'Fn::GetAtt': [table, 'Arn'] },
              { 'Fn::Join': ['', [{ 'Fn::GetAtt': [table, 'Arn'] }, '/index/*']] },
            ]),
          }),
        ]),
      },
    });
  });
});

describe('the stack outputs', () => {
  it('are the construct’s properties', () => {
    const stack = new HookbridgeStack(new App({ context }), 'Hookbridge', {
      hookbridge: { alarmEmail: 'ops@example.com' },
    });
    const template = Template.fromStack(stack);
    const { hookbridge } = stack;
    const expected: Record<string, unknown> = {
      ApiUrl: hookbridge.apiUrl,
      EventBusName: hookbridge.eventBusName,
      ResourcePrefix: hookbridge.prefix,
      SubscriptionsTableName: hookbridge.subscriptionsTable.tableName,
      DeliveriesTableName: hookbridge.deliveriesTable.tableName,
      AccessTableName: hookbridge.accessTable.tableName,
      EventStoreTableName: hookbridge.eventStoreTable.tableName,
      TokenApiUrl: hookbridge.tokenApiUrl,
      AuthorizerFunctionName: hookbridge.authorizerFunction?.functionName,
      DeliveryFunctionName: hookbridge.deliveryFunction.functionName,
      ManagementFunctionName: hookbridge.managementFunction.functionName,
      ReconcilerFunctionName: hookbridge.reconcilerFunction.functionName,
      DashboardUrl: hookbridge.dashboardUrl,
      AlarmTopicArn: hookbridge.alarmTopic?.topicArn,
      WebAppUrl: hookbridge.webAppUrl,
    };
    const outputs = template.findOutputs('*');
    expect(Object.keys(outputs).sort()).toEqual(Object.keys(expected).sort());
    for (const [name, value] of Object.entries(expected))
      expect(outputs[name]?.Value, name).toEqual(stack.resolve(value));
  });
});
