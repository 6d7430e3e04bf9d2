import { ConditionalCheckFailedException, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DeleteCommand,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  ScanCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { versionCondition, versionConflict, versionedUpdate } from '../aws/versioned-update.js';
import { ConflictError } from '../errors.js';
import { decodeCursor, encodeCursor, TENANT_KEY_PREFIX } from '../subscriptions/table-cursor.js';
import { isTenantId, type Tenant } from './tenant.js';

/** One page of tenants and the opaque cursor of the next, if any. */
export interface TenantPage {
  readonly items: Tenant[];
  readonly nextCursor?: string;
}

/** The port tenants are kept behind; writes are optimistic, like subscriptions'. */
export interface TenantStore {
  get(id: string): Promise<Tenant | undefined>;
  list(options?: { limit?: number; cursor?: string }): Promise<TenantPage>;
  /** Every tenant (the reconciler's view). */
  all(): Promise<Tenant[]>;
  /** Stores a new tenant (version 1); a 409 `tenant_exists` if the id is taken. */
  create(tenant: Tenant): Promise<Tenant>;
  /** Changes `tenant` if its stored version is still `tenant.version`. */
  save(tenant: Tenant, changes: Partial<Omit<Tenant, 'id'>>): Promise<Tenant>;
  /** Deletes the record if its version is still `version`. */
  remove(id: string, version: number): Promise<void>;
}

/**
 * Tenants as items of the subscriptions table, keyed `tenant#<tenantId>`: no table, grant or
 * local snapshot more, and a subscription and its tenant are read with the same permissions.
 * Subscription ids (`sub_…`) can never collide with these keys.
 */
export class DynamoTenantStore implements TenantStore {
  private readonly documents: DynamoDBDocumentClient;

  constructor(
    client: DynamoDBClient,
    private readonly tableName: string,
  ) {
    this.documents = DynamoDBDocumentClient.from(client, {
      marshallOptions: { removeUndefinedValues: true },
    });
  }

  async get(id: string): Promise<Tenant | undefined> {
    if (!isTenantId(id)) return undefined;
    const { Item } = await this.documents.send(
      new GetCommand({ TableName: this.tableName, Key: { id: keyOf(id) }, ConsistentRead: true }),
    );
    return Item ? fromItem(Item) : undefined;
  }

  async list(options: { limit?: number; cursor?: string } = {}): Promise<TenantPage> {
    const { Items = [], LastEvaluatedKey } = await this.documents.send(
      new ScanCommand({
        TableName: this.tableName,
        Limit: options.limit ?? 50,
        ExclusiveStartKey: options.cursor ? decodeCursor(options.cursor) : undefined,
        FilterExpression: 'begins_with(id, :tenant)',
        ExpressionAttributeValues: { ':tenant': TENANT_KEY_PREFIX },
      }),
    );
    const items = Items.map(fromItem).sort((a, b) => a.id.localeCompare(b.id));
    return LastEvaluatedKey ? { items, nextCursor: encodeCursor(LastEvaluatedKey) } : { items };
  }

  async all(): Promise<Tenant[]> {
    const out: Tenant[] = [];
    let cursor: string | undefined;
    do {
      const page = await this.list({ limit: 500, ...(cursor && { cursor }) });
      out.push(...page.items);
      cursor = page.nextCursor;
    } while (cursor);
    return out;
  }

  async create(tenant: Tenant): Promise<Tenant> {
    const created = { ...tenant, version: 1 };
    try {
      await this.documents.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...created, id: keyOf(tenant.id) },
          ConditionExpression: 'attribute_not_exists(id)',
        }),
      );
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      throw new ConflictError('tenant_exists', `tenant ${tenant.id} already exists`, {
        cause: error,
      });
    }
    return created;
  }

  async save(tenant: Tenant, changes: Partial<Omit<Tenant, 'id'>>): Promise<Tenant> {
    const set: Record<string, unknown> = {
      ...changes,
      updatedAt: new Date().toISOString(),
      version: tenant.version + 1,
    };
    try {
      const { Attributes } = await this.documents.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { id: keyOf(tenant.id) },
          ...versionedUpdate(set, tenant.version),
          ReturnValues: 'ALL_NEW',
        }),
      );
      return fromItem(Attributes ?? {});
    } catch (error) {
      throw versionConflict(error, `tenant ${tenant.id}`);
    }
  }

  async remove(id: string, version: number): Promise<void> {
    try {
      await this.documents.send(
        new DeleteCommand({
          TableName: this.tableName,
          Key: { id: keyOf(id) },
          ...versionCondition(version),
        }),
      );
    } catch (error) {
      throw versionConflict(error, `tenant ${id}`);
    }
  }
}

function keyOf(tenantId: string): string {
  return `${TENANT_KEY_PREFIX}${tenantId}`;
}

function fromItem(item: Record<string, unknown>): Tenant {
  return { ...item, id: String(item.id).slice(TENANT_KEY_PREFIX.length) } as Tenant;
}
