import type { RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import type { Construct } from 'constructs';
import type { TableDefinition } from '../base-resources.js';
import { globalSecondaryIndexes, tableKeys } from './table-keys.js';

/**
 * A table of the product, shaped by its definition in base-resources.ts: on-demand (traffic
 * follows the producers, not a capacity plan), with point-in-time recovery and encryption at
 * rest under the AWS-managed key, whose key policy needs nothing of ours, so no function needs
 * a KMS permission to use it.
 */
export function hookbridgeTable(
  scope: Construct,
  id: string,
  definition: TableDefinition,
  removalPolicy: RemovalPolicy,
): dynamodb.Table {
  const table = new dynamodb.Table(scope, id, {
    ...tableKeys(definition),
    billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
    pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
    encryption: dynamodb.TableEncryption.AWS_MANAGED,
    removalPolicy,
  });
  for (const index of globalSecondaryIndexes(definition)) table.addGlobalSecondaryIndex(index);
  return table;
}

/**
 * Allows `grantee` `actions` on the items of `table`, and on none of its indexes. `Table.grant`
 * would add `<table>/index/*` as soon as the table has an index: each role names the indexes
 * it queries instead (`grantIndexQuery`).
 */
export function grantOnTable(
  grantee: iam.IGrantable,
  table: dynamodb.ITable,
  actions: readonly string[],
): void {
  grantee.grantPrincipal.addToPrincipalPolicy(
    new iam.PolicyStatement({ actions: [...actions], resources: [table.tableArn] }),
  );
}

/**
 * Allows `grantee` `actions` on the items of `table` whose partition key starts with
 * `keyPrefix`, and on no other item: a request naming any other key, or none, is denied.
 */
export function grantOnKeys(
  grantee: iam.IGrantable,
  table: dynamodb.ITable,
  actions: readonly string[],
  keyPrefix: string,
): void {
  grantee.grantPrincipal.addToPrincipalPolicy(
    new iam.PolicyStatement({
      actions: [...actions],
      resources: [table.tableArn],
      conditions: {
        'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [`${keyPrefix}*`] },
        // ForAllValues is true for a request without the key at all: require it.
        Null: { 'dynamodb:LeadingKeys': 'false' },
      },
    }),
  );
}

/** Allows `grantee` to query the named indexes of `table`, and no other. */
export function grantIndexQuery(
  grantee: iam.IGrantable,
  table: dynamodb.ITable,
  indexNames: readonly string[],
): void {
  grantee.grantPrincipal.addToPrincipalPolicy(
    new iam.PolicyStatement({
      actions: ['dynamodb:Query'],
      resources: indexNames.map((name) => `${table.tableArn}/index/${name}`),
    }),
  );
}
