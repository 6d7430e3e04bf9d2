import { readFileSync } from 'node:fs';
import { App, Duration, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import { beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../infra/app.js';
import {
  deliveriesTable,
  subscriptionsTable,
  type TableDefinition,
} from '../../infra/base-resources.js';
import { HookbridgeStack } from '../../infra/hookbridge-stack.js';
import { Hookbridge, type HookbridgeProps, MANAGEMENT_ROUTES } from '../../infra/index.js';

// cdk.json's context (policies are minimized as `cdk synth` writes them); these tests are about
// the template, not the code, so bundling is skipped.
const context = {
  ...(JSON.parse(readFileSync(new URL('../../cdk.json', import.meta.url), 'utf8'))
    .context as Record<string, unknown>),
  'aws:cdk:bundling-stacks': [],
};

type Statement = {
  Action: string | string[];
  Resource: unknown;
  Condition?: Record<string, Record<string, unknown>>;
};

let template: Template;
let ids: Record<'delivery' | 'management' | 'reconciler' | 'bus' | 'archive', string>;

// Template.fromStack also refuses a template with a dependency cycle (the delivery function's
// own-mapping permissions are the place one could appear).
beforeAll(() => {
  // The product's own functions; CDK's function that deploys the web app is web-app.test.ts's.
  template = Template.fromStack(
    new HookbridgeStack(new App({ context }), 'Hookbridge', { hookbridge: { webApp: false } }),
  );
  ids = {
    delivery: logicalId('AWS::Lambda::Function', 'DeliveryFunction'),
    management: logicalId('AWS::Lambda::Function', 'ManagementApiFunction'),
    reconciler: logicalId('AWS::Lambda::Function', 'ManagementApiReconciler'),
    bus: logicalId('AWS::Events::EventBus', 'EventBus'),
    archive: logicalId('AWS::Events::Archive', 'Archive'),
  };
});

function synth(props: HookbridgeProps = {}, extra?: (stack: Stack, hb: Hookbridge) => void) {
  const stack = new Stack(new App({ context }), 'Embedding');
  const hookbridge = new Hookbridge(stack, 'Hookbridge', props);
  extra?.(stack, hookbridge);
  return Template.fromStack(stack);
}

function logicalId(type: string, part: string, from = template): string {
  const found = Object.keys(from.findResources(type)).filter((id) => id.includes(part));
  expect(found, `${type} ${part}`).toHaveLength(1);
  return found[0] as string;
}

/** The cold lanes' wake queue (the one queue of the stack with 5 receives before its DLQ). */
function wakeQueueArn(): string {
  const found = Object.keys(
    template.findResources('AWS::SQS::Queue', {
      Properties: { RedrivePolicy: { maxReceiveCount: 5 } },
    }),
  );
  expect(found).toHaveLength(1);
  return `\${${found[0]}.Arn}`;
}

function propertiesOf(type: string, id: string) {
  const resource = template.findResources(type)[id];
  expect(resource, id).toBeDefined();
  return resource?.Properties;
}

const getAtt = (id: string, attribute = 'Arn') => ({ 'Fn::GetAtt': [id, attribute] });

/** A CloudFormation value as a readable string: `${Ref}`, `${Id.Attr}`, joins flattened. */
function render(value: unknown): string {
  if (typeof value === 'string') return value;
  const v = (value ?? {}) as { Ref?: string; 'Fn::GetAtt'?: string[]; 'Fn::Join'?: [string, []] };
  if (v.Ref) return `\${${v.Ref}}`;
  if (v['Fn::GetAtt']) return `\${${v['Fn::GetAtt'].join('.')}}`;
  if (v['Fn::Join']) return v['Fn::Join'][1].map(render).join(v['Fn::Join'][0]);
  return JSON.stringify(value);
}

function statements(from = template): Statement[] {
  return Object.values(from.findResources('AWS::IAM::Policy')).flatMap(
    (policy) => policy.Properties.PolicyDocument.Statement as Statement[],
  );
}

const actionsOf = (s: Statement) => [s.Action].flat();
const resourcesOf = (s: Statement) => [s.Resource].flat().map(render);
/** An ARN of this account and region, as `render` shows it. */
const arn = (service: string, rest: string) =>
  `arn:\${AWS::Partition}:${service}:\${AWS::Region}:\${AWS::AccountId}:${rest}`;

describe('functions', () => {
  it('runs delivery, management and the reconciler, like ingest, on Node.js 22 on arm64', () => {
    // With the token API's authorizer (token-api.test.ts).
    template.resourceCountIs('AWS::Lambda::Function', 5);
    template.resourcePropertiesCountIs(
      'AWS::Lambda::Function',
      { Runtime: 'nodejs22.x', Architectures: ['arm64'] },
      5,
    );
  });

  it('gives the delivery function 60 s', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Description: Match.stringLikeRegexp('^Hookbridge delivery'),
      Timeout: 60,
    });
  });

  it('reserves no concurrency for delivery (each mapping caps its subscriber)', () => {
    const fn = propertiesOf('AWS::Lambda::Function', ids.delivery);
    expect(fn.ReservedConcurrentExecutions).toBeUndefined();
  });

  it('ends the management function before API Gateway gives up (30 s)', () => {
    const fn = propertiesOf('AWS::Lambda::Function', ids.management);
    expect(fn.Timeout).toBe(29);
  });

  it.each(['delivery', 'management', 'reconciler'] as const)(
    'logs %s to its own log group, kept 30 days',
    (key) => {
      const fn = propertiesOf('AWS::Lambda::Function', ids[key]);
      const groupId = fn.LoggingConfig.LogGroup.Ref as string;
      expect(template.findResources('AWS::Logs::LogGroup')[groupId]?.Properties).toEqual({
        RetentionInDays: 30,
      });
    },
  );
});

describe('wiring', () => {
  it('tells management and the reconciler the delivery timeout (queues get 6× it)', () => {
    template.resourcePropertiesCountIs(
      'AWS::Lambda::Function',
      { Environment: { Variables: { HOOKBRIDGE_DELIVERY_TIMEOUT_SECONDS: '60' } } },
      2,
    );
  });

  it('names the delivery function to management and the reconciler', () => {
    template.resourcePropertiesCountIs(
      'AWS::Lambda::Function',
      { Environment: { Variables: { HOOKBRIDGE_DELIVERY_FUNCTION_NAME: { Ref: ids.delivery } } } },
      2,
    );
  });

  it('gives management the archive to replay from', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Description: Match.stringLikeRegexp('^Hookbridge management'),
      Environment: { Variables: { HOOKBRIDGE_ARCHIVE_ARN: getAtt(ids.archive) } },
    });
  });

  it('gives delivery its settings, with the documented defaults', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: {
          HOOKBRIDGE_SUBSCRIPTIONS_TABLE: {
            Ref: logicalId('AWS::DynamoDB::Table', 'StoreSubscriptions'),
          },
          HOOKBRIDGE_DELIVERIES_TABLE: {
            Ref: logicalId('AWS::DynamoDB::Table', 'StoreDeliveries'),
          },
          HOOKBRIDGE_EVENT_BUS_NAME: { Ref: ids.bus },
          HOOKBRIDGE_EVENT_SOURCE: 'hookbridge',
          HOOKBRIDGE_RESOURCE_PREFIX: 'hookbridge',
          HOOKBRIDGE_ATTEMPT_TIMEOUT_MS: '15000',
          HOOKBRIDGE_DELIVERY_LOG_TTL_DAYS: '30',
          HOOKBRIDGE_AUTO_DISABLE_AFTER_HOURS: '120',
          HOOKBRIDGE_ALLOW_CIDRS: '',
          HOOKBRIDGE_ALLOW_HTTP: 'false',
        },
      },
    });
  });

  it('passes the delivery settings that are asked for', () => {
    const custom = synth({
      deliveryAttemptTimeout: Duration.seconds(20),
      deliveryLogTtl: Duration.days(7),
      autoDisableAfter: Duration.days(2),
    });
    custom.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: {
          HOOKBRIDGE_ATTEMPT_TIMEOUT_MS: '20000',
          HOOKBRIDGE_DELIVERY_LOG_TTL_DAYS: '7',
          HOOKBRIDGE_AUTO_DISABLE_AFTER_HOURS: '48',
        },
      },
    });
  });

  it('gives delivery, management and the reconciler the same SSRF allow-list', () => {
    synth({
      allowedDestinationCidrs: ['10.1.0.0/16', 'fd00::/8'],
      allowHttpDestinations: true,
    }).resourcePropertiesCountIs(
      'AWS::Lambda::Function',
      {
        Environment: {
          Variables: {
            HOOKBRIDGE_ALLOW_CIDRS: '10.1.0.0/16,fd00::/8',
            HOOKBRIDGE_ALLOW_HTTP: 'true',
          },
        },
      },
      3,
    );
  });

  it.each([
    [
      { allowedDestinationCidrs: ['10.0.0.0/33'] },
      /allowedCidrs: .*10\.0\.0\.0\/33.* is not a CIDR/,
    ],
    [{ deliveryAttemptTimeout: Duration.seconds(31) }, /attemptTimeout must be .* 1000 to 30000/],
    [{ deliveryLogTtl: Duration.hours(36) }, /attemptLogTtl must be a whole number of days/],
    [{ reconcileInterval: Duration.seconds(90) }, /reconcileInterval must be a whole number/],
    [{ prefix: 'with_underscore' }, /prefix must be 1 to 20 letters, digits or '-'/],
    [{ prefix: 'a'.repeat(21) }, /prefix must be 1 to 20 letters/],
  ] satisfies [HookbridgeProps, RegExp][])('refuses %o at synthesis', (props, message) => {
    expect(() => synth(props)).toThrow(message);
  });
});

describe('routes', () => {
  it('authorizes every route of the IAM API with IAM (2 ingest + every management route)', () => {
    const api = logicalId('AWS::ApiGatewayV2::Api', 'IngestApi');
    const count = 2 + MANAGEMENT_ROUTES.length;
    template.resourcePropertiesCountIs('AWS::ApiGatewayV2::Route', { ApiId: { Ref: api } }, count);
    template.resourcePropertiesCountIs(
      'AWS::ApiGatewayV2::Route',
      { ApiId: { Ref: api }, AuthorizationType: 'AWS_IAM' },
      count,
    );
  });

  it('sends every management route to the management function, on the ingest API', () => {
    const api = logicalId('AWS::ApiGatewayV2::Api', 'IngestApi');
    // The token API has an integration of its own with the function (token-api.test.ts).
    const [integrationId, ...others] = Object.entries(
      template.findResources('AWS::ApiGatewayV2::Integration'),
    )
      .filter(
        ([, i]) =>
          i.Properties.IntegrationUri['Fn::GetAtt']?.[0] === ids.management &&
          i.Properties.ApiId.Ref === api,
      )
      .map(([id]) => id);
    expect(others).toEqual([]);
    const routes = Object.values(template.findResources('AWS::ApiGatewayV2::Route')).filter(
      (route) => render(route.Properties.Target) === `integrations/\${${integrationId}}`,
    );
    expect(routes.map((r) => r.Properties.RouteKey).sort()).toEqual(
      MANAGEMENT_ROUTES.map(({ method, path }) => `${method} ${path}`).sort(),
    );
  });

  it('lets grantManage callers invoke the management routes, and no other (see grants.test.ts)', () => {
    const custom = synth({}, (stack, hookbridge) => {
      hookbridge.grantManage(
        new iam.Role(stack, 'Operator', { assumedBy: new iam.AccountRootPrincipal() }),
      );
    });
    const granted = Object.values(custom.findResources('AWS::IAM::Policy'))
      .filter((p) => JSON.stringify(p.Properties.Roles).includes('Operator'))
      .flatMap((p) => p.Properties.PolicyDocument.Statement as Statement[]);
    expect(granted.flatMap(actionsOf)).toEqual(['execute-api:Invoke']);
    const paths = granted.flatMap(resourcesOf).map((r) => r.slice(r.lastIndexOf('}') + 1));
    expect(paths.sort()).toEqual(
      [
        '/*/*/v1/subscriptions',
        '/*/*/v1/subscriptions/*',
        '/*/*/v1/tenants',
        '/*/*/v1/tenants/*',
        '/*/*/v1/api-keys',
        '/*/*/v1/api-keys/*',
        '/*/*/v1/console-sessions',
        '/*/*/v1/console-sessions/*',
        '/*/*/v1/event-types',
        '/*/*/v1/event-types/*',
        '/*/GET/v1/events',
        '/*/GET/v1/events/*',
      ].sort(),
    );
  });
});

describe('tables', () => {
  const keyProperties = (definition: TableDefinition) => {
    const keys = [definition.partitionKey, ...(definition.sortKey ? [definition.sortKey] : [])];
    // Index keys are attributes of the table too (the time index of deliveriesTable).
    const attributes = new Map<string, string>();
    for (const key of [
      ...keys,
      ...(definition.globalSecondaryIndexes ?? []).flatMap((i) => [i.partitionKey, i.sortKey]),
    ])
      if (key) attributes.set(key.name, key.type);
    return {
      KeySchema: keys.map((k, i) => ({ AttributeName: k.name, KeyType: i ? 'RANGE' : 'HASH' })),
      AttributeDefinitions: [...attributes].map(([name, type]) => ({
        AttributeName: name,
        AttributeType: type,
      })),
    };
  };

  it.each([
    ['Subscriptions', subscriptionsTable],
    ['Deliveries', deliveriesTable],
  ])('builds %s with the keys of base-resources.ts', (part, definition) => {
    const id = logicalId('AWS::DynamoDB::Table', `SubscriptionStore${part}`);
    const table = propertiesOf('AWS::DynamoDB::Table', id);
    const { KeySchema, AttributeDefinitions } = table;
    expect({ KeySchema, AttributeDefinitions }).toEqual(keyProperties(definition));
  });

  it('makes both on-demand, with point-in-time recovery and encryption at rest', () => {
    template.resourcePropertiesCountIs(
      'AWS::DynamoDB::Table',
      {
        BillingMode: 'PAY_PER_REQUEST',
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        SSESpecification: { SSEEnabled: true },
      },
      5, // with the idempotency, access and event-store tables
    );
  });

  it('expires attempts through TTL on expiresAt', () => {
    expect(deliveriesTable.timeToLiveAttribute).toBe('expiresAt');
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      KeySchema: Match.arrayWith([{ AttributeName: 'subscriptionId', KeyType: 'HASH' }]),
      TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
    });
  });

  it('keeps subscriptions without TTL', () => {
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
      TimeToLiveSpecification: Match.absent(),
    });
  });

  it('retains every table when it leaves the stack', () => {
    expect(Object.keys(template.findResources('AWS::DynamoDB::Table'))).toHaveLength(5);
    expect(
      Object.keys(template.findResources('AWS::DynamoDB::Table', { DeletionPolicy: 'Retain' })),
    ).toHaveLength(5);
  });
});

describe('reconciler schedule', () => {
  it('runs the reconciler every 5 minutes', () => {
    template.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'rate(5 minutes)',
      State: 'ENABLED',
      Targets: [Match.objectLike({ Arn: getAtt(ids.reconciler) })],
    });
  });

  it('lets EventBridge invoke the reconciler', () => {
    template.hasResourceProperties('AWS::Lambda::Permission', {
      Action: 'lambda:InvokeFunction',
      FunctionName: getAtt(ids.reconciler),
      Principal: 'events.amazonaws.com',
    });
  });

  it('does not retry a failed pass (the next one does the work)', () => {
    template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      FunctionName: { Ref: ids.reconciler },
      MaximumRetryAttempts: 0,
    });
  });

  it('runs as often as asked', () => {
    synth({ reconcileInterval: Duration.minutes(15) }).hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'rate(15 minutes)',
    });
  });
});

describe('permissions', () => {
  // The actions IAM cannot scope to a resource (the Service Authorization Reference lists no
  // resource type for them): each is commented where it is granted.
  const UNSCOPABLE = [
    'events:ListRules',
    'lambda:CreateEventSourceMapping',
    'lambda:ListEventSourceMappings',
    'sqs:ListQueues',
  ];

  it('grants `*` only for the actions IAM cannot scope', () => {
    const onEverything = statements().filter((s) => resourcesOf(s).includes('*'));
    expect([...new Set(onEverything.flatMap(actionsOf))].sort()).toEqual(UNSCOPABLE);
  });

  it('grants no wildcard action', () => {
    for (const action of statements().flatMap(actionsOf)) expect(action).not.toContain('*');
  });

  it('lets mappings be created for the delivery function only', () => {
    const creates = statements().filter((s) =>
      actionsOf(s).includes('lambda:CreateEventSourceMapping'),
    );
    // Management and the reconciler; delivery too, to remake (disabled) a vanished mapping.
    expect(creates.length).toBe(3);
    for (const statement of creates) {
      expect(actionsOf(statement)).toEqual(['lambda:CreateEventSourceMapping']);
      expect(statement.Condition?.ArnLike?.['lambda:FunctionArn']).toEqual([
        getAtt(ids.delivery),
        { 'Fn::Join': ['', [getAtt(ids.delivery), ':*']] },
      ]);
    }
  });

  it('scopes changes to mappings to those of the delivery function', () => {
    const changes = statements().filter((s) =>
      actionsOf(s).some((a) => /^lambda:(Update|Delete|Get)EventSourceMapping$/.test(a)),
    );
    expect(changes.length).toBe(3); // management, the reconciler, delivery (update only)
    for (const statement of changes) {
      expect(resourcesOf(statement)).toEqual([arn('lambda', 'event-source-mapping:*')]);
      expect(JSON.stringify(statement.Condition?.ArnLike?.['lambda:FunctionArn'])).toContain(
        ids.delivery,
      );
    }
  });

  it('scopes every SQS action but ListQueues to the lane queues (<prefix>-sub_*) and the wake queue', () => {
    const wakeQueue = wakeQueueArn();
    const sqs = statements().filter((s) =>
      actionsOf(s).some((a) => a.startsWith('sqs:') && a !== 'sqs:ListQueues'),
    );
    expect(sqs.length).toBeGreaterThan(0);
    for (const statement of sqs) {
      for (const resource of resourcesOf(statement)) {
        if (resource === wakeQueue) continue;
        expect(resource).toMatch(/^arn:\$\{AWS::Partition\}:sqs:.*:hookbridge-sub_\*(-dlq)?$/);
      }
    }
  });

  it('lets delivery send to the dead-letter queues only', () => {
    const sends = statements().filter(
      (s) =>
        actionsOf(s).includes('sqs:SendMessage') && resourcesOf(s).some((r) => r.endsWith('-dlq')),
    );
    expect(sends.map(actionsOf)).toEqual([['sqs:SendMessage']]);
    expect(sends.flatMap(resourcesOf)).toEqual([arn('sqs', 'hookbridge-sub_*-dlq')]);
  });

  it('follows the prefix in the queue pattern', () => {
    const queues = statements(synth({ prefix: 'acme' }))
      .filter((s) => actionsOf(s).includes('sqs:CreateQueue'))
      .flatMap(resourcesOf);
    expect(queues).toEqual([arn('sqs', 'acme-sub_*'), arn('sqs', 'acme-sub_*')]);
  });

  it('scopes rule changes to the lane rules on the Hookbridge bus', () => {
    const rules = statements().filter((s) => actionsOf(s).includes('events:PutRule'));
    expect(rules.length).toBe(2);
    for (const statement of rules) {
      expect(resourcesOf(statement)).toEqual([
        arn('events', `rule/\${${ids.bus}}/hookbridge-sub_*`),
      ]);
    }
  });

  it('lets management replay from the archive onto the bus, and nothing else replay', () => {
    const replays = statements().filter((s) => actionsOf(s).includes('events:StartReplay'));
    expect(replays.length).toBe(1);
    expect(resourcesOf(replays[0] as Statement).sort()).toEqual(
      [`\${${ids.archive}.Arn}`, `\${${ids.bus}.Arn}`, arn('events', 'replay/sub_*')].sort(),
    );
  });

  it('lets management make every subscription-store call, and the reconciler all but create', () => {
    // DynamoSubscriptionStore: Get, Scan, Put (create), Update (versioned save), Delete; the
    // reconciler never creates a subscription (test/infra/iam-simulation.test.ts checks both
    // against the code).
    const expected = {
      [ids.management]: ['DeleteItem', 'GetItem', 'PutItem', 'Scan', 'UpdateItem'],
      [ids.reconciler]: ['DeleteItem', 'GetItem', 'Scan', 'UpdateItem'],
    };
    const table = getAtt(logicalId('AWS::DynamoDB::Table', 'SubscriptionStoreSubscriptions'));
    for (const [id, actions] of Object.entries(expected)) {
      const fn = propertiesOf('AWS::Lambda::Function', id);
      const roleId = fn.Role['Fn::GetAtt'][0] as string;
      const own = Object.values(template.findResources('AWS::IAM::Policy'))
        .filter((p) => JSON.stringify(p.Properties.Roles) === JSON.stringify([{ Ref: roleId }]))
        .flatMap((p) => p.Properties.PolicyDocument.Statement as Statement[])
        // The table itself, not its index (which both query: tenants' subscriptions).
        .filter((s) => [s.Resource].flat().some((r) => JSON.stringify(r) === JSON.stringify(table)))
        .flatMap(actionsOf)
        .filter((action) => action.startsWith('dynamodb:'));
      expect(own.sort()).toEqual(actions.map((action) => `dynamodb:${action}`));
    }
  });

  it('gives the reconciler no message, replay or attempt-log permission', () => {
    const fn = propertiesOf('AWS::Lambda::Function', ids.reconciler);
    const roleId = fn.Role['Fn::GetAtt'][0] as string;
    const own = Object.values(template.findResources('AWS::IAM::Policy'))
      .filter((p) => JSON.stringify(p.Properties.Roles) === JSON.stringify([{ Ref: roleId }]))
      .flatMap((p) => p.Properties.PolicyDocument.Statement as Statement[]);
    for (const action of ['sqs:SendMessage', 'events:StartReplay']) {
      expect(own.flatMap(actionsOf)).not.toContain(action);
    }
    // It receives from the wake queue alone (it is the waker), never from a lane's queue.
    const receives = own.filter((s) => actionsOf(s).includes('sqs:ReceiveMessage'));
    expect(receives.flatMap(resourcesOf)).toEqual([wakeQueueArn()]);
    // Its one Query is on the subscriptions' byTenant index (a deleted tenant's subscriptions).
    const queries = own.filter((s) => actionsOf(s).includes('dynamodb:Query'));
    expect(queries.flatMap(resourcesOf)).toEqual([
      `\${${logicalId('AWS::DynamoDB::Table', 'SubscriptionStoreSubscriptions')}.Arn}/index/byTenant`,
    ]);
  });
});

describe('outputs', () => {
  it('give the names an operator needs', () => {
    template.hasOutput('SubscriptionsTableName', {
      Value: { Ref: Match.stringLikeRegexp('Subscriptions') },
    });
    template.hasOutput('DeliveriesTableName', {
      Value: { Ref: Match.stringLikeRegexp('Deliveries') },
    });
    template.hasOutput('DeliveryFunctionName', { Value: { Ref: ids.delivery } });
    template.hasOutput('ManagementFunctionName', { Value: { Ref: ids.management } });
    template.hasOutput('ReconcilerFunctionName', { Value: { Ref: ids.reconciler } });
    template.hasOutput('ResourcePrefix', { Value: 'hookbridge' });
  });
});

describe('the standalone app', () => {
  // Context as `cdk synth -c key=value` gives it: strings.
  const appTemplate = (settings: Record<string, string>) => {
    const app = createApp({ context: { ...context, ...settings } });
    const stack = app.node.children.find((c) => c instanceof HookbridgeStack);
    return Template.fromStack(stack as HookbridgeStack);
  };

  it('reads the delivery and reconciler settings from context', () => {
    const custom = appTemplate({
      deliveryAttemptTimeoutSeconds: '10',
      deliveryLogTtlDays: '90',
      autoDisableAfterHours: '24',
      allowedDestinationCidrs: '10.0.0.0/8, 192.168.0.0/16',
      allowHttpDestinations: 'true',
      reconcileIntervalMinutes: '2',
    });
    custom.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: {
          HOOKBRIDGE_ATTEMPT_TIMEOUT_MS: '10000',
          HOOKBRIDGE_DELIVERY_LOG_TTL_DAYS: '90',
          HOOKBRIDGE_AUTO_DISABLE_AFTER_HOURS: '24',
          HOOKBRIDGE_ALLOW_CIDRS: '10.0.0.0/8,192.168.0.0/16',
          HOOKBRIDGE_ALLOW_HTTP: 'true',
        },
      },
    });
    custom.hasResourceProperties('AWS::Events::Rule', { ScheduleExpression: 'rate(2 minutes)' });
  });

  it('refuses a setting that is not true or false', () => {
    expect(() => appTemplate({ allowHttpDestinations: 'yes' })).toThrow(
      /context allowHttpDestinations: expected 'true' or 'false'/,
    );
  });
});
