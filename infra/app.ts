import { pathToFileURL } from 'node:url';
import { App, type AppProps, Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as logs from 'aws-cdk-lib/aws-logs';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { Node } from 'constructs';
import type { HookbridgeProps } from './hookbridge.js';
import { HookbridgeStack } from './hookbridge-stack.js';
import { addLocalEndpointWorkarounds } from './local-endpoint-workarounds.js';

/**
 * The standalone Hookbridge app. Its settings are optional CDK context values (`cdk deploy -c
 * key=value`, or the `context` of cdk.json), read and checked by `hookbridgeSettings` below;
 * each is documented once, with its default, in docs/construct.md#props (the `Hookbridge`
 * props they map to carry the same defaults in their TSDoc). `nag=true` also
 * checks the app with cdk-nag's AwsSolutions rules at synthesis.
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
  const eventRetentionDays = integer(node, 'eventRetentionDays');
  const cacheSeconds = integer(node, 'authorizerCacheTtlSeconds');
  const idleHours = integer(node, 'laneIdleTimeoutHours');
  return {
    prefix: text(node, 'prefix') ?? (stage ? `hookbridge-${stage}` : undefined),
    eventSource: text(node, 'eventSource'),
    archiveRetention: archiveDays === undefined ? undefined : Duration.days(archiveDays),
    busShards: integer(node, 'busShards'),
    rulesPerShard: integer(node, 'rulesPerShard'),
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
    eventRetention:
      eventRetentionDays === undefined ? undefined : Duration.days(eventRetentionDays),
    tokenApi: boolean(node, 'tokenApi'),
    authorizerCacheTtl: cacheSeconds === undefined ? undefined : Duration.seconds(cacheSeconds),
    laneIdleTimeout: idleHours === undefined ? undefined : Duration.hours(idleHours),
    logRetention: logRetention(node),
    webApp: boolean(node, 'webApp'),
    portalFrameAncestors: list(node, 'portalFrameAncestors'),
    webAppOrigins: list(node, 'webAppOrigins'),
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
