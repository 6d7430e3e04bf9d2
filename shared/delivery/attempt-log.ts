import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { ValidationError } from '../errors.js';

export const ATTEMPT_RESULTS = ['delivered', 'failed', 'gone', 'refused'] as const;

/** How one attempt ended: delivered (2xx), failed (will retry or was the last), gone (410), refused (SSRF). */
export type AttemptResult = (typeof ATTEMPT_RESULTS)[number];

/** One delivery attempt, as the attempt log keeps it. */
export interface DeliveryAttempt {
  readonly subscriptionId: string;
  readonly eventId: string;
  readonly eventType: string;
  /** 1-based; SQS's ApproximateReceiveCount of the message. */
  readonly attempt: number;
  readonly attemptedAt: string;
  readonly result: AttemptResult;
  /** No further attempt will be made (delivered, exhausted, refused, gone). */
  readonly final: boolean;
  readonly statusCode?: number;
  readonly durationMs: number;
  /** Why it failed, in words (never a secret). */
  readonly error?: string;
  /** The first 4 KB of the response body. */
  readonly responseBody?: string;
  readonly nextAttemptAt?: string;
}

export interface AttemptPage {
  readonly items: DeliveryAttempt[];
  readonly nextCursor?: string;
}

export interface AttemptQuery {
  readonly limit?: number;
  readonly cursor?: string;
  readonly result?: AttemptResult;
  readonly eventId?: string;
}

/** The port of the attempt log. */
export interface AttemptLog {
  /** Whether an attempt of this event to this subscription succeeded already (duplicate guard). */
  wasDelivered(subscriptionId: string, eventId: string): Promise<boolean>;
  record(attempt: DeliveryAttempt): Promise<void>;
  /** Attempts of a subscription, newest first. */
  list(subscriptionId: string, query?: AttemptQuery): Promise<AttemptPage>;
}

/**
 * The attempt log in DynamoDB (see `deliveriesTable`): one small item per attempt under the
 * subscription, sorted by `<event id>#<attempted at>`, expiring after `ttlSeconds`. One query before
 * each attempt is the duplicate guard; one put after it is the log.
 */
export class DynamoAttemptLog implements AttemptLog {
  private readonly documents: DynamoDBDocumentClient;

  constructor(
    client: DynamoDBClient,
    private readonly tableName: string,
    private readonly ttlSeconds: number,
  ) {
    this.documents = DynamoDBDocumentClient.from(client, {
      marshallOptions: { removeUndefinedValues: true },
    });
  }

  async wasDelivered(subscriptionId: string, eventId: string): Promise<boolean> {
    const { Count = 0 } = await this.documents.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'subscriptionId = :s AND begins_with(sk, :e)',
        FilterExpression: '#result = :delivered',
        ExpressionAttributeNames: { '#result': 'result' },
        ExpressionAttributeValues: {
          ':s': subscriptionId,
          ':e': `${eventId}#`,
          ':delivered': 'delivered',
        },
        // Duplicates come back after a visibility timeout (minutes), far beyond the ~1 s in which
        // an eventually consistent read can miss a write: half the read cost, same guard.
        Select: 'COUNT',
      }),
    );
    return Count > 0;
  }

  async record(attempt: DeliveryAttempt): Promise<void> {
    const expiresAt = Math.floor(Date.parse(attempt.attemptedAt) / 1000) + this.ttlSeconds;
    await this.documents.send(
      new PutCommand({
        TableName: this.tableName,
        Item: { ...attempt, sk: sortKey(attempt.eventId, attempt.attemptedAt), expiresAt },
      }),
    );
  }

  async list(subscriptionId: string, query: AttemptQuery = {}): Promise<AttemptPage> {
    const values: Record<string, unknown> = { ':s': subscriptionId };
    let keyCondition = 'subscriptionId = :s';
    if (query.eventId) {
      keyCondition += ' AND begins_with(sk, :e)';
      values[':e'] = `${query.eventId}#`;
    }
    if (query.result) values[':r'] = query.result;
    const limit = query.limit ?? 50;
    const items: DeliveryAttempt[] = [];
    let startKey = query.cursor ? decodeCursor(query.cursor, subscriptionId) : undefined;
    // DynamoDB applies Limit before a filter: with `result`, keep reading (a few pages at most)
    // so a page is not empty while matching attempts remain.
    for (let page = 0; page < 10; page++) {
      const { Items = [], LastEvaluatedKey } = await this.documents.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: keyCondition,
          ...(query.result && {
            FilterExpression: '#result = :r',
            ExpressionAttributeNames: { '#result': 'result' },
          }),
          ExpressionAttributeValues: values,
          ScanIndexForward: false,
          Limit: limit - items.length,
          ExclusiveStartKey: startKey,
        }),
      );
      for (const { sk: _sk, expiresAt: _e, ...attempt } of Items)
        items.push(attempt as DeliveryAttempt);
      startKey = LastEvaluatedKey;
      if (!startKey || items.length >= limit) break;
    }
    return startKey
      ? { items, nextCursor: Buffer.from(String(startKey.sk)).toString('base64url') }
      : { items };
  }
}

/**
 * `<event id>#<attempted at>`: unique per attempt even when a redrive or a replay starts the
 * receive count (and so `attempt`) from 1 again, and sorted by time within an event.
 */
function sortKey(eventId: string, attemptedAt: string): string {
  return `${eventId}#${attemptedAt}`;
}

function decodeCursor(cursor: string, subscriptionId: string): Record<string, unknown> {
  const sk = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!/^evt_[0-9A-Z]{26}#\d{4}-\d{2}-\d{2}T[\d:.]+Z$/.test(sk)) {
    throw new ValidationError(
      'cursor: is not a cursor this API returned',
      undefined,
      'invalid_cursor',
    );
  }
  return { subscriptionId, sk };
}
