import { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { createApp } from '../../infra/app.js';
import { HookbridgeStack } from '../../infra/hookbridge-stack.js';

// Context as `cdk synth -c key=value` gives it (strings); bundling is skipped for speed.
function appWith(context: Record<string, string>) {
  return createApp({ context: { 'aws:cdk:bundling-stacks': [], ...context } });
}

function onlyStack(context: Record<string, string> = {}): HookbridgeStack {
  const stacks = appWith(context).node.children.filter((c) => c instanceof HookbridgeStack);
  expect(stacks).toHaveLength(1);
  return stacks[0] as HookbridgeStack;
}

describe('the standalone app', () => {
  it('names the stack Hookbridge by default', () => {
    expect(onlyStack().stackName).toBe('Hookbridge');
  });

  it('names the stack and the prefix after the stage', () => {
    const stack = onlyStack({ stage: 'dev' });
    expect(stack.stackName).toBe('Hookbridge-dev');
    expect(stack.hookbridge.prefix).toBe('hookbridge-dev');
  });

  it('reads the settings from context', () => {
    const stack = onlyStack({
      prefix: 'acme',
      eventSource: 'acme.shop',
      archiveRetentionDays: '7',
      throttlingRateLimit: '200',
      throttlingBurstLimit: '100',
      maxEventBytes: '524288',
      removalPolicy: 'destroy',
    });
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::ApiGatewayV2::Api', { Name: 'acme-api' });
    template.hasResourceProperties('AWS::Events::Archive', { RetentionDays: 7 });
    template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      DefaultRouteSettings: { ThrottlingRateLimit: 200, ThrottlingBurstLimit: 100 },
    });
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: {
          HOOKBRIDGE_EVENT_SOURCE: 'acme.shop',
          HOOKBRIDGE_MAX_EVENT_BYTES: '524288',
        },
      },
    });
    template.hasResource('AWS::DynamoDB::Table', { DeletionPolicy: 'Delete' });
  });

  it.each([
    [{ archiveRetentionDays: 'thirty' }, /context archiveRetentionDays: expected a whole number/],
    [{ removalPolicy: 'snapshot' }, /context removalPolicy: expected 'retain' or 'destroy'/],
  ])('refuses bad context %o', (context, message) => {
    expect(() => appWith(context)).toThrow(message);
  });
});
