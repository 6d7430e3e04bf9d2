import { App, Duration, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { Hookbridge, type HookbridgeProps } from '../../infra/index.js';

// Settings, not code: bundling is skipped to keep them fast.
function synth(props: HookbridgeProps = {}) {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  const stack = new Stack(app, 'Embedding', {
    env: { account: '111122223333', region: 'eu-west-1' },
  });
  new Hookbridge(stack, 'Hookbridge', props);
  return { template: Template.fromStack(stack) };
}

type Resources = Record<string, { Type: string; Properties: Record<string, unknown> }>;

function functionEnvironment(template: Template, logicalIdPart: string) {
  const functions = template.findResources('AWS::Lambda::Function') as Resources;
  const [entry] = Object.entries(functions).filter(([id]) => id.includes(logicalIdPart));
  const environment = entry?.[1].Properties.Environment as { Variables: Record<string, unknown> };
  return environment.Variables;
}

describe('cold lanes (the wake queue)', () => {
  it('are on by default: a wake queue only lane rules of this installation may send to', () => {
    const { template } = synth();
    const wakeQueue = template.findResources('AWS::SQS::Queue', {
      Properties: { RedrivePolicy: { maxReceiveCount: 5 } },
    });
    expect(Object.keys(wakeQueue)).toHaveLength(1);
    const [wakeId] = Object.keys(wakeQueue);
    template.hasResourceProperties('AWS::SQS::Queue', {
      SqsManagedSseEnabled: true,
      RedrivePolicy: { maxReceiveCount: 5 },
    });
    const policies = template.findResources('AWS::SQS::QueuePolicy') as Resources;
    const wakePolicy = Object.values(policies).find((policy) =>
      JSON.stringify(policy.Properties.Queues).includes(String(wakeId)),
    );
    if (!wakePolicy) throw new Error('the wake queue has no policy');
    const statements = (wakePolicy.Properties.PolicyDocument as { Statement: unknown[] })
      .Statement as Record<string, unknown>[];
    const allow = statements.filter((s) => s.Effect === 'Allow');
    // One statement for every rule: a condition on the ARN prefix, never one per rule.
    expect(allow).toHaveLength(1);
    expect(allow[0]).toMatchObject({
      Principal: { Service: 'events.amazonaws.com' },
      Action: 'sqs:SendMessage',
    });
    const condition = (allow[0]?.Condition ?? {}) as Record<string, Record<string, unknown>>;
    const sourceArn = JSON.stringify(condition.ArnLike?.['aws:SourceArn']);
    expect(sourceArn).toContain(':rule/');
    expect(sourceArn).toContain('/hookbridge-sub_*');
    expect(sourceArn).not.toMatch(/rule\/\*|:\*"/);
    // TLS only.
    expect(statements.some((s) => s.Effect === 'Deny')).toBe(true);
  });

  it('map the wake queue to the reconciler, with partial batch responses', () => {
    const { template } = synth();
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      BatchSize: 10,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      ScalingConfig: { MaximumConcurrency: 2 },
      FunctionName: Match.objectLike({ Ref: Match.stringLikeRegexp('Reconciler') }),
    });
  });

  it('tell the reconciler, the API and delivery the idle period and the wake queue', () => {
    const { template } = synth({ laneIdleTimeout: Duration.hours(6) });
    expect(functionEnvironment(template, 'Reconciler')).toMatchObject({
      HOOKBRIDGE_LANE_IDLE_SECONDS: '21600',
      HOOKBRIDGE_WAKE_QUEUE_ARN: expect.anything(),
    });
    expect(functionEnvironment(template, 'ManagementApiFunction')).toMatchObject({
      HOOKBRIDGE_WAKE_QUEUE_ARN: expect.anything(),
    });
    expect(functionEnvironment(template, 'DeliveryFunction')).toMatchObject({
      HOOKBRIDGE_LANE_IDLE_SECONDS: '21600',
    });
  });

  it('alarm on the wake DLQ', () => {
    const { template } = synth();
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Namespace: 'AWS/SQS',
      Threshold: 0,
    });
  });

  it('are off with an idle period of 0: no wake queue, no setting', () => {
    const { template } = synth({ laneIdleTimeout: Duration.seconds(0) });
    expect(
      Object.keys(
        template.findResources('AWS::SQS::Queue', {
          Properties: { RedrivePolicy: { maxReceiveCount: 5 } },
        }),
      ),
    ).toHaveLength(0);
    template.resourceCountIs('AWS::Lambda::EventSourceMapping', 0);
    expect(
      functionEnvironment(template, 'Reconciler').HOOKBRIDGE_LANE_IDLE_SECONDS,
    ).toBeUndefined();
    expect(functionEnvironment(template, 'Reconciler').HOOKBRIDGE_WAKE_QUEUE_ARN).toBeUndefined();
  });

  it('refuse an idle period shorter than two hours (delivery notes activity hourly)', () => {
    expect(() => synth({ laneIdleTimeout: Duration.minutes(30) })).toThrow(
      /laneIdleTimeout must be 0 \(cold lanes off\) or whole seconds of at least 2 hours/,
    );
  });
});
