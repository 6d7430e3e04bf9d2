import { RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import { Construct } from 'constructs';
import { deliveriesTable, subscriptionsTable, type TableDefinition } from '../base-resources.js';
import { globalSecondaryIndexes, tableKeys } from './table-keys.js';

export interface SubscriptionStoreProps {
  /**
   * What happens to both tables when they leave the stack.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * The two tables of the subscription side (DESIGN §4), shaped by `subscriptionsTable` and
 * `deliveriesTable` in base-resources.ts: the subscriptions, and the delivery attempt log,
 * whose items expire through TTL. Both are on-demand (traffic follows the producers, not a
 * capacity plan), with point-in-time recovery and encryption at rest. Which function may do
 * what with them is decided by the constructs that give them the table names.
 */
export class SubscriptionStore extends Construct {
  public readonly subscriptionsTable: dynamodb.Table;
  public readonly deliveriesTable: dynamodb.Table;

  constructor(scope: Construct, id: string, props: SubscriptionStoreProps = {}) {
    super(scope, id);
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;
    this.subscriptionsTable = this.table('Subscriptions', subscriptionsTable, removalPolicy);
    this.deliveriesTable = this.table('Deliveries', deliveriesTable, removalPolicy);
  }

  private table(
    id: string,
    definition: TableDefinition,
    removalPolicy: RemovalPolicy,
  ): dynamodb.Table {
    const table = new dynamodb.Table(this, id, {
      ...tableKeys(definition),
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      // As for the idempotency table: the AWS-managed key needs no key policy of ours, so no
      // function needs a KMS permission to use these tables.
      encryption: dynamodb.TableEncryption.AWS_MANAGED,
      removalPolicy,
    });
    // Added before any grant, so `grant…` on the table covers `<table>/index/*` too.
    for (const index of globalSecondaryIndexes(definition)) table.addGlobalSecondaryIndex(index);
    return table;
  }
}
