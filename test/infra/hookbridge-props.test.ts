import { App, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import { describe, expect, it } from 'vitest';
import { Hookbridge, type HookbridgeProps } from '../../infra/index.js';

// These tests are about settings, not code: bundling is skipped to keep them fast.
function synth(
  props: HookbridgeProps = {},
  extra?: (stack: Stack, hookbridge: Hookbridge) => void,
) {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  const stack = new Stack(app, 'Embedding');
  const hookbridge = new Hookbridge(stack, 'Hookbridge', props);
  extra?.(stack, hookbridge);
  return Template.fromStack(stack);
}

describe('Hookbridge settings', () => {
  it('sets the stage throttling', () => {
    const template = synth({ throttlingRateLimit: 50, throttlingBurstLimit: 20 });
    template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      DefaultRouteSettings: { ThrottlingRateLimit: 50, ThrottlingBurstLimit: 20 },
    });
  });

  it('passes the event source and the size limit to the function', () => {
    const template = synth({ eventSource: 'acme.shop', maxEventBytes: 1_048_576 });
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({
          HOOKBRIDGE_EVENT_SOURCE: 'acme.shop',
          HOOKBRIDGE_MAX_EVENT_BYTES: '1048576',
        }),
      },
    });
  });

  it('keeps the archive as long as asked', () => {
    synth({ archiveRetention: Duration.days(90) }).hasResourceProperties('AWS::Events::Archive', {
      RetentionDays: 90,
    });
  });

  it('names the API after the prefix', () => {
    synth({ prefix: 'acme-hooks' }).hasResourceProperties('AWS::ApiGatewayV2::Api', {
      Name: 'acme-hooks-api',
    });
  });

  it('deletes the table and the log groups with the stack when the removal policy says so', () => {
    const template = synth({ removalPolicy: RemovalPolicy.DESTROY });
    template.hasResource('AWS::DynamoDB::Table', { DeletionPolicy: 'Delete' });
    const logGroups = Object.values(template.findResources('AWS::Logs::LogGroup'));
    expect(logGroups.length).toBeGreaterThan(0);
    for (const group of logGroups) expect(group.DeletionPolicy).toBe('Delete');
  });

  it.each([
    [{ maxEventBytes: 2_000_000 }, /maxEventBytes must be an integer 1024 to 1048576/],
    [{ throttlingRateLimit: 0 }, /throttlingRateLimit must be an integer at least 1/],
    [{ prefix: 'no spaces' }, /prefix must be 1 to 20 letters/],
    [{ eventSource: 'aws.events' }, /eventSource must be non-empty and must not start with 'aws.'/],
  ] satisfies [HookbridgeProps, RegExp][])('refuses %o at synthesis', (props, message) => {
    expect(() => synth(props)).toThrow(message);
  });
});

describe('grantPublish', () => {
  it('lets a principal invoke the two ingest routes, and nothing else', () => {
    const template = synth({}, (stack, hookbridge) => {
      const producer = new iam.Role(stack, 'Producer', {
        assumedBy: new iam.AccountRootPrincipal(),
      });
      hookbridge.grantPublish(producer);
    });
    const policies = Object.values(template.findResources('AWS::IAM::Policy')).filter((p) =>
      JSON.stringify(p.Properties.Roles).includes('Producer'),
    );
    expect(policies).toHaveLength(1);
    const statements = policies[0]?.Properties.PolicyDocument.Statement as {
      Action: string;
      Resource: { 'Fn::Join': [string, unknown[]] }[];
    }[];
    expect(statements).toHaveLength(1);
    expect(statements[0]?.Action).toBe('execute-api:Invoke');
    const paths = statements[0]?.Resource.map((arn) => arn['Fn::Join'][1].at(-1));
    expect(paths).toEqual(['/*/POST/v1/events', '/*/POST/v1/events/batch']);
  });
});
