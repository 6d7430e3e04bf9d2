import { ConditionalCheckFailedException, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DeleteCommand,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  ScanCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { SUBSCRIPTIONS_BY_TENANT_INDEX } from '../aws/table-indexes.js';
import { versionCondition, versionConflict, versionedUpdate } from '../aws/versioned-update.js';
import { isSubscriptionId, type Subscription } from './subscription.js';
import { decodeCursor, decodeTenantCursor, encodeCursor } from './table-cursor.js';

/** One page of subscriptions and the opaque cursor of the next, if any. */
export interface SubscriptionPage {
  readonly items: Subscription[];
  readonly nextCursor?: string;
}

/** The port subscriptions are kept behind. Writes are optimistic: they name the version they replace. */
/** What a list reads: a page size, where to go on, and optionally one tenant's subscriptions only. */
export interface ListOptions {
  readonly limit?: number;
  readonly cursor?: string;
  readonly tenantId?: string;
  /**
   * A strongly consistent scan (twice the read units). A tenant's list reads an index, which
   * cannot be read so: a subscription it misses is one of a tenant gone, which the reconciler
   * removes on its next pass.
   */
  readonly consistent?: boolean;
}

export interface SubscriptionStore {
  get(id: string): Promise<Subscription | undefined>;
  /**
   * A page of subscriptions. With `tenantId`, a query of that tenant's partition of the
   * `byTenant` index (its cursor names only that partition); otherwise a scan that filters out
   * the tenant items, so a page may hold fewer than `limit` items, or none, and still a cursor.
   */
  list(options?: ListOptions): Promise<SubscriptionPage>;
  /** Every subscription (the reconciler's view). */
  all(): Promise<Subscription[]>;
  /** Stores a new subscription (version 1); fails if the id exists. */
  create(subscription: Subscription): Promise<Subscription>;
  /** Replaces `subscription` if its stored version is still `subscription.version`; returns it with the version incremented. */
  save(subscription: Subscription, changes: Partial<Subscription>): Promise<Subscription>;
  /** Deletes the record if its version is still `version`. */
  remove(id: string, version: number): Promise<void>;
  /** Starts the failure streak at `since` unless one is running. */
  markFailing(id: string, since: string): Promise<void>;
  /** Ends the failure streak, if any. */
  clearFailing(id: string): Promise<void>;
  /** Notes that the lane delivered at `at` (its idle period counts from the latest note). */
  markActive(id: string, at: string): Promise<void>;
  /** Disables an active (or paused) subscription; false when it was not (already disabled, deleted). */
  disable(id: string, reason: string): Promise<Subscription | undefined>;
}

/**
 * Subscriptions in DynamoDB, one item per subscription keyed by `id`, with a `version`
 * attribute for optimistic locking: a write that lost a race fails with a 409 instead of
 * silently overwriting the winner.
 */
export class DynamoSubscriptionStore implements SubscriptionStore {
  private readonly documents: DynamoDBDocumentClient;

  constructor(
    client: DynamoDBClient,
    private readonly tableName: string,
  ) {
    this.documents = DynamoDBDocumentClient.from(client, {
      marshallOptions: { removeUndefinedValues: true },
    });
  }

  async get(id: string): Promise<Subscription | undefined> {
    // Only a subscription id reads: the table holds tenant records too (`tenant#…`).
    if (!isSubscriptionId(id)) return undefined;
    const { Item } = await this.documents.send(
      new GetCommand({ TableName: this.tableName, Key: { id }, ConsistentRead: true }),
    );
    return Item as Subscription | undefined;
  }

  async list(options: ListOptions = {}): Promise<SubscriptionPage> {
    if (options.tenantId !== undefined) return this.listTenant(options.tenantId, options);
    const { Items = [], LastEvaluatedKey } = await this.documents.send(
      new ScanCommand({
        TableName: this.tableName,
        Limit: options.limit ?? 50,
        ExclusiveStartKey: options.cursor ? decodeCursor(options.cursor) : undefined,
        ...(options.consistent && { ConsistentRead: true }),
        FilterExpression: 'begins_with(id, :sub)',
        ExpressionAttributeValues: { ':sub': 'sub_' },
      }),
    );
    const items = (Items as Subscription[]).sort((a, b) => a.id.localeCompare(b.id));
    return LastEvaluatedKey ? { items, nextCursor: encodeCursor(LastEvaluatedKey) } : { items };
  }

  private async listTenant(tenantId: string, options: ListOptions): Promise<SubscriptionPage> {
    const { Items = [], LastEvaluatedKey } = await this.documents.send(
      new QueryCommand({
        TableName: this.tableName,
        IndexName: SUBSCRIPTIONS_BY_TENANT_INDEX,
        KeyConditionExpression: 'tenantId = :tenant',
        ExpressionAttributeValues: { ':tenant': tenantId },
        Limit: options.limit ?? 50,
        ...(options.cursor && {
          ExclusiveStartKey: decodeTenantCursor(options.cursor, tenantId),
        }),
      }),
    );
    const items = Items as Subscription[];
    // The index key is the tenant and the id: the cursor carries nothing of another partition.
    return LastEvaluatedKey
      ? { items, nextCursor: encodeCursor({ id: LastEvaluatedKey.id, tenantId }) }
      : { items };
  }

  async all(): Promise<Subscription[]> {
    const out: Subscription[] = [];
    let cursor: string | undefined;
    do {
      const page = await this.list({ limit: 500, ...(cursor && { cursor }) });
      out.push(...page.items);
      cursor = page.nextCursor;
    } while (cursor);
    return out;
  }

  async create(subscription: Subscription): Promise<Subscription> {
    const item = { ...subscription, version: 1 };
    await this.documents.send(
      new PutCommand({
        TableName: this.tableName,
        Item: item,
        ConditionExpression: 'attribute_not_exists(id)',
      }),
    );
    return item;
  }

  async save(subscription: Subscription, changes: Partial<Subscription>): Promise<Subscription> {
    const updatedAt = new Date().toISOString();
    const version = subscription.version + 1;
    // Only the changed attributes are written (SET, or REMOVE for a field set to undefined):
    // a whole-item put would write back a failure streak that a delivery changed meanwhile.
    const set: Record<string, unknown> = { ...changes, updatedAt, version };
    delete set.id;
    try {
      const { Attributes } = await this.documents.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { id: subscription.id },
          ...versionedUpdate(set, subscription.version),
          ReturnValues: 'ALL_NEW',
        }),
      );
      return Attributes as Subscription;
    } catch (error) {
      throw versionConflict(error, `subscription ${subscription.id}`);
    }
  }

  // The failure-streak marks are written by delivery functions concurrently with the
  // management API: single-attribute conditional updates that leave the version alone, so
  // they never make an operator's edit fail.
  async markFailing(id: string, since: string): Promise<void> {
    await this.conditionalUpdate({
      Key: { id },
      UpdateExpression: 'SET failingSince = :since',
      ConditionExpression: 'attribute_exists(id) AND attribute_not_exists(failingSince)',
      ExpressionAttributeValues: { ':since': since },
    });
  }

  async clearFailing(id: string): Promise<void> {
    await this.conditionalUpdate({
      Key: { id },
      UpdateExpression: 'REMOVE failingSince',
      ConditionExpression: 'attribute_exists(failingSince)',
    });
  }

  // Like the streak marks: the version stays, so an operator's edit never fails on it; a later
  // note never goes back in time.
  async markActive(id: string, at: string): Promise<void> {
    await this.conditionalUpdate({
      Key: { id },
      UpdateExpression: 'SET lastActiveAt = :at',
      ConditionExpression:
        'attribute_exists(id) AND (attribute_not_exists(lastActiveAt) OR lastActiveAt < :at)',
      ExpressionAttributeValues: { ':at': at },
    });
  }

  async disable(id: string, reason: string): Promise<Subscription | undefined> {
    const { Attributes } = await this.conditionalUpdate({
      Key: { id },
      UpdateExpression:
        'SET #status = :disabled, statusReason = :reason, updatedAt = :now, version = version + :one',
      ConditionExpression: '#status IN (:active, :paused)',
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: {
        ':disabled': 'disabled',
        ':reason': reason,
        ':now': new Date().toISOString(),
        ':one': 1,
        ':active': 'active',
        ':paused': 'paused',
      },
      ReturnValues: 'ALL_NEW',
    });
    return Attributes as Subscription | undefined;
  }

  /** An update whose failed condition means "nothing to do", not an error. */
  private async conditionalUpdate(
    input: Omit<ConstructorParameters<typeof UpdateCommand>[0], 'TableName'>,
  ): Promise<{ Attributes?: Record<string, unknown> }> {
    try {
      return await this.documents.send(new UpdateCommand({ TableName: this.tableName, ...input }));
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return {};
      throw error;
    }
  }

  async remove(id: string, version: number): Promise<void> {
    try {
      await this.documents.send(
        new DeleteCommand({
          TableName: this.tableName,
          Key: { id },
          ...versionCondition(version),
        }),
      );
    } catch (error) {
      throw versionConflict(error, `subscription ${id}`);
    }
  }
}
