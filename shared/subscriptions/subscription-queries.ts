import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, QueryCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { SUBSCRIPTIONS_BY_TENANT_INDEX } from '../aws/table-indexes.js';
import type { Subscription } from './subscription.js';

/**
 * Reads of the subscriptions table by tenant, for the message API's destinations: one tenant's
 * subscriptions from its own partition of the `byTenant` index, the operator's own (those
 * without a tenant), and all of them (for a broadcast). Each reads at most `max` items, so an
 * answer's work stays bounded however many subscriptions there are.
 */
export class SubscriptionQueries {
  private readonly documents: DynamoDBDocumentClient;

  constructor(
    client: DynamoDBClient,
    private readonly tableName: string,
  ) {
    this.documents = DynamoDBDocumentClient.from(client);
  }

  /** The subscriptions of one tenant (the index is eventually consistent: a second or so). */
  async ofTenant(tenantId: string, max: number): Promise<Subscription[]> {
    const out: Subscription[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const { Items = [], LastEvaluatedKey } = await this.documents.send(
        new QueryCommand({
          TableName: this.tableName,
          IndexName: SUBSCRIPTIONS_BY_TENANT_INDEX,
          KeyConditionExpression: 'tenantId = :t',
          ExpressionAttributeValues: { ':t': tenantId },
          ExclusiveStartKey: startKey,
        }),
      );
      out.push(...(Items as Subscription[]));
      startKey = LastEvaluatedKey;
    } while (startKey && out.length < max);
    return out.slice(0, max);
  }

  /** Subscriptions without a tenant (`operatorOnly`), or every subscription. */
  async scan(operatorOnly: boolean, max: number): Promise<Subscription[]> {
    const out: Subscription[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const { Items = [], LastEvaluatedKey } = await this.documents.send(
        new ScanCommand({
          TableName: this.tableName,
          FilterExpression: `begins_with(id, :sub)${operatorOnly ? ' AND attribute_not_exists(tenantId)' : ''}`,
          ExpressionAttributeValues: { ':sub': 'sub_' },
          ExclusiveStartKey: startKey,
        }),
      );
      out.push(...(Items as Subscription[]));
      startKey = LastEvaluatedKey;
    } while (startKey && out.length < max);
    return out.slice(0, max);
  }
}
