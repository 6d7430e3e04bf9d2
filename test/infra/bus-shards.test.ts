import { App, Stack } from 'aws-cdk-lib';
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
  return Template.fromStack(stack);
}

/** The environment variables of the function whose description starts with `what`. */
function envOf(template: Template, what: string): Record<string, unknown> {
  const functions = template.findResources('AWS::Lambda::Function', {
    Properties: { Description: Match.stringLikeRegexp(`^${what}`) },
  });
  const [fn] = Object.values(functions);
  return (fn?.Properties?.Environment?.Variables ?? {}) as Record<string, unknown>;
}

describe('bus shards', () => {
  it('makes nothing more with one shard (the default): one bus, one archive, no forward rules', () => {
    const one = synth();
    one.resourceCountIs('AWS::Events::EventBus', 1);
    one.resourceCountIs('AWS::Events::Archive', 1);
    expect(Object.keys(one.findResources('AWS::Events::Rule')).length).toBe(1); // the reconciler schedule
    for (const what of ['Hookbridge ingest', 'Hookbridge management', 'Hookbridge reconciler']) {
      const env = envOf(one, what);
      expect(env).not.toHaveProperty('HOOKBRIDGE_EVENT_BUS_NAMES');
      expect(env).not.toHaveProperty('HOOKBRIDGE_RULES_PER_SHARD');
    }
    expect(JSON.stringify(one.toJSON())).toBe(JSON.stringify(synth({ busShards: 1 }).toJSON()));
  });

  it('makes shards 1..N-1 named <prefix>-bus-<k>, each archived, and forwards broadcasts to them', () => {
    const template = synth({ prefix: 'acme', busShards: 7, archiveRetention: undefined });
    template.resourceCountIs('AWS::Events::EventBus', 7);
    template.resourceCountIs('AWS::Events::Archive', 7);
    for (let k = 1; k < 7; k++) {
      template.hasResourceProperties('AWS::Events::EventBus', { Name: `acme-bus-${k}` });
      template.hasResourceProperties('AWS::Events::Archive', {
        ArchiveName: `acme-bus-${k}`,
        RetentionDays: 30,
      });
    }
    // Six other shards, five targets per rule: two forward rules on shard 0.
    const forwards = template.findResources('AWS::Events::Rule', {
      Properties: { EventPattern: { detail: { tenantId: ['*'] } } },
    });
    const rules = Object.values(forwards);
    expect(rules.length).toBe(2);
    const targets = rules.flatMap((rule) => rule.Properties.Targets as { RoleArn: unknown }[]);
    expect(targets.length).toBe(6);
    for (const rule of rules) {
      expect(rule.Properties.EventPattern).toEqual({
        source: ['hookbridge'],
        detail: { tenantId: ['*'] },
      });
      expect(JSON.stringify(rule.Properties.EventBusName)).toContain('EventBus');
    }
    expect(new Set(targets.map((t) => JSON.stringify(t.RoleArn))).size).toBe(1);
  });

  it('tells the functions the shards, in shard order, and the ceiling', () => {
    const template = synth({ prefix: 'acme', busShards: 3, rulesPerShard: 200 });
    for (const what of ['Hookbridge management', 'Hookbridge reconciler']) {
      const env = envOf(template, what);
      expect(JSON.stringify(env.HOOKBRIDGE_EVENT_BUS_NAMES)).toMatch(/acme-bus-1.*acme-bus-2/);
      expect(env.HOOKBRIDGE_RULES_PER_SHARD).toBe('200');
      // Shard 0 is still named as before (the first bus, whatever CloudFormation names it).
      expect(env.HOOKBRIDGE_EVENT_BUS_NAME).toBeDefined();
    }
    expect(envOf(template, 'Hookbridge management')).toHaveProperty('HOOKBRIDGE_ARCHIVE_ARNS');
    expect(envOf(template, 'Hookbridge ingest')).toHaveProperty('HOOKBRIDGE_EVENT_BUS_NAMES');
    expect(envOf(template, 'Hookbridge ingest')).toHaveProperty('HOOKBRIDGE_SUBSCRIPTIONS_TABLE');
  });

  it('refuses shard settings out of range at synthesis', () => {
    expect(() => synth({ busShards: 0 })).toThrow(/busShards must be a whole number from 1 to 90/);
    expect(() => synth({ busShards: 91 })).toThrow(/busShards/);
    expect(() => synth({ busShards: 2.5 })).toThrow(/busShards/);
    expect(() => synth({ rulesPerShard: 5 })).toThrow(
      /rulesPerShard must be a whole number from 10/,
    );
  });

  it('stays within CloudFormation and IAM limits at 40 shards', () => {
    const template = synth({ busShards: 40 }).toJSON();
    const resources = Object.values(template.Resources) as {
      Type: string;
      Properties: Record<string, unknown>;
    }[];
    expect(resources.length).toBeLessThan(500);
    // Inline policies: 10,240 characters per role in all (IAM's limit on inline policy size).
    const perRole = new Map<string, number>();
    for (const resource of resources) {
      if (resource.Type !== 'AWS::IAM::Policy') continue;
      const size = JSON.stringify(resource.Properties.PolicyDocument).replace(/\s/g, '').length;
      const roles = JSON.stringify(resource.Properties.Roles);
      perRole.set(roles, (perRole.get(roles) ?? 0) + size);
    }
    expect(perRole.size).toBeGreaterThan(0);
    for (const [role, size] of perRole) expect(size, role).toBeLessThan(10_240);
    // No statement per shard: the policies are the same size at 40 shards as at 2.
    const policies = (t: Record<string, unknown>) =>
      Object.values(t.Resources as Record<string, { Type: string; Properties: unknown }>)
        .filter((r) => r.Type === 'AWS::IAM::Policy')
        .map((r) => JSON.stringify(r.Properties).replace(/acme-bus-\d+|Bus\d+/g, ''))
        .sort();
    const two = synth({ busShards: 2 }).toJSON();
    const fortyPolicies = policies(template).map((p) => p.length);
    const twoPolicies = policies(two).map((p) => p.length);
    expect(Math.max(...fortyPolicies)).toBeLessThan(Math.max(...twoPolicies) + 3000);
  });
});
