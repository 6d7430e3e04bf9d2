import {
  type AttributeValue,
  type DynamoDBClient,
  GetItemCommand,
  QueryCommand,
} from '@aws-sdk/client-dynamodb';
import { EVENTS_BY_TENANT_INDEX, EVENTS_BY_TIME_INDEX } from '../aws/table-indexes.js';
import type { EventIndexReader, PartitionPage, PartitionRead } from './event-list.js';
import { fromStoredItem, type StoredEvent, summaryOf } from './stored-event.js';

const PARTITION_KEY = { byTenant: 'tenantKey', byTime: 'bucket' } as const;
const INDEX_NAME = { byTenant: EVENTS_BY_TENANT_INDEX, byTime: EVENTS_BY_TIME_INDEX } as const;

/**
 * The message store as the management API reads it: one event by id (a strongly consistent
 * GetItem, so an event is found as soon as its ingest answered), and newest-first pages of one
 * index partition for the lists (event-list.ts merges them).
 */
export class DynamoEventStoreReader implements EventIndexReader {
  constructor(
    private readonly client: DynamoDBClient,
    private readonly tableName: string,
  ) {}

  /** The stored event, or undefined when there is none (or it has expired). */
  async get(id: string, now = new Date()): Promise<StoredEvent | undefined> {
    const { Item } = await this.client.send(
      new GetItemCommand({
        TableName: this.tableName,
        Key: { id: { S: id } },
        ConsistentRead: true,
      }),
    );
    if (!Item) return undefined;
    // DynamoDB removes expired items up to a few days late: past its TTL, an event is gone.
    const expiresAt = Number(Item.expiresAt?.N);
    if (Number.isFinite(expiresAt) && expiresAt * 1000 <= now.getTime()) return undefined;
    return fromStoredItem(Item);
  }

  async read(request: PartitionRead): Promise<PartitionPage> {
    const values: Record<string, AttributeValue> = {
      ':p': { S: request.partition },
      ':lo': { S: request.lower },
      ':hi': { S: request.upper },
    };
    let filter: string | undefined;
    if (request.type && 'exact' in request.type) {
      filter = '#type = :type';
      values[':type'] = { S: request.type.exact };
    } else if (request.type) {
      filter = 'begins_with(#type, :type)';
      values[':type'] = { S: request.type.prefix };
    }
    const { Items = [], LastEvaluatedKey } = await this.client.send(
      new QueryCommand({
        TableName: this.tableName,
        IndexName: INDEX_NAME[request.index],
        KeyConditionExpression: `#pk = :p AND timeKey BETWEEN :lo AND :hi`,
        ...(filter && { FilterExpression: filter }),
        ExpressionAttributeNames: {
          '#pk': PARTITION_KEY[request.index],
          ...(filter && { '#type': 'type' }),
        },
        ExpressionAttributeValues: values,
        ScanIndexForward: false,
        Limit: request.limit,
        ...(request.startKey !== undefined && {
          ExclusiveStartKey: request.startKey as Record<string, AttributeValue>,
        }),
      }),
    );
    const items = Items.flatMap((item) => {
      const summary = summaryOf(item);
      const timeKey = item.timeKey?.S;
      return summary && timeKey ? [{ ...summary, timeKey }] : [];
    });
    const lastTimeKey = LastEvaluatedKey?.timeKey?.S;
    return {
      items,
      ...(LastEvaluatedKey && { startKey: LastEvaluatedKey }),
      ...(lastTimeKey !== undefined && { lastTimeKey }),
    };
  }
}
