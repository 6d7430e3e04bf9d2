import { pathToFileURL } from 'node:url';
import { App, type AppProps, Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as logs from 'aws-cdk-lib/aws-logs';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { Node } from 'constructs';
import type { HookbridgeProps } from './hookbridge.js';
import { HookbridgeStack } from './hookbridge-stack.js';
import { addLocalEndpointWorkarounds } from './local-endpoint-workarounds.js';

/**
 * The standalone Hookbridge app. Settings come from CDK context (`cdk deploy -c key=value`,
 * or the `context` of cdk.json); every one is optional:
 *
 * - `stage`: names the stack `Hookbridge-<stage>` instead of `Hookbridge`, and makes the
 *   default prefix `hookbridge-<stage>`, so several stages can share an account.
 * - `prefix`: names the API and the per-subscription resources. Default `hookbridge`.
 * - `eventSource`: EventBridge `Source` of ingested events. Default `hookbridge`.
 * - `archiveRetentionDays`: how far back replays reach. Default 30.
 * - `throttlingRateLimit`, `throttlingBurstLimit`: ingest API throttling. Default 1000, 500.
 * - `maxEventBytes`: the largest event accepted. Default 262144 (256 KB).
 * - `removalPolicy`: `retain` or `destroy` for tables and log groups. Default `retain`.
 * - `deliveryAttemptTimeoutSeconds`: how long one delivery attempt may take. Default 15.
 * - `deliveryLogTtlDays`: how long attempts stay in the attempt log. Default 30.
 * - `autoDisableAfterHours`: failing this long without a success disables a subscription.
 *   Default 120.
 * - `allowedDestinationCidrs`: CIDRs subscriber URLs may resolve into despite the SSRF guard,
 *   comma-separated (or a list in cdk.json). Default none.
 * - `allowHttpDestinations`: `true` to accept `http:` subscriber URLs. Default `false`.
 * - `reconcileIntervalMinutes`: how often the reconciler runs. Default 5.
 * - `alarmTopicArn`: an existing SNS topic the alarms notify. Default none.
 * - `alarmEmail`: an address subscribed to the alarm topic (a new, encrypted one unless
 *   `alarmTopicArn` is given). Default none (the alarms exist but notify nobody).
 * - `messageAgeThresholdMinutes`: a delivery later than this raises the message-age alarm.
 *   Default 60.
 * - `logRetentionDays`: how long the functions' logs and the API access log are kept, one of
 *   CloudWatch Logs' retention periods (1, 3, 5, 7, 14, 30, 60, 90, … 3653, or 9999 for
 *   never). Default 30.
 * - `perSubscriptionMetrics`: `true` to publish delivery metrics per subscription too (one
 *   custom metric per subscriber and metric name). Default `false`.
 * - `nag`: `true` to check the app with cdk-nag's AwsSolutions rules at synthesis; a finding
 *   that is not acknowledged (infra/nag-suppressions.ts) fails the synthesis. Default `false`.
 *
 * The stack is environment-agnostic unless the CLI resolves an account and region.
 */
export function createApp(props: AppProps = {}): App {
  const app = new App(props);
  const stage = text(app.node, 'stage');
  new HookbridgeStack(app, stage ? `Hookbridge-${stage}` : 'Hookbridge', {
    env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION },
    hookbridge: hookbridgeSettings(app.node, stage),
    alarmTopicArn: text(app.node, 'alarmTopicArn'),
  });
  if (boolean(app.node, 'nag')) Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  addLocalEndpointWorkarounds(app);
  return app;
}

/** The `Hookbridge` props given in context, checked. */
export function hookbridgeSettings(node: Node, stage = text(node, 'stage')): HookbridgeProps {
  const archiveDays = integer(node, 'archiveRetentionDays');
  const attemptSeconds = integer(node, 'deliveryAttemptTimeoutSeconds');
  const logTtlDays = integer(node, 'deliveryLogTtlDays');
  const autoDisableHours = integer(node, 'autoDisableAfterHours');
  const reconcileMinutes = integer(node, 'reconcileIntervalMinutes');
  const messageAgeMinutes = integer(node, 'messageAgeThresholdMinutes');
  return {
    prefix: text(node, 'prefix') ?? (stage ? `hookbridge-${stage}` : undefined),
    eventSource: text(node, 'eventSource'),
    archiveRetention: archiveDays === undefined ? undefined : Duration.days(archiveDays),
    throttlingRateLimit: integer(node, 'throttlingRateLimit'),
    throttlingBurstLimit: integer(node, 'throttlingBurstLimit'),
    maxEventBytes: integer(node, 'maxEventBytes'),
    removalPolicy: removalPolicy(node),
    deliveryAttemptTimeout:
      attemptSeconds === undefined ? undefined : Duration.seconds(attemptSeconds),
    deliveryLogTtl: logTtlDays === undefined ? undefined : Duration.days(logTtlDays),
    autoDisableAfter: autoDisableHours === undefined ? undefined : Duration.hours(autoDisableHours),
    allowedDestinationCidrs: list(node, 'allowedDestinationCidrs'),
    allowHttpDestinations: boolean(node, 'allowHttpDestinations'),
    reconcileInterval:
      reconcileMinutes === undefined ? undefined : Duration.minutes(reconcileMinutes),
    alarmEmail: text(node, 'alarmEmail'),
    messageAgeThreshold:
      messageAgeMinutes === undefined ? undefined : Duration.minutes(messageAgeMinutes),
    perSubscriptionMetrics: boolean(node, 'perSubscriptionMetrics'),
    logRetention: logRetention(node),
  };
}

// CloudWatch Logs takes only its own retention periods: refuse any other number here, at
// synthesis, rather than in a failed deployment.
function logRetention(node: Node): logs.RetentionDays | undefined {
  const days = integer(node, 'logRetentionDays');
  if (days === undefined) return undefined;
  const periods = Object.values(logs.RetentionDays).filter(
    (value): value is logs.RetentionDays => typeof value === 'number' && value > 0,
  );
  if (!periods.includes(days)) {
    throw new Error(
      `context logRetentionDays: expected one of ${periods.sort((a, b) => a - b).join(', ')}, got '${days}'`,
    );
  }
  return days;
}

function text(node: Node, key: string): string | undefined {
  const value: unknown = node.tryGetContext(key);
  if (value === undefined || value === null || value === '') return undefined;
  return String(value);
}

// `-c key=value` gives strings, cdk.json may give numbers: accept both, reject anything else.
function integer(node: Node, key: string): number | undefined {
  const value = text(node, key);
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n)) {
    throw new Error(`context ${key}: expected a whole number, got '${value}'`);
  }
  return n;
}

// `-c key=a,b` gives a string, cdk.json may give a list.
function list(node: Node, key: string): string[] | undefined {
  const value: unknown = node.tryGetContext(key);
  if (value === undefined || value === null || value === '') return undefined;
  const items = Array.isArray(value) ? value.map(String) : String(value).split(',');
  return items.map((item) => item.trim()).filter(Boolean);
}

function boolean(node: Node, key: string): boolean | undefined {
  const value = text(node, key)?.toLowerCase();
  if (value === undefined) return undefined;
  if (value === 'true') return true;
  if (value === 'false') return false;
  throw new Error(`context ${key}: expected 'true' or 'false', got '${value}'`);
}

function removalPolicy(node: Node): RemovalPolicy | undefined {
  const value = text(node, 'removalPolicy')?.toLowerCase();
  if (value === undefined) return undefined;
  if (value === 'retain') return RemovalPolicy.RETAIN;
  if (value === 'destroy') return RemovalPolicy.DESTROY;
  throw new Error(`context removalPolicy: expected 'retain' or 'destroy', got '${value}'`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  createApp().synth();
}
