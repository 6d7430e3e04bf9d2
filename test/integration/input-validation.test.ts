import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { localResourceNames } from '../../infra/base-resources.js';
import { createBaseResources } from '../../local/base-resources.js';
import { startHttpGateway } from '../../local/http-gateway.js';
import { awsClientConfig } from '../../shared/aws/client-config.js';
import type { ApiError } from '../../shared/errors.js';
import { errorResponse, jsonResponse, readJsonBody } from '../../shared/http/api-gateway.js';
import { MAX_BODY_DEPTH } from '../../shared/http/strict-json.js';
import { MAX_FIELD_DEPTH } from '../../shared/json-depth.js';
import {
  apiGatewayEvent,
  lambdaContext,
  type RequestOptions,
} from '../support/api-gateway-event.js';
import { captureBus } from '../support/bus-capture.js';
import { managementHarness } from '../support/management-harness.js';

// Every case here answered 500 (a DynamoDB or EventBridge write failing), 503, or delivered
// something other than what was sent before the input hardening of issue 11.

type Handler = typeof import('../../functions/ingest/handler.js').handler;
let ingest: Handler;
let bus: Awaited<ReturnType<typeof captureBus>>;
let h: ReturnType<typeof managementHarness>;
const hook = 'https://hooks.example.test/webhooks';

beforeAll(async () => {
  await createBaseResources(awsClientConfig());
  bus = await captureBus(localResourceNames.eventBus);
  ({ handler: ingest } = await import('../../functions/ingest/handler.js'));
  h = managementHarness();
});

beforeEach(async () => {
  await bus.drain();
});

afterEach(() => {
  vi.restoreAllMocks();
});

async function call(routeKey: string, options: RequestOptions = {}) {
  const response = await ingest(apiGatewayEvent(routeKey, options), lambdaContext());
  return { status: response.statusCode, body: JSON.parse(response.body ?? 'null') };
}

const send = (body: unknown, options: Omit<RequestOptions, 'body'> = {}) =>
  call('POST /v1/events', { ...options, body });
const sendBatch = (body: unknown) => call('POST /v1/events/batch', { body });
const fields = (response: { body: { error?: { details?: { field: string }[] } } }) =>
  response.body.error?.details?.map((d) => d.field);

/** `levels` levels of `{"k": …}` around a leaf, as JSON text. */
const deepText = (levels: number) =>
  `${'{"k":'.repeat(levels - 1)}{"k":1}${'}'.repeat(levels - 1)}`;

describe('ingest refuses what it could not publish or deliver exactly, with a 400 naming the path', () => {
  it.each([
    ['a lone surrogate in data', '{"type":"a","data":{"s":"x\\ud800"}}', 'data.s'],
    ['a lone surrogate in a data key', '{"type":"a","data":{"\\udfff":1}}', 'data.\ufffd'],
    [
      'a lone surrogate deep in data',
      '{"type":"a","data":{"l":[0,{"t":"\\udc00"}]}}',
      'data.l[1].t',
    ],
    ['a lone surrogate in type', '{"type":"a\\ud800","data":{}}', 'type'],
    [
      '__proto__ in data',
      '{"type":"a","data":{"__proto__":{"admin":true},"k":1}}',
      'data.__proto__',
    ],
    ['__proto__ deep in data', '{"type":"a","data":{"x":{"__proto__":[]}}}', 'data.x.__proto__'],
    ['1e400 (delivered as null)', '{"type":"a","data":{"n":1e400}}', 'data.n'],
    ['2^53 + 1 (delivered as 2^53)', '{"type":"a","data":{"id":9007199254740993}}', 'data.id'],
    ['a 20-digit integer', '{"type":"a","data":{"id":[12345678901234567890]}}', 'data.id[0]'],
    ['1e-400 (delivered as 0)', '{"type":"a","data":{"n":1e-400}}', 'data.n'],
    ['a key twice (the first was dropped)', '{"type":"a","data":{"k":1,"k":2}}', 'data.k'],
    ['type twice', '{"type":"a","data":{},"type":"b"}', 'type'],
  ])('single: %s', async (_, text, field) => {
    const response = await send(text);
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe('validation_error');
    expect(fields(response)).toEqual([field]);
    expect(await bus.drain()).toHaveLength(0);
  });

  it('batch: names events[i] and publishes none of the batch', async () => {
    const response = await sendBatch(
      `{"events":[{"type":"a","data":{}},{"type":"b","data":{"n":1e400,"s":"\\ud800"}}]}`,
    );
    expect(response.status).toBe(400);
    expect(fields(response)).toEqual(['events[1].data.n', 'events[1].data.s']);
    expect(await bus.drain()).toHaveLength(0);
  });

  it.each([1_000, 3_000, 10_000, 200_000])(
    'data nested %i levels deep is a 400 (it was a 503 or a 500)',
    async (levels) => {
      for (const response of [
        await send(`{"type":"a","data":${deepText(levels)}}`),
        await sendBatch(`{"events":[{"type":"a","data":${deepText(levels)}}]}`),
      ]) {
        expect(response.status).toBe(400);
        expect(response.body.error.message).toContain(`${MAX_BODY_DEPTH} levels`);
      }
      expect(await bus.drain()).toHaveLength(0);
    },
  );

  it(`data ${MAX_FIELD_DEPTH + 1} levels deep is refused naming data; ${MAX_FIELD_DEPTH} is delivered whole`, async () => {
    const tooDeep = await sendBatch(
      `{"events":[{"type":"a","data":{}},{"type":"a","data":${deepText(MAX_FIELD_DEPTH + 1)}}]}`,
    );
    expect(tooDeep.status).toBe(400);
    expect(fields(tooDeep)).toEqual(['events[1].data']);

    const ok = await send(`{"type":"a","data":${deepText(MAX_FIELD_DEPTH)}}`);
    expect(ok.status).toBe(202);
    const [event] = await bus.drain();
    expect(event?.detail.data).toEqual(JSON.parse(deepText(MAX_FIELD_DEPTH)));
  });

  it('delivers exactly what it accepted: edge numbers, astral characters, prototype-like keys', async () => {
    const text =
      '{"type":"a","data":{"max":9007199254740991,"min":-9007199254740991,"tenth":0.1,"big":1.7976931348623157e308,"tiny":5e-324,"e":"😀\\ud83d\\ude00","constructor":{"prototype":1},"toString":"x"}}';
    const response = await send(text);
    expect(response.status).toBe(202);
    const [event] = await bus.drain();
    expect(event?.detail.data).toEqual({
      max: 9007199254740991,
      min: -9007199254740991,
      tenth: 0.1,
      big: 1.7976931348623157e308,
      tiny: 5e-324,
      e: '😀😀',
      constructor: { prototype: 1 },
      toString: 'x',
    });
  });

  it('refuses an Idempotency-Key that is not well-formed, naming it', async () => {
    const response = await send(
      { type: 'a', data: {} },
      { headers: { 'Idempotency-Key': 'k\ud800' } },
    );
    expect(response.status).toBe(400);
    expect(fields(response)).toEqual(['Idempotency-Key']);
    expect(await bus.drain()).toHaveLength(0);
  });
});

describe('ingest answers 4xx, not 503, when EventBridge rejects an event for good', () => {
  /** EventBridge answering every entry with this per-entry error code. */
  function entriesFailWith(code: string) {
    return vi.spyOn(EventBridgeClient.prototype, 'send').mockImplementation((async (command: {
      input: { Entries?: unknown[] };
    }) => ({
      FailedEntryCount: command.input.Entries?.length ?? 0,
      Entries: (command.input.Entries ?? []).map(() => ({
        ErrorCode: code,
        ErrorMessage: 'nope',
      })),
    })) as never);
  }

  it.each(['MalformedDetail', 'InvalidArgument'])('single event: %s is a 422', async (code) => {
    entriesFailWith(code);
    const response = await send({ type: 'a', data: {} });
    expect(response.status).toBe(422);
    expect(response.body.error.code).toBe('event_rejected');
    expect(response.body.error.message).toContain(code);
  });

  it('single event: throttling is still a 503, safe to retry', async () => {
    entriesFailWith('ThrottlingException');
    const response = await send({ type: 'a', data: {} });
    expect(response.status).toBe(503);
    expect(response.body.error.code).toBe('publish_failed');
  });

  it('batch: every event rejected is a 422 naming each; rejected and throttled is a 207', async () => {
    entriesFailWith('MalformedDetail');
    const rejected = await sendBatch({
      events: [
        { type: 'a', data: {} },
        { type: 'b', data: {} },
      ],
    });
    expect(rejected.status).toBe(422);
    expect(fields(rejected)).toEqual(['events[0]', 'events[1]']);

    let call = 0;
    vi.spyOn(EventBridgeClient.prototype, 'send').mockImplementation((async () => {
      call++;
      return {
        FailedEntryCount: 2,
        Entries: [
          { ErrorCode: 'MalformedDetail', ErrorMessage: 'nope' },
          { ErrorCode: 'ThrottlingException', ErrorMessage: 'slow down' },
        ].map((e) => (call === 1 ? e : { ErrorCode: 'ThrottlingException', ErrorMessage: 'x' })),
      };
    }) as never);
    const mixed = await sendBatch({
      events: [
        { type: 'a', data: {} },
        { type: 'b', data: {} },
      ],
    });
    expect(mixed.status).toBe(207);
    expect(mixed.body.events.map((e: { error: { code: string } }) => e.error.code)).toEqual([
      'event_rejected',
      'publish_failed',
    ]);
  });
});

describe('management refuses bad strings and headers with a 400, storing nothing', () => {
  const valid = { url: hook, eventTypes: ['order.created'] };
  const lone = '\ud800';

  it.each([
    ['url', { ...valid, url: `${hook}/${lone}` }, 'url'],
    ['description', { ...valid, description: `a${lone}` }, 'description'],
    ['a metadata value', { ...valid, metadata: { team: `x${lone}` } }, 'metadata.team'],
    ['a metadata key', { ...valid, metadata: { [`k${lone}`]: 'v' } }, 'metadata.k\ufffd'],
    ['a header value', { ...valid, headers: { 'X-A': `v${lone}` } }, 'headers.X-A'],
    ['an event type', { ...valid, eventTypes: [`a${'\udc00'}`] }, 'eventTypes[0]'],
    ['a filter value', { ...valid, filter: { k: [`v${lone}`] } }, 'filter.k[0]'],
  ])('a lone surrogate in %s (it was a 500 from DynamoDB)', async (_, body, field) => {
    const before = (await h.store.all()).length;
    const response = await h.call('POST /v1/subscriptions', { body });
    expect(response.status).toBe(400);
    expect(response.body.error.details.map((d: { field: string }) => d.field)).toEqual([field]);
    expect((await h.store.all()).length).toBe(before);
  });

  it.each([
    ['a control character', 'a\u0001b'],
    ['DEL', 'a\u007fb'],
    ['non-ASCII', 'caf\u00e9'],
    ['a trailing space', 'token '],
  ])('a header value with %s, at create and at PATCH', async (_, value) => {
    const before = (await h.store.all()).length;
    const created = await h.call('POST /v1/subscriptions', {
      body: { ...valid, headers: { 'X-Custom': value } },
    });
    expect(created.status).toBe(400);
    expect(created.body.error.details).toEqual([
      { field: 'headers', message: expect.stringContaining('"X-Custom"') },
    ]);
    expect((await h.store.all()).length).toBe(before);

    const sub = await h.call('POST /v1/subscriptions', { body: valid });
    expect(sub.status).toBe(201);
    const patched = await h.call('PATCH /v1/subscriptions/{id}', {
      id: sub.body.id,
      body: { headers: { 'X-Custom': value } },
    });
    expect(patched.status).toBe(400);
    const stored = await h.call('GET /v1/subscriptions/{id}', { id: sub.body.id });
    expect(stored.body.headers).toBeUndefined();
  });

  it('__proto__ in metadata or a PATCH is refused, not dropped', async () => {
    const created = await h.call('POST /v1/subscriptions', {
      body: `{"url":"${hook}","eventTypes":["a"],"metadata":{"__proto__":{"x":"y"},"team":"erp"}}`,
    });
    expect(created.status).toBe(400);
    expect(created.body.error.details.map((d: { field: string }) => d.field)).toEqual([
      'metadata.__proto__',
    ]);
    const sub = await h.call('POST /v1/subscriptions', { body: valid });
    const patched = await h.call('PATCH /v1/subscriptions/{id}', {
      id: sub.body.id,
      body: '{"description":"d","__proto__":{"status":"paused"}}',
    });
    expect(patched.status).toBe(400);
    expect(patched.body.error.details.map((d: { field: string }) => d.field)).toEqual([
      '__proto__',
    ]);
  });

  it('a metadata key written twice is refused, not stored with the last value', async () => {
    const response = await h.call('POST /v1/subscriptions', {
      body: `{"url":"${hook}","eventTypes":["a"],"metadata":{"team":"a","team":"b"}}`,
    });
    expect(response.status).toBe(400);
    expect(response.body.error.details.map((d: { field: string }) => d.field)).toEqual([
      'metadata.team',
    ]);
  });

  it('a filter nested 10,000 levels deep is a 400', async () => {
    const response = await h.call('POST /v1/subscriptions', {
      body: `{"url":"${hook}","eventTypes":["a"],"filter":${deepText(10_000)}}`,
    });
    expect(response.status).toBe(400);
  });

  it('an unknown query parameter is named, and a bad cursor string is a 400', async () => {
    const unknown = await h.call('GET /v1/subscriptions', { query: { limit: '5', colour: 'red' } });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.details).toEqual([
      { field: 'colour', message: 'unknown query parameter' },
    ]);
    const sub = await h.call('POST /v1/subscriptions', { body: valid });
    const deliveries = await h.call('GET /v1/subscriptions/{id}/deliveries', {
      id: sub.body.id,
      query: { cursor: `c${lone}` },
    });
    expect(deliveries.status).toBe(400);
    expect(deliveries.body.error.details).toEqual([
      { field: 'cursor', message: 'is not well-formed Unicode' },
    ]);
  });

  it.each([
    ['an empty id', '{"id":""}'],
    ['an id with a lone surrogate', '{"id":"\\ud800"}'],
    ['an id that is no subscription id', `{"id":"${'x'.repeat(3000)}"}`],
  ])(
    'a list cursor holding %s is a 400 invalid_cursor (DynamoDB refuses such a start key)',
    async (_, key) => {
      const cursor = Buffer.from(key).toString('base64url');
      const response = await h.call('GET /v1/subscriptions', { query: { cursor } });
      expect(response.status).toBe(400);
      expect(response.body.error.code).toBe('invalid_cursor');
    },
  );
});

describe('the local gateway', () => {
  it('passes a body that is not UTF-8 on as bytes, so the handler answers 400 invalid_json', async () => {
    const gateway = await startHttpGateway(
      [
        {
          routeKey: 'POST /echo',
          handler: async (event) => {
            try {
              return jsonResponse(200, readJsonBody(event));
            } catch (error) {
              return errorResponse(error as ApiError);
            }
          },
        },
      ],
      { port: 0 },
    );
    try {
      const post = (bytes: Buffer) =>
        fetch(`${gateway.url}/echo`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: bytes,
        });
      const bad = await post(Buffer.from([0x7b, 0x22, 0x73, 0x22, 0x3a, 0x22, 0xff, 0x22, 0x7d]));
      expect(bad.status).toBe(400);
      expect(((await bad.json()) as { error: { code: string } }).error.code).toBe('invalid_json');
      const good = await post(Buffer.from('{"s":"Grüße 😀"}'));
      expect(await good.json()).toEqual({ s: 'Grüße 😀' });
    } finally {
      await gateway.close();
    }
  });
});
