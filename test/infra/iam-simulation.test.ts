import { readFileSync } from 'node:fs';
import { runSimulation } from '@cloud-copilot/iam-simulate';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import { beforeAll, describe, expect, it } from 'vitest';
import { HookbridgeStack } from '../../infra/hookbridge-stack.js';
import { LAMBDA_ENTRIES, type LambdaName } from '../../infra/lambda-bundling.js';
import { SUBSCRIPTIONS_BY_TENANT_INDEX } from '../../shared/aws/table-indexes.js';
import {
  API_KEY_ITEM_KEY,
  AWS_CALLS,
  type AwsCall,
  type CallScope,
  COMMAND_ACTIONS,
  EVENT_TYPE_KEY,
  NOT_CALLED,
  SUBSCRIPTION_ID,
  TENANT_KEY,
} from '../support/aws-calls.js';
import { type BundledSource, bundledSources, sentCommands } from '../support/bundle-commands.js';
import { ACCOUNT, arn, resolve } from '../support/template-resolver.js';

// The context of cdk.json, so policies come out as `cdk synth` writes them; no bundling (the
// bundles are built below, with the same settings, to read which code each function holds).
const context = {
  ...(JSON.parse(readFileSync(new URL('../../cdk.json', import.meta.url), 'utf8'))
    .context as Record<string, unknown>),
  'aws:cdk:bundling-stacks': [],
};

type Statement = {
  Effect: string;
  Action: string | string[];
  Resource: string | string[];
  Condition?: unknown;
};
type PolicyDocument = { Version?: string; Statement: Statement[] };

/** What the simulation needs of one function's synthesized role. */
interface FunctionRole {
  readonly roleArn: string;
  readonly policies: PolicyDocument[];
  readonly scope: CallScope;
}

const NAMES = Object.keys(LAMBDA_ENTRIES) as LambdaName[];
const roles = {} as Record<LambdaName, FunctionRole>;
const sources = {} as Record<LambdaName, BundledSource[]>;

beforeAll(async () => {
  const stack = new HookbridgeStack(new App({ context }), 'Hookbridge');
  const { ingestApi, delivery, managementApi, tokenApi } = stack.hookbridge;
  if (!tokenApi) throw new Error('the default stack has a token API');
  const functions: Record<LambdaName, lambda.Function> = {
    ingest: ingestApi.function,
    management: managementApi.function,
    reconciler: managementApi.reconcilerFunction,
    delivery: delivery.function,
    authorizer: tokenApi.authorizerFunction,
  };
  const resources = Template.fromStack(stack).toJSON().Resources as Record<
    string,
    { Type: string; Properties: Record<string, unknown> }
  >;
  for (const name of NAMES) {
    const functionId = Stack.of(stack).getLogicalId(
      functions[name].node.defaultChild as lambda.CfnFunction,
    );
    roles[name] = functionRole(resources, functionId);
  }
  for (const name of NAMES) sources[name] = await bundledSources(name);
});

/** The role of a function, its policies and its environment, every intrinsic resolved. */
function functionRole(
  resources: Record<string, { Type: string; Properties: Record<string, unknown> }>,
  functionId: string,
): FunctionRole {
  const fn = resources[functionId]?.Properties as {
    Role: { 'Fn::GetAtt': [string, string] };
    Environment: { Variables: Record<string, unknown> };
    LoggingConfig: { LogGroup: unknown };
  };
  const roleId = fn.Role['Fn::GetAtt'][0];
  const role = resources[roleId]?.Properties ?? {};
  // Inline and managed policies would escape the simulation below: the stack uses neither.
  expect(role.Policies, `${roleId} inline policies`).toBeUndefined();
  expect(role.ManagedPolicyArns, `${roleId} managed policies`).toBeUndefined();
  const policies = Object.values(resources)
    .filter(
      (r) =>
        r.Type === 'AWS::IAM::Policy' &&
        JSON.stringify(r.Properties.Roles).includes(JSON.stringify({ Ref: roleId })),
    )
    .map((r) => resolve(r.Properties.PolicyDocument, resources) as PolicyDocument);
  return {
    roleArn: resolve(fn.Role, resources) as string,
    policies,
    scope: {
      env: resolve(fn.Environment.Variables, resources) as Record<string, string>,
      functionArn: resolve({ 'Fn::GetAtt': [functionId, 'Arn'] }, resources) as string,
      logGroupName: resolve(fn.LoggingConfig.LogGroup, resources) as string,
    },
  };
}

/** The simulator's decision on one request by `role`, with only `policies` attached. */
async function decide(
  role: FunctionRole,
  request: { action: string; resource: string; context?: Record<string, string | string[]> },
  policies: PolicyDocument[] = role.policies,
): Promise<string> {
  const result = await runSimulation(
    {
      identityPolicies: policies.map((policy, i) => ({ name: `policy${i}`, policy })),
      serviceControlPolicies: [],
      resourceControlPolicies: [],
      request: {
        principal: role.roleArn,
        action: request.action,
        resource: { resource: request.resource, accountId: ACCOUNT },
        contextVariables: request.context ?? {},
      },
    },
    {},
  );
  if (result.resultType === 'error') {
    throw new Error(`${request.action} on ${request.resource}: ${JSON.stringify(result.errors)}`);
  }
  return result.overallResult;
}

/** Every (action, resource, context) request a call makes. */
function requestsOf(call: AwsCall, scope: CallScope) {
  const actions = COMMAND_ACTIONS[call.command];
  if (!actions) throw new Error(`no IAM actions known for the command ${call.command}`);
  const context = call.context?.(scope);
  return actions.flatMap((action) =>
    call.on(scope).map((resource) => ({ action, resource, ...(context && { context }) })),
  );
}

const describeRequest = (r: { action: string; resource: string }) => `${r.action} ${r.resource}`;

describe.each(NAMES)('the %s role', (name) => {
  it('is allowed every call the function makes, on the resources it makes it on', async () => {
    const denied: string[] = [];
    for (const call of AWS_CALLS[name]) {
      for (const request of requestsOf(call, roles[name].scope)) {
        const decision = await decide(roles[name], request);
        if (decision !== 'Allowed') denied.push(`${describeRequest(request)}: ${decision}`);
      }
    }
    expect(denied).toEqual([]);
  });

  it('is granted nothing the function does not use', async () => {
    const role = roles[name];
    const requests = AWS_CALLS[name].flatMap((call) => requestsOf(call, role.scope));
    const unused: string[] = [];
    // Each action of each statement, on each of its resources, must allow at least one of the
    // calls on its own.
    for (const policy of role.policies) {
      for (const statement of policy.Statement) {
        for (const action of [statement.Action].flat()) {
          for (const resource of [statement.Resource].flat()) {
            const alone = [
              {
                Version: '2012-10-17',
                Statement: [{ ...statement, Action: action, Resource: resource }],
              },
            ];
            let used = false;
            for (const request of requests.filter((r) => r.action === action)) {
              used = (await decide(role, request, alone)) === 'Allowed';
              if (used) break;
            }
            if (!used) unused.push(`${action} on ${resource}`);
          }
        }
      }
    }
    expect(unused).toEqual([]);
  });

  it('is declared with every SDK command its bundle can send, and no other', () => {
    const inBundle = sentCommands(sources[name]).sort();
    const declared = [
      ...AWS_CALLS[name]
        .filter((c) => c.sentBy !== 'lambda')
        .map((c) => `${c.command} ${c.sentBy}`),
      ...NOT_CALLED[name].map((c) => `${c.command} ${c.file}`),
    ];
    expect(inBundle).toEqual([...new Set(declared)].sort());
  });

  it('calls none of the methods that send the commands declared as not called', () => {
    const calls: string[] = [];
    for (const entry of NOT_CALLED[name]) {
      for (const source of sources[name]) {
        if (!source.firstParty || source.file === entry.file) continue;
        if (entry.calledAs.test(source.text)) calls.push(`${source.file}: ${entry.command}`);
      }
    }
    expect(calls).toEqual([]);
  });
});

describe('the not-called patterns', () => {
  it('each find the call in a function that does send the command', () => {
    const blind: string[] = [];
    for (const entry of NAMES.flatMap((name) => NOT_CALLED[name])) {
      const senders = NAMES.filter((other) =>
        AWS_CALLS[other].some((c) => c.command === entry.command && c.sentBy === entry.file),
      );
      const found = senders.some((other) =>
        sources[other].some(
          (s) => s.firstParty && s.file !== entry.file && entry.calledAs.test(s.text),
        ),
      );
      if (!found) blind.push(`${entry.command} ${entry.calledAs}`);
    }
    expect(blind).toEqual([]);
  });
});

describe('what the roles may not do', () => {
  const lane = 'sub_01JD6ZQ8Y3V0R5N7C2K4M9T1XH';
  const denied = async (
    name: LambdaName,
    action: string,
    resource: (scope: CallScope) => string,
    context?: (scope: CallScope) => Record<string, string | string[]>,
  ) => {
    const role = roles[name];
    const request = {
      action,
      resource: resource(role.scope),
      ...(context && { context: context(role.scope) }),
    };
    expect(await decide(role, request), describeRequest(request)).not.toBe('Allowed');
  };
  const otherFunction = { 'lambda:FunctionArn': arn('lambda', 'function:someone-else') };

  it('touches no queue outside its installation’s lanes', async () => {
    await denied('management', 'sqs:SendMessage', () => arn('sqs', 'payments-orders'));
    await denied('management', 'sqs:DeleteQueue', () => arn('sqs', `other-${lane}`));
    await denied('reconciler', 'sqs:CreateQueue', () => arn('sqs', 'hookbridge-sub'));
    await denied('delivery', 'sqs:ReceiveMessage', () => arn('sqs', `other-${lane}`));
  });

  it('lets management take messages from dead-letter queues only (redrive)', async () => {
    await denied('management', 'sqs:ReceiveMessage', () => arn('sqs', `hookbridge-${lane}`));
    await denied('management', 'sqs:DeleteMessage', () => arn('sqs', `hookbridge-${lane}`));
  });

  it('lets delivery send to dead-letter queues only, not to a subscriber queue', async () => {
    await denied('delivery', 'sqs:SendMessage', () => arn('sqs', `hookbridge-${lane}`));
    await denied('delivery', 'sqs:SendMessage', () => arn('sqs', 'payments-dlq'));
  });

  it('makes or changes mappings of the delivery function only', async () => {
    for (const name of ['management', 'reconciler', 'delivery'] as const) {
      await denied(
        name,
        'lambda:CreateEventSourceMapping',
        () => '*',
        () => otherFunction,
      );
      await denied(
        name,
        'lambda:UpdateEventSourceMapping',
        () => arn('lambda', 'event-source-mapping:9f1c2b7e-4d3a-4e8f-b6a1-2c5d7e9f0a1b'),
        () => otherFunction,
      );
    }
    // A request without the condition key (no function named) is not allowed either.
    await denied('delivery', 'lambda:CreateEventSourceMapping', () => '*');
  });

  it('lets delivery neither delete mappings nor create subscriptions', async () => {
    await denied(
      'delivery',
      'lambda:DeleteEventSourceMapping',
      () => arn('lambda', 'event-source-mapping:9f1c2b7e-4d3a-4e8f-b6a1-2c5d7e9f0a1b'),
      (s) => ({ 'lambda:FunctionArn': s.functionArn }),
    );
    await denied(
      'delivery',
      'dynamodb:PutItem',
      (s) => `${arn('dynamodb', 'table/')}${s.env.HOOKBRIDGE_SUBSCRIPTIONS_TABLE}`,
    );
  });

  it('keeps the reconciler to repairs: no subscription made, no event sent, no replay', async () => {
    const table = (s: CallScope) =>
      arn('dynamodb', `table/${s.env.HOOKBRIDGE_SUBSCRIPTIONS_TABLE}`);
    await denied('reconciler', 'dynamodb:PutItem', table);
    await denied('reconciler', 'events:PutEvents', (s) =>
      arn('events', `event-bus/${s.env.HOOKBRIDGE_EVENT_BUS_NAME}`),
    );
    await denied('reconciler', 'sqs:SendMessage', () => arn('sqs', `hookbridge-${lane}`));
    await denied('reconciler', 'events:StartReplay', (s) =>
      arn('events', `event-bus/${s.env.HOOKBRIDGE_EVENT_BUS_NAME}`),
    );
  });

  it('leaves rules of other prefixes and other buses alone', async () => {
    await denied('management', 'events:DeleteRule', (s) =>
      arn('events', `rule/${s.env.HOOKBRIDGE_EVENT_BUS_NAME}/billing-nightly`),
    );
    await denied('management', 'events:PutTargets', () => arn('events', `rule/hookbridge-${lane}`));
    await denied('reconciler', 'events:PutRule', () =>
      arn('events', `rule/other-bus/hookbridge-${lane}`),
    );
    // Drift inspection is the reconciler's, not the API's.
    await denied('management', 'events:DescribeRule', (s) =>
      arn('events', `rule/${s.env.HOOKBRIDGE_EVENT_BUS_NAME}/hookbridge-${lane}`),
    );
  });

  it('keeps ingest to its bus and its idempotency table', async () => {
    await denied('ingest', 'dynamodb:GetItem', (s) =>
      arn('dynamodb', `table/${s.env.HOOKBRIDGE_IDEMPOTENCY_TABLE}-other`),
    );
    await denied('ingest', 'events:PutEvents', () => arn('events', 'event-bus/default'));
    await denied('ingest', 'dynamodb:Scan', (s) =>
      arn('dynamodb', `table/${s.env.HOOKBRIDGE_IDEMPOTENCY_TABLE}`),
    );
  });

  it('replays only onto its own bus, from its own archive', async () => {
    await denied('management', 'events:StartReplay', () => arn('events', 'archive/someone-else'));
    await denied('management', 'events:StartReplay', () =>
      arn('events', 'replay/nightly-backfill'),
    );
  });
});

describe('what the roles may not do with the tenant, access and event tables', () => {
  const denied = async (
    name: LambdaName,
    action: string,
    resource: (scope: CallScope) => string,
    context?: Record<string, string | string[]>,
  ) => {
    const role = roles[name];
    const request = { action, resource: resource(role.scope), ...(context && { context }) };
    expect(await decide(role, request), describeRequest(request)).not.toBe('Allowed');
  };
  // The tables are named in the functions' environments; the authorizer's, for instance,
  // has no event store at all, so names come from the management function.
  const tableOf = (variable: string) => () =>
    arn('dynamodb', `table/${roles.management.scope.env[variable]}`);
  const subscriptions = tableOf('HOOKBRIDGE_SUBSCRIPTIONS_TABLE');
  const access = tableOf('HOOKBRIDGE_ACCESS_TABLE');
  const eventStore = tableOf('HOOKBRIDGE_EVENT_STORE_TABLE');
  const leading = (key: string) => ({ 'dynamodb:LeadingKeys': [key] });

  it('lets the authorizer read tenant items only: no subscription, no secret, no list', async () => {
    await denied('authorizer', 'dynamodb:GetItem', subscriptions, leading(SUBSCRIPTION_ID));
    // A key that merely contains the prefix further in is not a tenant key.
    await denied('authorizer', 'dynamodb:GetItem', subscriptions, leading(`sub_x#tenant#acme`));
    // Two keys, one of them a subscription: ForAllValues refuses the pair.
    await denied('authorizer', 'dynamodb:GetItem', subscriptions, {
      'dynamodb:LeadingKeys': [TENANT_KEY, SUBSCRIPTION_ID],
    });
    // A request without the key at all (ForAllValues alone would allow it).
    await denied('authorizer', 'dynamodb:GetItem', subscriptions);
    for (const action of ['dynamodb:Scan', 'dynamodb:Query', 'dynamodb:UpdateItem']) {
      await denied('authorizer', action, subscriptions, leading(TENANT_KEY));
    }
    await denied(
      'authorizer',
      'dynamodb:Query',
      () => `${subscriptions()}/index/${SUBSCRIPTIONS_BY_TENANT_INDEX}`,
      leading('acme'),
    );
  });

  it('lets the authorizer neither mint, list nor delete credentials, nor read events', async () => {
    for (const action of ['dynamodb:PutItem', 'dynamodb:Scan', 'dynamodb:DeleteItem']) {
      await denied('authorizer', action, access);
    }
    await denied('authorizer', 'dynamodb:Query', () => `${access()}/index/byTenant`);
    await denied('authorizer', 'dynamodb:GetItem', eventStore);
    // It records an API key's last use, and updates nothing else: no token or console session
    // un-revoked, no move of the mark that revokes every console session.
    for (const key of [
      'token#0123456789abcdef01234567',
      'console#0123456789abcdef01234567',
      'console-revocation',
      `x${API_KEY_ITEM_KEY}`,
    ])
      await denied('authorizer', 'dynamodb:UpdateItem', access, leading(key));
    await denied('authorizer', 'dynamodb:UpdateItem', access, {
      'dynamodb:LeadingKeys': [API_KEY_ITEM_KEY, 'console-revocation'],
    });
    await denied('authorizer', 'dynamodb:UpdateItem', access);
    await denied('authorizer', 'sqs:SendMessage', () =>
      arn('sqs', `hookbridge-${SUBSCRIPTION_ID}`),
    );
  });

  it('keeps ingest to writing events: no read of the store, no credential', async () => {
    await denied('ingest', 'dynamodb:GetItem', eventStore);
    await denied('ingest', 'dynamodb:Query', () => `${eventStore()}/index/byTenant`);
    await denied('ingest', 'dynamodb:UpdateItem', eventStore);
    await denied('ingest', 'dynamodb:GetItem', access);
    await denied('ingest', 'dynamodb:GetItem', subscriptions);
  });

  it('lets ingest read catalog entries and tenants’ shards, nothing else of the subscriptions table', async () => {
    await denied('ingest', 'dynamodb:GetItem', subscriptions, leading(SUBSCRIPTION_ID));
    await denied('ingest', 'dynamodb:GetItem', subscriptions, leading(TENANT_KEY));
    // Bus shards: of a tenant's item, ingest may read its id and shard, nothing more.
    await denied('ingest', 'dynamodb:GetItem', subscriptions, {
      'dynamodb:LeadingKeys': [TENANT_KEY],
      'dynamodb:Attributes': ['id', 'shard', 'name'],
      'dynamodb:Select': 'SPECIFIC_ATTRIBUTES',
    });
    await denied('ingest', 'dynamodb:GetItem', subscriptions, {
      'dynamodb:LeadingKeys': [TENANT_KEY],
      'dynamodb:Attributes': ['id', 'shard'],
      'dynamodb:Select': 'ALL_ATTRIBUTES',
    });
    await denied('ingest', 'dynamodb:GetItem', subscriptions, {
      'dynamodb:LeadingKeys': [SUBSCRIPTION_ID],
      'dynamodb:Attributes': ['id', 'shard'],
      'dynamodb:Select': 'SPECIFIC_ATTRIBUTES',
    });
    await denied('ingest', 'dynamodb:GetItem', subscriptions, {
      'dynamodb:LeadingKeys': [EVENT_TYPE_KEY, SUBSCRIPTION_ID],
    });
    for (const action of [
      'dynamodb:PutItem',
      'dynamodb:UpdateItem',
      'dynamodb:DeleteItem',
      'dynamodb:Scan',
    ]) {
      await denied('ingest', action, subscriptions, leading(EVENT_TYPE_KEY));
    }
    await denied('ingest', 'dynamodb:Query', () => `${subscriptions()}/index/byCatalog`);
  });

  it('keeps management to reading the event store, and delivery and the reconciler out of it', async () => {
    for (const action of ['dynamodb:PutItem', 'dynamodb:DeleteItem', 'dynamodb:Scan']) {
      await denied('management', action, eventStore);
    }
    await denied('management', 'dynamodb:DeleteItem', access);
    for (const name of ['delivery', 'reconciler'] as const) {
      await denied(name, 'dynamodb:GetItem', eventStore);
      await denied(name, 'dynamodb:GetItem', access);
    }
    await denied(
      'delivery',
      'dynamodb:Query',
      () => `${subscriptions()}/index/${SUBSCRIPTIONS_BY_TENANT_INDEX}`,
    );
  });

  it('name every index they query: no role reaches an index it was not given', async () => {
    for (const name of NAMES) {
      await denied(name, 'dynamodb:Query', () => `${subscriptions()}/index/someOtherIndex`);
      await denied(name, 'dynamodb:Query', () => `${eventStore()}/index/someOtherIndex`);
    }
  });
});

describe('the role policies', () => {
  it('stay within the 10,240 characters IAM allows a role’s inline policies', () => {
    for (const name of NAMES) {
      const size = roles[name].policies
        .map((p) => JSON.stringify(p).replace(/\s/g, ''))
        .reduce((sum, text) => sum + text.length, 0);
      expect(size, name).toBeLessThan(10_240);
    }
  });

  it('name lane resources by prefix wildcard, never one by one', () => {
    for (const name of NAMES) {
      const resources = roles[name].policies.flatMap((p) =>
        p.Statement.flatMap((s) => [s.Resource].flat()),
      );
      for (const resource of resources.filter((r) => r.includes('-sub_'))) {
        expect(resource, name).toMatch(/-sub_\*(-dlq)?$/);
      }
    }
  });
});
