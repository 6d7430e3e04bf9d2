import {
  ACCESS_BY_TENANT_INDEX,
  EVENT_TYPES_BY_NAME_INDEX,
  EVENTS_BY_TENANT_INDEX,
  EVENTS_BY_TIME_INDEX,
  SUBSCRIPTIONS_BY_TENANT_INDEX,
} from '../shared/aws/table-indexes.js';
import { ATTEMPTS_BY_TIME_INDEX } from '../shared/delivery/attempt-keys.js';

/**
 * The shape of the base resources, in one place: the CDK stack builds them from these
 * definitions and the local runtime creates the same ones on the local AWS endpoint, so the
 * two cannot drift apart (a test compares them with the synthesized template).
 */
export interface TableDefinition {
  readonly partitionKey: { readonly name: string; readonly type: 'S' | 'N' };
  readonly sortKey?: { readonly name: string; readonly type: 'S' | 'N' };
  /** The TTL attribute (epoch seconds). */
  readonly timeToLiveAttribute?: string;
  readonly globalSecondaryIndexes?: readonly {
    readonly indexName: string;
    readonly partitionKey: { readonly name: string; readonly type: 'S' | 'N' };
    readonly sortKey?: { readonly name: string; readonly type: 'S' | 'N' };
    /** The attributes an index copies besides the keys; every attribute when absent. */
    readonly nonKeyAttributes?: readonly string[];
  }[];
}

/** Idempotency keys, in the layout Powertools idempotency's DynamoDB persistence layer uses. */
export const idempotencyTable: TableDefinition = {
  partitionKey: { name: 'id', type: 'S' },
  timeToLiveAttribute: 'expiration',
};

/** Local names of the base resources (the stack lets CloudFormation name them). */
export const localResourceNames = {
  eventBus: 'hookbridge-events',
  archive: 'hookbridge-events-archive',
  idempotencyTable: 'hookbridge-idempotency',
  subscriptionsTable: 'hookbridge-subscriptions',
  deliveriesTable: 'hookbridge-deliveries',
  accessTable: 'hookbridge-access',
  eventStoreTable: 'hookbridge-event-store',
} as const;

/**
 * Subscriptions, by id (DESIGN §4), and tenants (`tenant#<tenantId>`). The index `byTenant`
 * lists one tenant's subscriptions from that tenant's own partition, so a tenant's list (and
 * its cursor) never touches another tenant's keys; it is sparse: operator subscriptions and
 * tenant items have no `tenantId` attribute. The event type catalog (`eventtype#<name>`) is
 * listed by name from the sparse index `byCatalog`.
 */
export const subscriptionsTable: TableDefinition = {
  partitionKey: { name: 'id', type: 'S' },
  globalSecondaryIndexes: [
    {
      indexName: SUBSCRIPTIONS_BY_TENANT_INDEX,
      partitionKey: { name: 'tenantId', type: 'S' },
      sortKey: { name: 'id', type: 'S' },
    },
    {
      indexName: EVENT_TYPES_BY_NAME_INDEX,
      partitionKey: { name: 'catalog', type: 'S' },
      sortKey: { name: 'id', type: 'S' },
    },
  ],
};

/**
 * Tenant tokens (`token#<tokenId>`) and API keys (`apikey#<keyId>`), each holding a SHA-256
 * hash of its secret, never the secret. `byTenant` lists a tenant's tokens; expired tokens are
 * purged through TTL (`purgeAt`, a day after they expire).
 */
export const accessTable: TableDefinition = {
  partitionKey: { name: 'id', type: 'S' },
  timeToLiveAttribute: 'purgeAt',
  globalSecondaryIndexes: [
    {
      indexName: ACCESS_BY_TENANT_INDEX,
      partitionKey: { name: 'tenantId', type: 'S' },
      sortKey: { name: 'createdAt', type: 'S' },
    },
  ],
};

/**
 * The message store: each ingested event by id (payload, tenant, type, time) until its TTL
 * (`expiresAt`). `tenantKey` is the tenant id, `*` for a broadcast or `-` for no tenant;
 * `timeKey` is `<timestamp>#<id>`; `bucket` is `<YYYY-MM-DD>#<shard>`. The two indexes copy
 * only what a list shows (not the payload), so each costs one write unit per event.
 */
export const eventStoreTable: TableDefinition = {
  partitionKey: { name: 'id', type: 'S' },
  timeToLiveAttribute: 'expiresAt',
  globalSecondaryIndexes: [
    {
      indexName: EVENTS_BY_TENANT_INDEX,
      partitionKey: { name: 'tenantKey', type: 'S' },
      sortKey: { name: 'timeKey', type: 'S' },
      nonKeyAttributes: ['type', 'timestamp', 'tenantId'],
    },
    {
      indexName: EVENTS_BY_TIME_INDEX,
      partitionKey: { name: 'bucket', type: 'S' },
      sortKey: { name: 'timeKey', type: 'S' },
      nonKeyAttributes: ['type', 'timestamp', 'tenantId', 'tenantKey'],
    },
  ],
};

/**
 * The delivery attempt log: one item per attempt, partition `subscriptionId`, sort key
 * `sk` = `<event id>#<attempted at, ISO 8601>`, so `begins_with(sk, <event id>)` finds one
 * event's attempts in time order (the duplicate guard and the attempt numbering read it before
 * every attempt, consistently if need be, which an index could not). The log of a subscription
 * in attempt-time order is the index `byAttemptedAt`: ordering by event id (a ULID, so by when
 * the event was published) would put a retry after hours among the events of that hour. Its
 * writes double the log's write cost; it projects every attribute because the listing shows
 * them all. Items expire through TTL.
 */
export const deliveriesTable: TableDefinition = {
  partitionKey: { name: 'subscriptionId', type: 'S' },
  sortKey: { name: 'sk', type: 'S' },
  timeToLiveAttribute: 'expiresAt',
  globalSecondaryIndexes: [
    {
      indexName: ATTEMPTS_BY_TIME_INDEX,
      partitionKey: { name: 'subscriptionId', type: 'S' },
      sortKey: { name: 'attemptedAt', type: 'S' },
    },
  ],
};
