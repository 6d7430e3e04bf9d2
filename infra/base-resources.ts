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
 * `sk` = `<event id>#<attempted at, ISO 8601>`. Event ids are ULIDs, so the sort key orders
 * the log by time and `begins_with(sk, <event id>)` finds one event's attempts — the lookup by event
 * id without a global secondary index, whose replicated writes would double the log's cost.
 * Items expire through TTL.
 */
export const deliveriesTable: TableDefinition = {
  partitionKey: { name: 'subscriptionId', type: 'S' },
  sortKey: { name: 'sk', type: 'S' },
  timeToLiveAttribute: 'expiresAt',
};
