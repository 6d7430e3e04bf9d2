import { setTimeout as sleep } from 'node:timers/promises';
import {
  DeleteMessageBatchCommand,
  GetQueueUrlCommand,
  type Message,
  QueueDoesNotExist,
  ReceiveMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { afterEach, describe, expect, it } from 'vitest';
import { EsmPoller, type SqsBatchHandler } from '../../../local/esm-poller.js';
import { LocalEventSourceMappings } from '../../../local/local-event-source-mappings.js';

const queueArn = 'arn:aws:sqs:us-east-1:123456789012:q';

/**
 * A stand-in for SQSClient: each ReceiveMessage takes the next queued batch, or waits (like a
 * long poll that never ends) until one is pushed or the call is aborted.
 */
class FakeSqs {
  readonly deleted: string[] = [];
  receives = 0;
  queueExists = true;
  private readonly batches: Message[][] = [];
  private readonly waiters = new Set<() => void>();

  push(...ids: string[]): void {
    this.batches.push(ids.map((id) => ({ MessageId: id, ReceiptHandle: `rh-${id}`, Body: id })));
    for (const wake of this.waiters) wake();
  }

  async send(command: object, options: { abortSignal?: AbortSignal } = {}): Promise<unknown> {
    if (command instanceof GetQueueUrlCommand) {
      if (!this.queueExists) {
        throw new QueueDoesNotExist({ message: 'no such queue', $metadata: {} });
      }
      return { QueueUrl: 'http://local/123456789012/q' };
    }
    if (command instanceof DeleteMessageBatchCommand) {
      const entries = command.input.Entries ?? [];
      this.deleted.push(...entries.map((entry) => entry.ReceiptHandle?.slice(3) ?? ''));
      return { Successful: entries.map(({ Id }) => ({ Id })), Failed: [] };
    }
    if (command instanceof ReceiveMessageCommand) {
      this.receives++;
      for (;;) {
        const batch = this.batches.shift();
        if (batch) return { Messages: batch };
        await this.nextPush(options.abortSignal);
      }
    }
    throw new Error(`unexpected command ${command.constructor.name}`);
  }

  private nextPush(signal: AbortSignal | undefined): Promise<void> {
    return new Promise((resolve, reject) => {
      const wake = () => {
        this.waiters.delete(wake);
        resolve();
      };
      if (signal?.aborted) return reject(new DOMException('aborted', 'AbortError'));
      this.waiters.add(wake);
      signal?.addEventListener('abort', () => {
        this.waiters.delete(wake);
        reject(new DOMException('aborted', 'AbortError'));
      });
    });
  }
}

async function waitFor(what: string, condition: () => boolean, timeoutMs = 3000) {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(5);
  }
}

let running: EsmPoller | undefined;
afterEach(async () => {
  await running?.stop();
  running = undefined;
});

async function startPoller(handler: SqsBatchHandler, options: { functionTimeoutMs?: number } = {}) {
  const sqs = new FakeSqs();
  const errors: string[] = [];
  const mappings = new LocalEventSourceMappings();
  await mappings.ensure({ queueArn, maxConcurrency: 2, enabled: true });
  const poller = new EsmPoller({
    mappings,
    handler,
    sqs: sqs as unknown as SQSClient,
    ...options,
    logger: { warn: () => {}, error: (message) => errors.push(message) },
  });
  running = poller;
  poller.start();
  return { sqs, errors, poller, mappings };
}

function activeTimers(): number {
  return process.getActiveResourcesInfo().filter((kind) => kind === 'Timeout').length;
}

describe('EsmPoller (with a stand-in SQS)', () => {
  it('deletes nothing when the handler throws, even synchronously, and keeps polling', async () => {
    const handler: SqsBatchHandler = (event: SQSEvent) => {
      if (event.Records[0]?.body === 'sync') throw new Error('boom');
      return Promise.reject(new Error('async boom'));
    };
    const { sqs, errors } = await startPoller(handler);
    sqs.push('sync');
    sqs.push('async');
    await waitFor('two failed invocations', () => errors.length === 2);
    expect(errors.every((message) => message.includes('whole batch will be retried'))).toBe(true);
    expect(sqs.deleted).toEqual([]);
  });

  it('deletes nothing when batchItemFailures names a record outside the batch', async () => {
    const { sqs, errors } = await startPoller(
      async (): Promise<SQSBatchResponse> => ({ batchItemFailures: [{ itemIdentifier: 'x' }] }),
    );
    sqs.push('a', 'b');
    await waitFor('the invalid response to be logged', () => errors.length === 1);
    expect(errors[0]).toContain('not in the batch');
    expect(sqs.deleted).toEqual([]);
  });

  it('counts an invocation past the function timeout as failed and moves on', async () => {
    let calls = 0;
    const { sqs, errors } = await startPoller(
      async (event) => {
        calls++;
        if (event.Records[0]?.body === 'hang') await new Promise(() => {});
      },
      { functionTimeoutMs: 50 },
    );
    sqs.push('hang');
    await waitFor('the timeout', () => errors.some((message) => message.includes('timed out')));
    sqs.push('next');
    await waitFor('the next batch to be deleted', () => sqs.deleted.includes('next'));
    expect(sqs.deleted).toEqual(['next']);
    expect(calls).toBe(2);
  });

  it('stop() aborts pending long polls and leaves no timer behind', async () => {
    const timersBefore = activeTimers();
    const { sqs, poller } = await startPoller(async () => undefined);
    // One loop is parked in a receive that only an abort ends; the other waits its turn.
    await waitFor('a loop to poll', () => sqs.receives === 1);
    await poller.stop();
    expect(activeTimers()).toBe(timersBefore);
    expect(sqs.receives).toBe(1);
  });

  it('stop() cuts short the retry wait of a missing queue', async () => {
    const timersBefore = activeTimers();
    const sqs = new FakeSqs();
    sqs.queueExists = false;
    const errors: string[] = [];
    const mappings = new LocalEventSourceMappings();
    await mappings.ensure({ queueArn, maxConcurrency: 2, enabled: true });
    const poller = new EsmPoller({
      mappings,
      handler: async () => undefined,
      sqs: sqs as unknown as SQSClient,
      logger: { warn: () => {}, error: (message) => errors.push(message) },
    });
    poller.start();
    await waitFor('the missing queue to be logged', () => errors.length > 0);
    expect(activeTimers()).toBeGreaterThan(0); // the 1 s retry wait
    // stop() must not sit out the wait (a generous margin: this is not a timing measurement).
    const giveUp = new AbortController();
    const first = await Promise.race([
      poller.stop().then(() => 'stopped'),
      sleep(800, 'still waiting', { signal: giveUp.signal }),
    ]);
    giveUp.abort();
    expect(first).toBe('stopped');
    // A timer an earlier test left may end meanwhile; the poller's own wait must be gone.
    expect(activeTimers()).toBeLessThanOrEqual(timersBefore);
    expect(errors).toEqual(['event source mapping queue does not exist; retrying every second']);
  });

  it('stops polling a removed mapping', async () => {
    const { sqs, mappings } = await startPoller(async () => undefined);
    await waitFor('a loop to poll', () => sqs.receives === 1);
    await mappings.remove(queueArn);
    sqs.push('a');
    // The parked receive ends with that message; then no loop asks again.
    await waitFor('the parked receive to deliver', () => sqs.deleted.length === 1);
    await sleep(50);
    expect(sqs.receives).toBe(1);
  });

  it('logs no error when a mapping is paused or removed while a loop waits its turn', async () => {
    for (const change of ['pause', 'remove'] as const) {
      const { sqs, mappings, errors, poller } = await startPoller(async () => undefined);
      // One loop is parked in a receive; the other waits for its turn at ReceiveMessage.
      await waitFor('a loop to poll', () => sqs.receives === 1);
      if (change === 'pause')
        await mappings.ensure({ queueArn, maxConcurrency: 2, enabled: false });
      else await mappings.remove(queueArn);
      sqs.push('a');
      await waitFor('the parked receive to deliver', () => sqs.deleted.length === 1);
      // The waiting loop now gets its turn, finds the mapping gone or paused, and ends.
      await sleep(50);
      expect({ change, errors }).toEqual({ change, errors: [] });
      expect(sqs.receives).toBe(1);
      await poller.stop();
    }
  });

  it('logs and skips a mapping whose ARN is not a queue ARN, without failing the registry', async () => {
    const { mappings, errors, sqs } = await startPoller(async () => undefined);
    await expect(
      mappings.ensure({ queueArn: 'hookbridge-sub-1', maxConcurrency: 2, enabled: true }),
    ).resolves.toBeTypeOf('string');
    expect(errors).toEqual(['event source mapping ignored']);
    sqs.push('a');
    await waitFor('the valid mapping to keep delivering', () => sqs.deleted.includes('a'));
  });
});
