import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { expect } from 'vitest';
import { Hookbridge, type HookbridgeProps } from '../../infra/index.js';

/** Reading the web app's resources in a synthesised template (test/infra/web-app*.test.ts). */

export type Resource = { Type: string; Properties: Record<string, unknown> };

/** A stack embedding Hookbridge with `props`; bundling skipped (the tests read the template). */
export function synth(props: HookbridgeProps = {}): Template {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  const stack = new Stack(app, 'Embedding');
  new Hookbridge(stack, 'Hookbridge', props);
  return Template.fromStack(stack);
}

/** The one resource of `type`, with its logical id. */
export function only(template: Template, type: string): [string, Resource] {
  const found = Object.entries(template.findResources(type)) as [string, Resource][];
  expect(found, type).toHaveLength(1);
  return found[0] as [string, Resource];
}

/** The CSP of the headers policy, with the CloudFormation references as `{Ref}`. */
export function csp(template: Template): string {
  const [, policy] = only(template, 'AWS::CloudFront::ResponseHeadersPolicy');
  const config = policy.Properties.ResponseHeadersPolicyConfig as {
    SecurityHeadersConfig: { ContentSecurityPolicy: { ContentSecurityPolicy: unknown } };
  };
  return flatten(config.SecurityHeadersConfig.ContentSecurityPolicy.ContentSecurityPolicy);
}

/** A resolved value as text: `{Ref}`, `{Id.Attribute}`, joins and subs spelled out. */
export function flatten(value: unknown): string {
  if (typeof value === 'string') return value;
  const join = (value as { 'Fn::Join'?: [string, unknown[]] })['Fn::Join'];
  if (join) return join[1].map(flatten).join(join[0]);
  const sub = (value as { 'Fn::Sub'?: string })['Fn::Sub'];
  if (typeof sub === 'string') return sub.replace(/\$\{([^}]+)\}/g, '{$1}');
  const ref = (value as { Ref?: string }).Ref;
  if (ref) return `{${ref}}`;
  const getAtt = (value as { 'Fn::GetAtt'?: [string, string] })['Fn::GetAtt'];
  if (getAtt) return `{${getAtt.join('.')}}`;
  throw new Error(`unexpected ${JSON.stringify(value)}`);
}

/** A CSP's directives, by name. */
export function directives(policy: string): Map<string, string> {
  return new Map(
    policy.split(';').map((part) => {
      const [name = '', ...sources] = part.trim().split(/\s+/);
      return [name, sources.join(' ')];
    }),
  );
}
