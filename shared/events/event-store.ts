import { setTimeout as sleep } from 'node:timers/promises';
import {
  BatchWriteItemCommand,
  DeleteItemCommand,
  type DynamoDBClient,
  PutItemCommand,
  type WriteRequest,
} from '@aws-sdk/client-dynamodb';
import type { EventEnvelope } from './bus-entry.js';
import { toStoredItem } from './stored-event.js';

/** One event to store: its envelope and the exact JSON text that was published. */
export interface EventToStore {
  readonly envelope: EventEnvelope;
  readonly detail: string;
}

/** What a write did: the ids it could not store, with why. */
export interface StoreWriteResult {
  readonly stored: number;
  readonly failed: readonly { readonly id: string; readonly error: string }[];
}

/** The port ingest stores events through. Neither method throws: failures are reported. */
export interface EventStoreWriter {
  write(events: readonly EventToStore[]): Promise<StoreWriteResult>;
  /** Removes events (that failed to publish); answers the ids it could not remove. */
  discard(ids: readonly string[]): Promise<string[]>;
}

export interface DynamoEventStoreOptions {
  readonly tableName: string;
  readonly retentionDays: number;
  /** Tries of a BatchWriteItem's unprocessed items. @default 4 */
  readonly maxAttempts?: number;
  /** First backoff between tries; doubles each time, with full jitter. @default 25 ms */
  readonly baseDelayMs?: number;
}

/** BatchWriteItem takes at most 25 requests per call (a DynamoDB API limit). */
const MAX_BATCH_WRITES = 25;

/**
 * The message store's writer: one PutItem for a single event, BatchWriteItem calls of 25 (sent
 * concurrently) for a batch, retrying what DynamoDB leaves unprocessed (throttling) with
 * backoff. Failures are answered per event, never thrown: the caller decides what they mean.
 */
export class DynamoEventStore implements EventStoreWriter {
  private readonly maxAttempts: number;
  private readonly baseDelayMs: number;

  constructor(
    private readonly client: DynamoDBClient,
    private readonly options: DynamoEventStoreOptions,
  ) {
    this.maxAttempts = options.maxAttempts ?? 4;
    this.baseDelayMs = options.baseDelayMs ?? 25;
  }

  async write(events: readonly EventToStore[]): Promise<StoreWriteResult> {
    const items = events.map(({ envelope, detail }) => ({
      id: envelope.id,
      item: toStoredItem(envelope, detail, this.options.retentionDays),
    }));
    const only = items.length === 1 ? items[0] : undefined;
    if (only) {
      try {
        await this.client.send(
          new PutItemCommand({ TableName: this.options.tableName, Item: only.item }),
        );
        return { stored: 1, failed: [] };
      } catch (error) {
        return { stored: 0, failed: [{ id: only.id, error: describe(error) }] };
      }
    }
    const requests = items.map(({ id, item }) => ({ id, request: { PutRequest: { Item: item } } }));
    const failed = await this.batchWrite(requests, (request) => request.PutRequest?.Item?.id?.S);
    return { stored: items.length - failed.length, failed };
  }

  async discard(ids: readonly string[]): Promise<string[]> {
    const only = ids.length === 1 ? ids[0] : undefined;
    if (only !== undefined) {
      try {
        await this.client.send(
          new DeleteItemCommand({ TableName: this.options.tableName, Key: { id: { S: only } } }),
        );
        return [];
      } catch {
        return [only];
      }
    }
    const requests = ids.map((id) => ({
      id,
      request: { DeleteRequest: { Key: { id: { S: id } } } },
    }));
    const failed = await this.batchWrite(requests, (request) => request.DeleteRequest?.Key?.id?.S);
    return failed.map((f) => f.id);
  }

  private async batchWrite(
    requests: readonly { id: string; request: WriteRequest }[],
    idOf: (request: WriteRequest) => string | undefined,
  ): Promise<{ id: string; error: string }[]> {
    const chunks: { id: string; request: WriteRequest }[][] = [];
    for (let i = 0; i < requests.length; i += MAX_BATCH_WRITES)
      chunks.push(requests.slice(i, i + MAX_BATCH_WRITES));
    const results = await Promise.all(chunks.map((chunk) => this.writeChunk(chunk, idOf)));
    return results.flat();
  }

  private async writeChunk(
    chunk: readonly { id: string; request: WriteRequest }[],
    idOf: (request: WriteRequest) => string | undefined,
  ): Promise<{ id: string; error: string }[]> {
    let pending: WriteRequest[] = chunk.map((c) => c.request);
    for (let attempt = 1; ; attempt++) {
      try {
        const { UnprocessedItems } = await this.client.send(
          new BatchWriteItemCommand({ RequestItems: { [this.options.tableName]: pending } }),
        );
        pending = UnprocessedItems?.[this.options.tableName] ?? [];
      } catch (error) {
        // The SDK has retried what it considers retryable; a thrown call fails what is pending.
        return pending.map((request) => ({ id: idOf(request) ?? '?', error: describe(error) }));
      }
      if (pending.length === 0) return [];
      if (attempt >= this.maxAttempts) {
        return pending.map((request) => ({
          id: idOf(request) ?? '?',
          error: `still unprocessed after ${attempt} BatchWriteItem calls (throttled)`,
        }));
      }
      await sleep(Math.random() * this.baseDelayMs * 2 ** attempt);
    }
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
