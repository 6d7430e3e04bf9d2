import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { idempotencyTable, type TableDefinition } from '../../infra/base-resources.js';
import { HookbridgeStack } from '../../infra/hookbridge-stack.js';

// The local runtime creates its tables from base-resources.ts; these tests hold the stack to
// the same definitions, so a change to one side cannot leave the other behind.
function synthesizedTables() {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  const template = Template.fromStack(new HookbridgeStack(app, 'Hookbridge'));
  return template.findResources('AWS::DynamoDB::Table');
}

function expectedProperties(definition: TableDefinition) {
  const keys = [definition.partitionKey, ...(definition.sortKey ? [definition.sortKey] : [])];
  return {
    KeySchema: keys.map((key, i) => ({
      AttributeName: key.name,
      KeyType: i === 0 ? 'HASH' : 'RANGE',
    })),
    AttributeDefinitions: keys.map((key) => ({
      AttributeName: key.name,
      AttributeType: key.type,
    })),
    TimeToLiveSpecification: definition.timeToLiveAttribute
      ? { AttributeName: definition.timeToLiveAttribute, Enabled: true }
      : undefined,
  };
}

describe('the stack and base-resources.ts', () => {
  it('build the idempotency table with the same keys and TTL attribute', () => {
    const idempotency = Object.entries(synthesizedTables()).filter(([id]) =>
      id.includes('IdempotencyStore'),
    );
    expect(idempotency).toHaveLength(1);
    const [, table] = idempotency[0] as [string, { Properties: Record<string, unknown> }];
    const { KeySchema, AttributeDefinitions, TimeToLiveSpecification } = table.Properties;
    expect({ KeySchema, AttributeDefinitions, TimeToLiveSpecification }).toEqual(
      expectedProperties(idempotencyTable),
    );
  });
});
