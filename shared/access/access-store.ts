import { ConditionalCheckFailedException, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  ScanCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { ACCESS_BY_TENANT_INDEX } from '../aws/table-indexes.js';
import { decodeAccessCursor, encodeAccessCursor } from './access-cursor.js';
import {
  API_KEY_KEY_PREFIX,
  type ApiKey,
  type TenantToken,
  TOKEN_KEY_PREFIX,
} from './access-types.js';
import { isCredentialId } from './credential-secret.js';

/** One page of items and the opaque cursor of the next, if any. */
export interface AccessPage<T> {
  readonly items: T[];
  readonly nextCursor?: string;
}

/** Expired tokens are purged by TTL a day after they expire (the list flags them until then). */
const PURGE_AFTER_SECONDS = 86_400;

/**
 * Tokens and API keys in the access table. A tenant's tokens are read from its own partition
 * of the `byTenant` index, so neither a page nor its cursor can reach another tenant's items.
 * Revocation keeps the item (with `revokedAt`), so a list still shows what was revoked.
 */
export class AccessStore {
  private readonly documents: DynamoDBDocumentClient;

  constructor(
    client: DynamoDBClient,
    private readonly tableName: string,
  ) {
    this.documents = DynamoDBDocumentClient.from(client, {
      marshallOptions: { removeUndefinedValues: true },
    });
  }

  async putToken(token: TenantToken): Promise<void> {
    const purgeAt = Math.ceil(Date.parse(token.expiresAt) / 1000) + PURGE_AFTER_SECONDS;
    await this.documents.send(
      new PutCommand({
        TableName: this.tableName,
        Item: { ...token, id: `${TOKEN_KEY_PREFIX}${token.id}`, kind: 'token', purgeAt },
        ConditionExpression: 'attribute_not_exists(id)',
      }),
    );
  }

  /** The token, if it exists and belongs to `tenantId`. */
  async getToken(tenantId: string, id: string): Promise<TenantToken | undefined> {
    if (!isCredentialId(id)) return undefined;
    const { Item } = await this.documents.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { id: `${TOKEN_KEY_PREFIX}${id}` },
        ConsistentRead: true,
      }),
    );
    const token = Item ? fromItem<TenantToken>(Item, TOKEN_KEY_PREFIX) : undefined;
    return token?.tenantId === tenantId ? token : undefined;
  }

  /** A page of one tenant's tokens, oldest first. API keys bound to the tenant share the index and are filtered out. */
  async listTokens(
    tenantId: string,
    options: { limit: number; cursor?: string },
  ): Promise<AccessPage<TenantToken>> {
    const { Items = [], LastEvaluatedKey } = await this.documents.send(
      new QueryCommand({
        TableName: this.tableName,
        IndexName: ACCESS_BY_TENANT_INDEX,
        KeyConditionExpression: 'tenantId = :tenant',
        FilterExpression: 'kind = :token',
        ExpressionAttributeValues: { ':tenant': tenantId, ':token': 'token' },
        Limit: options.limit,
        ...(options.cursor && {
          ExclusiveStartKey: decodeAccessCursor(options.cursor, tenantId),
        }),
      }),
    );
    const items = Items.map((item) => fromItem<TenantToken>(item, TOKEN_KEY_PREFIX));
    return LastEvaluatedKey
      ? { items, nextCursor: encodeAccessCursor(LastEvaluatedKey) }
      : { items };
  }

  /** Marks the token revoked (once); false when the tenant has no such token. */
  async revokeToken(tenantId: string, id: string, at: string): Promise<boolean> {
    if (!isCredentialId(id)) return false;
    try {
      await this.documents.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { id: `${TOKEN_KEY_PREFIX}${id}` },
          UpdateExpression: 'SET revokedAt = if_not_exists(revokedAt, :at)',
          ConditionExpression: 'attribute_exists(id) AND tenantId = :tenant',
          ExpressionAttributeValues: { ':at': at, ':tenant': tenantId },
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  async putApiKey(key: ApiKey): Promise<void> {
    await this.documents.send(
      new PutCommand({
        TableName: this.tableName,
        Item: { ...key, id: `${API_KEY_KEY_PREFIX}${key.id}`, kind: 'api-key' },
        ConditionExpression: 'attribute_not_exists(id)',
      }),
    );
  }

  async getApiKey(id: string): Promise<ApiKey | undefined> {
    if (!isCredentialId(id)) return undefined;
    const { Item } = await this.documents.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { id: `${API_KEY_KEY_PREFIX}${id}` },
        ConsistentRead: true,
      }),
    );
    return Item ? fromItem<ApiKey>(Item, API_KEY_KEY_PREFIX) : undefined;
  }

  /** A page of API keys (a filtered scan: keys are few, and only the operator lists them). */
  async listApiKeys(options: { limit: number; cursor?: string }): Promise<AccessPage<ApiKey>> {
    const { Items = [], LastEvaluatedKey } = await this.documents.send(
      new ScanCommand({
        TableName: this.tableName,
        FilterExpression: 'begins_with(id, :key)',
        ExpressionAttributeValues: { ':key': API_KEY_KEY_PREFIX },
        Limit: options.limit,
        ...(options.cursor && { ExclusiveStartKey: decodeAccessCursor(options.cursor) }),
      }),
    );
    const items = Items.map((item) => fromItem<ApiKey>(item, API_KEY_KEY_PREFIX)).sort((a, b) =>
      a.createdAt.localeCompare(b.createdAt),
    );
    return LastEvaluatedKey
      ? { items, nextCursor: encodeAccessCursor(LastEvaluatedKey) }
      : { items };
  }

  /** Marks the key revoked (once); false when there is no such key. */
  async revokeApiKey(id: string, at: string): Promise<boolean> {
    if (!isCredentialId(id)) return false;
    try {
      await this.documents.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { id: `${API_KEY_KEY_PREFIX}${id}` },
          UpdateExpression: 'SET revokedAt = if_not_exists(revokedAt, :at)',
          ConditionExpression: 'attribute_exists(id)',
          ExpressionAttributeValues: { ':at': at },
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }
}

function fromItem<T>(item: Record<string, unknown>, prefix: string): T {
  const { kind: _kind, purgeAt: _purgeAt, ...rest } = item;
  return { ...rest, id: String(item.id).slice(prefix.length) } as T;
}
