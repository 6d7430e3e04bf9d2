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
  CONSOLE_REVOCATION_KEY,
  CONSOLE_SESSION_KEY_PREFIX,
  type ConsoleSession,
  type TenantToken,
  TOKEN_KEY_PREFIX,
} from './access-types.js';
import { isCredentialId } from './credential-secret.js';

/** One page of items and the opaque cursor of the next, if any. */
export interface AccessPage<T> {
  readonly items: T[];
  readonly nextCursor?: string;
}

/** Expired tokens and sessions are purged by TTL a day after they expire (lists flag them until then). */
const PURGE_AFTER_SECONDS = 86_400;

/**
 * Tokens, API keys and console sessions in the access table. A tenant's tokens are read from its own partition
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
    await this.putNew(TOKEN_KEY_PREFIX, 'token', token, purgeAtOf(token.expiresAt));
  }

  /** The token, if it exists and belongs to `tenantId`. */
  async getToken(tenantId: string, id: string): Promise<TenantToken | undefined> {
    const token = await this.getOne<TenantToken>(TOKEN_KEY_PREFIX, id);
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
  revokeToken(tenantId: string, id: string, at: string): Promise<boolean> {
    return this.markRevoked(TOKEN_KEY_PREFIX, id, at, tenantId);
  }

  async putApiKey(key: ApiKey): Promise<void> {
    await this.putNew(API_KEY_KEY_PREFIX, 'api-key', key);
  }

  getApiKey(id: string): Promise<ApiKey | undefined> {
    return this.getOne<ApiKey>(API_KEY_KEY_PREFIX, id);
  }

  /** A page of API keys (a filtered scan: keys are few, and only the operator lists them). */
  listApiKeys(options: { limit: number; cursor?: string }): Promise<AccessPage<ApiKey>> {
    return this.scanPrefix<ApiKey>(API_KEY_KEY_PREFIX, options);
  }

  /** Marks the key revoked (once); false when there is no such key. */
  revokeApiKey(id: string, at: string): Promise<boolean> {
    return this.markRevoked(API_KEY_KEY_PREFIX, id, at);
  }

  async putConsoleSession(session: ConsoleSession): Promise<void> {
    await this.putNew(
      CONSOLE_SESSION_KEY_PREFIX,
      'console-session',
      session,
      purgeAtOf(session.expiresAt),
    );
  }

  /** A page of console sessions, expired (until purged) and revoked ones too; a filtered scan, as for keys. */
  listConsoleSessions(options: {
    limit: number;
    cursor?: string;
  }): Promise<AccessPage<ConsoleSession>> {
    return this.scanPrefix<ConsoleSession>(CONSOLE_SESSION_KEY_PREFIX, options);
  }

  /** Marks the session revoked (once); false when there is no such session. */
  revokeConsoleSession(id: string, at: string): Promise<boolean> {
    return this.markRevoked(CONSOLE_SESSION_KEY_PREFIX, id, at);
  }

  /**
   * Revokes every console session created at or before `at`, in one write that the authorizer
   * reads with each session; later calls only move the mark forward.
   */
  async revokeConsoleSessionsBefore(at: string): Promise<void> {
    await this.documents
      .send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { id: CONSOLE_REVOCATION_KEY },
          UpdateExpression: 'SET revokedBefore = :at',
          ConditionExpression: 'attribute_not_exists(revokedBefore) OR revokedBefore < :at',
          ExpressionAttributeValues: { ':at': at },
        }),
      )
      .catch((error: unknown) => {
        if (!(error instanceof ConditionalCheckFailedException)) throw error;
      });
  }

  /** When every console session was last revoked at once, if ever. */
  async consoleSessionsRevokedBefore(): Promise<string | undefined> {
    const { Item } = await this.documents.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { id: CONSOLE_REVOCATION_KEY },
        ConsistentRead: true,
      }),
    );
    return typeof Item?.revokedBefore === 'string' ? Item.revokedBefore : undefined;
  }

  private async putNew(
    prefix: string,
    kind: string,
    item: { readonly id: string },
    purgeAt?: number,
  ): Promise<void> {
    await this.documents.send(
      new PutCommand({
        TableName: this.tableName,
        Item: {
          ...item,
          id: `${prefix}${item.id}`,
          kind,
          ...(purgeAt !== undefined && { purgeAt }),
        },
        ConditionExpression: 'attribute_not_exists(id)',
      }),
    );
  }

  private async getOne<T>(prefix: string, id: string): Promise<T | undefined> {
    if (!isCredentialId(id)) return undefined;
    const { Item } = await this.documents.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { id: `${prefix}${id}` },
        ConsistentRead: true,
      }),
    );
    return Item ? fromItem<T>(Item, prefix) : undefined;
  }

  private async scanPrefix<T extends { readonly createdAt: string }>(
    prefix: string,
    options: { limit: number; cursor?: string },
  ): Promise<AccessPage<T>> {
    const { Items = [], LastEvaluatedKey } = await this.documents.send(
      new ScanCommand({
        TableName: this.tableName,
        FilterExpression: 'begins_with(id, :key)',
        ExpressionAttributeValues: { ':key': prefix },
        Limit: options.limit,
        ...(options.cursor && { ExclusiveStartKey: decodeAccessCursor(options.cursor) }),
      }),
    );
    const items = Items.map((item) => fromItem<T>(item, prefix)).sort((a, b) =>
      a.createdAt.localeCompare(b.createdAt),
    );
    return LastEvaluatedKey
      ? { items, nextCursor: encodeAccessCursor(LastEvaluatedKey) }
      : { items };
  }

  /** Sets `revokedAt` (once); false when there is no such item (of `tenantId`, when named). */
  private async markRevoked(
    prefix: string,
    id: string,
    at: string,
    tenantId?: string,
  ): Promise<boolean> {
    if (!isCredentialId(id)) return false;
    try {
      await this.documents.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { id: `${prefix}${id}` },
          UpdateExpression: 'SET revokedAt = if_not_exists(revokedAt, :at)',
          ConditionExpression:
            tenantId === undefined
              ? 'attribute_exists(id)'
              : 'attribute_exists(id) AND tenantId = :tenant',
          ExpressionAttributeValues: {
            ':at': at,
            ...(tenantId !== undefined && { ':tenant': tenantId }),
          },
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }
}

function purgeAtOf(expiresAt: string): number {
  return Math.ceil(Date.parse(expiresAt) / 1000) + PURGE_AFTER_SECONDS;
}

function fromItem<T>(item: Record<string, unknown>, prefix: string): T {
  const { kind: _kind, purgeAt: _purgeAt, ...rest } = item;
  return { ...rest, id: String(item.id).slice(prefix.length) } as T;
}
