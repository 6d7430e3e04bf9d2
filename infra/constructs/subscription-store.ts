import { RemovalPolicy } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { EVENT_TYPE_KEY_PREFIX } from '../../shared/event-types/event-type.js';
import { TENANT_KEY_PREFIX } from '../../shared/tenants/tenant.js';
import { deliveriesTable, subscriptionsTable } from '../base-resources.js';
import { grantOnKeys, hookbridgeTable } from './hookbridge-table.js';

export interface SubscriptionStoreProps {
  /**
   * What happens to both tables when they leave the stack.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * The two tables of the subscription side (DESIGN §4), shaped by `subscriptionsTable` and
 * `deliveriesTable` in base-resources.ts: the subscriptions (and tenants), with the index
 * `byTenant`, and the delivery attempt log, whose items expire through TTL. Which function may
 * do what with them is decided by the constructs that give them the table names; each names
 * the indexes it queries.
 */
export class SubscriptionStore extends Construct {
  public readonly subscriptionsTable: dynamodb.Table;
  public readonly deliveriesTable: dynamodb.Table;

  constructor(scope: Construct, id: string, props: SubscriptionStoreProps = {}) {
    super(scope, id);
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;
    this.subscriptionsTable = hookbridgeTable(
      this,
      'Subscriptions',
      subscriptionsTable,
      removalPolicy,
    );
    this.deliveriesTable = hookbridgeTable(this, 'Deliveries', deliveriesTable, removalPolicy);
  }

  /**
   * Lets `fn` (the ingest function) read the event type catalog to validate events, and
   * nothing else of the table: GetItem only, and only on `eventtype#` keys, so it can read no
   * subscription, secret or tenant. Sets HOOKBRIDGE_EVENT_TYPES_TABLE in the same call.
   */
  /**
   * Lets ingest read a tenant's bus shard: of a `tenant#` item, the attributes `id` and `shard`
   * only (a projected GetItem), never its name, metadata or token revocation time. Read only
   * with more than one shard; the grant is the same either way, so adding shards changes no
   * policy of ingest.
   */
  grantTenantShardRead(fn: lambda.Function): void {
    fn.addEnvironment('HOOKBRIDGE_SUBSCRIPTIONS_TABLE', this.subscriptionsTable.tableName);
    fn.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['dynamodb:GetItem'],
        resources: [this.subscriptionsTable.tableArn],
        conditions: {
          'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [`${TENANT_KEY_PREFIX}*`] },
          'ForAllValues:StringEquals': { 'dynamodb:Attributes': ['id', 'shard'] },
          StringEqualsIfExists: { 'dynamodb:Select': 'SPECIFIC_ATTRIBUTES' },
          // ForAllValues is true for a request without the key at all: require both.
          Null: { 'dynamodb:LeadingKeys': 'false', 'dynamodb:Attributes': 'false' },
        },
      }),
    );
  }

  grantCatalogRead(fn: lambda.Function): void {
    fn.addEnvironment('HOOKBRIDGE_EVENT_TYPES_TABLE', this.subscriptionsTable.tableName);
    grantOnKeys(fn, this.subscriptionsTable, ['dynamodb:GetItem'], EVENT_TYPE_KEY_PREFIX);
  }
}
