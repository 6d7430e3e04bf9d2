import { RemovalPolicy } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { API_KEY_KEY_PREFIX } from '../../shared/access/access-types.js';
import { ACCESS_BY_TENANT_INDEX } from '../../shared/aws/table-indexes.js';
import { accessTable } from '../base-resources.js';
import { grantIndexQuery, grantOnKeys, grantOnTable, hookbridgeTable } from './hookbridge-table.js';

export interface AccessStoreProps {
  /**
   * What happens to the table when it leaves the stack.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

// The authorizer reads a credential's item (a token, key or console session, and the mark of
// revoking every console session) and records an API key's last use; nothing else.
const CHECK_ACTIONS = ['dynamodb:GetItem'];
// The management API mints, lists and revokes (a revocation is an update: the item stays
// until its TTL, so a revoked credential is told apart from one that never existed).
const ADMIN_ACTIONS = [
  'dynamodb:GetItem',
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
  'dynamodb:Scan',
];

/**
 * The credentials of callers without AWS credentials, shaped by `accessTable` in
 * base-resources.ts: tenant tokens and API keys, each stored as a hash of its secret, expired
 * tokens purged through TTL, a tenant's tokens listed from the index `byTenant`. Each function
 * gets the table's name together with the calls it makes on it.
 */
export class AccessStore extends Construct {
  public readonly table: dynamodb.Table;

  constructor(scope: Construct, id: string, props: AccessStoreProps = {}) {
    super(scope, id);
    this.table = hookbridgeTable(
      this,
      'Table',
      accessTable,
      props.removalPolicy ?? RemovalPolicy.RETAIN,
    );
  }

  /**
   * What the authorizer needs: read one credential, record an API key's last use. The update
   * is held to `apikey#` items, so the authorizer cannot un-revoke a token or console session,
   * nor move the mark that revokes every console session.
   */
  grantCheck(fn: lambda.Function): void {
    fn.addEnvironment('HOOKBRIDGE_ACCESS_TABLE', this.table.tableName);
    grantOnTable(fn, this.table, CHECK_ACTIONS);
    grantOnKeys(fn, this.table, ['dynamodb:UpdateItem'], API_KEY_KEY_PREFIX);
  }

  /** What the management API needs: mint, list (all, or one tenant's) and revoke. */
  grantAdmin(fn: lambda.Function): void {
    fn.addEnvironment('HOOKBRIDGE_ACCESS_TABLE', this.table.tableName);
    grantOnTable(fn, this.table, ADMIN_ACTIONS);
    grantIndexQuery(fn, this.table, [ACCESS_BY_TENANT_INDEX]);
  }
}
