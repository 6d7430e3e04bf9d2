import { describe, expect, expectTypeOf, it } from 'vitest';
import type { z } from 'zod';
import type { DeliveryAttempt } from '../../../shared/delivery/attempt-log.js';
import { newSigningSecret } from '../../../shared/delivery/signing.js';
import {
  type ApiError,
  ConflictError,
  NotFoundError,
  PayloadTooLargeError,
  UnprocessableError,
  ValidationError,
} from '../../../shared/errors.js';
import type { EventPublisher } from '../../../shared/events/event-publisher.js';
import { type IngestResult, ingestEvents } from '../../../shared/events/ingest-events.js';
import { errorResponse } from '../../../shared/http/api-gateway.js';
import { buildOpenApiDocument } from '../../../shared/http/openapi.js';
import {
  newSubscriptionId,
  type Subscription,
  type SubscriptionView,
  toView,
} from '../../../shared/subscriptions/subscription.js';
import type {
  batchResultSchema,
  deliveryAttemptSchema,
  secretViewSchema,
  subscriptionViewSchema,
} from '../../../shared/subscriptions/subscription-responses.js';
import type { SecretView } from '../../../shared/subscriptions/subscription-service.js';
import { type OpenApiDocument, openApiValidator } from '../../support/openapi-validator.js';

const { validateResponse, assertResponse } = openApiValidator(
  buildOpenApiDocument('test') as OpenApiDocument,
);

const at = '2024-06-01T12:34:56.789Z';
const stored: Subscription = {
  id: newSubscriptionId(),
  url: 'https://hooks.example.test/webhooks',
  eventTypes: ['order.created', 'invoice.*'],
  filter: { amount: [{ numeric: ['>', 100] }] },
  description: 'orders to the ERP',
  metadata: { team: 'erp' },
  headers: { 'X-Team': 'erp' },
  maxConcurrency: 5,
  retrySchedule: [1, 2, 3],
  status: 'failed',
  statusReason: 'ResourceNotFoundException: bus missing',
  secrets: [{ secret: newSigningSecret(), createdAt: at }],
  resources: {
    queueName: 'hookbridge-sub_x',
    queueUrl: 'http://localhost/q',
    deadLetterQueueName: 'hookbridge-sub_x-dlq',
    ruleName: 'hookbridge-sub_x',
    mappingId: 'm-1',
  },
  failingSince: at,
  createdAt: at,
  updatedAt: at,
  version: 3,
};

describe('response schemas describe what the code answers', () => {
  it('a subscription view, as every subscription route shows it', () => {
    const view = toView(stored);
    assertResponse('GET', '/v1/subscriptions/{id}', 200, view);
    assertResponse('PATCH', '/v1/subscriptions/{id}', 200, view);
    assertResponse('DELETE', '/v1/subscriptions/{id}', 202, view);
    assertResponse('GET', '/v1/subscriptions', 200, { data: [view], nextCursor: 'eyJpZCI6MX0' });
    const { id, url, eventTypes, maxConcurrency, retrySchedule, status, createdAt, updatedAt } =
      stored;
    const minimal = {
      id,
      url,
      eventTypes,
      maxConcurrency,
      retrySchedule,
      status,
      createdAt,
      updatedAt,
    };
    assertResponse('GET', '/v1/subscriptions/{id}', 200, minimal);
  });

  it('a created subscription carries its secret, of any allowed length', () => {
    for (const bytes of [24, 32, 64]) {
      assertResponse('POST', '/v1/subscriptions', 201, {
        ...toView(stored),
        secret: newSigningSecret(bytes),
      });
    }
  });

  it('refuses a view that leaks what the API must not show', () => {
    const leaked = { ...toView(stored), secrets: stored.secrets, version: 3 };
    expect(validateResponse('GET', '/v1/subscriptions/{id}', 200, leaked)).toEqual([
      'GET /v1/subscriptions/{id} → 200: (body) must NOT have additional properties ("secrets")',
      'GET /v1/subscriptions/{id} → 200: (body) must NOT have additional properties ("version")',
    ]);
    expect(
      validateResponse('GET', '/v1/subscriptions/{id}', 200, { ...toView(stored), status: 'gone' }),
    ).toEqual([
      'GET /v1/subscriptions/{id} → 200: /status must be equal to one of the allowed values',
    ]);
  });

  it('a delivery attempt, as the attempt log lists it', () => {
    const attempt: DeliveryAttempt = {
      subscriptionId: stored.id,
      eventId: 'evt_01JD5Z8Q4X9V2M7K3T6N0R1B8C',
      eventType: 'order.created',
      attempt: 2,
      attemptedAt: at,
      result: 'failed',
      final: false,
      statusCode: 503,
      durationMs: 120,
      error: 'HTTP 503',
      responseBody: 'busy',
      nextAttemptAt: at,
    };
    // An attempt logged before requests were kept, and one with its request.
    const withRequest: DeliveryAttempt = {
      ...attempt,
      result: 'delivered',
      final: true,
      statusCode: 200,
      requestUrl: 'https://example.com/hooks',
      requestHeaders: [
        { name: 'webhook-id', value: attempt.eventId },
        { name: 'content-type', value: 'application/json' },
      ],
      requestHeadersTruncated: true,
      requestBodyBytes: 321,
    };
    assertResponse('GET', '/v1/subscriptions/{id}/deliveries', 200, {
      data: [attempt, withRequest],
      nextCursor: 'ZXZ0XzAxIzAy',
      eventRetentionDays: 7,
    });
  });

  it('ingest results, accepted and partly failed', async () => {
    const flaky: EventPublisher = {
      publish: async (entries) =>
        entries.map((_, i) =>
          i === 1 ? { ok: false, code: 'InternalFailure', message: 'try later' } : { ok: true },
        ),
    };
    const settings = { source: 'hookbridge', busName: 'bus', maxEntryBytes: 262_144 };
    const events = [0, 1, 2].map((i) => ({ type: 'order.created', data: { i } }));
    const results = await ingestEvents(events, flaky, settings, { batch: true });

    expect(results.map((r) => r.status)).toEqual(['accepted', 'failed', 'accepted']);
    assertResponse('POST', '/v1/events/batch', 207, { events: results });
    assertResponse('POST', '/v1/events/batch', 202, { events: [results[0]] });
    assertResponse('POST', '/v1/events', 202, { id: results[0]?.id });
  });

  it('error bodies, with and without details', () => {
    const body = (error: ApiError) => JSON.parse(errorResponse(error).body ?? '');
    const invalid = new ValidationError('type: is required', [
      { field: 'type', message: 'is required' },
    ]);
    assertResponse('POST', '/v1/events', 400, body(invalid));
    assertResponse('POST', '/v1/events', 413, body(new PayloadTooLargeError('too big')));
    assertResponse('GET', '/v1/subscriptions/{id}', 404, body(new NotFoundError('nope')));
    assertResponse('PATCH', '/v1/subscriptions/{id}', 409, body(new ConflictError('x', 'y')));
    assertResponse('POST', '/v1/subscriptions', 422, body(new UnprocessableError('x', 'y')));
    // The generic answer of apiErrorHandler, through components/responses.
    const internal = { error: { code: 'internal_error', message: 'internal error' } };
    assertResponse('DELETE', '/v1/subscriptions/{id}', 500, internal);
    assertResponse('POST', '/v1/events', 403, { message: 'Forbidden' });
  });

  it('have the types the code produces, with no field left out', () => {
    type View = z.output<typeof subscriptionViewSchema>;
    expectTypeOf<View>().toExtend<SubscriptionView>();
    // A field added to Subscription shows up in every view: the schema must name it too.
    expectTypeOf<keyof View>().toEqualTypeOf<keyof SubscriptionView>();
    type Attempt = z.output<typeof deliveryAttemptSchema>;
    expectTypeOf<Attempt>().toExtend<DeliveryAttempt>();
    expectTypeOf<keyof Attempt>().toEqualTypeOf<keyof DeliveryAttempt>();
    expectTypeOf<z.output<typeof secretViewSchema>>().toExtend<SecretView>();
    expectTypeOf<IngestResult>().toExtend<z.output<typeof batchResultSchema>['events'][number]>();
  });
});

describe('validateResponse', () => {
  it('reports a status the operation does not document', () => {
    expect(validateResponse('GET', '/v1/subscriptions/{id}', 418, {})).toEqual([
      'GET /v1/subscriptions/{id} → 418: status 418 is not documented (documented: 200, 401, 403, 404, 429, 500)',
    ]);
  });

  it('reports a body where none is documented, and a missing one', () => {
    expect(validateResponse('DELETE', '/v1/subscriptions/{id}', 204, undefined)).toEqual([]);
    expect(validateResponse('DELETE', '/v1/subscriptions/{id}', 204, {})).toEqual([
      'DELETE /v1/subscriptions/{id} → 204: documented without a body, but one came',
    ]);
    expect(validateResponse('POST', '/v1/events', 202, undefined)).toEqual([
      'POST /v1/events → 202: a JSON body is documented, none came',
    ]);
  });

  it('throws with every problem and the body', () => {
    expect(() => assertResponse('POST', '/v1/events', 202, { id: 'evt_bad' })).toThrow(
      /POST \/v1\/events → 202: \/id must match pattern[\s\S]*body: \{"id":"evt_bad"\}/,
    );
  });

  it('throws on an operation the document lacks', () => {
    expect(() => validateResponse('PUT', '/v1/events', 200, {})).toThrow(
      'openapi.json has no operation PUT /v1/events',
    );
  });
});
