import { Logger } from '@aws-lambda-powertools/logger';
import type { Context, SQSBatchResponse, SQSRecord } from 'aws-lambda';
import { Webhook, WebhookVerificationError } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import { createDeliveryHandler } from '../../../functions/delivery/app.js';
import { Deliverer, type DelivererPorts } from '../../../shared/delivery/deliverer.js';
import { requestHeaders } from '../../../shared/delivery/request-headers.js';
import { newSigningSecret } from '../../../shared/delivery/signing.js';
import { QuietMetrics } from '../../../shared/observability.js';
import type { Subscription } from '../../../shared/subscriptions/subscription.js';

// Issue 11 §3: a change the API answered 2xx applies to every attempt that starts after the
// answer, in every warm delivery environment. Here the store changes between two batches of
// the same environment (the old 30 s cache kept the first read), or of two environments.

const NOW = new Date();
const SUB_ID = 'sub_01JABCDEFGHJKMNPQRSTVWXYZ0';
const QUEUE_ARN = `arn:aws:sqs:us-east-1:123456789012:hookbridge-${SUB_ID}`;
const HOLD_SECONDS = 300;
const context = { getRemainingTimeInMillis: () => 60_000 } as unknown as Context;

function subscription(overrides: Partial<Subscription> = {}): Subscription {
  return {
    id: SUB_ID,
    url: 'https://old.example.com/hooks',
    eventTypes: ['*'],
    maxConcurrency: 10,
    retrySchedule: [5, 300],
    status: 'active',
    secrets: [
      { secret: newSigningSecret(), createdAt: new Date(NOW.getTime() - 1e6).toISOString() },
    ],
    createdAt: '2025-01-01T00:00:00.000Z',
    updatedAt: '2025-01-01T00:00:00.000Z',
    version: 1,
    ...overrides,
  };
}

let sequence = 0;

function record(options: { receiveCount?: number } = {}): SQSRecord {
  sequence += 1;
  const detail = {
    id: `evt_${String(sequence).padStart(26, '0')}`,
    type: 'order.created',
    data: {},
  };
  return {
    messageId: `m-${sequence}`,
    receiptHandle: `h-${sequence}`,
    body: JSON.stringify({ 'detail-type': detail.type, source: 'hookbridge', detail }),
    attributes: {
      ApproximateReceiveCount: String(options.receiveCount ?? 1),
      SentTimestamp: String(NOW.getTime() - 1000),
      SenderId: 'AIDAIENQZJOLO23YVJ4VO',
      ApproximateFirstReceiveTimestamp: String(NOW.getTime() - 500),
    },
    messageAttributes: {},
    md5OfBody: '',
    eventSource: 'aws:sqs',
    eventSourceARN: QUEUE_ARN,
    awsRegion: 'us-east-1',
  };
}

interface Posted {
  readonly url: string;
  readonly body: string;
  readonly headers: Record<string, string>;
}

/**
 * One subscriptions table that the "API" changes, and delivery environments over it: each
 * environment is its own Deliverer and handler, as each warm Lambda environment is.
 */
function world(initial: Subscription = subscription()) {
  let stored: Subscription | undefined = initial;
  const reads: string[] = [];
  const posted: Posted[] = [];
  const delays: { messageId: string; seconds: number }[] = [];
  let status = 200;
  /** Holds the duplicate guard's read until released: a batch that has read, not yet posted. */
  let guard: Promise<void> = Promise.resolve();
  const store: DelivererPorts['subscriptions'] = {
    get: async (id) => {
      reads.push(id);
      return stored && { ...stored };
    },
  };
  const noop = async () => {};

  function environment() {
    const deliverer = new Deliverer(
      {
        subscriptions: store,
        streaks: { markFailing: noop, clearFailing: noop, disable: async () => undefined },
        onDisabled: noop,
        attempts: {
          eventHistory: async () => {
            await guard;
            return { delivered: false, earlierAttempts: 0, thisMessageAttempts: 0 };
          },
          record: noop,
          list: async () => ({ items: [] }),
        },
        sender: {
          post: async (url, body, headers) => {
            posted.push({ url, body, headers });
            return { status, headers: {}, body: '', durationMs: 1 };
          },
          requestHeaders: (headers) => requestHeaders(headers, 'Hookbridge/test'),
        },
        messages: {
          delay: async (r, seconds) => {
            delays.push({ messageId: r.messageId, seconds });
          },
          deadLetter: noop,
        },
        operational: { emit: noop },
        logger: { info: () => {}, warn: () => {}, error: () => {} },
        now: () => NOW,
        random: () => 0.5,
      },
      { prefix: 'hookbridge', autoDisableAfterMs: 5 * 86_400_000, holdSeconds: HOLD_SECONDS },
    );
    const handler = createDeliveryHandler(
      deliverer,
      new Logger({ serviceName: 'hookbridge-test', logLevel: 'SILENT' }),
      new QuietMetrics({ namespace: 'HookbridgeTest', serviceName: 'hookbridge-test' }),
    );
    /** One invocation with `records` (a fresh batch of one by default). */
    return async (records: SQSRecord[] = [record()]) =>
      (await handler({ Records: records }, context)) as SQSBatchResponse;
  }

  return {
    reads,
    posted,
    delays,
    environment,
    /** What a 2xx answer of the API stands for: the item as it is stored now. */
    change(changes: Partial<Subscription>) {
      if (!stored) throw new Error('no subscription to change');
      stored = { ...stored, ...changes, version: stored.version + 1 };
    },
    remove() {
      stored = undefined;
    },
    answer(next: number) {
      status = next;
    },
    holdGuard() {
      let release = () => {};
      guard = new Promise<void>((resolve) => {
        release = resolve;
      });
      return () => {
        guard = Promise.resolve();
        release();
      };
    },
  };
}

function headerSet(p: Posted | undefined) {
  return {
    'webhook-id': p?.headers['webhook-id'] ?? '',
    'webhook-timestamp': p?.headers['webhook-timestamp'] ?? '',
    'webhook-signature': p?.headers['webhook-signature'] ?? '',
  };
}

describe('a change reaches the next batch of a warm environment', () => {
  it('signs with the new secret alone right after a rotation without grace period', async () => {
    const old = newSigningSecret();
    const w = world(subscription({ secrets: [{ secret: old, createdAt: NOW.toISOString() }] }));
    const deliver = w.environment();
    await deliver();
    expect(() =>
      new Webhook(old).verify(w.posted[0]?.body ?? '', headerSet(w.posted[0])),
    ).not.toThrow();

    // POST /secret/rotate with gracePeriodSeconds 0 stores the new secret alone.
    const current = newSigningSecret();
    w.change({ secrets: [{ secret: current, createdAt: NOW.toISOString() }] });
    await deliver();

    const after = w.posted[1];
    expect(after?.headers['webhook-signature']?.split(' ')).toHaveLength(1);
    expect(new Webhook(current).verify(after?.body ?? '', headerSet(after))).toMatchObject({
      type: 'order.created',
    });
    expect(() => new Webhook(old).verify(after?.body ?? '', headerSet(after))).toThrow(
      WebhookVerificationError,
    );
  });

  it('signs with both secrets while a rotation grace period runs', async () => {
    const old = newSigningSecret();
    const current = newSigningSecret();
    const w = world(subscription({ secrets: [{ secret: old, createdAt: NOW.toISOString() }] }));
    const deliver = w.environment();
    await deliver();

    const expiresAt = new Date(NOW.getTime() + 3_600_000).toISOString();
    w.change({
      secrets: [
        { secret: current, createdAt: NOW.toISOString() },
        { secret: old, createdAt: NOW.toISOString(), expiresAt },
      ],
    });
    await deliver();
    for (const secret of [old, current]) {
      expect(() =>
        new Webhook(secret).verify(w.posted[1]?.body ?? '', headerSet(w.posted[1])),
      ).not.toThrow();
    }
  });

  it('posts to the new url', async () => {
    const w = world();
    const deliver = w.environment();
    await deliver();
    w.change({ url: 'https://new.example.com/hooks' });
    await deliver();

    expect(w.posted.map((p) => p.url)).toEqual([
      'https://old.example.com/hooks',
      'https://new.example.com/hooks',
    ]);
  });

  it('sends the new custom headers, and no longer a removed one', async () => {
    const w = world(subscription({ headers: { 'X-Tenant': 'acme', 'X-Old': 'yes' } }));
    const deliver = w.environment();
    await deliver();
    w.change({ headers: { 'X-Tenant': 'globex' } });
    await deliver();
    w.change({ headers: undefined });
    await deliver();

    expect(w.posted[0]?.headers).toMatchObject({ 'X-Tenant': 'acme', 'X-Old': 'yes' });
    expect(w.posted[1]?.headers['X-Tenant']).toBe('globex');
    expect(w.posted[1]?.headers).not.toHaveProperty('X-Old');
    expect(w.posted[2]?.headers).not.toHaveProperty('X-Tenant');
  });

  it('uses the new retry schedule for the next failed attempt', async () => {
    const w = world();
    w.answer(500);
    const deliver = w.environment();
    await deliver();
    w.change({ retrySchedule: [60, 600] });
    const second = record();
    await deliver([second]);

    // ±20 % jitter with random 0.5 is the scheduled delay itself.
    expect(w.delays.map((d) => d.seconds)).toEqual([5, 60]);
  });

  it.each([
    ['paused', { status: 'paused' }],
    ['disabled', { status: 'disabled', statusReason: 'the endpoint answered 410 Gone' }],
  ] as const)(
    'posts nothing once the subscription is %s, and keeps the records',
    async (_, changes) => {
      const w = world();
      const deliver = w.environment();
      await deliver();
      w.change(changes);
      const held = [record(), record()];
      const response = await deliver(held);

      expect(w.posted).toHaveLength(1);
      expect(response.batchItemFailures.map((f) => f.itemIdentifier)).toEqual(
        held.map((r) => r.messageId),
      );
      expect(w.delays).toEqual(
        held.map((r) => ({ messageId: r.messageId, seconds: HOLD_SECONDS })),
      );
    },
  );

  it('delivers again from the first batch after a resume', async () => {
    const w = world(subscription({ status: 'paused' }));
    const deliver = w.environment();
    await deliver();
    w.change({ status: 'active' });
    await deliver();

    expect(w.posted).toHaveLength(1);
  });

  it('posts nothing once the subscription is being deleted or is gone, and drops the records', async () => {
    const w = world();
    const deliver = w.environment();
    await deliver();
    w.change({ status: 'deleting' });
    expect((await deliver()).batchItemFailures).toEqual([]);
    w.remove();
    expect((await deliver()).batchItemFailures).toEqual([]);

    expect(w.posted).toHaveLength(1);
  });
});

describe('every warm environment sees a change, at one read per batch', () => {
  it('applies a change in each of several warm environments from their next batch', async () => {
    const w = world();
    const environments = [w.environment(), w.environment(), w.environment()];
    for (const deliver of environments) await deliver();
    w.change({ url: 'https://new.example.com/hooks', status: 'active' });
    for (const deliver of environments) await deliver();

    expect(w.posted.map((p) => new URL(p.url).host)).toEqual([
      'old.example.com',
      'old.example.com',
      'old.example.com',
      'new.example.com',
      'new.example.com',
      'new.example.com',
    ]);
  });

  it('reads the subscription once per batch, however many records it has', async () => {
    const w = world();
    const deliver = w.environment();
    await deliver(Array.from({ length: 10 }, () => record()));
    await deliver(Array.from({ length: 10 }, () => record()));

    expect(w.posted).toHaveLength(20);
    expect(w.reads).toEqual([SUB_ID, SUB_ID]);
  });

  it('lets a batch that read before the change finish with what it read (the one exception)', async () => {
    const w = world();
    const deliver = w.environment();
    const release = w.holdGuard();
    const inFlight = deliver();
    // The batch has read the subscription and waits for its duplicate guard: the change is
    // answered now, after the batch's read, before its POST.
    await until(() => w.reads.length === 1);
    w.change({ url: 'https://new.example.com/hooks' });
    release();
    await inFlight;
    await deliver();

    expect(w.posted.map((p) => p.url)).toEqual([
      'https://old.example.com/hooks',
      'https://new.example.com/hooks',
    ]);
  });
});

async function until(condition: () => boolean): Promise<void> {
  for (let turn = 0; turn < 1000 && !condition(); turn += 1) {
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
  if (!condition()) throw new Error('condition not reached');
}
