import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { deliveriesTable } from '../../infra/base-resources.js';
import { HookbridgeStack } from '../../infra/hookbridge-stack.js';
import { ATTEMPTS_BY_TIME_INDEX } from '../../shared/delivery/attempt-keys.js';

type Statement = { Action: string | string[]; Resource: unknown };

let template: Template;
let tableId: string;

beforeAll(() => {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  template = Template.fromStack(new HookbridgeStack(app, 'Hookbridge'));
  const ids = Object.keys(template.findResources('AWS::DynamoDB::Table')).filter((id) =>
    id.includes('SubscriptionStoreDeliveries'),
  );
  expect(ids).toHaveLength(1);
  tableId = ids[0] as string;
});

/** What the role of the function with this description may do on the deliveries table, by resource. */
function deliveriesGrants(description: RegExp): Map<string, Set<string>> {
  const [fnId, fn] =
    Object.entries(template.findResources('AWS::Lambda::Function')).find(([, f]) =>
      description.test(f.Properties.Description),
    ) ?? [];
  expect(fnId, String(description)).toBeDefined();
  const role = JSON.stringify([{ Ref: fn?.Properties.Role['Fn::GetAtt'][0] }]);
  const grants = new Map<string, Set<string>>();
  for (const policy of Object.values(template.findResources('AWS::IAM::Policy'))) {
    if (JSON.stringify(policy.Properties.Roles) !== role) continue;
    for (const statement of policy.Properties.PolicyDocument.Statement as Statement[]) {
      for (const resource of [statement.Resource].flat()) {
        const text = JSON.stringify(resource);
        if (!text.includes(tableId)) continue;
        const key = text.includes('/index/') ? 'index' : 'table';
        const actions = grants.get(key) ?? new Set<string>();
        for (const action of [statement.Action].flat()) actions.add(action);
        grants.set(key, actions);
      }
    }
  }
  return grants;
}

describe('the deliveries table', () => {
  it('has the time index of base-resources.ts, projecting every attribute the listing shows', () => {
    const table = template.findResources('AWS::DynamoDB::Table')[tableId];
    expect(table?.Properties.GlobalSecondaryIndexes).toEqual(
      (deliveriesTable.globalSecondaryIndexes ?? []).map((index) => ({
        IndexName: index.indexName,
        KeySchema: [
          { AttributeName: index.partitionKey.name, KeyType: 'HASH' },
          ...(index.sortKey ? [{ AttributeName: index.sortKey.name, KeyType: 'RANGE' }] : []),
        ],
        Projection: { ProjectionType: 'ALL' },
      })),
    );
    expect(table?.Properties.GlobalSecondaryIndexes?.[0]).toMatchObject({
      IndexName: ATTEMPTS_BY_TIME_INDEX,
      KeySchema: [
        { AttributeName: 'subscriptionId', KeyType: 'HASH' },
        { AttributeName: 'attemptedAt', KeyType: 'RANGE' },
      ],
    });
  });

  it('lets management query the time index, which the deliveries listing reads', () => {
    const grants = deliveriesGrants(/^Hookbridge management/);
    expect([...(grants.get('index') ?? [])]).toContain('dynamodb:Query');
    expect([...(grants.get('table') ?? [])]).toContain('dynamodb:Query');
  });

  it('lets delivery query and put on the table, where the guard and the numbering read', () => {
    const grants = deliveriesGrants(/^Hookbridge delivery/);
    expect([...(grants.get('table') ?? [])].sort()).toEqual(['dynamodb:PutItem', 'dynamodb:Query']);
  });
});
