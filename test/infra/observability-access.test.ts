import { readFileSync } from 'node:fs';
import { App, Duration } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { HookbridgeStack, type HookbridgeStackProps } from '../../infra/hookbridge-stack.js';

// The dashboard and alarms of issue 12: the token API, its authorizer and the event store.
// cdk.json's context; bundling is skipped (these tests read the template).
const context = {
  ...(JSON.parse(readFileSync(new URL('../../cdk.json', import.meta.url), 'utf8'))
    .context as Record<string, unknown>),
  'aws:cdk:bundling-stacks': [],
};

interface Widget {
  type: string;
  properties: { title?: string; metrics?: unknown[][]; alarms?: string[] };
}

function synth(props: HookbridgeStackProps['hookbridge'] = {}): Template {
  return Template.fromStack(
    new HookbridgeStack(new App({ context }), 'Hookbridge', { hookbridge: props }),
  );
}

function render(value: unknown): string {
  if (typeof value === 'string') return value;
  const v = (value ?? {}) as { Ref?: string; 'Fn::GetAtt'?: string[]; 'Fn::Join'?: [string, []] };
  if (v.Ref) return `\${${v.Ref}}`;
  if (v['Fn::GetAtt']) return `\${${v['Fn::GetAtt'].join('.')}}`;
  if (v['Fn::Join']) return v['Fn::Join'][1].map(render).join(v['Fn::Join'][0]);
  return JSON.stringify(value);
}

function widgetsOf(from: Template): Widget[] {
  const [dashboard] = Object.values(from.findResources('AWS::CloudWatch::Dashboard'));
  return JSON.parse(render(dashboard?.Properties.DashboardBody)).widgets as Widget[];
}

function linesOf(widgets: Widget[], title: string): string[] {
  const found = widgets.filter((w) => w.properties.title === title);
  expect(found, title).toHaveLength(1);
  return (found[0]?.properties.metrics ?? []).map((line) =>
    line
      .map((part) =>
        typeof part === 'string' ? part : `{${(part as { stat?: string }).stat ?? ''}}`,
      )
      .join(' '),
  );
}

function logicalId(from: Template, type: string, part: string): string {
  const found = Object.keys(from.findResources(type)).filter((id) => id.includes(part));
  expect(found, `${type} ${part}`).toHaveLength(1);
  return found[0] as string;
}

const titles = (widgets: Widget[]) => widgets.map((w) => w.properties.title ?? '');
const alarmIds = (from: Template) => Object.keys(from.findResources('AWS::CloudWatch::Alarm'));

let template: Template;
let widgets: Widget[];
let tokenApi: string;
let authorizer: string;

beforeAll(() => {
  template = synth();
  widgets = widgetsOf(template);
  tokenApi = logicalId(template, 'AWS::ApiGatewayV2::Api', 'TokenApi');
  authorizer = logicalId(template, 'AWS::Lambda::Function', 'TokenApiAuthorizer');
});

describe('the dashboard', () => {
  it('graphs the token API as it graphs the IAM API: requests, p50/p99 latency, 4xx/5xx', () => {
    const api = (metric: string) => `AWS/ApiGateway ${metric} ApiId \${${tokenApi}}`;
    expect(linesOf(widgets, 'Token API requests')).toEqual([`${api('Count')} {Sum}`]);
    expect(linesOf(widgets, 'Token API latency')).toEqual([
      `${api('Latency')} {p50}`,
      `${api('Latency')} {p99}`,
    ]);
    expect(linesOf(widgets, 'Token API errors')).toEqual([
      `${api('4xx')} {Sum}`,
      `${api('5xx')} {Sum}`,
    ]);
  });

  it("graphs the authorizer's invocations, errors, duration and refused credentials", () => {
    const fn = (metric: string) => `AWS/Lambda ${metric} FunctionName \${${authorizer}}`;
    expect(linesOf(widgets, 'Authorizer invocations and errors')).toEqual([
      `${fn('Invocations')} {Sum}`,
      `${fn('Errors')} {Sum}`,
      `${fn('Throttles')} {Sum}`,
    ]);
    expect(linesOf(widgets, 'Authorizer duration')).toEqual([
      `${fn('Duration')} {p50}`,
      `${fn('Duration')} {p99}`,
    ]);
    expect(linesOf(widgets, 'Credentials accepted and refused')).toEqual([
      'Hookbridge CredentialsAccepted service hookbridge {Sum}',
      'Hookbridge CredentialsRefused service hookbridge {Sum}',
    ]);
  });

  it('graphs the events stored and the failures to store one', () => {
    expect(linesOf(widgets, 'Events stored for the message API')).toEqual([
      'Hookbridge EventsStored service hookbridge {Sum}',
      'Hookbridge EventStoreFailures service hookbridge {Sum}',
    ]);
  });

  it('follows the prefix in the service dimension of the new metrics', () => {
    const acme = widgetsOf(synth({ prefix: 'acme' }));
    expect(linesOf(acme, 'Credentials accepted and refused')[1]).toBe(
      'Hookbridge CredentialsRefused service acme {Sum}',
    );
  });

  it('shows neither the token API nor the authorizer when there is no token API', () => {
    const without = titles(widgetsOf(synth({ tokenApi: false })));
    expect(without.filter((t) => t.startsWith('Token API') || t.startsWith('Authorizer'))).toEqual(
      [],
    );
    expect(without).not.toContain('Credentials accepted and refused');
    // The IAM API's widgets stay.
    expect(without).toContain('API requests');
  });

  it('shows no event store when it is off', () => {
    expect(titles(widgetsOf(synth({ eventRetention: Duration.days(0) })))).not.toContain(
      'Events stored for the message API',
    );
  });
});

describe('the alarms', () => {
  const alarm = (from: Template, part: string) =>
    from.findResources('AWS::CloudWatch::Alarm')[logicalId(from, 'AWS::CloudWatch::Alarm', part)]
      ?.Properties;

  it('fire on any authorizer error (API Gateway answers 500 to every uncached token caller)', () => {
    expect(alarm(template, 'ObservabilityAuthorizerErrors')).toMatchObject({
      Namespace: 'AWS/Lambda',
      MetricName: 'Errors',
      Dimensions: [{ Name: 'FunctionName', Value: { Ref: authorizer } }],
      Statistic: 'Sum',
      Period: 300,
      Threshold: 0,
      ComparisonOperator: 'GreaterThanThreshold',
      TreatMissingData: 'notBreaching',
    });
  });

  it('fire on any 5xx of the token API', () => {
    expect(alarm(template, 'ObservabilityTokenApiServerErrors')).toMatchObject({
      Namespace: 'AWS/ApiGateway',
      MetricName: '5xx',
      Dimensions: [{ Name: 'ApiId', Value: { Ref: tokenApi } }],
      Statistic: 'Sum',
      Threshold: 0,
    });
  });

  it('fire on any event that could not be stored', () => {
    expect(alarm(template, 'ObservabilityEventStoreFailures')).toMatchObject({
      Namespace: 'Hookbridge',
      MetricName: 'EventStoreFailures',
      Dimensions: [{ Name: 'service', Value: 'hookbridge' }],
      Statistic: 'Sum',
      Threshold: 0,
    });
  });

  it('are made only for what exists: no token API, no store', () => {
    const ids = alarmIds(synth({ tokenApi: false, eventRetention: Duration.days(0) }));
    expect(ids.filter((id) => /Authorizer|TokenApi|EventStore/.test(id))).toEqual([]);
    // Six of the core, and the wake queue's dead letters (cold lanes are on by default).
    expect(ids).toHaveLength(7);
    expect(ids.filter((id) => /WakeDeadLetters/.test(id))).toHaveLength(1);
  });

  it('are each shown on the status widget and notify the topic', () => {
    const withEmail = synth({ alarmEmail: 'ops@example.com' });
    const topic = logicalId(withEmail, 'AWS::SNS::Topic', 'AlarmTopic');
    for (const part of ['AuthorizerErrors', 'TokenApiServerErrors', 'EventStoreFailures']) {
      const id = logicalId(withEmail, 'AWS::CloudWatch::Alarm', `Observability${part}`);
      const props = withEmail.findResources('AWS::CloudWatch::Alarm')[id]?.Properties;
      expect(props?.AlarmActions, part).toEqual([{ Ref: topic }]);
      expect(props?.OKActions, part).toEqual([{ Ref: topic }]);
      const status = widgetsOf(withEmail).find((w) => w.type === 'alarm');
      expect(
        status?.properties.alarms?.some((arn) => arn.includes(`\${${id}`)),
        part,
      ).toBe(true);
    }
  });
});
