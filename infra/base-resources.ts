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
} as const;
