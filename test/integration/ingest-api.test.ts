import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { localResourceNames } from '../../infra/base-resources.js';
import { createBaseResources } from '../../local/base-resources.js';
import { awsClientConfig } from '../../shared/aws/client-config.js';
import {
  apiGatewayEvent,
  lambdaContext,
  type RequestOptions,
} from '../support/api-gateway-event.js';
import { captureBus } from '../support/bus-capture.js';

type Handler = typeof import('../../functions/ingest/handler.js').handler;
let handler: Handler;
let bus: Awaited<ReturnType<typeof captureBus>>;

beforeAll(async () => {
  await createBaseResources(awsClientConfig());
  bus = await captureBus(localResourceNames.eventBus);
  ({ handler } = await import('../../functions/ingest/handler.js'));
});

beforeEach(async () => {
  await bus.drain();
});

async function call(routeKey: string, options: RequestOptions = {}) {
  const response = await handler(apiGatewayEvent(routeKey, options), lambdaContext());
  return { status: response.statusCode, body: JSON.parse(response.body ?? 'null') };
}

const send = (body: unknown, options: Omit<RequestOptions, 'body'> = {}) =>
  call('POST /v1/events', { ...options, body });
const sendBatch = (body: unknown, options: Omit<RequestOptions, 'body'> = {}) =>
  call('POST /v1/events/batch', { ...options, body });

describe('POST /v1/events', () => {
  it('publishes the event on the bus with the DESIGN §3 envelope and answers 202 with its id', async () => {
    const before = Date.now();
    const response = await send({ type: 'order.created', data: { orderId: 'o-1', total: 42.5 } });

    expect(response.status).toBe(202);
    expect(response.body.id).toMatch(/^evt_[0-9A-Z]{26}$/);
    const published = await bus.drain();
    expect(published).toHaveLength(1);
    const [event] = published;
    expect(event?.source).toBe('hookbridge');
    expect(event?.['detail-type']).toBe('order.created');
    expect(event?.detail).toEqual({
      id: response.body.id,
      type: 'order.created',
      timestamp: expect.any(String),
      data: { orderId: 'o-1', total: 42.5 },
    });
    const timestamp = Date.parse(event?.detail.timestamp ?? '');
    expect(timestamp).toBeGreaterThanOrEqual(before - 1000);
    expect(timestamp).toBeLessThanOrEqual(Date.now() + 1000);
  });

  it('accepts a base64-encoded body and a JSON content type with parameters', async () => {
    const response = await call('POST /v1/events', {
      body: { type: 'user.signed_up', data: {} },
      base64: true,
      contentType: 'application/json; charset=utf-8',
    });
    expect(response.status).toBe(202);
    expect(await bus.drain()).toHaveLength(1);
  });

  it('gives ids that sort in the order the events were accepted', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push((await send({ type: 'tick', data: { i } })).body.id);
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(5);
    await bus.drain();
  });
});

describe('POST /v1/events/batch', () => {
  it('publishes a batch of 100 whole, in order, and lists every id', async () => {
    const events = Array.from({ length: 100 }, (_, i) => ({ type: 'order.created', data: { i } }));
    const response = await sendBatch({ events });

    expect(response.status).toBe(202);
    expect(response.body.events).toHaveLength(100);
    const ids = response.body.events.map((e: { id: string; status: string }) => {
      expect(e.status).toBe('accepted');
      return e.id;
    });
    const published = await bus.drain();
    expect(published).toHaveLength(100);
    const byId = new Map(published.map((e) => [e.detail.id, e.detail.data.i]));
    ids.forEach((id: string, i: number) => {
      expect(byId.get(id)).toBe(i);
    });
  });
});

describe('Idempotency-Key', () => {
  it('publishes once for 20 concurrent requests with one key, and all get the same id', async () => {
    const body = { type: 'payment.captured', data: { paymentId: 'p-1' } };
    const headers = { 'Idempotency-Key': 'capture-p-1' };
    const responses = await Promise.all(Array.from({ length: 20 }, () => send(body, { headers })));

    expect(responses.map((r) => r.status)).toEqual(Array(20).fill(202));
    expect(new Set(responses.map((r) => r.body.id)).size).toBe(1);
    expect(await bus.drain()).toHaveLength(1);
  });

  it('answers a repeat with the first answer and publishes nothing more', async () => {
    const body = { type: 'payment.captured', data: { paymentId: 'p-2' } };
    const headers = { 'Idempotency-Key': 'capture-p-2' };
    const first = await send(body, { headers });
    // The same JSON with other whitespace and key order is the same body.
    const again = await call('POST /v1/events', {
      headers,
      body: '{ "data": {"paymentId":"p-2"},   "type":"payment.captured" }',
    });
    expect(again).toEqual(first);
    expect(await bus.drain()).toHaveLength(1);
  });

  it('rejects the same key with another body with a 422 and publishes nothing', async () => {
    const headers = { 'Idempotency-Key': 'capture-p-3' };
    await send({ type: 'payment.captured', data: { paymentId: 'p-3' } }, { headers });
    await bus.drain();

    const reused = await send(
      { type: 'payment.captured', data: { paymentId: 'OTHER' } },
      { headers },
    );
    expect(reused.status).toBe(422);
    expect(reused.body.error.code).toBe('idempotency_key_reused');
    expect(reused.body.error.message).toMatch(/different request body/);
    expect(await bus.drain()).toHaveLength(0);
  });

  it('keeps keys of single events and batches apart', async () => {
    const headers = { 'Idempotency-Key': 'shared-key' };
    const single = await send({ type: 'a.b', data: {} }, { headers });
    const batch = await sendBatch({ events: [{ type: 'a.b', data: {} }] }, { headers });
    expect(single.status).toBe(202);
    expect(batch.status).toBe(202);
    expect(await bus.drain()).toHaveLength(2);
  });

  it('applies to batches: a repeated batch publishes nothing', async () => {
    const headers = { 'Idempotency-Key': 'batch-1' };
    const body = {
      events: [
        { type: 'a.b', data: { n: 1 } },
        { type: 'a.c', data: { n: 2 } },
      ],
    };
    const first = await sendBatch(body, { headers });
    const again = await sendBatch(body, { headers });
    expect(again).toEqual(first);
    expect(await bus.drain()).toHaveLength(2);
  });
});

describe('bad input gets a clear 4xx and publishes nothing', () => {
  const tooBig = { type: 'blob.uploaded', data: { blob: 'x'.repeat(262_144) } };
  const cases: [string, () => ReturnType<typeof call>, number, string, RegExp][] = [
    [
      'invalid JSON',
      () => call('POST /v1/events', { body: '{"type": "a",' }),
      400,
      'invalid_json',
      /not valid JSON/,
    ],
    [
      'an empty body',
      () => call('POST /v1/events', { body: '' }),
      400,
      'invalid_json',
      /body is required/,
    ],
    ['a missing type', () => send({ data: {} }), 400, 'validation_error', /^type: is required/],
    [
      'a type that is not a string',
      () => send({ type: 7, data: {} }),
      400,
      'validation_error',
      /^type: must be a string/,
    ],
    [
      'a malformed type',
      () => send({ type: 'order..created', data: {} }),
      400,
      'validation_error',
      /^type: must be dot-separated/,
    ],
    [
      'a type over 128 characters',
      () => send({ type: 'a'.repeat(129), data: {} }),
      400,
      'validation_error',
      /^type: must be at most 128/,
    ],
    ['missing data', () => send({ type: 'a.b' }), 400, 'validation_error', /^data: is required/],
    [
      'data that is an array',
      () => send({ type: 'a.b', data: [1] }),
      400,
      'validation_error',
      /^data: must be a JSON object/,
    ],
    [
      'data that is a string',
      () => send({ type: 'a.b', data: 'x' }),
      400,
      'validation_error',
      /^data: must be a JSON object/,
    ],
    [
      'an unknown field',
      () => send({ type: 'a.b', data: {}, dta: 1 }),
      400,
      'validation_error',
      /unknown field "dta"/,
    ],
    [
      'a body that is an array',
      () => send([{ type: 'a.b', data: {} }]),
      400,
      'validation_error',
      /^body: must be a JSON object/,
    ],
    [
      'a form content type',
      () =>
        call('POST /v1/events', {
          body: 'type=a',
          contentType: 'application/x-www-form-urlencoded',
        }),
      415,
      'unsupported_media_type',
      /Content-Type must be application\/json/,
    ],
    [
      'no content type',
      () => call('POST /v1/events', { body: { type: 'a.b', data: {} }, contentType: null }),
      415,
      'unsupported_media_type',
      /Content-Type must be application\/json/,
    ],
    [
      'an event over the entry limit',
      () => send(tooBig),
      413,
      'payload_too_large',
      /limit is 262144 bytes/,
    ],
    ['an empty batch', () => sendBatch({ events: [] }), 400, 'empty_batch', /at least one event/],
    [
      'a batch of 101 events',
      () => sendBatch({ events: Array.from({ length: 101 }, () => ({ type: 'a.b', data: {} })) }),
      413,
      'payload_too_large',
      /at most 100 events \(got 101\)/,
    ],
    [
      'a batch without events',
      () => sendBatch({ items: [] }),
      400,
      'validation_error',
      /events: is required/,
    ],
    [
      'a batch with one bad event',
      () => sendBatch({ events: [{ type: 'a.b', data: {} }, { type: 'a.b' }] }),
      400,
      'validation_error',
      /^events\[1\]\.data: is required/,
    ],
    [
      'a batch with one event over the limit',
      () => sendBatch({ events: [{ type: 'a.b', data: {} }, tooBig] }),
      413,
      'payload_too_large',
      /^events\[1\]: the event is \d+ bytes/,
    ],
    [
      'an Idempotency-Key over 255 characters',
      () => send({ type: 'a.b', data: {} }, { headers: { 'Idempotency-Key': 'k'.repeat(256) } }),
      400,
      'validation_error',
      /Idempotency-Key: must be 1 to 255/,
    ],
  ];

  it.each(cases)('%s', async (_name, request, status, code, message) => {
    const response = await request();
    expect(response.status).toBe(status);
    expect(response.body.error.code).toBe(code);
    expect(response.body.error.message).toMatch(message);
    expect(await bus.drain()).toHaveLength(0);
  });

  it('lists every invalid event of a batch', async () => {
    const response = await sendBatch({
      events: [
        { type: 'ok', data: {} },
        { type: '', data: {} },
        { type: 'ok', data: null },
      ],
    });
    expect(response.status).toBe(400);
    expect(response.body.error.details).toEqual([
      { field: 'events[1].type', message: 'must not be empty' },
      { field: 'events[2].data', message: 'must be a JSON object' },
    ]);
  });

  it('answers 404 on a route it does not serve', async () => {
    const response = await call('POST /v1/nothing', { body: {} });
    expect(response.status).toBe(404);
    expect(response.body.error.code).toBe('not_found');
  });
});
