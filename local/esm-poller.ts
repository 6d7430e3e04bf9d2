import { setTimeout as sleep } from 'node:timers/promises';
import {
  DeleteMessageBatchCommand,
  GetQueueUrlCommand,
  type Message,
  ReceiveMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { isMissing } from '../shared/aws/missing-resource.js';
import { logger as sharedLogger } from '../shared/observability.js';
import {
  MAPPING_BATCH_SIZE,
  type MappingState,
} from '../shared/provisioning/event-source-mappings.js';
import { lambdaContext } from './lambda-context.js';
import type { LocalEventSourceMappings } from './local-event-source-mappings.js';
import { parseQueueArn, settleBatch, toSqsEvent } from './sqs-event.js';

/** The function a mapping invokes: the delivery handler, exactly as Lambda would call it. */
export type SqsBatchHandler = (event: SQSEvent, context: Context) => Promise<SqsBatchResult>;

// biome-ignore lint/suspicious/noConfusingVoidType: aws-lambda's SQSHandler result, so a handler that returns nothing fits
type SqsBatchResult = SQSBatchResponse | void;

/** Where the poller reports what goes wrong; the shared Powertools logger and `console` fit. */
export interface PollerLogger {
  warn(message: string, extra: Record<string, unknown>): void;
  error(message: string, extra: Record<string, unknown>): void;
}

export interface EsmPollerOptions {
  /** The mappings to serve; the poller follows their changes live. */
  readonly mappings: LocalEventSourceMappings;
  readonly handler: SqsBatchHandler;
  /** Built with `awsClientConfig()`: the endpoint must be explicit for SQS. */
  readonly sqs: SQSClient;
  /**
   * The client of the calls that must not wait for a socket behind the long polls of every
   * other lane: nudged receives (see `nudge`) and the deletes of delivered messages. With a
   * thousand lanes the long polls hold every socket of `sqs`. @default sqs
   */
  readonly promptSqs?: SQSClient;
  /** `awsRegion` of the records. @default the region in each queue ARN */
  readonly region?: string;
  /** ReceiveMessage long-poll wait (0–20 s). Short, so a disable or `stop()` is prompt. @default 1 */
  readonly waitTimeSeconds?: number;
  /** The function's timeout: the context's budget, after which the batch counts as failed. @default 60000 */
  readonly functionTimeoutMs?: number;
  /** `context.functionName`. @default 'hookbridge-delivery-local' */
  readonly functionName?: string;
  /** @default the shared Powertools logger */
  readonly logger?: PollerLogger;
}

// How long a mapping whose queue is missing (or whose receive failed) waits before retrying.
const RETRY_DELAY_MS = 1000;
// Lambda starts with five concurrent batches per queue when no MaximumConcurrency is set.
const DEFAULT_CONCURRENCY = 5;

interface PollerContext {
  readonly options: Required<Omit<EsmPollerOptions, 'region' | 'mappings' | 'promptSqs'>> & {
    region?: string;
    promptSqs: SQSClient;
  };
  readonly signal: AbortSignal;
}

/**
 * The local runtime's stand-in for Lambda's SQS event source mappings (DESIGN §5): for each
 * enabled mapping it long-polls the queue, invokes the handler with a Lambda-shaped SQS event
 * and context, deletes what succeeded and leaves `batchItemFailures` to come back, with at
 * most MaximumConcurrency invocations in flight per queue. Queues are independent: a slow,
 * failing or missing queue never holds up another. A mapping that is disabled or removed
 * starts no new receive; like a batch Lambda already has in flight, a receive under way (at most
 * `waitTimeSeconds`) still delivers what it got, so no receive count is spent for nothing.
 */
export class EsmPoller {
  private readonly context: Omit<PollerContext, 'signal'>;
  private readonly mappings: LocalEventSourceMappings;
  private pollers = new Map<string, QueuePoller>();
  private controller: AbortController | undefined;
  private unsubscribe: (() => void) | undefined;

  constructor(options: EsmPollerOptions) {
    const waitTimeSeconds = options.waitTimeSeconds ?? 1;
    if (!Number.isInteger(waitTimeSeconds) || waitTimeSeconds < 0 || waitTimeSeconds > 20) {
      throw new RangeError(
        `waitTimeSeconds must be an integer from 0 to 20, got ${waitTimeSeconds}`,
      );
    }
    const functionTimeoutMs = options.functionTimeoutMs ?? 60_000;
    if (!(functionTimeoutMs > 0)) {
      throw new RangeError(`functionTimeoutMs must be positive, got ${functionTimeoutMs}`);
    }
    this.mappings = options.mappings;
    this.context = {
      options: {
        handler: options.handler,
        sqs: options.sqs,
        promptSqs: options.promptSqs ?? options.sqs,
        region: options.region,
        waitTimeSeconds,
        functionTimeoutMs,
        functionName: options.functionName ?? 'hookbridge-delivery-local',
        logger: options.logger ?? sharedLogger,
      },
    };
  }

  /** Starts polling every enabled mapping and follows the registry's changes. Idempotent. */
  start(): void {
    if (this.controller) return;
    this.controller = new AbortController();
    // Subscribe before reading the snapshot so that no change falls in between.
    this.unsubscribe = this.mappings.onChange((queueArn, state) => this.apply(queueArn, state));
    for (const state of this.mappings.snapshot()) this.apply(state.queueArn, state);
  }

  /**
   * Stops every loop: pending receives and retry waits are aborted, invocations in flight run
   * to their end (or their timeout) and their batches are settled; then it resolves, leaving
   * no timer or request behind. A receive aborted at the wrong moment may already have taken
   * messages: like any unacknowledged receive, they come back after their visibility timeout.
   */
  async stop(): Promise<void> {
    const controller = this.controller;
    if (!controller) return;
    this.controller = undefined;
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    const pollers = [...this.pollers.values()];
    this.pollers = new Map();
    controller.abort();
    await Promise.all(pollers.map((poller) => poller.settled()));
  }

  /**
   * Tells the lanes of `queueNames` that an event was just routed to them: each enabled one
   * makes one receive at once, without waiting, beside its long polls. With a thousand lanes
   * a lane's own long poll comes round only every several seconds (one client's sockets are
   * shared by all of them); Lambda's pollers have no such wait, and a nudge takes it away
   * locally. A nudge is only a hint: a lane that is not told still gets its messages by
   * polling, and a disabled (paused, cold) lane ignores it.
   */
  nudge(queueNames: ReadonlySet<string>): void {
    if (queueNames.size === 0) return;
    for (const poller of this.pollers.values()) if (queueNames.has(poller.name)) poller.nudge();
  }

  private apply(queueArn: string, state: MappingState | undefined): void {
    const signal = this.controller?.signal;
    if (!signal) return;
    let poller = this.pollers.get(queueArn);
    if (!poller) {
      if (!state) return;
      const pollers = this.pollers;
      try {
        poller = new QueuePoller(queueArn, { ...this.context, signal }, (idle) => {
          // A removed mapping's poller goes away once its last loop has ended.
          if (pollers.get(queueArn) === idle) pollers.delete(queueArn);
        });
      } catch (error) {
        // Thrown into the registry's caller otherwise (the provisioner), for a local-only problem.
        this.context.options.logger.error('event source mapping ignored', {
          queueArn,
          error: describe(error),
        });
        return;
      }
      pollers.set(queueArn, poller);
    }
    poller.apply(state);
  }
}

/** One mapping's loops: up to MaximumConcurrency sequential receive → invoke → delete loops. */
class QueuePoller {
  private state: MappingState | undefined;
  private readonly slots = new Set<number>();
  private readonly loops = new Set<Promise<void>>();
  private queueUrl: Promise<string> | undefined;
  private failing = false;
  private nudging = false;
  private nudgedAgain = false;
  /** Invocations in flight, the loops' and a nudge's. */
  private invoking = 0;
  /**
   * The loops of a queue take turns at ReceiveMessage (their handlers still run concurrently):
   * moto checks and marks a message received without a lock, so two receives at the same moment
   * can both get it. SQS's receives are atomic; this makes the local endpoint's so.
   */
  private receiving: Promise<unknown> = Promise.resolve();
  private readonly queueName: string;
  private readonly awsRegion: string;
  private readonly accountId: string;

  constructor(
    private readonly queueArn: string,
    private readonly context: PollerContext,
    private readonly onRemoved: (poller: QueuePoller) => void,
  ) {
    const arn = parseQueueArn(queueArn);
    this.queueName = arn.queueName;
    this.accountId = arn.accountId;
    this.awsRegion = context.options.region ?? arn.region;
  }

  /** Brings the loops to `state`: surplus loops end after their current batch. */
  apply(state: MappingState | undefined): void {
    this.state = state;
    const wanted = this.wantedLoops();
    for (let slot = 0; slot < wanted; slot++) if (!this.slots.has(slot)) this.spawn(slot);
    if (!state && this.slots.size === 0) this.onRemoved(this);
  }

  /** The queue's name. */
  get name(): string {
    return this.queueName;
  }

  /**
   * One receive now, without waiting (see EsmPoller.nudge). At most one at a time: a nudge
   * that comes while one is under way makes it receive once more when it is done, so an event
   * routed during a receive is not left to the long polls. None is made while the queue's
   * invocations are at MaximumConcurrency: its loops are busy and receive again as they finish.
   * A loop whose long poll is under way is not counted, so for a moment a nudge can make one
   * invocation more than MaximumConcurrency (locally only; Lambda has no nudges).
   */
  nudge(): void {
    if (this.context.signal.aborted || !this.state?.enabled) return;
    if (this.nudging) {
      this.nudgedAgain = true;
      return;
    }
    this.nudging = true;
    const { promptSqs } = this.context.options;
    const receive = (async () => {
      try {
        do {
          this.nudgedAgain = false;
          if (this.invoking >= this.wantedLoops()) break;
          const queueUrl = await this.resolveQueueUrl();
          const { Messages = [] } = await promptSqs.send(
            new ReceiveMessageCommand({
              QueueUrl: queueUrl,
              MaxNumberOfMessages: MAPPING_BATCH_SIZE,
              WaitTimeSeconds: 0,
              MessageSystemAttributeNames: ['All'],
              MessageAttributeNames: ['All'],
            }),
            { abortSignal: this.context.signal },
          );
          if (Messages.length > 0) await this.deliver(queueUrl, Messages);
        } while (this.nudgedAgain && !this.context.signal.aborted && this.state?.enabled);
      } catch {
        // A hint that failed: the long polls carry on and report what is wrong.
      } finally {
        this.nudging = false;
        // Removed meanwhile: the poller goes once its last loop, this one included, has ended.
        if (!this.state && this.slots.size === 0) this.onRemoved(this);
      }
    })();
    this.loops.add(receive);
    void receive.finally(() => this.loops.delete(receive));
  }

  /** Resolves when every loop has ended. */
  async settled(): Promise<void> {
    while (this.loops.size > 0) await Promise.all(this.loops);
  }

  private wantedLoops(): number {
    if (this.context.signal.aborted || !this.state?.enabled) return 0;
    const { maxConcurrency } = this.state;
    return Number.isInteger(maxConcurrency) && maxConcurrency > 0
      ? maxConcurrency
      : DEFAULT_CONCURRENCY;
  }

  private spawn(slot: number): void {
    // The slot is taken and released synchronously, so a change between the loop's last check
    // and its end can never leave a slot counted but not running (or running twice).
    this.slots.add(slot);
    const loop = this.run(slot);
    this.loops.add(loop);
    void loop.finally(() => this.loops.delete(loop));
  }

  private async run(slot: number): Promise<void> {
    try {
      while (slot < this.wantedLoops()) {
        try {
          await this.pollOnce();
        } catch (error) {
          // pollOnce handles what AWS and the handler can throw; this is a bug, but one that
          // must not end the loop (or the process) for good.
          this.context.options.logger.error('event source mapping loop failed', {
            queueArn: this.queueArn,
            error: describe(error),
          });
          await this.pause();
        }
      }
    } finally {
      this.slots.delete(slot);
      if (!this.state && this.slots.size === 0 && !this.nudging) this.onRemoved(this);
    }
  }

  private async pollOnce(): Promise<void> {
    const { sqs, waitTimeSeconds } = this.context.options;
    let queueUrl: string;
    let messages: Message[];
    try {
      queueUrl = await this.resolveQueueUrl();
      const url = queueUrl;
      const turn = this.receiving.then(() => {
        // Stopped or removed while waiting for the turn: do not start another long poll.
        if (this.context.signal.aborted || !this.state?.enabled) throw new Error('not polling');
        return sqs.send(
          new ReceiveMessageCommand({
            QueueUrl: url,
            MaxNumberOfMessages: MAPPING_BATCH_SIZE,
            WaitTimeSeconds: waitTimeSeconds,
            MessageSystemAttributeNames: ['All'],
            MessageAttributeNames: ['All'],
          }),
          { abortSignal: this.context.signal },
        );
      });
      this.receiving = turn.catch(() => undefined);
      const received = await turn;
      messages = received.Messages ?? [];
    } catch (error) {
      // Stopped, paused or removed meanwhile (a removed mapping's queue is deleted next):
      // the normal end of this loop, not an error.
      if (this.context.signal.aborted || !this.state?.enabled) return;
      // A deleted queue may come back under the same name with another URL.
      if (isMissing(error)) this.queueUrl = undefined;
      this.reportFailure(error);
      await this.pause();
      return;
    }
    if (this.failing) {
      this.failing = false;
      this.context.options.logger.warn('event source mapping polls its queue again', {
        queueArn: this.queueArn,
      });
    }
    if (messages.length > 0) await this.deliver(queueUrl, messages);
  }

  /** Waits before a retry; stop() cuts it short so no timer outlives the poller. */
  private async pause(): Promise<void> {
    await sleep(RETRY_DELAY_MS, undefined, { signal: this.context.signal }).catch(() => {});
  }

  private resolveQueueUrl(): Promise<string> {
    if (!this.queueUrl) {
      // Shared by the queue's loops, so a missing queue costs one lookup per retry, not one per loop.
      const pending = this.context.options.sqs
        .send(
          new GetQueueUrlCommand({
            QueueName: this.queueName,
            QueueOwnerAWSAccountId: this.accountId,
          }),
          { abortSignal: this.context.signal },
        )
        .then(({ QueueUrl }) => {
          if (!QueueUrl) throw new Error(`GetQueueUrl returned no URL for ${this.queueArn}`);
          return QueueUrl;
        });
      this.queueUrl = pending;
      pending.catch(() => {
        if (this.queueUrl === pending) this.queueUrl = undefined;
      });
    }
    return this.queueUrl;
  }

  private reportFailure(error: unknown): void {
    // Once per outage: a queue that stays missing would otherwise log every second per loop.
    if (this.failing) return;
    this.failing = true;
    this.context.options.logger.error(
      isMissing(error)
        ? 'event source mapping queue does not exist; retrying every second'
        : 'event source mapping could not receive; retrying every second',
      { queueArn: this.queueArn, error: describe(error) },
    );
  }

  private async deliver(queueUrl: string, messages: Message[]): Promise<void> {
    const { logger } = this.context.options;
    const event = toSqsEvent(messages, { queueArn: this.queueArn, awsRegion: this.awsRegion });
    const messageIds = event.Records.map((record) => record.messageId);
    this.invoking++;
    const outcome = await this.invoke(event).finally(() => {
      this.invoking--;
    });
    if (!outcome.ok) {
      logger.error(`delivery handler ${outcome.reason}; the whole batch will be retried`, {
        queueArn: this.queueArn,
        messageIds,
        ...(outcome.error === undefined ? {} : { error: describe(outcome.error) }),
      });
      return;
    }
    const settlement = settleBatch(event.Records, outcome.response);
    if (!settlement.ok) {
      logger.error(
        `invalid batch response (${settlement.reason}); the whole batch will be retried`,
        {
          queueArn: this.queueArn,
          messageIds,
        },
      );
      return;
    }
    await this.deleteRecords(queueUrl, settlement.succeeded);
  }

  private async invoke(
    event: SQSEvent,
  ): Promise<{ ok: true; response: unknown } | { ok: false; reason: string; error?: unknown }> {
    const { handler, functionTimeoutMs } = this.context.options;
    const context = lambdaContext({
      functionName: this.context.options.functionName,
      deadline: Date.now() + functionTimeoutMs,
      region: this.awsRegion,
      accountId: this.accountId,
      memoryLimitInMB: 1024,
    });
    let timer: NodeJS.Timeout | undefined;
    // Lambda ends an invocation at its timeout and retries the batch; in-process we cannot
    // kill the handler, but we stop waiting for it so one hung call cannot stall its queue.
    const timedOut = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), functionTimeoutMs);
    });
    try {
      // async: a handler that throws synchronously still counts as a failed invocation.
      const invocation = (async () => handler(event, context))();
      const result = await Promise.race([invocation.then((response) => ({ response })), timedOut]);
      if (result === 'timeout')
        return { ok: false, reason: `timed out after ${functionTimeoutMs} ms` };
      return { ok: true, response: result.response };
    } catch (error) {
      return { ok: false, reason: 'failed', error };
    } finally {
      clearTimeout(timer);
    }
  }

  private async deleteRecords(queueUrl: string, records: readonly SQSRecord[]): Promise<void> {
    if (records.length === 0) return;
    const { promptSqs, logger } = this.context.options;
    try {
      // Not aborted by stop(): the handler has done its work, and a record left undeleted
      // would be delivered twice.
      const { Failed = [] } = await promptSqs.send(
        new DeleteMessageBatchCommand({
          QueueUrl: queueUrl,
          Entries: records.map((record, index) => ({
            Id: String(index),
            ReceiptHandle: record.receiptHandle,
          })),
        }),
      );
      if (Failed.length > 0) {
        logger.warn('some delivered messages could not be deleted and will be delivered again', {
          queueArn: this.queueArn,
          failed: Failed.map((entry) => ({
            messageId: records[Number(entry.Id)]?.messageId,
            code: entry.Code,
          })),
        });
      }
    } catch (error) {
      logger.warn('delivered messages could not be deleted and will be delivered again', {
        queueArn: this.queueArn,
        messageIds: records.map((record) => record.messageId),
        error: describe(error),
      });
    }
  }
}

function describe(error: unknown): { name: string; message: string } {
  return error instanceof Error
    ? { name: error.name, message: error.message }
    : { name: 'Error', message: String(error) };
}
