import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { ReconcileCheckpoint } from './reconciler.js';

/** The key of the reconciler's checkpoint item in the subscriptions table. */
export const CHECKPOINT_KEY = 'reconciler#checkpoint';

/**
 * The reconciler's checkpoint as one item of the subscriptions table (like the shard counters:
 * no new table or grant; subscription and tenant scans skip it). Written with UpdateItem, which
 * the reconciler holds (it has no PutItem).
 */
export class DynamoReconcileCheckpoint implements ReconcileCheckpoint {
  private readonly documents: DynamoDBDocumentClient;

  constructor(
    client: DynamoDBClient,
    private readonly tableName: string,
  ) {
    this.documents = DynamoDBDocumentClient.from(client);
  }

  async read(): Promise<string | undefined> {
    const { Item } = await this.documents.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { id: CHECKPOINT_KEY },
        ConsistentRead: true,
      }),
    );
    return typeof Item?.resumeAfter === 'string' ? Item.resumeAfter : undefined;
  }

  async write(resumeAfter: string | undefined): Promise<void> {
    await this.documents.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { id: CHECKPOINT_KEY },
        ...(resumeAfter === undefined
          ? { UpdateExpression: 'REMOVE resumeAfter SET writtenAt = :at' }
          : { UpdateExpression: 'SET resumeAfter = :after, writtenAt = :at' }),
        ExpressionAttributeValues: {
          ':at': new Date().toISOString(),
          ...(resumeAfter !== undefined && { ':after': resumeAfter }),
        },
      }),
    );
  }
}
