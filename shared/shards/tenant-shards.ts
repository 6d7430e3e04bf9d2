import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { BROADCAST_TENANT, isTenantId, TENANT_KEY_PREFIX } from '../tenants/tenant.js';
import { busOfShard } from './bus-shards.js';

/** Reads a tenant's shard: a number, or undefined when there is no such tenant. */
export type TenantShardReader = (tenantId: string) => Promise<number | undefined>;

/** The tenant item's `shard` attribute, read from the subscriptions table. */
export function dynamoTenantShardReader(
  client: DynamoDBClient,
  tableName: string,
): TenantShardReader {
  const documents = DynamoDBDocumentClient.from(client);
  return async (tenantId) => {
    const { Item } = await documents.send(
      new GetCommand({
        TableName: tableName,
        Key: { id: `${TENANT_KEY_PREFIX}${tenantId}` },
        ProjectionExpression: '#id, #shard',
        ExpressionAttributeNames: { '#id': 'id', '#shard': 'shard' },
      }),
    );
    if (!Item) return undefined;
    return typeof Item.shard === 'number' ? Item.shard : 0;
  };
}

export interface TenantShardCacheOptions {
  /** How long a tenant's shard is kept. @default 5 min */
  readonly ttlMs?: number;
  /** How long "no such tenant" is kept: short, a tenant may be created any moment. @default 5 s */
  readonly unknownTtlMs?: number;
  /** The most tenants kept (the oldest is dropped first). @default 10,000 */
  readonly maxEntries?: number;
  readonly now?: () => number;
}

/**
 * Which bus an ingested event goes on: its tenant's shard, read once and then kept in memory.
 * A tenant's shard never changes, but a tenant deleted and created again may be placed on
 * another: for as long as the old entry is kept (ttlMs) its events still go to the old shard,
 * where only operator subscriptions see them (its own subscriptions are on the new one). Events
 * without a tenant, of an unknown tenant, and broadcasts go to shard 0 (shard 0 forwards
 * broadcasts to every other shard). With one shard nothing is read.
 */
export class TenantShards {
  private readonly entries = new Map<string, { shard: number | undefined; until: number }>();
  private readonly ttlMs: number;
  private readonly unknownTtlMs: number;
  private readonly maxEntries: number;
  private readonly now: () => number;

  constructor(
    private readonly busNames: readonly string[],
    private readonly read: TenantShardReader,
    options: TenantShardCacheOptions = {},
  ) {
    this.ttlMs = options.ttlMs ?? 5 * 60_000;
    this.unknownTtlMs = options.unknownTtlMs ?? 5_000;
    this.maxEntries = options.maxEntries ?? 10_000;
    this.now = options.now ?? Date.now;
  }

  /** The bus name for an event of `tenantId` (undefined: no tenant; `*`: a broadcast). */
  async busFor(tenantId: string | undefined): Promise<string> {
    const [shard0 = ''] = this.busNames;
    if (this.busNames.length === 1 || tenantId === undefined || tenantId === BROADCAST_TENANT) {
      return shard0;
    }
    if (!isTenantId(tenantId)) return shard0;
    const shard = await this.shardOf(tenantId);
    return shard === undefined ? shard0 : busOfShard(this.busNames, shard);
  }

  private async shardOf(tenantId: string): Promise<number | undefined> {
    const now = this.now();
    const cached = this.entries.get(tenantId);
    if (cached && cached.until > now) return cached.shard;
    const shard = await this.read(tenantId);
    this.entries.delete(tenantId);
    if (this.entries.size >= this.maxEntries) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
    const ttl = shard === undefined ? this.unknownTtlMs : this.ttlMs;
    this.entries.set(tenantId, { shard, until: now + ttl });
    return shard;
  }
}
