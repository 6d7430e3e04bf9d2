import { runSimulation } from '@cloud-copilot/iam-simulate';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import { beforeAll, describe, expect, it } from 'vitest';
import { Hookbridge } from '../../infra/index.js';
import {
  API_KEY_ROUTES,
  CONSOLE_SESSION_ROUTES,
  EVENT_ROUTES,
  INGEST_ROUTES,
  MANAGEMENT_ROUTES,
  TOKEN_ROUTES,
} from '../../shared/http/routes.js';
import { ACCOUNT, REGION, resolve } from '../support/template-resolver.js';

// grantPublish and grantManage, simulated route by route against the IAM API: each grant
// reaches its own routes and none of the other's. Bundling is skipped (the template is read).

type Statement = { Effect: string; Action: string | string[]; Resource: string | string[] };

let apiId: string;
const policies: Record<'publisher' | 'operator', { Version: string; Statement: Statement[] }> = {
  publisher: { Version: '2012-10-17', Statement: [] },
  operator: { Version: '2012-10-17', Statement: [] },
};

beforeAll(() => {
  const stack = new Stack(new App({ context: { 'aws:cdk:bundling-stacks': [] } }), 'Embedding');
  const hookbridge = new Hookbridge(stack, 'Hookbridge');
  const role = (id: string) =>
    new iam.Role(stack, id, { assumedBy: new iam.AccountRootPrincipal() });
  hookbridge.grantPublish(role('Publisher'));
  hookbridge.grantManage(role('Operator'));
  const resources = Template.fromStack(stack).toJSON().Resources as Record<
    string,
    { Type: string; Properties: Record<string, unknown> }
  >;
  apiId = stack.resolve(hookbridge.ingestApi.api.apiId).Ref as string;
  for (const [name, part] of [
    ['publisher', 'Publisher'],
    ['operator', 'Operator'],
  ] as const) {
    const [policy] = Object.values(resources).filter(
      (r) => r.Type === 'AWS::IAM::Policy' && JSON.stringify(r.Properties.Roles).includes(part),
    );
    policies[name] = resolve(
      policy?.Properties.PolicyDocument,
      resources,
    ) as typeof policies.operator;
  }
});

/** The execute-api ARN of a request on the IAM API's `$default` stage, ids filled in. */
function requestArn(routeKey: string, api = apiId): string {
  const [method, path] = routeKey.split(' ') as [string, string];
  const concrete = path.replace(/\{[^}]+\}/g, (name) => `${name.slice(1, -1)}_01JD6ZQ8Y3`);
  return `arn:aws:execute-api:${REGION}:${ACCOUNT}:${api}/$default/${method}${concrete}`;
}

async function allowed(who: keyof typeof policies, routeKey: string, api?: string) {
  const result = await runSimulation(
    {
      identityPolicies: [{ name: who, policy: policies[who] }],
      serviceControlPolicies: [],
      resourceControlPolicies: [],
      request: {
        principal: `arn:aws:iam::${ACCOUNT}:role/${who}`,
        action: 'execute-api:Invoke',
        resource: { resource: requestArn(routeKey, api), accountId: ACCOUNT },
        contextVariables: {},
      },
    },
    {},
  );
  if (result.resultType === 'error') throw new Error(JSON.stringify(result.errors));
  return result.overallResult === 'Allowed';
}

// Issue 12's lists, whether or not MANAGEMENT_ROUTES holds them yet.
const MANAGE = [
  ...new Set<string>([
    ...MANAGEMENT_ROUTES,
    ...TOKEN_ROUTES,
    ...API_KEY_ROUTES,
    ...CONSOLE_SESSION_ROUTES,
    ...EVENT_ROUTES,
  ]),
];

describe('grantManage', () => {
  it.each(MANAGE)('reaches %s', async (routeKey) => {
    expect(await allowed('operator', routeKey)).toBe(true);
  });

  it.each(INGEST_ROUTES)('does not reach %s (publishing is grantPublish)', async (routeKey) => {
    expect(await allowed('operator', routeKey)).toBe(false);
  });

  it('reaches no other API (the token API takes no IAM caller)', async () => {
    expect(await allowed('operator', 'GET /v1/subscriptions', 'otherapi123')).toBe(false);
  });

  it('reaches no method the routes do not have on the message API', async () => {
    expect(await allowed('operator', 'DELETE /v1/events/{eventId}')).toBe(false);
    expect(await allowed('operator', 'PUT /v1/events')).toBe(false);
  });
});

describe('grantPublish', () => {
  it.each(INGEST_ROUTES)('reaches %s', async (routeKey) => {
    expect(await allowed('publisher', routeKey)).toBe(true);
  });

  it.each(MANAGE)('does not reach %s', async (routeKey) => {
    expect(await allowed('publisher', routeKey)).toBe(false);
  });
});
