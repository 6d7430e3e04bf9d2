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
 * The delivery attempt log: by subscription and time (sort key `sk` =
 * `<attempted-at ISO>#<event id>#<attempt>`), with TTL. A global secondary index
 * `byEvent` (partition `eventId`, sort `sk`) finds the attempts of one event.
 */
export const deliveriesTable: TableDefinition = {
  partitionKey: { name: 'subscriptionId', type: 'S' },
  sortKey: { name: 'sk', type: 'S' },
  timeToLiveAttribute: 'expiresAt',
  globalSecondaryIndexes: [
    {
      indexName: 'byEvent',
      partitionKey: { name: 'eventId', type: 'S' },
      sortKey: { name: 'sk', type: 'S' },
    },
  ],
};
