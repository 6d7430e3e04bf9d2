import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { HookbridgeStack } from '../../infra/hookbridge-stack.js';

// The context of cdk.json, so policies and resources come out as `cdk synth` writes them.
const cdkContext = JSON.parse(readFileSync(new URL('../../cdk.json', import.meta.url), 'utf8'))
  .context as Record<string, unknown>;

let template: Template;
let assemblyDir: string;
let busId: string;
let tableId: string;
let functionId: string;

// One synthesis, with the real esbuild bundling, for the whole file.
beforeAll(() => {
  // Asset metadata (which the CLI turns on) says where the bundle was written.
  const app = new App({ context: { ...cdkContext, 'aws:cdk:enable-asset-metadata': true } });
  const stack = new HookbridgeStack(app, 'Hookbridge');
  template = Template.fromStack(stack);
  assemblyDir = app.synth().directory;
  busId = onlyLogicalId('AWS::Events::EventBus');
  tableId = onlyLogicalId('AWS::DynamoDB::Table', 'IdempotencyStore');
  functionId = onlyLogicalId('AWS::Lambda::Function', 'IngestApi');
});

// The stack holds other tables and functions too: `part` picks the one of the ingest path.
function onlyLogicalId(type: string, part = ''): string {
  const ids = Object.keys(template.findResources(type)).filter((id) => id.includes(part));
  expect(ids, type).toHaveLength(1);
  return ids[0] as string;
}

const getAtt = (id: string, attribute = 'Arn') => ({ 'Fn::GetAtt': [id, attribute] });

describe('ingest function', () => {
  it('runs on Node.js 22 on arm64', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs22.x',
      Architectures: ['arm64'],
    });
  });

  it('times out after the longest idempotency wait (10 s) and before API Gateway gives up (30 s)', () => {
    const fn = template.findResources('AWS::Lambda::Function')[functionId];
    expect(fn?.Properties.Timeout).toBeGreaterThan(10);
    expect(fn?.Properties.Timeout).toBeLessThan(30);
  });

  it('is a minified ESM bundle with a createRequire banner, source maps and the AWS SDK inside', () => {
    const fn = template.findResources('AWS::Lambda::Function')[functionId];
    const assetDir = join(assemblyDir, fn?.Metadata['aws:asset:path'] as string);
    const code = readFileSync(join(assetDir, 'index.mjs'), 'utf8');
    expect(fn?.Properties.Handler).toBe('index.handler');
    expect(code.split('\n', 1)[0]).toContain('createRequire(import.meta.url)');
    expect(existsSync(join(assetDir, 'index.mjs.map'))).toBe(true);
    // Minified: hundreds of kilobytes on a few dozen lines (unminified, ~30 bytes a line).
    expect(code.length / code.split('\n').length).toBeGreaterThan(1000);
    // Only Node.js built-ins and the bundle's own chunks stay outside index.mjs: the AWS SDK
    // and every other package the handler imports (it imports @aws-sdk clients) are inside.
    const imports = [...code.matchAll(/\bfrom\s*["']([^"']+)["']/g)].map((m) => m[1] ?? '');
    expect(imports.length).toBeGreaterThan(0);
    const chunks = imports.filter((specifier) => specifier.startsWith('./chunks/'));
    expect(imports.filter((specifier) => !specifier.startsWith('node:'))).toEqual(chunks);
    for (const chunk of chunks) expect(existsSync(join(assetDir, chunk))).toBe(true);
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ NODE_OPTIONS: '--enable-source-maps' }) },
    });
  });

  it('logs to its own log group, with a retention', () => {
    const logGroups = template.findResources('AWS::Logs::LogGroup');
    template.hasResourceProperties('AWS::Lambda::Function', {
      LoggingConfig: { LogFormat: 'JSON', LogGroup: { Ref: Match.anyValue() } },
    });
    const fn = template.findResources('AWS::Lambda::Function')[functionId];
    const logGroupId = fn?.Properties.LoggingConfig.LogGroup.Ref as string;
    expect(logGroups[logGroupId]?.Properties.RetentionInDays).toBe(30);
  });

  it('gets the bus, the table and its settings in the environment', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({
          HOOKBRIDGE_EVENT_BUS_NAME: { Ref: busId },
          HOOKBRIDGE_IDEMPOTENCY_TABLE: { Ref: tableId },
          HOOKBRIDGE_EVENT_SOURCE: 'hookbridge',
          HOOKBRIDGE_MAX_EVENT_BYTES: '262144',
          HOOKBRIDGE_IDEMPOTENCY_TTL_SECONDS: '86400',
        }),
      },
    });
  });

  it('may put events on the Hookbridge bus only', () => {
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          { Action: 'events:PutEvents', Effect: 'Allow', Resource: getAtt(busId) },
        ]),
      },
    });
  });

  it('may read and write items of the idempotency table only', () => {
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          {
            Action: [
              'dynamodb:DeleteItem',
              'dynamodb:GetItem',
              'dynamodb:PutItem',
              'dynamodb:UpdateItem',
            ],
            Effect: 'Allow',
            Resource: getAtt(tableId),
          },
        ]),
      },
    });
  });

  it('has no permission on every resource (*)', () => {
    // Other functions have a few unscopable actions (asserted with them): this is the ingest role.
    const fn = template.findResources('AWS::Lambda::Function')[functionId];
    const roleId = fn?.Properties.Role['Fn::GetAtt'][0] as string;
    const statements = Object.values(template.findResources('AWS::IAM::Policy'))
      .filter(
        (policy) => JSON.stringify(policy.Properties.Roles) === JSON.stringify([{ Ref: roleId }]),
      )
      .flatMap((policy) => policy.Properties.PolicyDocument.Statement as { Resource: unknown }[]);
    expect(statements.length).toBeGreaterThan(0);
    for (const statement of statements) expect([statement.Resource].flat()).not.toContain('*');
  });
});

describe('ingest API', () => {
  it('routes POST /v1/events and POST /v1/events/batch, each authorized with IAM', () => {
    // The token API has an integration of its own with the function (token-api.test.ts).
    const apiId = onlyLogicalId('AWS::ApiGatewayV2::Api', 'IngestApi');
    const integrations = Object.entries(template.findResources('AWS::ApiGatewayV2::Integration'))
      .filter(
        ([, integration]) =>
          integration.Properties.IntegrationUri['Fn::GetAtt']?.[0] === functionId &&
          integration.Properties.ApiId.Ref === apiId,
      )
      .map(([id]) => id);
    expect(integrations).toHaveLength(1);
    // The management routes share the API: these are the ones that reach the ingest function.
    const routes = Object.values(template.findResources('AWS::ApiGatewayV2::Route')).filter(
      (route) => JSON.stringify(route.Properties.Target).includes(`"${integrations[0]}"`),
    );
    expect(routes.map((r) => r.Properties.RouteKey).sort()).toEqual([
      'POST /v1/events',
      'POST /v1/events/batch',
    ]);
    for (const route of routes) expect(route.Properties.AuthorizationType).toBe('AWS_IAM');
  });

  it('invokes the function with payload format 2.0', () => {
    template.hasResourceProperties('AWS::ApiGatewayV2::Integration', {
      IntegrationType: 'AWS_PROXY',
      IntegrationUri: getAtt(functionId),
      PayloadFormatVersion: '2.0',
    });
  });

  it('throttles the stage', () => {
    template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      StageName: '$default',
      AutoDeploy: true,
      DefaultRouteSettings: { ThrottlingRateLimit: 1000, ThrottlingBurstLimit: 500 },
    });
  });

  it('writes JSON access logs with the request id', () => {
    template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      AccessLogSettings: {
        DestinationArn: Match.anyValue(),
        Format: Match.stringLikeRegexp('"requestId":"\\$context\\.requestId"'),
      },
    });
  });
});

describe('idempotency table', () => {
  it('is on-demand, with TTL, point-in-time recovery and encryption at rest', () => {
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      BillingMode: 'PAY_PER_REQUEST',
      TimeToLiveSpecification: { AttributeName: Match.anyValue(), Enabled: true },
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      SSESpecification: { SSEEnabled: true },
    });
  });

  it('is retained when it leaves the stack', () => {
    template.hasResource('AWS::DynamoDB::Table', {
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
    });
  });
});

describe('event bus', () => {
  it('is archived in full for 30 days', () => {
    template.hasResourceProperties('AWS::Events::Archive', {
      SourceArn: getAtt(busId),
      RetentionDays: 30,
      // No pattern: every event on the bus is archived.
      EventPattern: Match.absent(),
    });
  });
});

describe('outputs', () => {
  it('give the API URL and the bus name', () => {
    template.hasOutput('ApiUrl', {
      Value: { 'Fn::Join': ['', Match.arrayWith(['https://'])] },
    });
    template.hasOutput('EventBusName', { Value: { Ref: busId } });
  });
});

describe('the function assets', () => {
  const ENTRIES = {
    IngestApiFunction: 'functions/ingest/handler.ts',
    DeliveryFunction: 'functions/delivery/handler.ts',
    ManagementApiFunction: 'functions/management/handler.ts',
    ManagementApiReconciler: 'functions/reconciler/handler.ts',
    TokenApiAuthorizer: 'functions/authorizer/handler.ts',
  } as const;
  const assetOf = (part: keyof typeof ENTRIES) => {
    const fn =
      template.findResources('AWS::Lambda::Function')[onlyLogicalId('AWS::Lambda::Function', part)];
    return {
      dir: join(assemblyDir, fn?.Metadata['aws:asset:path'] as string),
      key: fn?.Properties.Code.S3Key as string,
    };
  };

  it('are one bundle per function, each built from its own entry', () => {
    const parts = Object.keys(ENTRIES) as (keyof typeof ENTRIES)[];
    expect(new Set(parts.map((part) => assetOf(part).key)).size).toBe(parts.length);
    for (const part of parts) {
      const map = JSON.parse(readFileSync(join(assetOf(part).dir, 'index.mjs.map'), 'utf8'));
      expect(
        (map.sources as string[]).some((source) => source.endsWith(ENTRIES[part])),
        part,
      ).toBe(true);
    }
  });

  it("keep the delivery function's Lambda client in a chunk loaded on first use", () => {
    const chunks = (part: keyof typeof ENTRIES) =>
      readdirSync(join(assetOf(part).dir, 'chunks')).filter((file) => file.endsWith('.mjs'));
    expect(
      chunks('DeliveryFunction').some((file) => file.startsWith('event-source-mappings-')),
    ).toBe(true);
    expect(
      chunks('IngestApiFunction').some((file) => file.startsWith('event-source-mappings-')),
    ).toBe(false);
  });
});
