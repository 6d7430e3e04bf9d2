import * as z from 'zod/mini';
import { integerSetting, readConfig, requiredString, stringSetting } from '../../shared/config.js';
import { ConfigError } from '../../shared/errors.js';
import { eventStoreConfig, eventStoreSettings } from '../../shared/events/event-store-config.js';
import { busNamesOf } from '../../shared/shards/bus-shards.js';

const schema = z.pipe(
  z.object({
    /** Name of the EventBridge bus events are published on. */
    HOOKBRIDGE_EVENT_BUS_NAME: requiredString,
    /** DynamoDB table of idempotency keys. */
    HOOKBRIDGE_IDEMPOTENCY_TABLE: requiredString,
    /** EventBridge `Source` of published events. */
    HOOKBRIDGE_EVENT_SOURCE: stringSetting('hookbridge'),
    /** EventBridge entry limit in bytes: 256 KB by default, up to 1 MB where the quota allows. */
    HOOKBRIDGE_MAX_EVENT_BYTES: integerSetting(262_144, 1024, 1_048_576),
    /** How long an Idempotency-Key is remembered, in seconds. */
    HOOKBRIDGE_IDEMPOTENCY_TTL_SECONDS: integerSetting(86_400, 60, 7 * 86_400),
    /**
     * The table holding the event type catalog (the subscriptions table); unset, events are
     * not checked against the catalog.
     */
    HOOKBRIDGE_EVENT_TYPES_TABLE: z.optional(z.string()),
    /** How long a catalog entry is kept in memory, in seconds: a changed schema applies within it. */
    HOOKBRIDGE_EVENT_TYPE_CACHE_SECONDS: integerSetting(30, 0, 300),
    /** Every bus shard's name, comma-separated, in shard order (the first is HOOKBRIDGE_EVENT_BUS_NAME). */
    HOOKBRIDGE_EVENT_BUS_NAMES: z.optional(z.string()),
    /** The table of tenant records (the subscriptions table): needed with more than one shard. */
    HOOKBRIDGE_SUBSCRIPTIONS_TABLE: z.optional(z.string()),
    ...eventStoreSettings,
  }),
  z.transform((env) => ({
    busName: env.HOOKBRIDGE_EVENT_BUS_NAME,
    ...busShardsOf(env),
    idempotencyTable: env.HOOKBRIDGE_IDEMPOTENCY_TABLE,
    source: env.HOOKBRIDGE_EVENT_SOURCE,
    maxEntryBytes: env.HOOKBRIDGE_MAX_EVENT_BYTES,
    idempotencyTtlSeconds: env.HOOKBRIDGE_IDEMPOTENCY_TTL_SECONDS,
    /** The catalog's table, or undefined when events are not checked. */
    eventTypesTable: env.HOOKBRIDGE_EVENT_TYPES_TABLE || undefined,
    eventTypeCacheMs: env.HOOKBRIDGE_EVENT_TYPE_CACHE_SECONDS * 1000,
    /** The message store, or undefined when retention is 0. */
    eventStore: eventStoreConfig(env),
  })),
);

/** The shards' buses, and the table their tenants' shards are read from (when there are several). */
function busShardsOf(env: {
  HOOKBRIDGE_EVENT_BUS_NAME: string;
  HOOKBRIDGE_EVENT_BUS_NAMES?: string | undefined;
  HOOKBRIDGE_SUBSCRIPTIONS_TABLE?: string | undefined;
}): { busNames: string[]; tenantsTable: string | undefined } {
  let busNames: string[];
  try {
    busNames = busNamesOf(env.HOOKBRIDGE_EVENT_BUS_NAME, env.HOOKBRIDGE_EVENT_BUS_NAMES);
  } catch (error) {
    throw new ConfigError(`invalid configuration: ${(error as Error).message}`);
  }
  const tenantsTable = env.HOOKBRIDGE_SUBSCRIPTIONS_TABLE || undefined;
  if (busNames.length > 1 && !tenantsTable) {
    throw new ConfigError(
      'invalid configuration: HOOKBRIDGE_SUBSCRIPTIONS_TABLE: is required with more than one bus shard',
    );
  }
  return { busNames, tenantsTable };
}

export type IngestConfig = z.output<typeof schema>;

/** The ingest function's configuration, read from the environment. */
export function readIngestConfig(env: NodeJS.ProcessEnv = process.env): IngestConfig {
  return readConfig(schema, env);
}
