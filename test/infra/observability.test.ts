import { readFileSync } from 'node:fs';
import { App, Duration, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as sns from 'aws-cdk-lib/aws-sns';
import { beforeAll, describe, expect, it } from 'vitest';
import { HookbridgeStack, type HookbridgeStackProps } from '../../infra/hookbridge-stack.js';

// cdk.json's context, as `cdk synth` sees it; these tests are about the template, not the
// code, so bundling is skipped.
const context = {
  ...(JSON.parse(readFileSync(new URL('../../cdk.json', import.meta.url), 'utf8'))
    .context as Record<string, unknown>),
  'aws:cdk:bundling-stacks': [],
};

interface Widget {
  type: string;
  properties: {
    title?: string;
    metrics?: unknown[][];
    query?: string;
    alarms?: string[];
  };
}

function synth(props: HookbridgeStackProps['hookbridge'] = {}): Template {
  return Template.fromStack(
    new HookbridgeStack(new App({ context }), 'Hookbridge', { hookbridge: props }),
  );
}

/** A CloudFormation value as a string: `${Ref}`, `${Id.Attr}`, joins flattened. */
function render(value: unknown): string {
  if (typeof value === 'string') return value;
  const v = (value ?? {}) as { Ref?: string; 'Fn::GetAtt'?: string[]; 'Fn::Join'?: [string, []] };
  if (v.Ref) return `\${${v.Ref}}`;
  if (v['Fn::GetAtt']) return `\${${v['Fn::GetAtt'].join('.')}}`;
  if (v['Fn::Join']) return v['Fn::Join'][1].map(render).join(v['Fn::Join'][0]);
  return JSON.stringify(value);
}

/** The dashboard's widgets: its body is an Fn::Join of JSON text and references. */
function widgetsOf(template: Template): Widget[] {
  const dashboards = Object.values(template.findResources('AWS::CloudWatch::Dashboard'));
  expect(dashboards).toHaveLength(1);
  return JSON.parse(render(dashboards[0]?.Properties.DashboardBody)).widgets as Widget[];
}

function widget(widgets: Widget[], title: string): Widget {
  const found = widgets.filter((w) => w.properties.title === title);
  expect(found, title).toHaveLength(1);
  return found[0] as Widget;
}

/** Each line of a metric widget: `Namespace MetricName dim value… {stat}` or its expression. */
function linesOf(w: Widget): string[] {
  return (w.properties.metrics ?? []).map((line) =>
    line
      .map((part) => {
        if (typeof part === 'string') return part;
        const options = part as { expression?: string; stat?: string };
        return options.expression ?? `{${options.stat}}`;
      })
      .join(' '),
  );
}

function logicalId(template: Template, type: string, part: string): string {
  const found = Object.keys(template.findResources(type)).filter((id) => id.includes(part));
  expect(found, `${type} ${part}`).toHaveLength(1);
  return found[0] as string;
}

/** The alarms of the default installation (token API on, event store on, cold lanes on). */
const ALARMS = 10;

let template: Template;
let widgets: Widget[];
let ids: Record<'api' | 'bus' | 'ingest' | 'delivery' | 'deliveryLogs', string>;

beforeAll(() => {
  template = synth();
  widgets = widgetsOf(template);
  ids = {
    api: logicalId(template, 'AWS::ApiGatewayV2::Api', 'IngestApi'),
    bus: logicalId(template, 'AWS::Events::EventBus', 'EventBus'),
    ingest: logicalId(template, 'AWS::Lambda::Function', 'IngestApiFunction'),
    delivery: logicalId(template, 'AWS::Lambda::Function', 'DeliveryFunction'),
    deliveryLogs: logicalId(template, 'AWS::Logs::LogGroup', 'DeliveryFunctionLogs'),
  };
});

describe('dashboard', () => {
  it('is one per installation, named after the prefix and the region', () => {
    template.hasResourceProperties('AWS::CloudWatch::Dashboard', {
      DashboardName: { 'Fn::Join': ['', ['hookbridge-', { Ref: 'AWS::Region' }]] },
    });
  });

  it('graphs requests, latency p50/p99 and 4xx/5xx of the API, by ApiId', () => {
    const api = `AWS/ApiGateway %s ApiId \${${ids.api}}`;
    expect(linesOf(widget(widgets, 'API requests'))).toEqual([
      `${api.replace('%s', 'Count')} {Sum}`,
    ]);
    expect(linesOf(widget(widgets, 'API latency'))).toEqual([
      `${api.replace('%s', 'Latency')} {p50}`,
      `${api.replace('%s', 'Latency')} {p99}`,
    ]);
    expect(linesOf(widget(widgets, 'API errors'))).toEqual([
      `${api.replace('%s', '4xx')} {Sum}`,
      `${api.replace('%s', '5xx')} {Sum}`,
    ]);
  });

  it('graphs ingest function errors and the events ingested, published and not published', () => {
    expect(linesOf(widget(widgets, 'Ingest function errors'))).toEqual([
      `AWS/Lambda Errors FunctionName \${${ids.ingest}} {Sum}`,
      `AWS/Lambda Throttles FunctionName \${${ids.ingest}} {Sum}`,
    ]);
    expect(linesOf(widget(widgets, 'Events ingested and published'))).toEqual(
      ['EventsIngested', 'EventsPublished', 'PublishFailures'].map(
        (name) => `Hookbridge ${name} service hookbridge {Sum}`,
      ),
    );
  });

  it("sums TriggeredRules, Invocations and FailedInvocations over the bus's rules", () => {
    const lines = linesOf(widget(widgets, 'EventBridge fan-out (all subscription rules)'));
    expect(lines).toEqual(
      ['TriggeredRules', 'Invocations', 'FailedInvocations'].map(
        (name) =>
          `SUM(SEARCH('{AWS/Events,EventBusName,RuleName} MetricName="${name}" EventBusName="\${${ids.bus}}"', 'Sum', 300))`,
      ),
    );
  });

  it('graphs delivery outcomes and delivery latency p50/p99', () => {
    expect(linesOf(widget(widgets, 'Delivery outcomes'))).toEqual(
      ['Delivered', 'DeliveryFailed', 'DeliveryExhausted', 'DeadLettered'].map(
        (name) => `Hookbridge ${name} service hookbridge {Sum}`,
      ),
    );
    expect(linesOf(widget(widgets, 'Delivery latency (queued → 2xx)'))).toEqual([
      'Hookbridge DeliveryLatency service hookbridge {p50}',
      'Hookbridge DeliveryLatency service hookbridge {p99}',
    ]);
  });

  it('finds every run-time subscriber queue by SEARCH, main queues and DLQs apart', () => {
    const search = (metric: string, dlq: string) =>
      `SEARCH('{AWS/SQS,QueueName} MetricName="${metric}" QueueName=hookbridge-sub ${dlq}', 'Maximum', 60)`;
    expect(linesOf(widget(widgets, 'Subscriber queue depth'))).toEqual([
      search('ApproximateNumberOfMessagesVisible', 'NOT QueueName=dlq'),
    ]);
    expect(linesOf(widget(widgets, 'Subscriber oldest message age (s)'))).toEqual([
      search('ApproximateAgeOfOldestMessage', 'NOT QueueName=dlq'),
    ]);
    expect(linesOf(widget(widgets, 'Dead-letter queue depth'))).toEqual([
      search('ApproximateNumberOfMessagesVisible', 'QueueName=dlq'),
    ]);
  });

  it('follows the prefix in the queue searches and the service dimension', () => {
    const custom = widgetsOf(synth({ prefix: 'acme' }));
    expect(linesOf(widget(custom, 'Dead-letter queue depth'))[0]).toContain('QueueName=acme-sub ');
    expect(linesOf(widget(custom, 'Delivery outcomes'))[0]).toBe(
      'Hookbridge Delivered service acme {Sum}',
    );
  });

  it('lists recent delivery failures from the delivery log group with Logs Insights', () => {
    const logs = widgets.filter((w) => w.type === 'log');
    expect(logs).toHaveLength(1);
    const query = logs[0]?.properties.query ?? '';
    expect(query.startsWith(`SOURCE '\${${ids.deliveryLogs}}' | fields @timestamp`)).toBe(true);
    expect(query).toContain('| filter level = "WARN" or level = "ERROR"');
    expect(query).toContain('| sort @timestamp desc');
  });

  it('shows the state of every alarm', () => {
    const status = widgets.filter((w) => w.type === 'alarm');
    expect(status).toHaveLength(1);
    // Each entry is the ARN of an alarm (a GetAtt or an ARN built on the alarm's name).
    const alarmIds = Object.keys(template.findResources('AWS::CloudWatch::Alarm'));
    const shown = (status[0]?.properties.alarms ?? []).map((arn) =>
      alarmIds.find((id) => arn.includes(`\${${id}`)),
    );
    expect(shown.sort()).toEqual(alarmIds.sort());
  });

  it('shows failures by subscription only when per-subscription metrics are on', () => {
    const title = 'Delivery failures by subscription';
    expect(widgets.some((w) => w.properties.title === title)).toBe(false);
    const perSubscription = widgetsOf(synth({ perSubscriptionMetrics: true }));
    expect(linesOf(widget(perSubscription, title))).toEqual([
      `SEARCH('{Hookbridge,SubscriptionId,service} MetricName="DeliveryFailed" service="hookbridge"', 'Sum', 300)`,
    ]);
  });

  it('is linked from the stack outputs', () => {
    const url = render(template.findOutputs('DashboardUrl').DashboardUrl?.Value);
    expect(url).toMatch(
      /^https:\/\/\$\{AWS::Region\}\.console\.aws\.amazon\.com\/cloudwatch\/home\?region=\$\{AWS::Region\}#dashboards:name=\$\{HookbridgeObservabilityDashboard\w+\}$/,
    );
  });
});

describe('alarms', () => {
  const alarmNamed = (part: string) =>
    template.findResources('AWS::CloudWatch::Alarm')[
      logicalId(template, 'AWS::CloudWatch::Alarm', `Observability${part}`)
    ]?.Properties;

  interface AlarmMetric {
    readonly Id: string;
    readonly Expression?: string;
    readonly MetricStat?: {
      readonly Metric: { MetricName: string; Namespace: string; Dimensions?: unknown[] };
      readonly Stat: string;
    };
  }
  /** A metric-math alarm's expression and the metrics it reads, in template order. */
  const mathOf = (alarm: Record<string, unknown> | undefined) => {
    const metrics = (alarm?.Metrics ?? []) as AlarmMetric[];
    return {
      expression: metrics.find((m) => m.Expression)?.Expression,
      stats: metrics.filter((m) => m.MetricStat),
    };
  };

  it('are the five of DESIGN §6, one on the delivery function and three of issue 12, each firing on one 5-minute breach, silent without data', () => {
    // Issue 12's: the token API's 5xx, the authorizer's errors, failures to store events
    // (observability-access.test.ts).
    template.resourceCountIs('AWS::CloudWatch::Alarm', ALARMS);
    template.resourcePropertiesCountIs(
      'AWS::CloudWatch::Alarm',
      {
        ComparisonOperator: 'GreaterThanThreshold',
        EvaluationPeriods: 1,
        DatapointsToAlarm: 1,
        TreatMissingData: 'notBreaching',
      },
      ALARMS,
    );
  });

  it('fire when the delivery function fails in a way it cannot count itself', () => {
    const alarm = alarmNamed('DeliveryFunctionErrors');
    expect(alarm?.Threshold).toBe(0);
    const { expression, stats } = mathOf(alarm);
    expect(expression).toBe('FILL(invocationErrors, 0) + FILL(recordErrors, 0)');
    expect(
      stats.map((m) => [
        m.Id,
        m.MetricStat?.Metric.Namespace,
        m.MetricStat?.Metric.MetricName,
        m.MetricStat?.Stat,
      ]),
    ).toEqual([
      ['invocationErrors', 'AWS/Lambda', 'Errors', 'Sum'],
      ['recordErrors', 'Hookbridge', 'DeliveryErrors', 'Sum'],
    ]);
    expect(stats[0]?.MetricStat?.Metric.Dimensions).toEqual([
      { Name: 'FunctionName', Value: { Ref: ids.delivery } },
    ]);
  });

  it('fire when any message goes to a dead-letter queue, whichever subscriber it is', () => {
    const alarm = alarmNamed('DeadLetters');
    expect(alarm?.Threshold).toBe(0);
    const { expression, stats } = mathOf(alarm);
    expect(expression).toBe('FILL(exhausted, 0) + FILL(deadLettered, 0)');
    expect(stats.map((m) => [m.Id, m.MetricStat?.Metric.MetricName, m.MetricStat?.Stat])).toEqual([
      ['exhausted', 'DeliveryExhausted', 'Sum'],
      ['deadLettered', 'DeadLettered', 'Sum'],
    ]);
  });

  it('fire when a delivery arrives later than the message-age threshold', () => {
    expect(alarmNamed('MessageAge')).toMatchObject({
      Namespace: 'Hookbridge',
      MetricName: 'DeliveryLatency',
      Dimensions: [{ Name: 'service', Value: 'hookbridge' }],
      Statistic: 'Maximum',
      Period: 300,
      Threshold: 3_600_000,
    });
    synth({ messageAgeThreshold: Duration.minutes(15) }).hasResourceProperties(
      'AWS::CloudWatch::Alarm',
      { MetricName: 'DeliveryLatency', Threshold: 900_000 },
    );
  });

  it('fire on any API 5xx, any publish failure and any disabled subscription', () => {
    expect(alarmNamed('ApiServerErrors')).toMatchObject({
      Namespace: 'AWS/ApiGateway',
      MetricName: '5xx',
      Dimensions: [{ Name: 'ApiId', Value: { Ref: ids.api } }],
      Statistic: 'Sum',
      Threshold: 0,
    });
    for (const name of ['PublishFailures', 'SubscriptionsDisabled']) {
      expect(alarmNamed(name)).toMatchObject({
        Namespace: 'Hookbridge',
        MetricName: name,
        Statistic: 'Sum',
        Threshold: 0,
      });
    }
  });

  it('use no SEARCH expression, which CloudWatch alarms refuse', () => {
    const text = JSON.stringify(template.findResources('AWS::CloudWatch::Alarm'));
    expect(text).not.toContain('SEARCH');
  });
});

describe('alarm notifications', () => {
  it('go nowhere and need no topic unless asked for', () => {
    template.resourceCountIs('AWS::SNS::Topic', 0);
    template.resourceCountIs('AWS::KMS::Key', 0);
    template.resourcePropertiesCountIs(
      'AWS::CloudWatch::Alarm',
      { AlarmActions: Match.absent(), OKActions: Match.absent() },
      ALARMS,
    );
    expect(template.findOutputs('AlarmTopicArn')).toEqual({});
  });

  describe('with alarmEmail', () => {
    let withEmail: Template;
    let topicId: string;
    beforeAll(() => {
      withEmail = synth({ alarmEmail: 'ops@example.com' });
      topicId = logicalId(withEmail, 'AWS::SNS::Topic', 'AlarmTopic');
    });

    it('subscribe the address to a new topic', () => {
      withEmail.hasResourceProperties('AWS::SNS::Subscription', {
        Protocol: 'email',
        Endpoint: 'ops@example.com',
        TopicArn: { Ref: topicId },
      });
      withEmail.hasOutput('AlarmTopicArn', { Value: { Ref: topicId } });
    });

    it('encrypt the topic with a rotating key CloudWatch may use', () => {
      const keyId = logicalId(withEmail, 'AWS::KMS::Key', 'AlarmTopicKey');
      withEmail.hasResourceProperties('AWS::SNS::Topic', {
        KmsMasterKeyId: { 'Fn::GetAtt': [keyId, 'Arn'] },
      });
      withEmail.hasResourceProperties('AWS::KMS::Key', {
        EnableKeyRotation: true,
        KeyPolicy: {
          Statement: Match.arrayWith([
            Match.objectLike({
              Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
              Principal: { Service: 'cloudwatch.amazonaws.com' },
            }),
          ]),
        },
      });
    });

    it('let CloudWatch publish to the topic, over TLS only', () => {
      withEmail.hasResourceProperties('AWS::SNS::TopicPolicy', {
        Topics: [{ Ref: topicId }],
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({
              Effect: 'Deny',
              Action: 'sns:Publish',
              Condition: { Bool: { 'aws:SecureTransport': 'false' } },
            }),
            Match.objectLike({
              Effect: 'Allow',
              Action: 'sns:Publish',
              Principal: { Service: 'cloudwatch.amazonaws.com' },
              Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } },
            }),
          ]),
        },
      });
    });

    it('notify the topic from every alarm, on ALARM and on OK', () => {
      withEmail.resourcePropertiesCountIs(
        'AWS::CloudWatch::Alarm',
        { AlarmActions: [{ Ref: topicId }], OKActions: [{ Ref: topicId }] },
        ALARMS,
      );
    });
  });

  it('use the topic given, without making one', () => {
    const stack = new Stack(new App({ context }), 'Ops');
    const topic = sns.Topic.fromTopicArn(
      stack,
      'Pager',
      'arn:aws:sns:eu-west-1:111122223333:pager',
    );
    const given = synth({ alarmTopic: topic });
    given.resourceCountIs('AWS::SNS::Topic', 0);
    given.resourcePropertiesCountIs(
      'AWS::CloudWatch::Alarm',
      { AlarmActions: ['arn:aws:sns:eu-west-1:111122223333:pager'] },
      ALARMS,
    );
  });
});
