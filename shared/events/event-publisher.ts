import { setTimeout as sleep } from 'node:timers/promises';
import { type EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { type BusEntry, entrySize } from './bus-entry.js';
import { chunkIndices } from './chunk.js';

/** What became of one entry. */
export type PublishOutcome =
  | { readonly ok: true }
  | { readonly ok: false; readonly code: string; readonly message: string };

/** The port ingest publishes through. Returns one outcome per entry, in order. */
export interface EventPublisher {
  publish(entries: readonly BusEntry[]): Promise<PublishOutcome[]>;
}

export interface EventBridgePublisherOptions {
  /** The PutEvents request limit (sum of entry sizes). @default 262144 */
  readonly maxRequestBytes?: number;
  /** Attempts per entry for retryable per-entry failures. @default 3 */
  readonly maxAttempts?: number;
  /** First backoff between attempts; doubles each time, with full jitter. @default 50 ms */
  readonly baseDelayMs?: number;
}

/** PutEvents takes at most 10 entries per call (an EventBridge API limit). */
const MAX_ENTRIES_PER_CALL = 10;

/** Per-entry error codes worth another try; the rest (validation, permissions) never succeed. */
const RETRYABLE_ENTRY_CODES = new Set([
  'InternalFailure',
  'ThrottlingException',
  'InternalException',
]);

const DEFAULTS = Object.freeze({ maxRequestBytes: 262_144, maxAttempts: 3, baseDelayMs: 50 });

/**
 * Publishes to EventBridge in PutEvents calls of at most 10 entries and within the request
 * size limit, sent concurrently. Entries that fail with a retryable per-entry error
 * (FailedEntryCount > 0) are sent again with backoff; the others are reported per entry, so
 * nothing is dropped silently.
 */
export class EventBridgePublisher implements EventPublisher {
  private readonly options: Required<EventBridgePublisherOptions>;

  constructor(
    private readonly client: EventBridgeClient,
    options: EventBridgePublisherOptions = {},
  ) {
    this.options = { ...DEFAULTS, ...options };
  }

  async publish(entries: readonly BusEntry[]): Promise<PublishOutcome[]> {
    const outcomes: PublishOutcome[] = new Array(entries.length);
    const chunks = chunkIndices(entries, entrySize, {
      maxItems: MAX_ENTRIES_PER_CALL,
      maxBytes: this.options.maxRequestBytes,
    });
    await Promise.all(chunks.map((chunk) => this.publishChunk(entries, chunk, outcomes)));
    return outcomes;
  }

  private async publishChunk(
    entries: readonly BusEntry[],
    chunk: readonly number[],
    outcomes: PublishOutcome[],
  ): Promise<void> {
    let pending = [...chunk];
    for (let attempt = 1; pending.length > 0; attempt++) {
      const last = attempt >= this.options.maxAttempts;
      const retry: number[] = [];
      try {
        const response = await this.client.send(
          new PutEventsCommand({ Entries: pending.map((index) => entries[index] as BusEntry) }),
        );
        pending.forEach((index, position) => {
          const result = response.Entries?.[position];
          if (result?.EventId && !result.ErrorCode) {
            outcomes[index] = { ok: true };
          } else if (!last && RETRYABLE_ENTRY_CODES.has(result?.ErrorCode ?? 'InternalFailure')) {
            retry.push(index);
          } else {
            outcomes[index] = {
              ok: false,
              code: result?.ErrorCode ?? 'InternalFailure',
              message: result?.ErrorMessage ?? 'EventBridge did not accept the event',
            };
          }
        });
      } catch (error) {
        // The SDK has already retried what it considers retryable; a thrown call fails the chunk.
        const message = error instanceof Error ? error.message : String(error);
        const code = error instanceof Error ? error.name : 'PutEventsFailed';
        for (const index of pending) outcomes[index] = { ok: false, code, message };
        return;
      }
      pending = retry;
      if (pending.length > 0) await sleep(Math.random() * this.options.baseDelayMs * 2 ** attempt);
    }
  }
}
