import { readFileSync } from 'node:fs';
import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../infra/app.js';
import { HookbridgeStack, type HookbridgeStackProps } from '../../infra/hookbridge-stack.js';

// cdk.json's context, as `cdk synth` sees it; bundling is skipped (these tests read the template).
const context = {
  ...(JSON.parse(readFileSync(new URL('../../cdk.json', import.meta.url), 'utf8'))
    .context as Record<string, unknown>),
  'aws:cdk:bundling-stacks': [],
};

type Statement = { Action: string | string[]; Resource: unknown; Effect: string };

function synth(props: HookbridgeStackProps['hookbridge'] = {}): Template {
  return Template.fromStack(
    new HookbridgeStack(new App({ context }), 'Hookbridge', { hookbridge: props }),
  );
}

function logicalId(from: Template, type: string, part: string): string {
  const found = Object.keys(from.findResources(type)).filter((id) => id.includes(part));
  expect(found, `${type} ${part}`).toHaveLength(1);
  return found[0] as string;
}

/** The statements of every policy attached to the role of function `functionId`. */
function roleStatements(from: Template, functionId: string): Statement[] {
  const fn = from.findResources('AWS::Lambda::Function')[functionId];
  const roleId = fn?.Properties.Role['Fn::GetAtt'][0] as string;
  return Object.values(from.findResources('AWS::IAM::Policy'))
    .filter((p) => JSON.stringify(p.Properties.Roles) === JSON.stringify([{ Ref: roleId }]))
    .flatMap((p) => p.Properties.PolicyDocument.Statement as Statement[]);
}

const FUNCTIONS = [
  'IngestApiFunction',
  'DeliveryFunction',
  'ManagementApiFunction',
  'ManagementApiReconciler',
  'TokenApiAuthorizer',
];

let template: Template;
beforeAll(() => {
  // The product's own functions and roles; CDK's function that deploys the web app, and its
  // role, are held to their grants in web-app.test.ts.
  template = synth({ webApp: false });
});

describe('every function', () => {
  it('is built and run the same way: Node.js 22, arm64, JSON logs, source maps', () => {
    template.resourcePropertiesCountIs(
      'AWS::Lambda::Function',
      {
        Runtime: 'nodejs22.x',
        Architectures: ['arm64'],
        LoggingConfig: { LogFormat: 'JSON', LogGroup: { Ref: Match.anyValue() } },
        Environment: {
          Variables: Match.objectLike({ NODE_OPTIONS: '--enable-source-maps' }),
        },
      },
      FUNCTIONS.length,
    );
  });

  it('has the memory and timeout chosen for its job (see the comments at each function)', () => {
    const functions = template.findResources('AWS::Lambda::Function');
    const sizing = (id: string) => {
      const found = Object.keys(functions).filter((key) => key.includes(id));
      expect(found, id).toHaveLength(1);
      const { MemorySize, Timeout } = functions[found[0] as string]?.Properties ?? {};
      return { MemorySize, Timeout };
    };
    expect(sizing('IngestApiFunction')).toEqual({ MemorySize: 512, Timeout: 20 });
    expect(sizing('ManagementApiFunction')).toEqual({ MemorySize: 512, Timeout: 29 });
    expect(sizing('ManagementApiReconciler')).toEqual({ MemorySize: 256, Timeout: 240 });
    expect(sizing('DeliveryFunction')).toEqual({ MemorySize: 256, Timeout: 60 });
    expect(sizing('TokenApiAuthorizer')).toEqual({ MemorySize: 256, Timeout: 5 });
  });

  it('logs to a group that keeps lines for 30 days, or for the retention given', () => {
    const retentions = (from: Template) =>
      Object.values(from.findResources('AWS::Logs::LogGroup')).map(
        (group) => group.Properties.RetentionInDays,
      );
    // Five function log groups and the two APIs' access logs.
    expect(retentions(template)).toEqual(Array(7).fill(30));
    expect(retentions(synth({ logRetention: 90 }))).toEqual(Array(7).fill(90));
  });

  it('tells Powertools the namespace and the service the dashboards and alarms read', () => {
    const withPowertools = (service: string) => ({
      Environment: {
        Variables: Match.objectLike({
          POWERTOOLS_SERVICE_NAME: service,
          POWERTOOLS_METRICS_NAMESPACE: 'Hookbridge',
        }),
      },
    });
    template.resourcePropertiesCountIs(
      'AWS::Lambda::Function',
      withPowertools('hookbridge'),
      FUNCTIONS.length,
    );
    synth({ prefix: 'acme' }).resourcePropertiesCountIs(
      'AWS::Lambda::Function',
      withPowertools('acme'),
      FUNCTIONS.length,
    );
  });

  it.each(FUNCTIONS)('%s may write to its own log group, and to no other', (part) => {
    const functionId = logicalId(template, 'AWS::Lambda::Function', part);
    const fn = template.findResources('AWS::Lambda::Function')[functionId];
    const groupId = fn?.Properties.LoggingConfig.LogGroup.Ref as string;
    const logStatements = roleStatements(template, functionId).filter((s) =>
      [s.Action].flat().some((a) => a.startsWith('logs:')),
    );
    expect(logStatements).toEqual([
      {
        Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        Effect: 'Allow',
        Resource: { 'Fn::GetAtt': [groupId, 'Arn'] },
      },
    ]);
  });

  it('has a role without managed policies (no AWSLambdaBasicExecutionRole on every log group)', () => {
    const roles = Object.values(template.findResources('AWS::IAM::Role'));
    expect(roles).toHaveLength(FUNCTIONS.length);
    for (const role of roles) expect(role.Properties.ManagedPolicyArns).toBeUndefined();
  });

  it('leaves no log group to Lambda (no LogRetention custom resource)', () => {
    template.resourceCountIs('Custom::LogRetention', 0);
  });
});

describe('the HTTP API', () => {
  it('is named <prefix>-api and described for producers and operators', () => {
    template.hasResourceProperties('AWS::ApiGatewayV2::Api', {
      Name: 'hookbridge-api',
      Description: Match.stringLikeRegexp('/v1/events.*/v1/subscriptions'),
    });
    synth({ prefix: 'acme' }).hasResourceProperties('AWS::ApiGatewayV2::Api', {
      Name: 'acme-api',
    });
  });
});

describe('operational events', () => {
  it('may be published by the management function, on the Hookbridge bus only', () => {
    const busId = logicalId(template, 'AWS::Events::EventBus', 'EventBus');
    const management = logicalId(template, 'AWS::Lambda::Function', 'ManagementApiFunction');
    // Policies are minimized (cdk.json), so the grant may share a statement with other bus actions.
    const puts = roleStatements(template, management).filter((s) =>
      [s.Action].flat().includes('events:PutEvents'),
    );
    expect(puts.map((s) => [s.Effect, s.Resource])).toEqual([
      ['Allow', { 'Fn::GetAtt': [busId, 'Arn'] }],
    ]);
  });

  it('are not published by the reconciler, which gets no PutEvents', () => {
    const reconciler = logicalId(template, 'AWS::Lambda::Function', 'ManagementApiReconciler');
    const actions = roleStatements(template, reconciler).flatMap((s) => [s.Action].flat());
    expect(actions).not.toContain('events:PutEvents');
  });
});

describe('per-subscription metrics', () => {
  const perSubscription = (from: Template) =>
    Object.values(from.findResources('AWS::Lambda::Function')).filter(
      (fn) => fn.Properties.Environment.Variables.HOOKBRIDGE_METRICS_PER_SUBSCRIPTION !== undefined,
    );

  it('are off unless asked for: the delivery function gets no setting', () => {
    expect(perSubscription(template)).toEqual([]);
  });

  it('are turned on in the delivery function only', () => {
    const on = perSubscription(synth({ perSubscriptionMetrics: true }));
    expect(on).toHaveLength(1);
    expect(on[0]?.Properties.Description).toMatch(/^Hookbridge delivery/);
    expect(on[0]?.Properties.Environment.Variables.HOOKBRIDGE_METRICS_PER_SUBSCRIPTION).toBe(
      'true',
    );
  });
});

describe('the standalone app', () => {
  const appTemplate = (settings: Record<string, string>) => {
    const app = createApp({ context: { ...context, ...settings } });
    const stack = app.node.children.find((c) => c instanceof HookbridgeStack);
    return Template.fromStack(stack as HookbridgeStack);
  };

  it('reads the observability settings from context', () => {
    const custom = appTemplate({
      alarmEmail: 'ops@example.com',
      messageAgeThresholdMinutes: '30',
      perSubscriptionMetrics: 'true',
    });
    custom.hasResourceProperties('AWS::SNS::Subscription', { Endpoint: 'ops@example.com' });
    custom.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'DeliveryLatency',
      Threshold: 1_800_000,
    });
    custom.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ HOOKBRIDGE_METRICS_PER_SUBSCRIPTION: 'true' }) },
    });
  });

  it('notifies an existing alarm topic given by ARN, without making one', () => {
    const arn = 'arn:aws:sns:us-east-1:123456789012:ops-alarms';
    const custom = appTemplate({ alarmTopicArn: arn });
    custom.resourceCountIs('AWS::SNS::Topic', 0);
    const alarms = Object.values(custom.findResources('AWS::CloudWatch::Alarm'));
    expect(alarms.length).toBeGreaterThan(0);
    for (const alarm of alarms) expect(alarm.Properties.AlarmActions).toEqual([arn]);
  });

  it('reads the log retention from context, and refuses a period CloudWatch Logs does not have', () => {
    const custom = appTemplate({ logRetentionDays: '365' });
    const retentions = Object.values(custom.findResources('AWS::Logs::LogGroup')).map(
      (group) => group.Properties.RetentionInDays,
    );
    expect(retentions).toEqual(Array(7).fill(365));
    expect(() => appTemplate({ logRetentionDays: '45' })).toThrow(
      /context logRetentionDays: expected one of 1, 3, 5, 7, 14, 30, .*, got '45'/,
    );
  });
});
