import * as z from 'zod';
import { ATTEMPT_RESULTS } from '../delivery/attempt-log.js';
import {
  DELIVERY_STATES,
  MAX_ATTEMPTS_SHOWN,
  MAX_DESTINATIONS,
} from '../events/event-destinations.js';
import { LIST_READ_BUDGET } from '../events/event-list.js';
import { eventListQuerySchema, tenantEventListQuerySchema } from '../events/event-queries.js';

/**
 * The message API's part of the OpenAPI document: `GET /v1/events`, one event with its
 * deliveries, the tenant views, and resend. Spread into the paths by openapi-paths.ts; the
 * `/v1/events` path item is merged with the ingest route already there.
 */

type JsonSchema = Record<string, unknown>;

function inline(schema: z.core.$ZodType, io: 'input' | 'output' = 'output'): JsonSchema {
  const { $schema: _schema, ...rest } = z.toJSONSchema(schema, {
    target: 'draft-2020-12',
    io,
  }) as JsonSchema;
  return rest;
}

const summaryShape = {
  id: z.string().describe('The event id (`evt_…`), its `webhook-id` on every delivery.'),
  type: z.string(),
  tenantId: z
    .string()
    .optional()
    .describe('The tenant it was for, or `*` (broadcast); absent for an event without a tenant.'),
  timestamp: z.string().describe('When it was accepted (ISO 8601).'),
};

const eventPageSchema = z.object({
  data: z.array(z.object(summaryShape)).describe('Newest first.'),
  nextCursor: z
    .string()
    .optional()
    .describe('Present when more may follow (the next page may be empty).'),
});

const attemptViewSchema = z.object({
  attempt: z.number().int(),
  attemptedAt: z.string(),
  result: z.enum(ATTEMPT_RESULTS),
  final: z.boolean(),
  statusCode: z.number().int().optional(),
  durationMs: z.number(),
  error: z.string().optional(),
  nextAttemptAt: z.string().optional(),
});

const eventViewSchema = z.object({
  ...summaryShape,
  payloadRetained: z
    .boolean()
    .describe('False when the event was too large for the store to keep its payload.'),
  data: z
    .record(z.string(), z.unknown())
    .optional()
    .describe('The data as delivered; absent when the payload was not retained.'),
  deliveries: z
    .array(
      z.object({
        subscriptionId: z.string(),
        tenantId: z.string().optional(),
        state: z.enum(DELIVERY_STATES),
        attempts: z
          .array(attemptViewSchema)
          .describe(`Oldest first; at most the newest ${MAX_ATTEMPTS_SHOWN}.`),
        attemptsTruncated: z.boolean().optional(),
      }),
    )
    .describe(`At most ${MAX_DESTINATIONS}, by subscription id.`),
  destinationsTruncated: z.boolean(),
});

const resendAcceptedSchema = z.object({ eventId: z.string(), subscriptionId: z.string() });

const errorRef = { $ref: '#/components/schemas/Error' };
const failure = (description: string) => ({
  description,
  content: { 'application/json': { schema: errorRef } },
});
const ok = (schema: z.core.$ZodType, description: string) => ({
  description,
  content: { 'application/json': { schema: inline(schema) } },
});
const ANY_ROUTE = {
  '403': { $ref: '#/components/responses/Forbidden' },
  '429': { $ref: '#/components/responses/Throttled' },
  '500': { $ref: '#/components/responses/InternalError' },
};
const TENANT = { $ref: '#/components/parameters/TenantId' };
const SUBSCRIPTION = { $ref: '#/components/parameters/SubscriptionId' };
const EVENT_ID = {
  name: 'eventId',
  in: 'path',
  required: true,
  description: 'The event id (`evt_…`); any other value is a 404.',
  schema: { type: 'string' },
};

const LIST_DESCRIPTIONS: Record<string, string> = {
  type: 'Only events of this type, or of every type under a prefix with `prefix.*`.',
  from: 'Only events accepted at or after this time (ISO 8601). Default: now minus the retention.',
  to: 'Only events accepted at or before this time (ISO 8601). Default: now.',
  limit: 'At most this many events in the page (1-100, default 50).',
  cursor: 'The `nextCursor` of the previous page.',
  tenantId:
    'Only the events of one tenant; `*` for broadcasts, `-` for events without a tenant. Without it, every event.',
};

function listParameters(schema: z.core.$ZodType): JsonSchema[] {
  const json = inline(schema, 'input');
  return Object.entries(json.properties as Record<string, JsonSchema>).map(([name, property]) => {
    const description = LIST_DESCRIPTIONS[name];
    if (!description) throw new Error(`OpenAPI: describe the query parameter ${name}`);
    return { name, in: 'query', required: false, description, schema: property };
  });
}

const DISABLED_404 = '`event_store_disabled`: the message store is off (retention 0).';
const LIST_400 = failure(
  'A query parameter is invalid or unknown (`validation_error`), or `cursor` is not one this API returned (`invalid_cursor`).',
);
const LIST_DESCRIPTION = `Stored events, newest first, as summaries (no data). Each request reads at most ${LIST_READ_BUDGET} index pages: with a narrow \`type\` over a long range, a page can come back short, even empty, with a \`nextCursor\` to go on.`;

function resend(tenant: boolean) {
  return {
    post: {
      operationId: tenant ? 'tenantResendEvent' : 'resendEvent',
      tags: [tenant ? 'Tenants' : 'Messages'],
      summary: 'Resend a stored event to this subscription',
      description:
        'Queues the stored event for this subscription alone. It is signed afresh (new timestamp and signature, the same `webhook-id`) and logged as a further attempt, even when it was delivered before.',
      parameters: tenant ? [TENANT, SUBSCRIPTION] : [SUBSCRIPTION],
      requestBody: {
        required: true,
        description: 'The event to resend. Sent as `application/json`.',
        content: { 'application/json': { schema: { $ref: '#/components/schemas/ResendRequest' } } },
      },
      responses: {
        '202': ok(resendAcceptedSchema, 'Queued.'),
        '400': failure(
          'The body is not JSON (`invalid_json`) or `eventId` is invalid (`validation_error`).',
        ),
        '404': failure(
          `No ${tenant ? 'subscription of this tenant' : 'subscription'} has this id, or no stored event this subscription may receive has this event id (\`not_found\`): an event of another tenant answers exactly as a missing one.`,
        ),
        '409': failure(
          '`subscription_not_ready`: the subscription has no lane; `payload_not_retained`: the event was stored without its payload; `event_store_disabled`: the store is off; `event_too_large_to_resend`: the event exceeds what an SQS message can hold.',
        ),
        '415': failure('The Content-Type is not JSON (`unsupported_media_type`).'),
        ...ANY_ROUTE,
      },
    },
  };
}

/** The message API's path items. */
export function eventPaths(): Record<string, Record<string, unknown>> {
  return {
    '/v1/events': {
      get: {
        operationId: 'listEvents',
        tags: ['Messages'],
        summary: 'List stored events',
        description: LIST_DESCRIPTION,
        parameters: listParameters(eventListQuerySchema),
        responses: {
          '200': ok(eventPageSchema, 'A page of events.'),
          '400': LIST_400,
          '404': failure(DISABLED_404),
          ...ANY_ROUTE,
        },
      },
    },
    '/v1/events/{eventId}': {
      get: {
        operationId: 'getEvent',
        tags: ['Messages'],
        summary: 'Get a stored event and where it went',
        description:
          'The event and, per subscription it was routed to, the delivery state and attempts. Routed to: a subscription whose rule (its current types, filter and tenant) matches the event and that existed when it was published; others appear only if they have attempts for it.',
        parameters: [EVENT_ID],
        responses: {
          '200': ok(eventViewSchema, 'The event.'),
          '404': failure(`No stored event has this id (\`not_found\`), or ${DISABLED_404}`),
          ...ANY_ROUTE,
        },
      },
    },
    '/v1/tenants/{tenantId}/events': {
      get: {
        operationId: 'listTenantEvents',
        tags: ['Tenants'],
        summary: "List a tenant's stored events",
        description: `${LIST_DESCRIPTION} Only the tenant's own events and broadcasts.`,
        parameters: [TENANT, ...listParameters(tenantEventListQuerySchema)],
        responses: {
          '200': ok(eventPageSchema, 'A page of events.'),
          '400': LIST_400,
          '404': failure(`No tenant has this id (\`not_found\`), or ${DISABLED_404}`),
          ...ANY_ROUTE,
        },
      },
    },
    '/v1/tenants/{tenantId}/events/{eventId}': {
      get: {
        operationId: 'getTenantEvent',
        tags: ['Tenants'],
        summary: "Get one of a tenant's stored events",
        description:
          "The tenant's event (or a broadcast) with the deliveries to the tenant's own subscriptions only.",
        parameters: [TENANT, EVENT_ID],
        responses: {
          '200': ok(eventViewSchema, 'The event.'),
          '404': failure(
            `No tenant has this id, or no event of this tenant (or broadcast) has this id (\`not_found\`): another tenant's event answers exactly as a missing one; or ${DISABLED_404}`,
          ),
          ...ANY_ROUTE,
        },
      },
    },
    '/v1/subscriptions/{id}/resend': resend(false),
    '/v1/tenants/{tenantId}/subscriptions/{id}/resend': resend(true),
  };
}

/** `paths` with the message API's path items merged in (method by method). */
export function withEventPaths<T extends Record<string, object>>(paths: T): T {
  const merged: Record<string, object> = { ...paths };
  for (const [path, item] of Object.entries(eventPaths()))
    merged[path] = { ...merged[path], ...item };
  return merged as T;
}
