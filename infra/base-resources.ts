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
} as const;

/** Subscriptions, by id (DESIGN §4). */
export const subscriptionsTable: TableDefinition = {
  partitionKey: { name: 'id', type: 'S' },
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
