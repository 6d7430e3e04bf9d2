import { ConditionalCheckFailedException, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';

/** The key of a shard's load item in the subscriptions table: `shard#<k>`. */
export const SHARD_KEY_PREFIX = 'shard#';

/** What one shard holds: its rules (undefined: never counted) and the tenants placed on it. */
export interface ShardLoad {
  readonly rules: number | undefined;
  readonly tenants: number;
}

/** The port of the per-shard counters (atomic counters, one item per shard). */
export interface ShardLoads {
  /** The counters of shards 0..count-1. */
  read(count: number): Promise<ShardLoad[]>;
  /** Counts one more tenant on `shard`. */
  addTenant(shard: number): Promise<void>;
  /**
   * Counts one more rule on each of `shards` if none of them is at `limit` yet; answers the
   * first shard that is full (and counts nothing), or undefined once all are counted.
   */
  reserve(shards: readonly number[], limit: number): Promise<number | undefined>;
  /** Counts one rule less on each of `shards` (never below 0). */
  release(shards: readonly number[]): Promise<void>;
  /** Sets the counters of `shard` (the reconciler's recount). */
  set(shard: number, load: { rules: number; tenants: number }): Promise<void>;
}

/**
 * Shard counters as items `shard#<k>` of the subscriptions table (attribute `rules`): the
 * table every function that places subscriptions already reads and writes, so no new table
 * or grant. Neither subscription nor tenant scans see them (they filter on `sub_`/`tenant#`).
 * Each update is one conditional ADD, so two creations racing for the last rule of a shard
 * cannot both get it.
 */
export class DynamoShardLoads implements ShardLoads {
  private readonly documents: DynamoDBDocumentClient;

  constructor(
    client: DynamoDBClient,
    private readonly tableName: string,
  ) {
    this.documents = DynamoDBDocumentClient.from(client);
  }

  async read(count: number): Promise<ShardLoad[]> {
    return Promise.all(
      Array.from({ length: count }, async (_, shard) => {
        const { Item } = await this.documents.send(
          new GetCommand({ TableName: this.tableName, Key: keyOf(shard), ConsistentRead: true }),
        );
        return {
          rules: typeof Item?.rules === 'number' ? Item.rules : undefined,
          tenants: typeof Item?.tenants === 'number' ? Item.tenants : 0,
        };
      }),
    );
  }

  async addTenant(shard: number): Promise<void> {
    await this.documents.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: keyOf(shard),
        UpdateExpression: 'ADD #tenants :one',
        // Both are DynamoDB reserved words.
        ExpressionAttributeNames: { '#tenants': 'tenants' },
        ExpressionAttributeValues: { ':one': 1 },
      }),
    );
  }

  async reserve(shards: readonly number[], limit: number): Promise<number | undefined> {
    const counted: number[] = [];
    for (const shard of shards) {
      try {
        await this.add(
          shard,
          1,
          { ':limit': limit },
          'attribute_not_exists(#rules) OR #rules < :limit',
        );
        counted.push(shard);
      } catch (error) {
        if (!(error instanceof ConditionalCheckFailedException)) {
          await this.release(counted);
          throw error;
        }
        await this.release(counted);
        return shard;
      }
    }
    return undefined;
  }

  async release(shards: readonly number[]): Promise<void> {
    for (const shard of shards) {
      try {
        await this.add(shard, -1, { ':zero': 0 }, '#rules > :zero');
      } catch (error) {
        // Already 0 (or never counted): the reconciler's recount owns the truth.
        if (!(error instanceof ConditionalCheckFailedException)) throw error;
      }
    }
  }

  async set(shard: number, load: { rules: number; tenants: number }): Promise<void> {
    // An update, not a put: the reconciler, which recounts, may update the table but not put.
    await this.documents.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: keyOf(shard),
        UpdateExpression: 'SET #rules = :rules, #tenants = :tenants',
        ExpressionAttributeNames: { '#rules': 'rules', '#tenants': 'tenants' },
        ExpressionAttributeValues: { ':rules': load.rules, ':tenants': load.tenants },
      }),
    );
  }

  private async add(
    shard: number,
    delta: number,
    values: Record<string, number>,
    condition: string,
  ): Promise<void> {
    await this.documents.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: keyOf(shard),
        UpdateExpression: 'ADD #rules :delta',
        ConditionExpression: condition,
        ExpressionAttributeNames: { '#rules': 'rules' },
        ExpressionAttributeValues: { ':delta': delta, ...values },
      }),
    );
  }
}

function keyOf(shard: number): { id: string } {
  return { id: `${SHARD_KEY_PREFIX}${shard}` };
}
