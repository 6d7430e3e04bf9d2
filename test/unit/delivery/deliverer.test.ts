import { Logger } from '@aws-lambda-powertools/logger';
import type { Context, SQSBatchResponse, SQSRecord } from 'aws-lambda';
import { Webhook, WebhookVerificationError } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import { createDeliveryHandler } from '../../../functions/delivery/app.js';
import type { AttemptLog, DeliveryAttempt } from '../../../shared/delivery/attempt-log.js';
import {
  Deliverer,
  type DelivererPorts,
  type DelivererSettings,
  type MessageActions,
  type WebhookSender,
} from '../../../shared/delivery/deliverer.js';
import { requestHeaders } from '../../../shared/delivery/request-headers.js';
import { newSigningSecret } from '../../../shared/delivery/signing.js';
import {
  WebhookRequestError,
  type WebhookResponse,
} from '../../../shared/delivery/webhook-client.js';
import { RESEND_MARKER } from '../../../shared/events/bus-entry.js';
import { DestinationRefusedError } from '../../../shared/net/address-policy.js';
import { QuietMetrics } from '../../../shared/observability.js';
import type {
  Subscription,
  SubscriptionStatus,
} from '../../../shared/subscriptions/subscription.js';

// Real time, not a fixed date: standardwebhooks rejects signatures more than 5 min off its clock.
const NOW = new Date();
const DAY_MS = 86_400_000;
const SUB_ID = 'sub_01JABCDEFGHJKMNPQRSTVWXYZ0';
const PREFIX = 'hookbridge';
const QUEUE_ARN = `arn:aws:sqs:us-east-1:123456789012:${PREFIX}-${SUB_ID}`;
const SCHEDULE = [5, 300] as const;

const ago = (ms: number) => new Date(NOW.getTime() - ms).toISOString();

function subscription(overrides: Partial<Subscription> = {}): Subscription {
  return {
    id: SUB_ID,
    url: 'https://receiver.example.com/hooks',
    eventTypes: ['order.*'],
    maxConcurrency: 10,
    retrySchedule: SCHEDULE,
    status: 'active',
    secrets: [{ secret: newSigningSecret(), createdAt: ago(DAY_MS) }],
    createdAt: ago(30 * DAY_MS),
    updatedAt: ago(DAY_MS),
    version: 3,
    ...overrides,
  };
}

interface Detail {
  readonly id: string;
  readonly type: string;
  readonly timestamp: string;
  readonly data: Record<string, unknown>;
}

let sequence = 0;

function detail(data: Record<string, unknown> = { total: 12.5, note: 'crème brûlée ✓' }): Detail {
  sequence += 1;
  return {
    id: `evt_01JABCDEFGHJKMNPQRSTV${String(sequence).padStart(5, '0')}`,
    type: 'order.created',
    timestamp: ago(60_000),
    data,
  };
}

/** An SQS record the way Lambda's event source mapping hands over an EventBridge target's message. */
function sqsRecord(
  options: {
    detail?: Detail;
    body?: string;
    receiveCount?: number;
    queueArn?: string;
    replayName?: string;
    messageId?: string;
  } = {},
): SQSRecord {
  sequence += 1;
  const event = options.detail ?? detail();
  const body =
    options.body ??
    JSON.stringify({
      version: '0',
      id: `6a7e8feb-b491-4cf7-a9f1-bf3703a${String(sequence).padStart(5, '0')}`,
      'detail-type': event.type,
      source: 'hookbridge',
      account: '123456789012',
      time: event.timestamp,
      region: 'us-east-1',
      resources: [],
      detail: event,
      ...(options.replayName && { 'replay-name': options.replayName }),
    });
  return {
    messageId:
      options.messageId ?? `059f36b4-87a3-44ab-83d2-661975f${String(sequence).padStart(5, '0')}`,
    receiptHandle: `AQEBwJnKyrHigUMZj6rYigCgxlaS3SLy0a-${sequence}`,
    body,
    attributes: {
      ApproximateReceiveCount: String(options.receiveCount ?? 1),
      SentTimestamp: String(NOW.getTime() - 1000),
      SenderId: 'AIDAIENQZJOLO23YVJ4VO',
      ApproximateFirstReceiveTimestamp: String(NOW.getTime() - 500),
    },
    messageAttributes: {},
    md5OfBody: 'e4e68fb7bd0e697a0ae8f1bb342846b3',
    eventSource: 'aws:sqs',
    eventSourceARN: options.queueArn ?? QUEUE_ARN,
    awsRegion: 'us-east-1',
  };
}

interface Posted {
  readonly url: string;
  readonly body: string;
  readonly headers: Record<string, string>;
}

type Answer = Partial<WebhookResponse> | Error;

/** Every port in memory, recording what the deliverer asked of it. */
function fakes(subscriptions: Subscription[] = [subscription()]) {
  const byId = new Map(subscriptions.map((s) => [s.id, s]));
  const calls = {
    gets: [] as string[],
    markFailing: [] as { id: string; since: string }[],
    clearFailing: [] as string[],
    disable: [] as { id: string; reason: string }[],
    onDisabled: [] as Subscription[],
    attempts: [] as DeliveryAttempt[],
    posted: [] as Posted[],
    delays: [] as { messageId: string; seconds: number }[],
    deadLetters: [] as { messageId: string; reason: string }[],
    events: [] as { type: string; detail: Record<string, unknown> }[],
    warnings: [] as unknown[][],
    errors: [] as unknown[][],
  };
  /** The attempt log's items, as the store keeps them: with the message they were made under. */
  const logged: { eventId: string; messageId: string; result: string }[] = [];
  let answer: (request: Posted) => Answer | Promise<Answer> = () => ({ status: 200 });
  /** What `streaks.disable` returns: the disabled subscription, or undefined if it lost a race. */
  let disableWins = true;

  const source: DelivererPorts['subscriptions'] = {
    get: async (id) => {
      calls.gets.push(id);
      return byId.get(id);
    },
  };
  const attempts: AttemptLog = {
    eventHistory: async (subscriptionId, eventId, messageId) => {
      const event = subscriptionId === SUB_ID ? logged.filter((l) => l.eventId === eventId) : [];
      const mine = event.filter((l) => l.messageId === messageId).length;
      return {
        delivered: event.some((l) => l.result === 'delivered'),
        earlierAttempts: event.length - mine,
        thisMessageAttempts: mine,
      };
    },
    record: async (attempt, messageId) => {
      calls.attempts.push(attempt);
      logged.push({ eventId: attempt.eventId, messageId, result: attempt.result });
    },
    list: async () => ({ items: [] }),
  };
  const sender: WebhookSender = {
    post: async (url, body, headers) => {
      const request = { url, body, headers };
      calls.posted.push(request);
      const result = await answer(request);
      if (result instanceof Error) throw result;
      return { status: 200, headers: {}, body: 'ok', durationMs: 42, ...result };
    },
    requestHeaders: (headers) => requestHeaders(headers, 'Hookbridge/test'),
  };
  const messages: MessageActions = {
    delay: async (record, seconds) => {
      calls.delays.push({ messageId: record.messageId, seconds });
    },
    deadLetter: async (record, reason) => {
      calls.deadLetters.push({ messageId: record.messageId, reason });
    },
  };
  const operational: DelivererPorts['operational'] = {
    emit: async (type, eventDetail) => {
      calls.events.push({ type, detail: eventDetail });
    },
  };
  const ports: DelivererPorts = {
    subscriptions: source,
    streaks: {
      markFailing: async (id, since) => {
        calls.markFailing.push({ id, since });
      },
      clearFailing: async (id) => {
        calls.clearFailing.push(id);
      },
      disable: async (id, reason) => {
        calls.disable.push({ id, reason });
        const current = byId.get(id);
        return disableWins && current ? { ...current, status: 'disabled' } : undefined;
      },
    },
    onDisabled: async (disabled) => {
      calls.onDisabled.push(disabled);
    },
    attempts,
    sender,
    messages,
    operational,
    logger: {
      info: () => {},
      warn: (...args: unknown[]) => {
        calls.warnings.push(args);
      },
      error: (...args: unknown[]) => {
        calls.errors.push(args);
      },
    },
    now: () => NOW,
    random: () => 0.5,
  };
  return {
    calls,
    ports,
    respond(next: typeof answer) {
      answer = next;
    },
    markDelivered(eventId: string) {
      logged.push({ eventId, messageId: 'an-earlier-message', result: 'delivered' });
    },
    /** `count` failed attempts of the event logged under `messageId`. */
    logFailures(eventId: string, messageId: string, count: number) {
      for (let i = 0; i < count; i++) logged.push({ eventId, messageId, result: 'failed' });
    },
    logged,
    loseDisableRace() {
      disableWins = false;
    },
  };
}

const SETTINGS: DelivererSettings = { prefix: PREFIX, autoDisableAfterMs: 5 * DAY_MS };

function deliverer(world: ReturnType<typeof fakes>, overrides: Partial<DelivererPorts> = {}) {
  return new Deliverer({ ...world.ports, ...overrides }, SETTINGS);
}

describe('Deliverer: a 2xx answer', () => {
  it('delivers the detail, byte for byte, signed so the standardwebhooks library verifies it', async () => {
    const secret = newSigningSecret();
    const world = fakes([subscription({ secrets: [{ secret, createdAt: ago(DAY_MS) }] })]);
    const event = detail({ total: 12.5, items: [{ sku: 'A-1', qty: 2 }], note: 'crème ✓' });
    const outcome = await deliverer(world).deliver(sqsRecord({ detail: event }));

    expect(outcome).toEqual({ settled: true, kind: 'delivered' });
    expect(world.calls.posted).toHaveLength(1);
    const { url, body, headers } = world.calls.posted[0] ?? { url: '', body: '', headers: {} };
    expect(url).toBe('https://receiver.example.com/hooks');
    expect(body).toBe(JSON.stringify(event));
    expect(headers['webhook-id']).toBe(event.id);
    expect(headers['webhook-timestamp']).toBe(String(Math.floor(NOW.getTime() / 1000)));
    expect(new Webhook(secret).verify(body, headers)).toEqual(event);
  });

  it('signs with every live secret during a rotation, but not with an expired one', async () => {
    const current = newSigningSecret();
    const rotating = newSigningSecret(48);
    const expired = newSigningSecret();
    const world = fakes([
      subscription({
        secrets: [
          { secret: current, createdAt: ago(DAY_MS) },
          { secret: rotating, createdAt: ago(9 * DAY_MS), expiresAt: ago(-3_600_000) },
          { secret: expired, createdAt: ago(20 * DAY_MS), expiresAt: ago(60_000) },
        ],
      }),
    ]);
    await deliverer(world).deliver(sqsRecord());

    const [posted] = world.calls.posted;
    const body = posted?.body ?? '';
    const headers = posted?.headers ?? {};
    expect(headers['webhook-signature']?.split(' ')).toHaveLength(2);
    expect(() => new Webhook(current).verify(body, headers)).not.toThrow();
    expect(() => new Webhook(rotating).verify(body, headers)).not.toThrow();
    expect(() => new Webhook(expired).verify(body, headers)).toThrow(WebhookVerificationError);
  });

  it("sends the subscription's custom headers, which cannot replace the signature headers", async () => {
    const world = fakes([
      subscription({
        headers: { 'x-tenant': 'acme', authorization: 'Bearer t0k3n', 'webhook-signature': 'v1,x' },
      }),
    ]);
    await deliverer(world).deliver(sqsRecord());

    const headers = world.calls.posted[0]?.headers ?? {};
    expect(headers['x-tenant']).toBe('acme');
    expect(headers.authorization).toBe('Bearer t0k3n');
    expect(headers['webhook-signature']).toMatch(/^v1,[A-Za-z0-9+/]+=*$/);
    expect(headers['webhook-signature']).not.toBe('v1,x');
  });

  it('logs the attempt as delivered and final, with status code and duration but not the 2xx body', async () => {
    const world = fakes();
    world.respond(() => ({ status: 200, body: '{"ok":true}', durationMs: 17 }));
    const event = detail();
    await deliverer(world).deliver(sqsRecord({ detail: event }));

    expect(world.calls.attempts).toEqual([
      {
        subscriptionId: SUB_ID,
        eventId: event.id,
        eventType: 'order.created',
        attempt: 1,
        attemptedAt: NOW.toISOString(),
        durationMs: 17,
        statusCode: 200,
        result: 'delivered',
        final: true,
        requestUrl: 'https://receiver.example.com/hooks',
        requestHeaders: [
          { name: 'webhook-id', value: event.id },
          { name: 'webhook-timestamp', value: String(Math.floor(NOW.getTime() / 1000)) },
          { name: 'webhook-signature', value: expect.stringMatching(/^v1,\S+$/) },
          { name: 'content-type', value: 'application/json' },
          { name: 'user-agent', value: 'Hookbridge/test' },
        ],
        requestBodyBytes: Buffer.byteLength(world.calls.posted[0]?.body ?? ''),
      },
    ]);
    expect(world.calls.delays).toEqual([]);
    expect(world.calls.deadLetters).toEqual([]);
  });

  it('clears a running failure streak', async () => {
    const world = fakes([subscription({ failingSince: ago(DAY_MS) })]);
    await deliverer(world).deliver(sqsRecord());

    expect(world.calls.clearFailing).toEqual([SUB_ID]);
  });

  it('leaves the streak alone when none runs', async () => {
    const world = fakes();
    await deliverer(world).deliver(sqsRecord());

    expect(world.calls.clearFailing).toEqual([]);
  });
});

describe('Deliverer: a failed attempt with attempts left', () => {
  it('retries a 500 after the first scheduled delay ±20 %, logging when the next attempt is', async () => {
    for (const random of [0, 0.5, 0.9999]) {
      const world = fakes();
      world.respond(() => ({ status: 500, body: 'boom' }));
      const record = sqsRecord();
      const outcome = await deliverer(world, { random: () => random }).deliver(record);

      expect(outcome).toEqual({ settled: false, kind: 'retry' });
      expect(world.calls.delays).toHaveLength(1);
      const [{ messageId, seconds } = { messageId: '', seconds: -1 }] = world.calls.delays;
      expect(messageId).toBe(record.messageId);
      expect(seconds).toBeGreaterThanOrEqual(4);
      expect(seconds).toBeLessThanOrEqual(6);
      expect(world.calls.attempts).toEqual([
        expect.objectContaining({
          attempt: 1,
          result: 'failed',
          final: false,
          statusCode: 500,
          responseBody: 'boom',
          error: 'HTTP 500',
          nextAttemptAt: new Date(NOW.getTime() + seconds * 1000).toISOString(),
        }),
      ]);
    }
  });

  it('uses the delay of the attempt that failed: the second attempt waits about 300 s', async () => {
    const world = fakes();
    world.respond(() => ({ status: 502 }));
    await deliverer(world).deliver(sqsRecord({ receiveCount: 2 }));

    expect(world.calls.delays[0]?.seconds).toBe(300);
    expect(world.calls.attempts[0]).toMatchObject({ attempt: 2, final: false });
  });

  it('starts a failure streak at the first failure, once', async () => {
    const world = fakes();
    world.respond(() => ({ status: 500 }));
    await deliverer(world).deliver(sqsRecord());

    expect(world.calls.markFailing).toEqual([{ id: SUB_ID, since: NOW.toISOString() }]);
  });

  it('does not restart a failure streak that already runs', async () => {
    const world = fakes([subscription({ failingSince: ago(DAY_MS) })]);
    world.respond(() => ({ status: 500 }));
    await deliverer(world).deliver(sqsRecord());

    expect(world.calls.markFailing).toEqual([]);
  });

  it("waits a 429's Retry-After instead of the schedule", async () => {
    const world = fakes();
    world.respond(() => ({ status: 429, headers: { 'retry-after': '120' } }));
    const outcome = await deliverer(world).deliver(sqsRecord());

    expect(outcome.kind).toBe('retry');
    expect(world.calls.delays.map((d) => d.seconds)).toEqual([120]);
    expect(world.calls.attempts[0]?.nextAttemptAt).toBe(
      new Date(NOW.getTime() + 120_000).toISOString(),
    );
  });

  it('retries a connection failure, logging its reason and no status code', async () => {
    const world = fakes();
    world.respond(
      () => new WebhookRequestError('connection', 'connection refused by receiver.example.com'),
    );
    const outcome = await deliverer(world).deliver(sqsRecord());

    expect(outcome).toEqual({ settled: false, kind: 'retry' });
    expect(world.calls.delays).toHaveLength(1);
    expect(world.calls.attempts[0]).toMatchObject({
      result: 'failed',
      final: false,
      error: 'connection refused by receiver.example.com',
    });
    expect(world.calls.attempts[0]).not.toHaveProperty('statusCode');
  });
});

describe('Deliverer: the last attempt fails', () => {
  const lastAttempt = SCHEDULE.length + 1;

  it('lets the message go to the DLQ at once, says so, and logs a final attempt', async () => {
    const world = fakes([subscription({ failingSince: ago(DAY_MS) })]);
    world.respond(() => ({ status: 500 }));
    const event = detail();
    const record = sqsRecord({ detail: event, receiveCount: lastAttempt });
    const outcome = await deliverer(world).deliver(record);
    // A WARN line, which the dashboard's recent-failures query shows.
    expect(world.calls.warnings).toContainEqual([
      'delivery exhausted: the message goes to the dead-letter queue',
      {
        subscriptionId: SUB_ID,
        eventId: event.id,
        messageId: record.messageId,
        attempts: lastAttempt,
        reason: 'HTTP 500',
      },
    ]);

    expect(outcome).toEqual({ settled: false, kind: 'exhausted' });
    expect(world.calls.delays).toEqual([{ messageId: record.messageId, seconds: 0 }]);
    expect(world.calls.events).toEqual([
      {
        type: 'delivery.exhausted',
        detail: {
          subscriptionId: SUB_ID,
          eventId: event.id,
          attempts: lastAttempt,
          reason: 'HTTP 500',
        },
      },
    ]);
    expect(world.calls.attempts).toEqual([
      expect.objectContaining({ attempt: lastAttempt, result: 'failed', final: true }),
    ]);
    expect(world.calls.attempts[0]).not.toHaveProperty('nextAttemptAt');
    // A streak of one day is well short of the five-day auto-disable.
    expect(world.calls.disable).toEqual([]);
    expect(world.calls.onDisabled).toEqual([]);
  });

  it('disables a subscription that has failed without a success for longer than the limit', async () => {
    const since = ago(5 * DAY_MS + 60_000);
    const world = fakes([subscription({ failingSince: since })]);
    world.respond(() => ({ status: 503 }));
    const outcome = await deliverer(world).deliver(sqsRecord({ receiveCount: lastAttempt }));

    expect(outcome).toEqual({ settled: false, kind: 'exhausted' });
    expect(world.calls.disable).toEqual([
      { id: SUB_ID, reason: expect.stringContaining(`since ${since}`) },
    ]);
    expect(world.calls.onDisabled).toEqual([
      expect.objectContaining({ id: SUB_ID, status: 'disabled' }),
    ]);
    expect(world.calls.events.map((e) => e.type)).toEqual([
      'delivery.exhausted',
      'subscription.disabled',
    ]);
    expect(world.calls.events[1]?.detail).toMatchObject({
      subscriptionId: SUB_ID,
      url: 'https://receiver.example.com/hooks',
      reason: expect.stringContaining('auto-disable after 5 days'),
    });
    expect(world.calls.delays.map((d) => d.seconds)).toEqual([0]);
  });

  it('does not disable when the streak is younger than the limit', async () => {
    const world = fakes([subscription({ failingSince: ago(5 * DAY_MS - 60_000) })]);
    world.respond(() => ({ status: 500 }));
    await deliverer(world).deliver(sqsRecord({ receiveCount: lastAttempt }));

    expect(world.calls.disable).toEqual([]);
    expect(world.calls.events.map((e) => e.type)).toEqual(['delivery.exhausted']);
  });

  it('announces nothing more when another record disabled the subscription first', async () => {
    const world = fakes([subscription({ failingSince: ago(6 * DAY_MS) })]);
    world.respond(() => ({ status: 500 }));
    world.loseDisableRace();
    await deliverer(world).deliver(sqsRecord({ receiveCount: lastAttempt }));

    expect(world.calls.disable).toHaveLength(1);
    expect(world.calls.onDisabled).toEqual([]);
    expect(world.calls.events.map((e) => e.type)).toEqual(['delivery.exhausted']);
  });
});

describe('Deliverer: answers that end delivery', () => {
  it('disables the subscription on 410 Gone and holds the record instead of settling it', async () => {
    const world = fakes();
    world.respond(() => ({ status: 410 }));
    const record = sqsRecord();
    const outcome = await new Deliverer(world.ports, { ...SETTINGS, holdSeconds: 900 }).deliver(
      record,
    );

    expect(outcome).toEqual({ settled: false, kind: 'disabled' });
    expect(world.calls.disable).toEqual([{ id: SUB_ID, reason: expect.stringContaining('410') }]);
    expect(world.calls.onDisabled).toEqual([expect.objectContaining({ id: SUB_ID })]);
    expect(world.calls.events).toEqual([
      {
        type: 'subscription.disabled',
        detail: expect.objectContaining({ subscriptionId: SUB_ID, reason: expect.any(String) }),
      },
    ]);
    expect(world.calls.delays).toEqual([{ messageId: record.messageId, seconds: 900 }]);
    expect(world.calls.attempts).toEqual([
      expect.objectContaining({ result: 'gone', final: true, statusCode: 410 }),
    ]);
    expect(world.calls.deadLetters).toEqual([]);
  });

  it('dead-letters a record whose destination the SSRF guard refuses, with the reason', async () => {
    const reason = '10.0.0.7 is a private address';
    for (const refusal of [
      new DestinationRefusedError(reason),
      new WebhookRequestError('connection', 'connect failed', {
        cause: new DestinationRefusedError(reason),
      }),
    ]) {
      const world = fakes();
      world.respond(() => refusal);
      const record = sqsRecord();
      const outcome = await deliverer(world).deliver(record);

      expect(outcome).toEqual({ settled: true, kind: 'dead-lettered' });
      expect(world.calls.deadLetters).toEqual([{ messageId: record.messageId, reason }]);
      expect(world.calls.attempts).toEqual([
        expect.objectContaining({ result: 'refused', final: true, error: reason }),
      ]);
      expect(world.calls.delays).toEqual([]);
      expect(world.calls.markFailing).toEqual([]);
      // An ERROR line, which the dashboard's recent-failures query shows.
      expect(world.calls.errors).toEqual([
        [
          'refused destination: message moved to the dead-letter queue',
          { subscriptionId: SUB_ID, messageId: record.messageId, reason },
        ],
      ]);
    }
  });
});

describe('Deliverer: records it cannot deliver', () => {
  it.each([
    ['a body that is not JSON', { body: '{"detail": ' }, 'not JSON'],
    [
      'an event that is not a Hookbridge event',
      { body: JSON.stringify({ source: 'aws.s3', detail: { bucket: 'b' } }) },
      'not a Hookbridge event',
    ],
    ['a JSON body that is not an object', { body: 'null' }, 'not a Hookbridge event'],
    [
      'a queue that belongs to no subscription',
      { queueArn: 'arn:aws:sqs:us-east-1:123456789012:orders-queue' },
      'belongs to no subscription',
    ],
    [
      "another installation's queue",
      { queueArn: `arn:aws:sqs:us-east-1:123456789012:other-${SUB_ID}` },
      'belongs to no subscription',
    ],
  ])('dead-letters %s, settles it, and posts nothing', async (_name, options, reason) => {
    const world = fakes();
    const record = sqsRecord(options);
    const outcome = await deliverer(world).deliver(record);

    expect(outcome).toEqual({ settled: true, kind: 'dead-lettered' });
    expect(world.calls.deadLetters).toEqual([
      { messageId: record.messageId, reason: expect.stringContaining(reason) },
    ]);
    expect(world.calls.posted).toEqual([]);
    expect(world.calls.attempts).toEqual([]);
  });

  it.each([
    ['an unknown subscription', []],
    ['a subscription being deleted', [subscription({ status: 'deleting' })]],
  ])('settles the record of %s as orphaned and posts nothing', async (_name, subscriptions) => {
    const world = fakes(subscriptions);
    const outcome = await deliverer(world).deliver(sqsRecord());

    expect(outcome).toEqual({ settled: true, kind: 'orphaned' });
    expect(world.calls.posted).toEqual([]);
    expect(world.calls.delays).toEqual([]);
    expect(world.calls.deadLetters).toEqual([]);
  });

  it.each(['paused', 'disabled'] as SubscriptionStatus[])(
    'holds the record of a %s subscription for later, posting nothing',
    async (status) => {
      const world = fakes([subscription({ status })]);
      const record = sqsRecord();
      const outcome = await new Deliverer(world.ports, { ...SETTINGS, holdSeconds: 600 }).deliver(
        record,
      );

      expect(outcome).toEqual({ settled: false, kind: 'held' });
      expect(world.calls.delays).toEqual([{ messageId: record.messageId, seconds: 600 }]);
      expect(world.calls.posted).toEqual([]);
      expect(world.calls.attempts).toEqual([]);
    },
  );

  it('holds for 300 s when no hold time is configured', async () => {
    const world = fakes([subscription({ status: 'paused' })]);
    await deliverer(world).deliver(sqsRecord());

    expect(world.calls.delays.map((d) => d.seconds)).toEqual([300]);
  });
});

describe('Deliverer: attempt numbers across redrives', () => {
  const lastAttempt = SCHEDULE.length + 1;

  it('numbers every receive of one message by its receive count, logging under its message id', async () => {
    const world = fakes();
    world.respond(() => ({ status: 500 }));
    const event = detail();
    const messageId = 'a1a1a1a1-0000-4000-8000-000000000001';
    for (let receiveCount = 1; receiveCount <= lastAttempt; receiveCount++)
      await deliverer(world).deliver(sqsRecord({ detail: event, messageId, receiveCount }));

    expect(world.calls.attempts.map((a) => [a.attempt, a.final])).toEqual([
      [1, false],
      [2, false],
      [3, true],
    ]);
    expect(new Set(world.logged.map((l) => l.messageId))).toEqual(new Set([messageId]));
  });

  it('goes on counting after a redrive, which restarts the schedule and the receive count', async () => {
    const world = fakes();
    const event = detail();
    world.logFailures(event.id, 'the-dead-lettered-message', lastAttempt);
    world.respond(() => ({ status: 503 }));
    const redriven = sqsRecord({ detail: event, receiveCount: 1 });
    const outcome = await deliverer(world).deliver(redriven);

    expect(outcome).toEqual({ settled: false, kind: 'retry' });
    expect(world.calls.attempts[0]).toMatchObject({ attempt: lastAttempt + 1, final: false });
    // The first delay of the schedule (5 s ±20 %), not exhaustion: the redrive gave it a new life.
    expect(world.calls.delays).toEqual([{ messageId: redriven.messageId, seconds: 5 }]);
  });

  it("exhausts a redriven message on its own last receive, announcing the event's total attempts", async () => {
    const world = fakes();
    const event = detail();
    world.logFailures(event.id, 'the-dead-lettered-message', lastAttempt);
    world.logFailures(event.id, 'the-redriven-message', lastAttempt - 1);
    world.respond(() => ({ status: 500 }));
    const outcome = await deliverer(world).deliver(
      sqsRecord({ detail: event, messageId: 'the-redriven-message', receiveCount: lastAttempt }),
    );

    expect(outcome).toEqual({ settled: false, kind: 'exhausted' });
    expect(world.calls.attempts[0]).toMatchObject({ attempt: 2 * lastAttempt, final: true });
    expect(world.calls.events[0]?.detail).toMatchObject({ attempts: 2 * lastAttempt });
  });

  it('counts a receive whose attempt was never logged (a crash, a log not yet readable)', async () => {
    const world = fakes();
    const event = detail();
    world.logFailures(event.id, 'the-message', 1);
    world.respond(() => ({ status: 500 }));
    await deliverer(world).deliver(
      sqsRecord({ detail: event, messageId: 'the-message', receiveCount: 3 }),
    );

    expect(world.calls.attempts[0]?.attempt).toBe(3);
  });

  it('goes on counting when a redrive keeps the message id but restarts the receive count', async () => {
    const world = fakes();
    const event = detail();
    world.logFailures(event.id, 'kept-message-id', lastAttempt);
    world.respond(() => ({ status: 200 }));
    await deliverer(world).deliver(
      sqsRecord({ detail: event, messageId: 'kept-message-id', receiveCount: 1 }),
    );

    expect(world.calls.attempts[0]).toMatchObject({
      attempt: lastAttempt + 1,
      result: 'delivered',
    });
  });

  it('numbers a replayed attempt after those before it', async () => {
    const world = fakes();
    const event = detail();
    world.logFailures(event.id, 'first-message', 1);
    world.markDelivered(event.id);
    await deliverer(world).deliver(
      sqsRecord({ detail: event, replayName: 'hookbridge-replay-01JABC' }),
    );

    expect(world.calls.attempts[0]).toMatchObject({ attempt: 3, result: 'delivered' });
  });
});

describe('Deliverer: duplicates and replays', () => {
  it('skips an event the attempt log says was delivered already', async () => {
    const world = fakes();
    const event = detail();
    world.markDelivered(event.id);
    const outcome = await deliverer(world).deliver(sqsRecord({ detail: event, receiveCount: 2 }));

    expect(outcome).toEqual({ settled: true, kind: 'duplicate' });
    expect(world.calls.posted).toEqual([]);
    expect(world.calls.attempts).toEqual([]);
  });

  it('posts a replayed event even though it was delivered before', async () => {
    const world = fakes();
    const event = detail();
    world.markDelivered(event.id);
    const outcome = await deliverer(world).deliver(
      sqsRecord({ detail: event, replayName: 'hookbridge-replay-01JABC' }),
    );

    expect(outcome).toEqual({ settled: true, kind: 'delivered' });
    expect(world.calls.posted.map((p) => p.body)).toEqual([JSON.stringify(event)]);
  });

  it('posts a resent event (the top-level resend marker) even though it was delivered before', async () => {
    const world = fakes();
    const event = detail();
    world.markDelivered(event.id);
    const resent = sqsRecord({ detail: event });
    resent.body = JSON.stringify({ ...JSON.parse(resent.body), [RESEND_MARKER]: true });
    const outcome = await deliverer(world).deliver(resent);

    expect(outcome).toEqual({ settled: true, kind: 'delivered' });
    expect(world.calls.posted.map((p) => p.body)).toEqual([JSON.stringify(event)]);
    expect(world.calls.posted[0]?.headers['webhook-id']).toBe(event.id);
  });

  it('keeps the duplicate guard for a producer who puts the marker in the event itself', async () => {
    const world = fakes();
    const event = { ...detail(), [RESEND_MARKER]: true, 'replay-name': 'x' } as unknown as Detail;
    world.markDelivered(event.id);
    const outcome = await deliverer(world).deliver(sqsRecord({ detail: event }));

    expect(outcome).toEqual({ settled: true, kind: 'duplicate' });
    expect(world.calls.posted).toEqual([]);
  });
});

const context = {
  callbackWaitsForEmptyEventLoop: false,
  functionName: 'hookbridge-delivery',
  functionVersion: '$LATEST',
  invokedFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:hookbridge-delivery',
  memoryLimitInMB: '512',
  awsRequestId: 'c6af9ac6-7b61-11e6-9a41-93e812345678',
  logGroupName: '/aws/lambda/hookbridge-delivery',
  logStreamName: '2025/01/01/[$LATEST]abcdef',
  getRemainingTimeInMillis: () => 60_000,
  done: () => {},
  fail: () => {},
  succeed: () => {},
} satisfies Context;

function handlerOf(deliver: Deliverer) {
  return createDeliveryHandler(
    deliver,
    new Logger({ serviceName: 'hookbridge-test', logLevel: 'SILENT' }),
    new QuietMetrics({ namespace: 'HookbridgeTest', serviceName: 'hookbridge-test' }),
  );
}

/** Fails the test, instead of hanging it, when `promise` does not settle. */
async function bounded<T>(promise: Promise<T>, what: () => string, ms = 5000): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`not settled within ${ms} ms: ${what()}`)), ms);
  });
  try {
    return await Promise.race([promise, limit]);
  } finally {
    clearTimeout(timer);
  }
}

describe('delivery handler (SQS batch)', () => {
  it('reports exactly the records that stay in the queue as batch item failures', async () => {
    const world = fakes();
    const ok = sqsRecord();
    const failing = sqsRecord();
    const exhausted = sqsRecord({ receiveCount: SCHEDULE.length + 1 });
    const malformed = sqsRecord({ body: 'not json' });
    const duplicateEvent = detail();
    world.markDelivered(duplicateEvent.id);
    const duplicate = sqsRecord({ detail: duplicateEvent });
    const okBody = ok.body;
    world.respond((request) =>
      request.body === JSON.stringify(JSON.parse(okBody).detail)
        ? { status: 200 }
        : { status: 500 },
    );

    const response = (await handlerOf(deliverer(world))(
      { Records: [ok, failing, exhausted, malformed, duplicate] },
      context,
    )) as SQSBatchResponse;

    expect(response.batchItemFailures.map((f) => f.itemIdentifier).sort()).toEqual(
      [failing.messageId, exhausted.messageId].sort(),
    );
    expect(world.calls.posted).toHaveLength(3);
  });

  it('answers a batch in which every record stays with a partial response, not an error', async () => {
    const world = fakes();
    world.respond(() => ({ status: 500 }));
    const records = [sqsRecord(), sqsRecord()];

    const response = (await handlerOf(deliverer(world))(
      { Records: records },
      context,
    )) as SQSBatchResponse;

    expect(response.batchItemFailures).toEqual(
      records.map((r) => ({ itemIdentifier: r.messageId })),
    );
  });

  it('delivers the records of a batch concurrently', async () => {
    const world = fakes();
    const waiting: (() => void)[] = [];
    // Answers nobody until all ten requests are in flight: sequential delivery never gets there.
    world.respond(
      () =>
        new Promise<Answer>((resolve) => {
          waiting.push(() => resolve({ status: 200 }));
          if (waiting.length === 10) for (const release of waiting) release();
        }),
    );
    const records = Array.from({ length: 10 }, () => sqsRecord());

    const response = (await bounded(
      Promise.resolve(handlerOf(deliverer(world))({ Records: records }, context)),
      () => `${waiting.length} of 10 requests were in flight at once`,
    )) as SQSBatchResponse;

    expect(response.batchItemFailures).toEqual([]);
    expect(world.calls.posted).toHaveLength(10);
  });

  // The local poller runs several batches at once in one process: a second batch must not
  // reset the first one's failure list (which would delete a failed record instead of retrying).
  it('answers each of two overlapping invocations with its own failures', async () => {
    const world = fakes();
    const gates = new Map<string, (answer: Answer) => void>();
    world.respond(
      (request) =>
        new Promise<Answer>((resolve) => gates.set(request.headers['webhook-id'] ?? '', resolve)),
    );
    const handler = handlerOf(deliverer(world));
    const [failing, ok, other] = [detail(), detail(), detail()];

    const first = Promise.resolve(
      handler({ Records: [sqsRecord({ detail: failing }), sqsRecord({ detail: ok })] }, context),
    );
    await until(() => gates.size === 2, 'the first batch posts both records');
    gates.get(failing.id)?.({ status: 500 });
    await until(() => world.calls.delays.length === 1, 'the failed record is given its delay');
    const second = Promise.resolve(handler({ Records: [sqsRecord({ detail: other })] }, context));
    await until(() => gates.size === 3, 'the second batch posts its record');
    gates.get(ok.id)?.({ status: 200 });
    gates.get(other.id)?.({ status: 200 });

    const [a, b] = await bounded(Promise.all([first, second]), () => 'the handlers did not answer');
    expect((a as SQSBatchResponse).batchItemFailures).toHaveLength(1);
    expect((b as SQSBatchResponse).batchItemFailures).toEqual([]);
  });
});

/** Lets pending callbacks run until `condition` holds; bounded, so a broken flow fails the test. */
async function until(condition: () => boolean, what: string): Promise<void> {
  let gaveUp = false;
  try {
    await bounded(
      (async () => {
        while (!condition() && !gaveUp) await new Promise<void>((resolve) => setImmediate(resolve));
      })(),
      () => what,
    );
  } finally {
    gaveUp = true;
  }
}

describe('Deliverer: the tenant check before any POST', () => {
  /** A record whose detail names `tenantId` (left out when undefined), as a rule would forward it. */
  const forTenant = (tenantId: unknown) => {
    const event = { ...detail(), ...(tenantId !== undefined && { tenantId }) } as Detail;
    return sqsRecord({ detail: event });
  };

  it.each([['acme'], ['*']])(
    'delivers an event for %j to a subscription of tenant acme',
    async (tenantId) => {
      const world = fakes([subscription({ tenantId: 'acme' })]);
      const outcome = await deliverer(world).deliver(forTenant(tenantId));
      expect(outcome).toEqual({ settled: true, kind: 'delivered' });
      expect(JSON.parse(world.calls.posted[0]?.body ?? '{}').tenantId).toBe(tenantId);
    },
  );

  it.each([
    ['another tenant', 'globex'],
    ['no tenant', undefined],
    ['another case', 'ACME'],
    ['a look-alike (Cyrillic а)', 'аcme'],
    ['a padded id', 'acme '],
    ['an array holding it', ['acme']],
    ['an object', { id: 'acme' }],
    ['null', null],
    ['the empty string', ''],
  ])('dead-letters an event for %s, POSTs nothing and logs an ERROR', async (_what, tenantId) => {
    const world = fakes([subscription({ tenantId: 'acme' })]);
    const record = forTenant(tenantId);
    const outcome = await deliverer(world).deliver(record);

    expect(outcome).toEqual({ settled: true, kind: 'dead-lettered' });
    expect(world.calls.posted).toEqual([]);
    expect(world.calls.attempts).toEqual([]);
    expect(world.calls.deadLetters).toEqual([
      { messageId: record.messageId, reason: expect.stringContaining('tenant acme') },
    ]);
    expect(world.calls.errors).toEqual([
      [
        'cross-tenant message moved to the dead-letter queue',
        expect.objectContaining({ subscriptionId: SUB_ID, messageId: record.messageId }),
      ],
    ]);
  });

  it.each([['acme'], ['*'], [undefined]])(
    'delivers an event for %j to an operator subscription',
    async (tenantId) => {
      const world = fakes([subscription()]);
      expect(await deliverer(world).deliver(forTenant(tenantId))).toEqual({
        settled: true,
        kind: 'delivered',
      });
    },
  );
});
