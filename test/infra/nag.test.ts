import { readFileSync } from 'node:fs';
import { App, Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { describe, expect, it } from 'vitest';
import { createApp } from '../../infra/app.js';
import { HookbridgeStack, type HookbridgeStackProps } from '../../infra/hookbridge-stack.js';

// cdk.json's context, as `cdk synth` sees it; bundling is skipped (the rules read the template).
const context = {
  ...(JSON.parse(readFileSync(new URL('../../cdk.json', import.meta.url), 'utf8'))
    .context as Record<string, unknown>),
  'aws:cdk:bundling-stacks': [],
};

/** Whether a construct path is the web app's, or CDK's function that deploys it. */
function isWebApp(path: string): boolean {
  return path.includes('/WebApp/') || path.includes('/Custom::CDKBucketDeployment');
}

function stackWith(props: HookbridgeStackProps = {}): HookbridgeStack {
  return new HookbridgeStack(new App({ context }), 'Hookbridge', props);
}

/**
 * What cdk-nag's AwsSolutions pack reports and nobody acknowledged, errors and warnings
 * alike. cdk-nag 3 reports through CDK's policy-validation plugins, not annotations, so the
 * pack is run on the construct tree directly (what `cdk synth` does with the plugin added).
 */
function unacknowledged(scope: IConstruct): string[] {
  const report = new AwsSolutionsChecks().validateScope(scope);
  return report.violations.flatMap((v) =>
    v.violatingResources.map((r) => `${v.severity} ${v.ruleName} at ${r.constructPath}`),
  );
}

/** Every acknowledgement in the tree: `<construct path> <rule id>` → reason. */
function acknowledgements(scope: IConstruct): Map<string, string> {
  const found = new Map<string, string>();
  for (const node of scope.node.findAll()) {
    for (const entry of node.node.metadata) {
      if (entry.type !== Validations.ACKNOWLEDGED_RULES_METADATA_KEY) continue;
      for (const [id, reason] of Object.entries(entry.data as Record<string, string>)) {
        found.set(`${node.node.path} ${id.replace(/^annotation::/i, '')}`, reason);
      }
    }
  }
  return found;
}

describe('cdk-nag AwsSolutions', () => {
  it('finds nothing unacknowledged in the stack', () => {
    expect(unacknowledged(stackWith())).toEqual([]);
  });

  it('finds nothing unacknowledged with every option on, in a fixed account and region', () => {
    const stack = stackWith({
      env: { account: '111122223333', region: 'eu-west-1' },
      hookbridge: { prefix: 'acme', alarmEmail: 'ops@example.com', perSubscriptionMetrics: true },
    });
    expect(unacknowledged(stack)).toEqual([]);
  });

  it('finds nothing unacknowledged without the token API and with the event store off', () => {
    const stack = stackWith({
      hookbridge: { tokenApi: false, eventRetention: Duration.days(0) },
    });
    expect(unacknowledged(stack)).toEqual([]);
  });

  it('finds nothing unacknowledged with the web app emptied on deletion, and framed by an app', () => {
    const stack = stackWith({
      hookbridge: {
        removalPolicy: RemovalPolicy.DESTROY,
        portalFrameAncestors: ['https://app.example.com'],
        webAppOrigins: ['https://app.example.com'],
      },
    });
    expect(unacknowledged(stack)).toEqual([]);
  });

  it('acknowledges only the runtime and the run-time resource wildcards, each with a reason', () => {
    // The web app's are its own (next test).
    const found = new Map(
      [...acknowledgements(stackWith())].filter(([key]) => !isWebApp(key.split(' ')[0] ?? '')),
    );
    const rules = [...found.keys()].map((key) => key.split(' ')[1]);
    expect([...new Set(rules)].sort()).toEqual([
      'AwsSolutions-IAM5[Resource::*]',
      'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:events:<AWS::Region>:<AWS::AccountId>:replay/sub_*]',
      expect.stringMatching(
        /^AwsSolutions-IAM5\[Resource::arn:<AWS::Partition>:events:<AWS::Region>:<AWS::AccountId>:rule\/<HookbridgeEventBus\w+>\/hookbridge-sub_\*\]$/,
      ),
      'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:lambda:<AWS::Region>:<AWS::AccountId>:event-source-mapping:*]',
      'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:sqs:<AWS::Region>:<AWS::AccountId>:hookbridge-sub_*-dlq]',
      'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:sqs:<AWS::Region>:<AWS::AccountId>:hookbridge-sub_*]',
      'AwsSolutions-L1',
    ]);
    const runtimes = [...found.keys()].filter((key) => key.endsWith(' AwsSolutions-L1'));
    expect(runtimes.map((key) => key.split(' ')[0]).sort()).toEqual([
      'Hookbridge/Hookbridge/Delivery/Function/Resource',
      'Hookbridge/Hookbridge/IngestApi/Function/Resource',
      'Hookbridge/Hookbridge/ManagementApi/Function/Resource',
      'Hookbridge/Hookbridge/ManagementApi/Reconciler/Resource',
      'Hookbridge/Hookbridge/TokenApi/Authorizer/Resource',
    ]);
    for (const reason of found.values()) expect(reason.length).toBeGreaterThan(60);
  });

  it('acknowledges on the web app only what its construct chose, each with a reason', () => {
    const found = [...acknowledgements(stackWith())].filter(([key]) =>
      isWebApp(key.split(' ')[0] ?? ''),
    );
    const byResource = (part: string) =>
      found
        .filter(([key]) => key.split(' ')[0]?.includes(part))
        .map(([key]) => key.split(' ')[1])
        .sort();
    expect(byResource('/WebApp/Bucket/')).toEqual(['AwsSolutions-S1']);
    expect(byResource('/WebApp/Distribution/')).toEqual([
      'AwsSolutions-CFR1',
      'AwsSolutions-CFR2',
      'AwsSolutions-CFR3',
      'AwsSolutions-CFR4',
    ]);
    // CDK's BucketDeployment function: its managed policy, runtime and the S3 grants CDK gives.
    expect(byResource('Custom::CDKBucketDeployment')).toEqual([
      'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
      'AwsSolutions-IAM5[Action::s3:Abort*]',
      'AwsSolutions-IAM5[Action::s3:DeleteObject*]',
      'AwsSolutions-IAM5[Action::s3:GetBucket*]',
      'AwsSolutions-IAM5[Action::s3:GetObject*]',
      'AwsSolutions-IAM5[Action::s3:List*]',
      expect.stringMatching(
        /^AwsSolutions-IAM5\[Resource::<HookbridgeWebAppBucket\w+\.Arn>\/\*\]$/,
      ),
      'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:s3:::cdk-hnb659fds-assets-<AWS::AccountId>-<AWS::Region>/*]',
      'AwsSolutions-L1',
    ]);
    expect(found.length).toBe(14);
    for (const [, reason] of found) expect(reason.length).toBeGreaterThan(60);
  });

  it('still reports a wildcard the product did not ask for', () => {
    const stack = stackWith();
    stack.hookbridge.ingestApi.function.addToRolePolicy(
      new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: ['*'] }),
    );
    expect(unacknowledged(stack)).toEqual([
      'error AwsSolutions-IAM5[Resource::*] at Hookbridge/Hookbridge/IngestApi/FunctionServiceRole/DefaultPolicy/Resource',
    ]);
  });
  it("reports a grant on the attempt log's indexes: the roles name the one index they query", () => {
    const stack = stackWith();
    stack.hookbridge.deliveriesTable.grantWriteData(stack.hookbridge.ingestApi.function);
    expect(unacknowledged(stack)).toEqual([
      expect.stringMatching(
        /^error AwsSolutions-IAM5\[Resource::<HookbridgeSubscriptionStoreDeliveries\w+\.Arn>\/index\/\*\] at Hookbridge\/Hookbridge\/IngestApi\/FunctionServiceRole\/DefaultPolicy\/Resource$/,
      ),
    ]);
  });
});

describe('the standalone app with nag=true', () => {
  const nagApp = () => createApp({ context: { ...context, nag: 'true' } });
  const stackOf = (app: App) =>
    app.node.children.find((c) => c instanceof HookbridgeStack) as HookbridgeStack;

  it('synthesizes when every finding is acknowledged', () => {
    expect(() => nagApp().synth()).not.toThrow();
  });

  it('fails the synthesis on a finding that is not', () => {
    const app = nagApp();
    stackOf(app).hookbridge.ingestApi.function.addToRolePolicy(
      new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: ['*'] }),
    );
    // The message is the validation report or points to it, depending on how CDK prints it.
    expect(() => app.synth()).toThrow(/validation-report\.json/);
  });
});
