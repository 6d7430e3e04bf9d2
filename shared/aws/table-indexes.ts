/**
 * The names and key layouts of the secondary indexes the code queries, kept free of SDK
 * imports: the CDK app and the local runtime read them from infra/base-resources.ts.
 */

/** Subscriptions of one tenant (partition `tenantId`, sort `id`); sparse: operator subscriptions and tenant items carry no `tenantId`. */
export const SUBSCRIPTIONS_BY_TENANT_INDEX = 'byTenant';

/** Tokens (and tenant-bound API keys) of one tenant (partition `tenantId`, sort `createdAt`). */
export const ACCESS_BY_TENANT_INDEX = 'byTenant';

/** Stored events of one tenant key, newest last (partition `tenantKey`, sort `timeKey`). */
export const EVENTS_BY_TENANT_INDEX = 'byTenant';

/** Stored events of one day shard (partition `bucket`, sort `timeKey`): the operator's list of all events. */
export const EVENTS_BY_TIME_INDEX = 'byTime';

/**
 * How many partitions one day of stored events is spread over in `byTime` (`<YYYY-MM-DD>#<n>`,
 * n from 0 to EVENT_DAY_SHARDS-1): a single partition key takes at most 1,000 writes a second.
 */
export const EVENT_DAY_SHARDS = 4;

/** The `tenantKey` of an event without a tenant; `*` (BROADCAST_TENANT) is a broadcast's. */
export const NO_TENANT_KEY = '-';

/**
 * The event type catalog by name (partition `catalog`, always `eventtype`; sort `id`,
 * `eventtype#<name>`): sparse, as only catalog entries of the subscriptions table carry
 * `catalog`. One partition is enough: operators write the catalog, and nobody lists it often.
 */
export const EVENT_TYPES_BY_NAME_INDEX = 'byCatalog';
