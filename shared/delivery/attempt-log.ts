import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DynamoDBDocumentClient,
  PutCommand,
  QueryCommand,
  type QueryCommandOutput,
} from '@aws-sdk/lib-dynamodb';
import {
  ATTEMPTS_BY_TIME_INDEX,
  attemptSortKey,
  decodeAttemptCursor,
  encodeAttemptCursor,
} from './attempt-keys.js';
import type { EventHistory } from './attempt-number.js';
import type { RecordedHeader } from './recorded-request.js';

export const ATTEMPT_RESULTS = ['delivered', 'failed', 'gone', 'refused'] as const;

/** How one attempt ended: delivered (2xx), failed (will retry or was the last), gone (410), refused (SSRF). */
export type AttemptResult = (typeof ATTEMPT_RESULTS)[number];

/** One delivery attempt, as the attempt log keeps it. */
export interface DeliveryAttempt {
  readonly subscriptionId: string;
  readonly eventId: string;
  readonly eventType: string;
  /** 1-based, counted across redrives and replays of the event (see `attemptNumber`). */
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
  /** The request sent (see `recordedRequest`); absent from attempts logged before it was kept. */
  readonly requestUrl?: string;
  readonly requestHeaders?: readonly RecordedHeader[];
  readonly requestBodyBytes?: number;
  readonly requestHeadersTruncated?: true;
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
  /**
   * What is logged of this event's attempts to this subscription: whether one succeeded (the
   * duplicate guard) and how many were made under `messageId` and under other messages (the
   * attempt numbering across redrives).
   */
  eventHistory(subscriptionId: string, eventId: string, messageId: string): Promise<EventHistory>;
  /** Logs an attempt made while handling the SQS message `messageId`. */
  record(attempt: DeliveryAttempt, messageId: string): Promise<void>;
  /** Attempts of a subscription, the most recent attempt first. */
  list(subscriptionId: string, query?: AttemptQuery): Promise<AttemptPage>;
}

/**
 * The attempt log in DynamoDB (see `deliveriesTable`): one small item per attempt under the
 * subscription, sorted by `<event id>#<attempted at>`, with an index by `attemptedAt` for the
 * log in time order, expiring after `ttlSeconds`. One query of the event's attempts before each
 * attempt is both the duplicate guard and the numbering; one put after it is the log.
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

  async eventHistory(
    subscriptionId: string,
    eventId: string,
    messageId: string,
  ): Promise<EventHistory> {
    let delivered = false;
    let earlierAttempts = 0;
    let thisMessageAttempts = 0;
    let startKey: Record<string, unknown> | undefined;
    // Eventually consistent: duplicates and redrives come back after a visibility timeout or an
    // operator's request (seconds to minutes), beyond the ~1 s in which such a read can miss a
    // write, and within one message the receive count numbers the attempts. Half the read
    // cost; an event's few small items fit in one read unit, as the COUNT before did.
    do {
      const { Items = [], LastEvaluatedKey } = await this.documents.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'subscriptionId = :s AND begins_with(sk, :e)',
          ProjectionExpression: '#result, messageId',
          ExpressionAttributeNames: { '#result': 'result' },
          ExpressionAttributeValues: { ':s': subscriptionId, ':e': `${eventId}#` },
          ExclusiveStartKey: startKey,
        }),
      );
      for (const item of Items) {
        if (item.result === 'delivered') delivered = true;
        if (item.messageId === messageId) thisMessageAttempts++;
        else earlierAttempts++;
      }
      startKey = LastEvaluatedKey;
    } while (startKey);
    return { delivered, earlierAttempts, thisMessageAttempts };
  }

  async record(attempt: DeliveryAttempt, messageId: string): Promise<void> {
    const expiresAt = Math.floor(Date.parse(attempt.attemptedAt) / 1000) + this.ttlSeconds;
    await this.documents.send(
      new PutCommand({
        TableName: this.tableName,
        Item: {
          ...attempt,
          ...(attempt.requestHeaders && {
            requestHeaders: toStoredHeaders(attempt.requestHeaders),
          }),
          messageId,
          sk: attemptSortKey(attempt.eventId, attempt.attemptedAt),
          expiresAt,
        },
      }),
    );
  }

  async list(subscriptionId: string, query: AttemptQuery = {}): Promise<AttemptPage> {
    const values: Record<string, unknown> = { ':s': subscriptionId };
    let keyCondition = 'subscriptionId = :s';
    // One event's attempts are one key prefix of the table, in time order; the whole log in
    // time order is the index (events interleave: an event's retry comes after later events).
    if (query.eventId) {
      keyCondition += ' AND begins_with(sk, :e)';
      values[':e'] = `${query.eventId}#`;
    }
    if (query.result) values[':r'] = query.result;
    const limit = query.limit ?? 50;
    const items: DeliveryAttempt[] = [];
    let startKey: Record<string, unknown> | undefined = query.cursor
      ? decodeAttemptCursor(query.cursor, subscriptionId, query.eventId)
      : undefined;
    let index = query.eventId ? undefined : ATTEMPTS_BY_TIME_INDEX;
    const command = (indexName: string | undefined, start: Record<string, unknown> | undefined) =>
      new QueryCommand({
        TableName: this.tableName,
        ...(indexName && { IndexName: indexName }),
        KeyConditionExpression: keyCondition,
        ...(query.result && {
          FilterExpression: '#result = :r',
          ExpressionAttributeNames: { '#result': 'result' },
        }),
        ExpressionAttributeValues: values,
        ScanIndexForward: false,
        Limit: limit - items.length,
        ExclusiveStartKey: start,
      });
    // DynamoDB applies Limit before a filter: with `result`, keep reading (a few pages at most)
    // so a page is not empty while matching attempts remain.
    for (let page = 0; page < 10; page++) {
      let answer: QueryCommandOutput;
      try {
        answer = await this.documents.send(command(index, startKey));
      } catch (error) {
        if (index === undefined || !isBackfilling(error)) throw error;
        // The first deploy with the index: CloudFormation is done before DynamoDB has filled
        // it from the items already there. Meanwhile the log is listed in event order, with
        // cursors that stay valid for the index.
        index = undefined;
        startKey = startKey && { subscriptionId, sk: startKey.sk };
        answer = await this.documents.send(command(index, startKey));
      }
      const { Items = [], LastEvaluatedKey } = answer;
      for (const { sk: _sk, expiresAt: _e, messageId: _m, requestHeaders, ...attempt } of Items)
        items.push({
          ...attempt,
          ...(requestHeaders !== undefined && {
            requestHeaders: fromStoredHeaders(requestHeaders),
          }),
        } as DeliveryAttempt);
      startKey = LastEvaluatedKey;
      if (!startKey || items.length >= limit) break;
    }
    return startKey ? { items, nextCursor: encodeAttemptCursor(String(startKey.sk)) } : { items };
  }
}

/** DynamoDB's answer to a query of an index it is still building (CREATING, backfilling). */
function isBackfilling(error: unknown): boolean {
  return (
    error instanceof Error &&
    error.name === 'ValidationException' &&
    /backfilling global secondary index/i.test(error.message)
  );
}

/**
 * Headers as the item keeps them: a list of `[name, value]` lists, because a DynamoDB map has
 * no order (the order sent is part of what the log shows) and a list of maps would store the
 * attribute names `name` and `value` again for every header.
 */
function toStoredHeaders(headers: readonly RecordedHeader[]): string[][] {
  return headers.map(({ name, value }) => [name, value]);
}

/** The stored headers back as `{ name, value }`; anything else in the list is skipped. */
function fromStoredHeaders(stored: unknown): RecordedHeader[] {
  if (!Array.isArray(stored)) return [];
  return stored.flatMap((pair) =>
    Array.isArray(pair) && typeof pair[0] === 'string' && typeof pair[1] === 'string'
      ? [{ name: pair[0], value: pair[1] }]
      : [],
  );
}
