import { setTimeout as sleep } from 'node:timers/promises';
import {
  IdempotencyAlreadyInProgressError,
  IdempotencyConfig,
  IdempotencyValidationError,
  makeIdempotent,
} from '@aws-lambda-powertools/idempotency';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { Context } from 'aws-lambda';
import { ConflictError, UnprocessableError } from '../errors.js';

/** The longest `Idempotency-Key` accepted (DESIGN §3). */
export const MAX_IDEMPOTENCY_KEY_LENGTH = 255;

export interface IdempotentRequestsOptions {
  readonly tableName: string;
  readonly client: DynamoDBClient;
  /** How long a key is remembered. @default 86400 (24 h) */
  readonly ttlSeconds?: number;
  /** How long a request waits for a concurrent one with the same key. @default 10000 ms */
  readonly waitForInProgressMs?: number;
}

/** What identifies one idempotent request. */
export interface IdempotentRequest {
  /** Separates key spaces, e.g. the route: the same key on two routes is two requests. */
  readonly scope: string;
  readonly key: string;
  /** The parsed request body: a repeat must carry an equal one. */
  readonly payload: unknown;
}

interface StoredRequest {
  readonly key: string;
  readonly payload: unknown;
}

/**
 * Runs request handlers at most once per idempotency key, on Powertools idempotency with the
 * DynamoDB persistence layer. A repeat of a completed request gets the stored answer without
 * running anything; a repeat with another body is rejected (422); a repeat that arrives while
 * the first is still running waits for its answer (bounded) instead of failing, so concurrent
 * retries all see the same result. A run that throws stores nothing: the key can be retried.
 */
export class IdempotentRequests {
  private readonly config: IdempotencyConfig;
  private readonly waitMs: number;
  private readonly runOnce: <T>(request: StoredRequest, work: () => Promise<T>) => Promise<T>;

  constructor(options: IdempotentRequestsOptions) {
    this.waitMs = options.waitForInProgressMs ?? 10_000;
    this.config = new IdempotencyConfig({
      eventKeyJmesPath: 'key',
      payloadValidationJmesPath: 'payload',
      expiresAfterSeconds: options.ttlSeconds ?? 86_400,
    });
    const persistenceStore = new DynamoDBPersistenceLayer({
      tableName: options.tableName,
      awsSdkV3Client: options.client,
    });
    this.runOnce = makeIdempotent(
      (_request: StoredRequest, work: () => Promise<unknown>) => work(),
      // A fixed prefix keeps keys valid when the function is renamed or redeployed.
      { persistenceStore, config: this.config, keyPrefix: 'hookbridge', dataIndexArgument: 0 },
    ) as <T>(request: StoredRequest, work: () => Promise<T>) => Promise<T>;
  }

  /**
   * Runs `work` unless a request with the same scope and key ran (or is running) already,
   * and answers what that first run answered.
   */
  async run<T>(request: IdempotentRequest, context: Context, work: () => Promise<T>): Promise<T> {
    // The remaining time bounds how long an in-progress record blocks its key if we crash.
    this.config.registerLambdaContext(context);
    const stored = { key: `${request.scope}#${request.key}`, payload: request.payload };
    const deadline = Date.now() + this.waitMs;
    for (let delay = 25; ; delay = Math.min(delay * 2, 500)) {
      try {
        return await this.runOnce(stored, work);
      } catch (error) {
        if (error instanceof IdempotencyValidationError) {
          throw new UnprocessableError(
            'idempotency_key_reused',
            'this Idempotency-Key was already used with a different request body; use a new key for a new request',
            { cause: error },
          );
        }
        if (!(error instanceof IdempotencyAlreadyInProgressError)) throw error;
        if (Date.now() + delay > deadline) {
          throw new ConflictError(
            'idempotency_key_in_progress',
            'a request with this Idempotency-Key is still being processed; retry shortly',
            { cause: error },
          );
        }
        await sleep(delay);
      }
    }
  }
}
