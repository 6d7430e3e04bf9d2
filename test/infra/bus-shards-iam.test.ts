import { readFileSync } from 'node:fs';
import { runSimulation } from '@cloud-copilot/iam-simulate';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import { beforeAll, describe, expect, it } from 'vitest';
import { HookbridgeStack } from '../../infra/hookbridge-stack.js';
import { ACCOUNT, arn, resolve } from '../support/template-resolver.js';

// The shard calls, simulated against the policies of a stack with three shards: each role may
// reach every shard's bus, rule, archive by the prefix, and nothing outside it.

type Resources = Record<string, { Type: string; Properties: Record<string, unknown> }>;
type PolicyDocument = { Statement: unknown[] };

const context = {
  ...(JSON.parse(readFileSync(new URL('../../cdk.json', import.meta.url), 'utf8'))
    .context as Record<string, unknown>),
  'aws:cdk:bundling-stacks': [],
};
const LANE = 'hookbridge-sub_01JD6ZQ8Y3V0R5N7C2K4M9T1XH';
const roles: Record<string, { arn: string; policies: PolicyDocument[] }> = {};

function policiesOf(resources: Resources, roleId: string): PolicyDocument[] {
  return Object.values(resources)
    .filter(
      (r) =>
        r.Type === 'AWS::IAM::Policy' &&
        JSON.stringify(r.Properties.Roles).includes(JSON.stringify({ Ref: roleId })),
    )
    .map((r) => resolve(r.Properties.PolicyDocument, resources) as PolicyDocument);
}

beforeAll(() => {
  const stack = new HookbridgeStack(new App({ context }), 'Hookbridge', {
    hookbridge: { busShards: 3 },
  });
  const { ingestApi, managementApi, busShards } = stack.hookbridge;
  const resources = Template.fromStack(stack).toJSON().Resources as Resources;
  const functions = {
    ingest: ingestApi.function,
    management: managementApi.function,
    reconciler: managementApi.reconcilerFunction,
  };
  for (const [name, fn] of Object.entries(functions)) {
    const id = Stack.of(stack).getLogicalId(fn.node.defaultChild as lambda.CfnFunction);
    const role = resources[id]?.Properties.Role as { 'Fn::GetAtt': [string] } | undefined;
    if (!role) throw new Error(`no role for ${name}`);
    const roleRef = role['Fn::GetAtt'];
    roles[name] = { arn: arn('iam', `role/${name}`), policies: policiesOf(resources, roleRef[0]) };
  }
  const forwardRole = busShards.node.findChild('ForwardRole').node
    .defaultChild as lambda.CfnFunction;
  roles.forward = {
    arn: arn('iam', 'role/forward'),
    policies: policiesOf(resources, Stack.of(stack).getLogicalId(forwardRole)),
  };
}, 120_000);

async function decide(role: string, action: string, resource: string): Promise<string> {
  const subject = roles[role];
  if (!subject) throw new Error(`no role ${role}`);
  const result = await runSimulation(
    {
      identityPolicies: subject.policies.map((policy, i) => ({ name: `p${i}`, policy })),
      serviceControlPolicies: [],
      resourceControlPolicies: [],
      request: {
        principal: subject.arn,
        action,
        resource: { resource, accountId: ACCOUNT },
        contextVariables: {},
      },
    },
    {},
  );
  if (result.resultType === 'error') throw new Error(JSON.stringify(result.errors));
  return result.overallResult;
}

describe('IAM with bus shards', () => {
  it('lets ingest publish on every shard, and on no other bus', async () => {
    for (const k of [1, 2]) {
      expect(
        await decide('ingest', 'events:PutEvents', arn('events', `event-bus/hookbridge-bus-${k}`)),
      ).toBe('Allowed');
    }
    expect(await decide('ingest', 'events:PutEvents', arn('events', 'event-bus/default'))).not.toBe(
      'Allowed',
    );
    expect(
      await decide('ingest', 'events:PutEvents', arn('events', 'event-bus/payments-bus-1')),
    ).not.toBe('Allowed');
  });

  it('lets management and the reconciler manage lane rules on every shard, and no other rule', async () => {
    for (const role of ['management', 'reconciler']) {
      for (const action of [
        'events:PutRule',
        'events:PutTargets',
        'events:DeleteRule',
        'events:RemoveTargets',
      ]) {
        expect(
          await decide(role, action, arn('events', `rule/hookbridge-bus-2/${LANE}`)),
          `${role} ${action}`,
        ).toBe('Allowed');
        expect(
          await decide(role, action, arn('events', 'rule/hookbridge-bus-2/hookbridge-broadcast-0')),
        ).not.toBe('Allowed');
        expect(await decide(role, action, arn('events', `rule/payments-bus-2/${LANE}`))).not.toBe(
          'Allowed',
        );
      }
    }
    for (const action of ['events:DescribeRule', 'events:ListTargetsByRule']) {
      expect(
        await decide('reconciler', action, arn('events', `rule/hookbridge-bus-1/${LANE}`)),
      ).toBe('Allowed');
      expect(
        await decide('management', action, arn('events', `rule/hookbridge-bus-1/${LANE}`)),
      ).not.toBe('Allowed');
    }
  });

  it('lets management replay each shard’s archive onto its bus', async () => {
    const replay = arn('events', 'replay/sub_01JD6ZQ8Y3V0R5N7C2K4M9T1XH-1764720000000-0a1b2c-2');
    for (const resource of [
      arn('events', 'archive/hookbridge-bus-2'),
      arn('events', 'event-bus/hookbridge-bus-2'),
      replay,
    ]) {
      expect(await decide('management', 'events:StartReplay', resource), resource).toBe('Allowed');
    }
    expect(
      await decide(
        'management',
        'events:DescribeEventBus',
        arn('events', 'event-bus/hookbridge-bus-2'),
      ),
    ).toBe('Allowed');
    expect(
      await decide('management', 'events:StartReplay', arn('events', 'archive/payments-archive')),
    ).not.toBe('Allowed');
    expect(
      await decide('reconciler', 'events:StartReplay', arn('events', 'archive/hookbridge-bus-2')),
    ).not.toBe('Allowed');
  });

  it('lets the forwarding role put events on the shards only', async () => {
    expect(
      await decide('forward', 'events:PutEvents', arn('events', 'event-bus/hookbridge-bus-2')),
    ).toBe('Allowed');
    expect(
      await decide('forward', 'events:PutEvents', arn('events', 'event-bus/default')),
    ).not.toBe('Allowed');
    expect(
      await decide('forward', 'events:PutRule', arn('events', 'rule/hookbridge-bus-2/x')),
    ).not.toBe('Allowed');
  });
});
