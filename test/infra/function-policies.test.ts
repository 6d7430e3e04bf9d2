import { readFileSync } from 'node:fs';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { HookbridgeStack } from '../../infra/hookbridge-stack.js';
import {
  API_KEY_ROUTES,
  EVENT_ROUTES,
  MANAGEMENT_ROUTES,
  TOKEN_ROUTES,
} from '../../shared/http/routes.js';
import { resolve } from '../support/template-resolver.js';

// A function's resource policy (who may invoke it) holds at most 20 KB (Lambda's quota), and
// CDK adds one statement per route integrating with it unless told otherwise: the management
// function, behind 40-odd routes, would be at ~90 % of the quota. The template cannot show the
// policy Lambda builds from the AWS::Lambda::Permission resources: this test builds it the way
// Lambda writes each statement, with ARNs resolved, and holds it under the quota with room for
// the routes issue 12 adds. Bundling is skipped (the template is read).
const context = {
  ...(JSON.parse(readFileSync(new URL('../../cdk.json', import.meta.url), 'utf8'))
    .context as Record<string, unknown>),
  'aws:cdk:bundling-stacks': [],
};

const POLICY_QUOTA_BYTES = 20_480;
/** CloudFormation's physical ids of permissions (the statement ids): stack, logical id, suffix. */
const STATEMENT_ID_LENGTH = 'Hookbridge-'.length + 13 + 1;

type Resources = Record<string, { Type: string; Properties: Record<string, unknown> }>;

let resources: Resources;
let bytesByFunction: Map<string, { bytes: number; statements: number }>;

beforeAll(() => {
  const stack = new HookbridgeStack(new App({ context }), 'Hookbridge');
  resources = Template.fromStack(stack).toJSON().Resources as Resources;
  bytesByFunction = new Map();
  for (const [id, resource] of Object.entries(resources)) {
    if (resource.Type !== 'AWS::Lambda::Permission') continue;
    const p = resource.Properties;
    const functionArn = resolve(p.FunctionName, resources) as string;
    const statement = {
      Sid: `${id.slice(0, 64)}${'x'.repeat(STATEMENT_ID_LENGTH)}`,
      Effect: 'Allow',
      Principal: { Service: p.Principal },
      Action: p.Action,
      Resource: functionArn,
      ...(p.SourceArn !== undefined && {
        Condition: { ArnLike: { 'AWS:SourceArn': resolve(p.SourceArn, resources) } },
      }),
    };
    const entry = bytesByFunction.get(functionArn) ?? { bytes: 0, statements: 0 };
    bytesByFunction.set(functionArn, {
      bytes: entry.bytes + JSON.stringify(statement).length + 1,
      statements: entry.statements + 1,
    });
  }
});

describe('the functions’ resource policies', () => {
  it('stay under Lambda’s 20 KB, with room for every route of issue 12 on the IAM API', () => {
    // The routes issue 12 adds to MANAGEMENT_ROUTES, if they are not there yet.
    const management = new Set<string>(MANAGEMENT_ROUTES);
    const pending = [...TOKEN_ROUTES, ...API_KEY_ROUTES, ...EVENT_ROUTES].filter(
      (route) => !management.has(route),
    ).length;
    expect(bytesByFunction.size).toBeGreaterThan(0);
    for (const [arn, { bytes, statements }] of bytesByFunction) {
      const perStatement = bytes / statements;
      const projected =
        bytes + (arn.includes('ManagementApiFunction') ? pending * perStatement : 0);
      expect(projected, `${arn}: ${statements} statements`).toBeLessThan(POLICY_QUOTA_BYTES * 0.8);
    }
  });

  it('hold one statement per API for the management function, whatever its number of routes', () => {
    const management = Object.keys(resources).find(
      (id) =>
        resources[id]?.Type === 'AWS::Lambda::Function' && id.includes('ManagementApiFunction'),
    );
    const invokers = Object.values(resources).filter(
      (r) =>
        r.Type === 'AWS::Lambda::Permission' &&
        JSON.stringify(r.Properties.FunctionName).includes(`"${management}"`) &&
        r.Properties.Principal === 'apigateway.amazonaws.com',
    );
    expect(
      invokers.map((r) => String(resolve(r.Properties.SourceArn, resources)).split('/').slice(1)),
    ).toEqual([
      ['*', '*', '*'],
      ['*', '*', '*'],
    ]);
  });

  it('hold one statement for the whole token API per function, not one per route', () => {
    const tokenApi = Object.keys(resources).find(
      (id) => resources[id]?.Type === 'AWS::ApiGatewayV2::Api' && id.includes('TokenApi'),
    );
    const fromTokenApi = Object.values(resources).filter(
      (r) =>
        r.Type === 'AWS::Lambda::Permission' &&
        String(resolve(r.Properties.SourceArn, resources)).includes(`:${tokenApi}/`),
    );
    // Ingest, management, and the authorizer (invoked as an authorizer, not a route).
    expect(fromTokenApi).toHaveLength(3);
  });
});
