import * as z from 'zod/mini';
import {
  booleanSetting,
  integerSetting,
  listSetting,
  readConfig,
  requiredString,
  stringSetting,
} from '../config.js';
import { MAX_PREFIX_LENGTH } from '../provisioning/lane-names.js';
import { shardSettings, shardSettingsOf } from '../shards/shard-config.js';

/** Prefix of every run-time resource name (queues, DLQs, rules). */
export const resourcePrefixSetting = z._default(
  z
    .string()
    .check(
      z.regex(/^[A-Za-z0-9-]+$/, 'must be letters, digits and "-"'),
      z.maxLength(MAX_PREFIX_LENGTH, `must be at most ${MAX_PREFIX_LENGTH} characters`),
    ),
  'hookbridge',
);

const schema = z.pipe(
  z
    .object({
      /** DynamoDB table of subscriptions. */
      HOOKBRIDGE_SUBSCRIPTIONS_TABLE: requiredString,
      /** DynamoDB table of tenant tokens and API keys (the management API's; the reconciler has none). */
      HOOKBRIDGE_ACCESS_TABLE: z.optional(z.string()),
      /** DynamoDB table of the delivery attempt log (read by the deliveries route). */
      HOOKBRIDGE_DELIVERIES_TABLE: requiredString,
      /** The event archive on the bus, the source of replays. */
      HOOKBRIDGE_ARCHIVE_ARN: z.optional(z.string()),
      /** The EventBridge bus rules are made on. */
      HOOKBRIDGE_EVENT_BUS_NAME: requiredString,
      /** EventBridge `Source` of ingested events; rules match it. */
      HOOKBRIDGE_EVENT_SOURCE: stringSetting('hookbridge'),
      /** Prefix of every run-time resource name (queues, DLQs, rules). */
      HOOKBRIDGE_RESOURCE_PREFIX: resourcePrefixSetting,
      /** The delivery Lambda the queues are mapped to (AWS only; the local runtime polls itself). */
      HOOKBRIDGE_DELIVERY_FUNCTION_NAME: z.optional(z.string()),
      /** The delivery function's timeout; queues get 6× it as visibility timeout. */
      HOOKBRIDGE_DELIVERY_TIMEOUT_SECONDS: integerSetting(60, 1, 900),
      /** Comma-separated CIDRs subscriber URLs may resolve into despite the SSRF guard. */
      HOOKBRIDGE_ALLOW_CIDRS: listSetting,
      /** Whether plain `http:` subscriber URLs are allowed. */
      HOOKBRIDGE_ALLOW_HTTP: booleanSetting(false),
      /** A lane with no delivery for this long goes cold (its mapping disabled); 0: never. */
      HOOKBRIDGE_LANE_IDLE_SECONDS: integerSetting(0, 0, 31_536_000),
      /** The shared queue a cold lane's rule wakes it through (required with an idle period). */
      HOOKBRIDGE_WAKE_QUEUE_ARN: z.optional(z.string()),
      /** How many subscriptions a reconciler pass looks at at once. */
      HOOKBRIDGE_RECONCILE_CONCURRENCY: integerSetting(8, 1, 64),
      /** The reconciler's EventBridge calls a second, at most (its share of the account's rate). */
      HOOKBRIDGE_RECONCILE_EVENTS_PER_SECOND: integerSetting(20, 1, 1000),
      /** The reconciler's Lambda control-plane calls a second, at most (of the account's 15). */
      HOOKBRIDGE_RECONCILE_LAMBDA_PER_SECOND: integerSetting(5, 1, 100),
      /** A cold lane's wake target is checked in one reconciler pass of this many (at random). */
      HOOKBRIDGE_RECONCILE_COLD_TARGET_CHECK_EVERY: integerSetting(6, 1, 1000),
      ...shardSettings,
    })
    .check(
      z.refine((env) => env.HOOKBRIDGE_LANE_IDLE_SECONDS === 0 || !!env.HOOKBRIDGE_WAKE_QUEUE_ARN, {
        path: ['HOOKBRIDGE_WAKE_QUEUE_ARN'],
        message: 'is required when HOOKBRIDGE_LANE_IDLE_SECONDS is not 0',
      }),
    ),
  z.transform((env) => ({
    subscriptionsTable: env.HOOKBRIDGE_SUBSCRIPTIONS_TABLE,
    deliveriesTable: env.HOOKBRIDGE_DELIVERIES_TABLE,
    accessTable: env.HOOKBRIDGE_ACCESS_TABLE,
    archiveArn: env.HOOKBRIDGE_ARCHIVE_ARN,
    busName: env.HOOKBRIDGE_EVENT_BUS_NAME,
    source: env.HOOKBRIDGE_EVENT_SOURCE,
    prefix: env.HOOKBRIDGE_RESOURCE_PREFIX,
    deliveryFunctionName: env.HOOKBRIDGE_DELIVERY_FUNCTION_NAME,
    deliveryTimeoutSeconds: env.HOOKBRIDGE_DELIVERY_TIMEOUT_SECONDS,
    allowCidrs: env.HOOKBRIDGE_ALLOW_CIDRS,
    allowHttp: env.HOOKBRIDGE_ALLOW_HTTP,
    laneIdleMs: env.HOOKBRIDGE_LANE_IDLE_SECONDS * 1000,
    wakeQueueArn: env.HOOKBRIDGE_WAKE_QUEUE_ARN,
    reconcileConcurrency: env.HOOKBRIDGE_RECONCILE_CONCURRENCY,
    reconcileEventsPerSecond: env.HOOKBRIDGE_RECONCILE_EVENTS_PER_SECOND,
    coldTargetCheckEvery: env.HOOKBRIDGE_RECONCILE_COLD_TARGET_CHECK_EVERY,
    reconcileLambdaPerSecond: env.HOOKBRIDGE_RECONCILE_LAMBDA_PER_SECOND,
    ...shardSettingsOf(env),
  })),
);

/** Configuration of the management API and the reconciler. */
export type ManagementConfig = z.output<typeof schema>;

/** Reads and checks the management/reconciler configuration once, at module load. */
export function readManagementConfig(env: NodeJS.ProcessEnv = process.env): ManagementConfig {
  return readConfig(schema, env);
}
