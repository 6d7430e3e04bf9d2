import {
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  SendMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { Webhook } from 'standardwebhooks';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createBaseResources } from '../../local/base-resources.js';
import { awsClientConfig } from '../../shared/aws/client-config.js';
import { deliveryHarness } from '../support/delivery-harness.js';
import { type Received, type Reply, startReceiver, waitFor } from '../support/receiver.js';
import { drainQueue } from '../support/sqs-helpers.js';

const sqs = new SQSClient(awsClientConfig());
let h: ReturnType<typeof deliveryHarness>;
const receivers: { close(): Promise<void> }[] = [];

beforeAll(async () => {
  await createBaseResources(awsClientConfig());
  h = deliveryHarness({ HOOKBRIDGE_ATTEMPT_TIMEOUT_MS: '1000' });
});

// Each test's lanes are removed after it: their pollers stop, and the next test shares the
// local endpoint with no more long polls than it needs.
const created: string[] = [];
afterEach(async () => {
  for (const id of created.splice(0)) await h.call('DELETE /v1/subscriptions/{id}', { id });
});

afterAll(async () => {
  await h.stop();
  await Promise.all(receivers.map((r) => r.close()));
});

async function receiver(reply?: (request: Received, count: number) => Reply) {
  const r = await startReceiver(reply);
  receivers.push(r);
  return r;
}

/** Each test subscribes to its own event types, so no test's events reach another's receiver. */
async function subscribe(url: string, body: Record<string, unknown> & { eventTypes: string[] }) {
  // Two pollers per queue (Lambda's minimum) unless a test asks for more: enough here.
  const response = await h.call('POST /v1/subscriptions', {
    body: { url, maxConcurrency: 2, ...body },
  });
  expect(response.status, JSON.stringify(response.body)).toBe(201);
  created.push(response.body.id);
  return response.body as { id: string; secret: string };
}

async function attempts(id: string) {
  const response = await h.call('GET /v1/subscriptions/{id}/deliveries', { id });
  expect(response.status).toBe(200);
  return response.body.data as {
    attempt: number;
    result: string;
    statusCode?: number;
    error?: string;
    final: boolean;
  }[];
}

async function queueDepth(name: string): Promise<number> {
  const { QueueUrl } = await sqs.send(new GetQueueUrlCommand({ QueueName: name }));
  const { Attributes = {} } = await sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl,
      AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
    }),
  );
  return (
    Number(Attributes.ApproximateNumberOfMessages) +
    Number(Attributes.ApproximateNumberOfMessagesNotVisible)
  );
}

describe('delivery', () => {
  it('delivers an ingested event signed per Standard Webhooks, verifiable by the standardwebhooks library', async () => {
    const r = await receiver();
    const sub = await subscribe(`${r.url}/hook`, {
      eventTypes: ['order.*'],
      headers: { 'X-Tenant': 'acme' },
    });
    const [result] = await h.publish([
      { type: 'order.created', data: { orderId: 'o-1', total: 9.5 } },
    ]);

    await waitFor(() => r.received.length === 1, 15_000, 'the delivery');
    const [request] = r.received;
    const headers = request?.headers ?? {};
    expect(headers['webhook-id']).toBe(result?.id);
    expect(headers['content-type']).toBe('application/json');
    expect(headers['user-agent']).toMatch(/^Hookbridge\/\d+\.\d+\.\d+/);
    expect(headers['x-tenant']).toBe('acme');
    const verified = new Webhook(sub.secret).verify(request?.body ?? '', {
      'webhook-id': String(headers['webhook-id']),
      'webhook-timestamp': String(headers['webhook-timestamp']),
      'webhook-signature': String(headers['webhook-signature']),
    });
    expect(verified).toEqual({
      id: result?.id,
      type: 'order.created',
      timestamp: expect.any(String),
      data: { orderId: 'o-1', total: 9.5 },
    });

    await waitFor(async () => (await attempts(sub.id)).length === 1, 5_000, 'the attempt log');
    expect((await attempts(sub.id))[0]).toMatchObject({
      attempt: 1,
      result: 'delivered',
      statusCode: 200,
      final: true,
    });
  });

  it('retries a failing receiver on the schedule and logs every attempt', async () => {
    const r = await receiver((_req, n) =>
      n <= 2 ? { status: 500, body: 'boom' } : { status: 204 },
    );
    const sub = await subscribe(r.url, { eventTypes: ['invoice.paid'], retrySchedule: [1, 1, 1] });
    await h.publish([{ type: 'invoice.paid', data: { n: 1 } }]);

    await waitFor(() => r.received.length === 3, 20_000, 'the third attempt');
    await waitFor(
      async () => (await attempts(sub.id)).length === 3,
      5_000,
      'three logged attempts',
    );
    const log = await attempts(sub.id);
    expect(log.map((a) => [a.attempt, a.result, a.statusCode])).toEqual([
      [3, 'delivered', 204],
      [2, 'failed', 500],
      [1, 'failed', 500],
    ]);
    expect(new Set(r.received.map((q) => q.headers['webhook-id'])).size).toBe(1);
  });

  it('moves a message that keeps failing to the DLQ after exactly N attempts', async () => {
    const r = await receiver(() => ({ status: 503 }));
    const sub = await subscribe(r.url, { eventTypes: ['dlq.x'], retrySchedule: [1, 1] });
    await h.publish([{ type: 'dlq.x', data: {} }]);

    const queue = `hookbridge-${sub.id}`;
    await waitFor(
      async () => (await queueDepth(`${queue}-dlq`)) === 1,
      25_000,
      'the message in the DLQ',
    );
    expect(r.received).toHaveLength(3);
    expect(await queueDepth(queue)).toBe(0);
    const log = await attempts(sub.id);
    expect(log[0]).toMatchObject({ attempt: 3, result: 'failed', final: true });
  });

  it('disables the subscription on 410 Gone and keeps its message', async () => {
    const r = await receiver(() => ({ status: 410 }));
    const sub = await subscribe(r.url, { eventTypes: ['gone.x'] });
    await h.publish([{ type: 'gone.x', data: {} }]);

    await waitFor(
      async () =>
        (await h.call('GET /v1/subscriptions/{id}', { id: sub.id })).body.status === 'disabled',
      15_000,
      'disabled',
    );
    const got = await h.call('GET /v1/subscriptions/{id}', { id: sub.id });
    expect(got.body.statusReason).toMatch(/410/);
    // The record is disabled first, then its mapping.
    await waitFor(
      async () =>
        (await h.registry.list()).find((m) => m.queueArn.endsWith(sub.id))?.enabled === false,
      5_000,
      'the mapping to be disabled',
    );
    expect(r.received).toHaveLength(1);
    expect(await queueDepth(`hookbridge-${sub.id}`)).toBe(1);
  });

  it('retries after a timeout', async () => {
    const r = await receiver((_req, n) =>
      n === 1 ? { status: 200, delayMs: 3_000 } : { status: 200 },
    );
    const sub = await subscribe(r.url, { eventTypes: ['timeout.x'], retrySchedule: [1, 1] });
    await h.publish([{ type: 'timeout.x', data: {} }]);

    await waitFor(
      async () => (await attempts(sub.id)).some((a) => a.result === 'delivered'),
      20_000,
      'the retry to succeed',
    );
    const log = await attempts(sub.id);
    expect(log.map((a) => a.result)).toEqual(['delivered', 'failed']);
    expect(log[1]?.error).toMatch(/timed out/);
  });

  it('does not follow a redirect', async () => {
    const r = await receiver((req) =>
      req.path === '/moved' ? { status: 200 } : { status: 302, headers: { location: '/moved' } },
    );
    const sub = await subscribe(`${r.url}/hook`, {
      eventTypes: ['redirect.x'],
      retrySchedule: [30],
    });
    await h.publish([{ type: 'redirect.x', data: {} }]);

    await waitFor(async () => (await attempts(sub.id)).length === 1, 15_000, 'the attempt');
    expect((await attempts(sub.id))[0]).toMatchObject({
      result: 'failed',
      statusCode: 302,
      error: expect.stringMatching(/redirect/),
    });
    expect(r.received.map((q) => q.path)).toEqual(['/hook']);
  });

  it('keeps delivering promptly to a healthy subscriber while another one hangs', async () => {
    const hanging = await receiver(() => ({ status: 200, delayMs: 10_000 }));
    const healthy = await receiver();
    await subscribe(hanging.url, { eventTypes: ['noisy.*'], retrySchedule: [60] });
    await subscribe(healthy.url, { eventTypes: ['noisy.*'] });

    await h.publish(Array.from({ length: 20 }, (_, i) => ({ type: 'noisy.event', data: { i } })));
    await waitFor(
      // Distinct events: delivery is at least once, and two pollers of one queue can (in moto)
      // both receive a message before either has logged it.
      () => new Set(healthy.received.map((r) => r.headers['webhook-id'])).size === 20,
      25_000,
      () =>
        `all 20 events at the healthy receiver (${healthy.received.length} arrived; the hanging one got ${hanging.received.length})`,
    );
    expect(hanging.received.length).toBeGreaterThan(0);
  });

  it('does not POST an event twice when the queue hands it over twice', async () => {
    const r = await receiver();
    const sub = await subscribe(r.url, { eventTypes: ['dup.x'] });
    await h.publish([{ type: 'dup.x', data: {} }]);
    await waitFor(() => r.received.length === 1, 15_000, 'the first delivery');
    await waitFor(async () => (await attempts(sub.id)).length === 1, 5_000, 'the log');

    // The same EventBridge event again, as an at-least-once duplicate would arrive.
    const body = JSON.stringify({
      'detail-type': 'dup.x',
      source: 'hookbridge',
      detail: JSON.parse(r.received[0]?.body ?? '{}'),
    });
    const { QueueUrl } = await sqs.send(
      new GetQueueUrlCommand({ QueueName: `hookbridge-${sub.id}` }),
    );
    await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: body }));
    await waitFor(
      async () => (await queueDepth(`hookbridge-${sub.id}`)) === 0,
      10_000,
      'the duplicate to be consumed',
    );
    expect(r.received).toHaveLength(1);
  });

  it('signs with both secrets during a rotation', async () => {
    const r = await receiver();
    const sub = await subscribe(r.url, { eventTypes: ['rot.x'] });
    const rotated = await h.call('POST /v1/subscriptions/{id}/secret/rotate', {
      id: sub.id,
      body: { gracePeriodSeconds: 3600 },
    });
    await h.call('POST /v1/subscriptions/{id}/test', { id: sub.id });

    await waitFor(() => r.received.length === 1, 15_000, 'the test event');
    const [request] = r.received;
    const signatures = String(request?.headers['webhook-signature']).split(' ');
    expect(signatures).toHaveLength(2);
    for (const secret of [sub.secret, rotated.body.secret]) {
      const payload = new Webhook(secret).verify(request?.body ?? '', {
        'webhook-id': String(request?.headers['webhook-id']),
        'webhook-timestamp': String(request?.headers['webhook-timestamp']),
        'webhook-signature': String(request?.headers['webhook-signature']),
      }) as { type: string };
      expect(payload.type).toBe('hookbridge.test');
    }
  });

  it('redrives a DLQ back into the queue, numbering its attempts on from those before', async () => {
    // Two attempts per life ([1]): both fail, the DLQ takes it; after the redrive one more
    // failure (retried on the schedule again, not dead-lettered at once), then a success.
    const r = await receiver((_req, n) => ({ status: n <= 3 ? 500 : 200 }));
    const sub = await subscribe(r.url, { eventTypes: ['rd.x'], retrySchedule: [1] });
    await h.publish([{ type: 'rd.x', data: {} }]);
    await waitFor(
      async () => (await queueDepth(`hookbridge-${sub.id}-dlq`)) === 1,
      20_000,
      'the DLQ',
    );

    // The backlog route counts what the DLQ holds, and nothing left in the queue.
    const before = await h.call('GET /v1/subscriptions/{id}/backlog', { id: sub.id });
    expect(before.status).toBe(200);
    expect(before.body).toEqual({ queued: 0, inFlight: 0, delayed: 0, deadLettered: 1 });

    const redriven = await h.call('POST /v1/subscriptions/{id}/redrive', { id: sub.id });
    expect(redriven.body).toEqual({ moved: 1, more: false });
    await waitFor(
      async () => (await attempts(sub.id)).some((a) => a.result === 'delivered'),
      20_000,
      'the redriven delivery',
    );
    const after = await h.call('GET /v1/subscriptions/{id}/backlog', { id: sub.id });
    expect(after.body).toMatchObject({ deadLettered: 0 });
    expect(r.received).toHaveLength(4);
    expect((await attempts(sub.id)).map((a) => [a.attempt, a.result, a.final])).toEqual([
      [4, 'delivered', true],
      [3, 'failed', false],
      [2, 'failed', true],
      [1, 'failed', false],
    ]);
    expect(await drainQueue(`hookbridge-${sub.id}-dlq`)).toEqual([]);
  });

  it("lists attempts by when they were made, an event's retries among later events", async () => {
    // The first event fails until the second one has been delivered: its retry comes later.
    const r = await receiver((request) => {
      const slow = JSON.parse(request.body).type === 'order.slow';
      const fastDone = r.received.some((q) => JSON.parse(q.body).type === 'order.fast');
      return { status: slow && !fastDone ? 503 : 200 };
    });
    const sub = await subscribe(r.url, {
      eventTypes: ['order.slow', 'order.fast'],
      retrySchedule: [1, 1, 1, 1, 1, 1],
    });
    const [slow] = await h.publish([{ type: 'order.slow', data: {} }]);
    await waitFor(async () => (await attempts(sub.id)).length === 1, 15_000, 'the first attempt');
    const [fast] = await h.publish([{ type: 'order.fast', data: {} }]);
    await waitFor(
      async () => (await attempts(sub.id)).filter((a) => a.result === 'delivered').length === 2,
      30_000,
      'both deliveries',
    );

    const log = (await attempts(sub.id)) as unknown as {
      eventId: string;
      attempt: number;
      attemptedAt: string;
      result: string;
    }[];
    const times = log.map((a) => a.attemptedAt);
    expect(times).toEqual([...times].sort().reverse());
    expect(log[0]).toMatchObject({ eventId: slow?.id, result: 'delivered' });
    const fastAt = log.findIndex((a) => a.eventId === fast?.id);
    expect(fastAt).toBeGreaterThan(0);
    expect(log.at(-1)).toMatchObject({ eventId: slow?.id, attempt: 1, result: 'failed' });
  });
});
