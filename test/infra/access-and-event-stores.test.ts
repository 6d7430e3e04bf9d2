import { readFileSync } from 'node:fs';
import { App, Duration, RemovalPolicy } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../infra/app.js';
import { accessTable, eventStoreTable, type TableDefinition } from '../../infra/base-resources.js';
import { HookbridgeStack, type HookbridgeStackProps } from '../../infra/hookbridge-stack.js';

// The two tables of issue 12 and who may do what with them. cdk.json's context (policies are
// minimized as `cdk synth` writes them); bundling is skipped (the template is read).
const context = {
  ...(JSON.parse(readFileSync(new URL('../../cdk.json', import.meta.url), 'utf8'))
    .context as Record<string, unknown>),
  'aws:cdk:bundling-stacks': [],
};

type Statement = { Action: string | string[]; Resource: unknown; Condition?: unknown };

function synth(props: HookbridgeStackProps['hookbridge'] = {}): Template {
  return Template.fromStack(
    new HookbridgeStack(new App({ context }), 'Hookbridge', { hookbridge: props }),
  );
}

function logicalId(from: Template, type: string, part: string): string {
  const found = Object.keys(from.findResources(type)).filter((id) => id.includes(part));
  expect(found, `${type} ${part}`).toHaveLength(1);
  return found[0] as string;
}

/** The statements of the role of the function whose logical id contains `part`. */
function statementsOf(from: Template, part: string): Statement[] {
  const fn =
    from.findResources('AWS::Lambda::Function')[logicalId(from, 'AWS::Lambda::Function', part)];
  const role = fn?.Properties.Role as { 'Fn::GetAtt': [string, string] } | undefined;
  return Object.values(from.findResources('AWS::IAM::Policy'))
    .filter(
      (p) =>
        JSON.stringify(p.Properties.Roles) === JSON.stringify([{ Ref: role?.['Fn::GetAtt'][0] }]),
    )
    .flatMap((p) => p.Properties.PolicyDocument.Statement as Statement[]);
}

/** The actions a role has on `tableId` itself and on each of its indexes, sorted. */
function grantsOn(statements: Statement[], tableId: string): Record<string, string[]> {
  const found: Record<string, string[]> = {};
  for (const statement of statements) {
    for (const resource of [statement.Resource].flat()) {
      const text = JSON.stringify(resource);
      if (!text.includes(`"${tableId}"`)) continue;
      const index = /\/index\/([^"]+)"/.exec(text)?.[1];
      const key = index === undefined ? 'table' : `index/${index}`;
      found[key] = [...(found[key] ?? []), ...[statement.Action].flat()].sort();
    }
  }
  return found;
}

function environmentOf(from: Template, part: string): Record<string, unknown> {
  const fn =
    from.findResources('AWS::Lambda::Function')[logicalId(from, 'AWS::Lambda::Function', part)];
  return fn?.Properties.Environment.Variables as Record<string, unknown>;
}

/** What a definition of base-resources.ts becomes in the template. */
function tableProperties(definition: TableDefinition) {
  const keys = (k: { partitionKey: { name: string }; sortKey?: { name: string } }) => [
    { AttributeName: k.partitionKey.name, KeyType: 'HASH' },
    ...(k.sortKey ? [{ AttributeName: k.sortKey.name, KeyType: 'RANGE' }] : []),
  ];
  return {
    KeySchema: keys(definition),
    TimeToLiveSpecification: { AttributeName: definition.timeToLiveAttribute, Enabled: true },
    GlobalSecondaryIndexes: (definition.globalSecondaryIndexes ?? []).map((index) => ({
      IndexName: index.indexName,
      KeySchema: keys(index),
      Projection: index.nonKeyAttributes
        ? { ProjectionType: 'INCLUDE', NonKeyAttributes: [...index.nonKeyAttributes] }
        : { ProjectionType: 'ALL' },
    })),
    BillingMode: 'PAY_PER_REQUEST',
    PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
    SSESpecification: { SSEEnabled: true },
  };
}

let template: Template;
let ids: Record<'access' | 'events' | 'subscriptions', string>;

beforeAll(() => {
  template = synth();
  ids = {
    access: logicalId(template, 'AWS::DynamoDB::Table', 'AccessStore'),
    events: logicalId(template, 'AWS::DynamoDB::Table', 'EventStore'),
    subscriptions: logicalId(template, 'AWS::DynamoDB::Table', 'SubscriptionStoreSubscriptions'),
  };
});

describe('the tables', () => {
  it.each([
    ['AccessStore', accessTable],
    ['EventStore', eventStoreTable],
  ] as const)(
    'build %s as base-resources.ts defines it, like the other tables',
    (part, definition) => {
      const table =
        template.findResources('AWS::DynamoDB::Table')[
          logicalId(template, 'AWS::DynamoDB::Table', part)
        ];
      expect(table?.Properties).toMatchObject(tableProperties(definition));
      expect(table?.DeletionPolicy).toBe('Retain');
    },
  );

  it('go with the stack when the removal policy says so', () => {
    const destroyed = synth({ removalPolicy: RemovalPolicy.DESTROY });
    for (const part of ['AccessStore', 'EventStore']) {
      const id = logicalId(destroyed, 'AWS::DynamoDB::Table', part);
      expect(destroyed.findResources('AWS::DynamoDB::Table')[id]?.DeletionPolicy, part).toBe(
        'Delete',
      );
    }
  });

  it('are named in the outputs', () => {
    template.hasOutput('AccessTableName', { Value: { Ref: ids.access } });
    template.hasOutput('EventStoreTableName', { Value: { Ref: ids.events } });
  });
});

describe('the event store', () => {
  it('is written by ingest only: put, batch write and delete, on the table, no index', () => {
    expect(grantsOn(statementsOf(template, 'IngestApiFunction'), ids.events)).toEqual({
      table: ['dynamodb:BatchWriteItem', 'dynamodb:DeleteItem', 'dynamodb:PutItem'],
    });
    expect(environmentOf(template, 'IngestApiFunction')).toMatchObject({
      HOOKBRIDGE_EVENT_STORE_TABLE: { Ref: ids.events },
      HOOKBRIDGE_EVENT_RETENTION_DAYS: '30',
    });
  });

  it('is read by management: one event, and the two indexes', () => {
    expect(grantsOn(statementsOf(template, 'ManagementApiFunction'), ids.events)).toEqual({
      table: ['dynamodb:GetItem'],
      'index/byTenant': ['dynamodb:Query'],
      'index/byTime': ['dynamodb:Query'],
    });
    expect(environmentOf(template, 'ManagementApiFunction')).toMatchObject({
      HOOKBRIDGE_EVENT_STORE_TABLE: { Ref: ids.events },
      HOOKBRIDGE_EVENT_RETENTION_DAYS: '30',
    });
  });

  it('is out of reach of delivery, the reconciler and the authorizer', () => {
    for (const part of ['DeliveryFunction', 'ManagementApiReconciler', 'TokenApiAuthorizer']) {
      expect(grantsOn(statementsOf(template, part), ids.events), part).toEqual({});
      expect(environmentOf(template, part).HOOKBRIDGE_EVENT_STORE_TABLE, part).toBeUndefined();
    }
  });

  it('keeps events as long as asked, in whole days up to 365', () => {
    for (const days of [1, 7, 365]) {
      expect(
        environmentOf(synth({ eventRetention: Duration.days(days) }), 'IngestApiFunction')
          .HOOKBRIDGE_EVENT_RETENTION_DAYS,
      ).toBe(String(days));
    }
  });

  it('off (0 days): ingest is told so and may not write the table; management still reads it', () => {
    const off = synth({ eventRetention: Duration.days(0) });
    const events = logicalId(off, 'AWS::DynamoDB::Table', 'EventStore');
    expect(environmentOf(off, 'IngestApiFunction').HOOKBRIDGE_EVENT_RETENTION_DAYS).toBe('0');
    expect(grantsOn(statementsOf(off, 'IngestApiFunction'), events)).toEqual({});
    expect(grantsOn(statementsOf(off, 'ManagementApiFunction'), events)).toMatchObject({
      table: ['dynamodb:GetItem'],
    });
    // The table stays: turning the store off replaces nothing.
    off.hasResource('AWS::DynamoDB::Table', { DeletionPolicy: 'Retain' });
  });

  it.each([
    [Duration.days(366), /eventRetention must be a whole number of days, 0 \(off\) to 365/],
    [Duration.hours(36), /eventRetention must be a whole number of days/],
    [Duration.days(3650), /eventRetention must be a whole number of days/],
  ])('refuses a retention of %s at synthesis', (retention, message) => {
    expect(() => synth({ eventRetention: retention })).toThrow(message);
  });
});

describe('the access table', () => {
  it('is administered by management: mint, read, list, revoke, and one tenant’s list', () => {
    expect(grantsOn(statementsOf(template, 'ManagementApiFunction'), ids.access)).toEqual({
      table: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Scan', 'dynamodb:UpdateItem'],
      'index/byTenant': ['dynamodb:Query'],
    });
    expect(environmentOf(template, 'ManagementApiFunction').HOOKBRIDGE_ACCESS_TABLE).toEqual({
      Ref: ids.access,
    });
  });

  it('is checked by the authorizer: read a credential, record an API key’s use (apikey# only)', () => {
    expect(grantsOn(statementsOf(template, 'TokenApiAuthorizer'), ids.access)).toEqual({
      table: ['dynamodb:GetItem', 'dynamodb:UpdateItem'],
    });
    const updates = statementsOf(template, 'TokenApiAuthorizer').filter((s) =>
      JSON.stringify(s.Action).includes('dynamodb:UpdateItem'),
    );
    expect(updates.map((s) => [s.Action, s.Condition])).toEqual([
      [
        'dynamodb:UpdateItem',
        {
          'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['apikey#*'] },
          Null: { 'dynamodb:LeadingKeys': 'false' },
        },
      ],
    ]);
  });

  it('is out of reach of ingest, delivery and the reconciler', () => {
    for (const part of ['IngestApiFunction', 'DeliveryFunction', 'ManagementApiReconciler']) {
      expect(grantsOn(statementsOf(template, part), ids.access), part).toEqual({});
    }
  });
});

describe('the subscriptions table’s byTenant index', () => {
  it('is queried by management and the reconciler, each naming it; delivery reaches no index', () => {
    for (const part of ['ManagementApiFunction', 'ManagementApiReconciler']) {
      const grants = grantsOn(statementsOf(template, part), ids.subscriptions);
      // Management also lists the event type catalog from its own index; the reconciler not.
      const indexes = part === 'ManagementApiFunction' ? ['index/byCatalog'] : [];
      expect(Object.keys(grants).sort(), part).toEqual([...indexes, 'index/byTenant', 'table']);
      expect(grants['index/byTenant'], part).toEqual(['dynamodb:Query']);
      if (indexes.length > 0) expect(grants['index/byCatalog'], part).toEqual(['dynamodb:Query']);
    }
    expect(
      Object.keys(grantsOn(statementsOf(template, 'DeliveryFunction'), ids.subscriptions)),
    ).toEqual(['table']);
  });

  it('no role gets a grant on every index of a table (index/*)', () => {
    const text = JSON.stringify(template.findResources('AWS::IAM::Policy'));
    expect(text).not.toContain('/index/*');
  });
});

describe('the standalone app', () => {
  const appTemplate = (settings: Record<string, string>) => {
    const app = createApp({ context: { ...context, ...settings } });
    const stack = app.node.children.find((c) => c instanceof HookbridgeStack);
    return Template.fromStack(stack as HookbridgeStack);
  };

  it('reads eventRetentionDays, tokenApi and authorizerCacheTtlSeconds from context', () => {
    const custom = appTemplate({
      eventRetentionDays: '7',
      authorizerCacheTtlSeconds: '15',
    });
    custom.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ HOOKBRIDGE_EVENT_RETENTION_DAYS: '7' }) },
    });
    custom.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
      AuthorizerResultTtlInSeconds: 15,
    });
    appTemplate({ tokenApi: 'false' }).resourceCountIs('AWS::ApiGatewayV2::Api', 1);
  });

  it('reads laneIdleTimeoutHours from context: the idle period, 0 turning cold lanes off', () => {
    appTemplate({ laneIdleTimeoutHours: '6' }).hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ HOOKBRIDGE_LANE_IDLE_SECONDS: '21600' }) },
    });
    const off = appTemplate({ laneIdleTimeoutHours: '0' });
    expect(
      Object.keys(
        off.findResources('AWS::SQS::Queue', {
          Properties: { RedrivePolicy: { maxReceiveCount: 5 } },
        }),
      ),
    ).toEqual([]);
  });

  it.each([
    [{ authorizerCacheTtlSeconds: '120' }, /authorizerCacheTtl must be a whole number of seconds/],
    [{ eventRetentionDays: '400' }, /eventRetention must be a whole number of days/],
    [{ tokenApi: 'maybe' }, /context tokenApi: expected 'true' or 'false'/],
    [{ eventRetentionDays: '-1' }, /context eventRetentionDays: expected a whole number/],
  ])('refuses %o', (settings, message) => {
    expect(() => appTemplate(settings)).toThrow(message);
  });
});
