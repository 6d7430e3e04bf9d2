import * as z from 'zod/mini';
import {
  booleanSetting,
  integerSetting,
  listSetting,
  readConfig,
  requiredString,
  stringSetting,
} from '../config.js';
import { resourcePrefixSetting } from '../subscriptions/management-config.js';

const schema = z.pipe(
  z.object({
    /** DynamoDB table of subscriptions. */
    HOOKBRIDGE_SUBSCRIPTIONS_TABLE: requiredString,
    /** DynamoDB table of the delivery attempt log. */
    HOOKBRIDGE_DELIVERIES_TABLE: requiredString,
    /** The bus operational events are published on. */
    HOOKBRIDGE_EVENT_BUS_NAME: requiredString,
    /** EventBridge source of ingested events; operational events use `<source>.system`. */
    HOOKBRIDGE_EVENT_SOURCE: stringSetting('hookbridge'),
    /** Prefix of the subscriber queues: a record's queue name tells its subscription. */
    HOOKBRIDGE_RESOURCE_PREFIX: resourcePrefixSetting,
    /** Per-attempt timeout (connect, headers and body), at most 30 s. */
    HOOKBRIDGE_ATTEMPT_TIMEOUT_MS: integerSetting(15_000, 1_000, 30_000),
    /** How long attempts stay in the log. */
    HOOKBRIDGE_DELIVERY_LOG_TTL_DAYS: integerSetting(30, 1, 365),
    /** A subscription failing without a single success this long is disabled on exhaustion. */
    HOOKBRIDGE_AUTO_DISABLE_AFTER_HOURS: integerSetting(120, 1, 24 * 90),
    /** The idle period of cold lanes (0: off): activity is noted at least twice within it. */
    HOOKBRIDGE_LANE_IDLE_SECONDS: integerSetting(0, 0, 31_536_000),
    /** Comma-separated CIDRs deliveries may connect to despite the SSRF guard. */
    HOOKBRIDGE_ALLOW_CIDRS: listSetting,
    /** Whether plain `http:` destinations are allowed. */
    HOOKBRIDGE_ALLOW_HTTP: booleanSetting(false),
    /** Publish delivery metrics per subscription too (one custom metric per subscriber). */
    HOOKBRIDGE_METRICS_PER_SUBSCRIPTION: booleanSetting(false),
  }),
  z.transform((env) => ({
    subscriptionsTable: env.HOOKBRIDGE_SUBSCRIPTIONS_TABLE,
    deliveriesTable: env.HOOKBRIDGE_DELIVERIES_TABLE,
    busName: env.HOOKBRIDGE_EVENT_BUS_NAME,
    source: env.HOOKBRIDGE_EVENT_SOURCE,
    prefix: env.HOOKBRIDGE_RESOURCE_PREFIX,
    attemptTimeoutMs: env.HOOKBRIDGE_ATTEMPT_TIMEOUT_MS,
    logTtlSeconds: env.HOOKBRIDGE_DELIVERY_LOG_TTL_DAYS * 86_400,
    autoDisableAfterMs: env.HOOKBRIDGE_AUTO_DISABLE_AFTER_HOURS * 3_600_000,
    laneIdleMs: env.HOOKBRIDGE_LANE_IDLE_SECONDS * 1000,
    allowCidrs: env.HOOKBRIDGE_ALLOW_CIDRS,
    allowHttp: env.HOOKBRIDGE_ALLOW_HTTP,
    metricsPerSubscription: env.HOOKBRIDGE_METRICS_PER_SUBSCRIPTION,
  })),
);

/** Configuration of the delivery function. */
export type DeliveryConfig = z.output<typeof schema>;

/** Reads and checks the delivery configuration once, at module load. */
export function readDeliveryConfig(env: NodeJS.ProcessEnv = process.env): DeliveryConfig {
  return readConfig(schema, env);
}
