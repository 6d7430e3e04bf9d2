import * as z from 'zod';
import { MAX_ATTEMPTS, MAX_RETRY_DELAY_SECONDS } from '../delivery/retry-policy.js';
import { batchInputSchema, eventInputSchema, MAX_BATCH_EVENTS } from '../events/event-schema.js';
import { MAX_IDEMPOTENCY_KEY_LENGTH } from '../idempotency/idempotent-requests.js';
import {
  acceptedEventSchema,
  batchResultSchema,
  createdSubscriptionSchema,
  deliveryAttemptSchema,
  deliveryPageSchema,
  errorBodySchema,
  gatewayErrorSchema,
  redriveResultSchema,
  replayStartedSchema,
  SUBSCRIPTION_FIELD_DESCRIPTIONS,
  secretViewSchema,
  subscriptionPageSchema,
  subscriptionViewSchema,
} from '../subscriptions/subscription-responses.js';
import {
  createSubscriptionSchema,
  deliveriesQuerySchema,
  replaySchema,
  rotateSecretSchema,
  updateSubscriptionSchema,
} from '../subscriptions/subscription-schema.js';

type JsonSchema = Record<string, unknown>;

const INFO_DESCRIPTION = `Hookbridge is self-hosted webhook delivery for AWS. Producers send events to the ingest
routes; every subscription whose event types and filter match gets each event delivered by an
HTTP POST signed with the Standard Webhooks scheme, at least once, with retries over days and a
dead-letter queue per subscriber. Operators manage subscriptions with the \`/v1/subscriptions\`
routes.

Every route is authorized with AWS IAM: sign requests with Signature Version 4 (service
\`execute-api\`). Errors are JSON \`{"error": {"code", "message", "details"?}}\` with a stable
\`code\`; internal errors say \`internal_error\` and nothing more.`;

/**
 * Builds the OpenAPI 3.1 document of the whole HTTP API (ingest and management). Request
 * bodies are converted from the zod schemas the handlers validate with, response bodies from
 * the zod schemas of subscription-responses.ts, so the document cannot drift from the code
 * without a test noticing; `version` is the package version it describes.
 */
export function buildOpenApiDocument(version: string): object {
  return {
    openapi: '3.1.0',
    info: {
      title: 'Hookbridge',
      summary: 'Self-hosted webhook delivery for AWS: ingest events, manage subscriptions.',
      description: INFO_DESCRIPTION,
      version,
      license: { name: 'Apache-2.0', identifier: 'Apache-2.0' },
    },
    servers: [
      {
        url: 'https://{apiId}.execute-api.{region}.amazonaws.com',
        description:
          'The API Gateway endpoint of your deployment (a stack output of `cdk deploy`).',
        variables: {
          apiId: { default: 'abcdef1234', description: 'The HTTP API id.' },
          region: { default: 'us-east-1', description: 'The AWS region of the stack.' },
        },
      },
    ],
    tags: [
      { name: 'Events', description: 'Ingest: what producers send.' },
      { name: 'Subscriptions', description: 'Management: who receives what, and how.' },
    ],
    security: [{ sigv4: [] }],
    paths: apiPaths(),
    components: {
      schemas: componentSchemas(),
      parameters: {
        IdempotencyKey: {
          name: 'Idempotency-Key',
          in: 'header',
          required: false,
          description:
            'The same key with the same body within the retention window (24 h by default) answers the first response and publishes nothing; with another body it is a 422. Keys of `/v1/events` and `/v1/events/batch` are separate.',
          schema: { type: 'string', minLength: 1, maxLength: MAX_IDEMPOTENCY_KEY_LENGTH },
        },
        SubscriptionId: {
          name: 'id',
          in: 'path',
          required: true,
          description: 'The subscription id (`sub_…`); any other value is a 404.',
          schema: { type: 'string' },
        },
      },
      responses: {
        Forbidden: {
          description:
            'API Gateway refused the request: it is not signed, or not by a principal allowed to call this route.',
          content: {
            'application/json': { schema: { $ref: '#/components/schemas/GatewayError' } },
          },
        },
        Throttled: {
          description: 'API Gateway throttled the request; retry with backoff.',
          content: {
            'application/json': { schema: { $ref: '#/components/schemas/GatewayError' } },
          },
        },
        InternalError: {
          description: 'An internal error (logged with context); the body says nothing more.',
          content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
        },
      },
      securitySchemes: {
        sigv4: {
          type: 'apiKey',
          in: 'header',
          name: 'Authorization',
          description:
            'AWS Signature Version 4 (IAM authorization on API Gateway, service `execute-api`).',
          'x-amazon-apigateway-authtype': 'awsSigv4',
        },
      },
    },
  };
}

/** Every component schema: requests as the handlers read them, responses as they write them. */
function componentSchemas(): Record<string, JsonSchema> {
  const requests = convert('input', {
    Event: eventInputSchema,
    EventBatch: batchInputSchema,
    CreateSubscriptionRequest: createSubscriptionSchema,
    UpdateSubscriptionRequest: updateSubscriptionSchema,
    RotateSecretRequest: rotateSecretSchema,
    ReplayRequest: replaySchema,
  });
  const responses = convert('output', {
    AcceptedEvent: acceptedEventSchema,
    BatchResult: batchResultSchema,
    Subscription: subscriptionViewSchema,
    CreatedSubscription: createdSubscriptionSchema,
    SubscriptionPage: subscriptionPageSchema,
    SecretView: secretViewSchema,
    DeliveryAttempt: deliveryAttemptSchema,
    DeliveryPage: deliveryPageSchema,
    RedriveResult: redriveResultSchema,
    ReplayStarted: replayStartedSchema,
    Error: errorBodySchema,
    GatewayError: gatewayErrorSchema,
  });
  const clash = Object.keys(requests).filter((id) => id in responses);
  if (clash.length > 0) throw new Error(`OpenAPI: schema ids used twice: ${clash.join(', ')}`);
  const schemas = { ...requests, ...responses };
  describeRequests(schemas);
  restateCodedRules(schemas);
  return schemas;
}

/**
 * Converts named zod schemas in one pass, so a schema that embeds another registered one
 * (the list page embeds the subscription) gets a `$ref` instead of a copy.
 */
function convert(
  io: 'input' | 'output',
  named: Record<string, z.ZodType>,
): Record<string, JsonSchema> {
  const registry = z.registry<{ id: string }>();
  for (const [id, schema] of Object.entries(named)) registry.add(schema, { id });
  const { schemas } = z.toJSONSchema(registry, {
    target: 'draft-2020-12',
    io,
    uri: (id) => `#/components/schemas/${id}`,
  });
  // `$schema` is implied by OpenAPI 3.1's dialect, and a fragment-only `$id` is not valid 2020-12.
  return Object.fromEntries(
    Object.entries(schemas).map(([id, { $schema: _dialect, $id: _id, ...schema }]) => [
      id,
      schema as JsonSchema,
    ]),
  );
}

function describeRequests(schemas: Record<string, JsonSchema>): void {
  const { status: _status, ...createFields } = SUBSCRIPTION_FIELD_DESCRIPTIONS;
  describeSchema(schemas, 'Event', 'One event.', {
    type: 'Dot-separated segments of letters, digits, `_` and `-`, 1–128 characters, e.g. `order.created`.',
    data: 'The payload, a JSON object; subscribers receive it as sent.',
  });
  describeSchema(schemas, 'EventBatch', 'Several events, published together.', {
    events: `1 to ${MAX_BATCH_EVENTS} events; more is a 413. One invalid event rejects the whole batch.`,
  });
  describeSchema(schemas, 'CreateSubscriptionRequest', 'A new subscription.', createFields);
  describeSchema(
    schemas,
    'UpdateSubscriptionRequest',
    'The fields to change, at least one; `null` removes an optional field.',
    {
      ...SUBSCRIPTION_FIELD_DESCRIPTIONS,
      status: '`active` or `paused`; pausing keeps the backlog queued.',
    },
  );
  describeSchema(schemas, 'RotateSecretRequest', 'Optional; the body may be omitted.', {
    gracePeriodSeconds: 'How long the previous secret keeps signing deliveries, 0 to 604800 s.',
  });
  describeSchema(schemas, 'ReplayRequest', 'A window of archived events, in the past.', {
    from: 'Start of the window (ISO 8601 with offset); before `to`.',
    to: 'End of the window (ISO 8601 with offset); not in the future.',
  });
}

/**
 * Query parameters from the zod schema a handler parses its query string with, one per
 * property; each needs a description here, so a new parameter cannot go undocumented.
 */
function queryParameters(schema: z.ZodType, descriptions: Record<string, string>): JsonSchema[] {
  const json = z.toJSONSchema(schema, { target: 'draft-2020-12', io: 'input' }) as JsonSchema;
  const required = (json.required as string[] | undefined) ?? [];
  return Object.entries(json.properties as Record<string, JsonSchema>).map(([name, schema]) => {
    const description = descriptions[name];
    if (!description) throw new Error(`OpenAPI: describe the query parameter ${name}`);
    return { name, in: 'query', required: required.includes(name), description, schema };
  });
}

/**
 * Rules the server checks in code (zod refinements, the batch parser) rather than in the zod
 * shapes, restated in JSON Schema from the same constants so clients see them too. The unit
 * tests compare the result against the zod schemas on sample bodies.
 */
function restateCodedRules(schemas: Record<string, JsonSchema>): void {
  const events = property(schemaOf(schemas, 'EventBatch'), 'events');
  Object.assign(events, {
    items: { $ref: '#/components/schemas/Event' },
    minItems: 1,
    maxItems: MAX_BATCH_EVENTS,
  });
  schemaOf(schemas, 'UpdateSubscriptionRequest').minProperties = 1;
  const withSchedule = [
    'CreateSubscriptionRequest',
    'UpdateSubscriptionRequest',
    'Subscription',
    'CreatedSubscription',
  ];
  for (const id of withSchedule) {
    Object.assign(property(schemaOf(schemas, id), 'retrySchedule'), {
      minItems: 1,
      maxItems: MAX_ATTEMPTS - 1,
      items: { type: 'integer', minimum: 0, maximum: MAX_RETRY_DELAY_SECONDS },
    });
  }
}

function describeSchema(
  schemas: Record<string, JsonSchema>,
  id: string,
  description: string,
  properties: Record<string, string>,
): void {
  const schema = schemaOf(schemas, id);
  schema.description = description;
  for (const [name, text] of Object.entries(properties)) property(schema, name).description = text;
}

function schemaOf(schemas: Record<string, JsonSchema>, id: string): JsonSchema {
  const schema = schemas[id];
  if (!schema) throw new Error(`OpenAPI: no component schema ${id}`);
  return schema;
}

/** A property's schema; throws when a zod schema lost the field, so no stale docs survive it. */
function property(schema: JsonSchema, name: string): JsonSchema {
  const found = (schema.properties as Record<string, JsonSchema> | undefined)?.[name];
  if (!found) throw new Error(`OpenAPI: the schema has no property ${name}`);
  return found;
}

const schemaRef = (id: string) => ({ $ref: `#/components/schemas/${id}` });
const json = (id: string) => ({ 'application/json': { schema: schemaRef(id) } });
const answer = (id: string, description: string) => ({ description, content: json(id) });
const failure = (description: string) => answer('Error', description);
const parameter = (id: string) => ({ $ref: `#/components/parameters/${id}` });
const requestBody = (id: string, description: string, required = true) => ({
  required,
  description: `${description} Sent as \`application/json\` (\`application/…+json\` is accepted too).`,
  content: json(id),
});

/** Answers any route can get: from API Gateway itself, or an internal error. */
const ANY_ROUTE = {
  '403': { $ref: '#/components/responses/Forbidden' },
  '429': { $ref: '#/components/responses/Throttled' },
  '500': { $ref: '#/components/responses/InternalError' },
};
const NOT_JSON = failure('The Content-Type is not JSON (`unsupported_media_type`).');
const NOT_FOUND = failure('No subscription has this id (`not_found`).');
const NOT_READY = failure(
  '`subscription_not_ready`: the subscription is provisioning, failed or deleting, so it has no lane to use.',
);
const VERSION_CONFLICT =
  '`version_conflict`: another request changed the subscription meanwhile; read it again and retry.';
const URL_REFUSED = failure(
  '`url_not_allowed`: the URL is not https, or resolves to an address the SSRF guard refuses.',
);

/** The ingest errors both event routes share. */
function ingestFailures(tooLarge: string) {
  return {
    '409': failure(
      '`idempotency_key_in_progress`: a request with this Idempotency-Key is still running; retry shortly.',
    ),
    '413': failure(`\`payload_too_large\`: ${tooLarge}`),
    '415': NOT_JSON,
    '422': failure(
      '`idempotency_key_reused`: this Idempotency-Key was used with another body; use a new key.',
    ),
    ...ANY_ROUTE,
  };
}

const ENTRY_LIMIT =
  'the EventBridge entry limit (256 KB unless the operator raised it); the message says the limit.';

function apiPaths() {
  const subscriptionId = [parameter('SubscriptionId')];
  return {
    '/v1/events': {
      post: {
        operationId: 'sendEvent',
        tags: ['Events'],
        summary: 'Send an event',
        description:
          'Accepts one event and publishes it for delivery to every matching subscription. Answers as soon as the event is on the bus; delivery happens afterwards.',
        parameters: [parameter('IdempotencyKey')],
        requestBody: requestBody('Event', 'The event.'),
        responses: {
          '202': answer('AcceptedEvent', 'Accepted: the event will be delivered.'),
          '400': failure(
            'The body is not JSON (`invalid_json`), the event is invalid or the Idempotency-Key is empty or too long (`validation_error`); `details` names each field.',
          ),
          ...ingestFailures(`the event is larger than ${ENTRY_LIMIT}`),
          '503': failure(
            '`publish_failed`: the event could not be published. Nothing was remembered under the Idempotency-Key: retrying is safe.',
          ),
        },
      },
    },
    '/v1/events/batch': {
      post: {
        operationId: 'sendEventBatch',
        tags: ['Events'],
        summary: 'Send several events',
        description: `Accepts 1 to ${MAX_BATCH_EVENTS} events. Every event is checked before any is published: one invalid event rejects the batch. The answer lists each event's id and fate, in order.`,
        parameters: [parameter('IdempotencyKey')],
        requestBody: requestBody('EventBatch', 'The events.'),
        responses: {
          '202': answer('BatchResult', 'Every event was accepted.'),
          '207': answer(
            'BatchResult',
            'Some events were accepted and some failed to publish; each failed one carries its error. Remembered under the Idempotency-Key, so a retry with it publishes nothing twice: send the failed events again with a new key.',
          ),
          '400': failure(
            'The body is not JSON (`invalid_json`), the batch is empty (`empty_batch`), an event is invalid or the Idempotency-Key is empty or too long (`validation_error`); `details` lists each bad field as `events[i].field`.',
          ),
          ...ingestFailures(
            `more than ${MAX_BATCH_EVENTS} events, or one of them larger than ${ENTRY_LIMIT}`,
          ),
          '503': failure(
            '`publish_failed`: none of the events could be published. Nothing was remembered under the Idempotency-Key: retrying is safe.',
          ),
        },
      },
    },
    '/v1/subscriptions': {
      post: {
        operationId: 'createSubscription',
        tags: ['Subscriptions'],
        summary: 'Create a subscription',
        description:
          'Creates the subscription and its delivery lane (queue, dead-letter queue, rule). If provisioning fails the subscription is still created, with status `failed`, and the reconciler retries.',
        requestBody: requestBody('CreateSubscriptionRequest', 'The subscription.'),
        responses: {
          '201': answer('CreatedSubscription', 'Created; the answer holds the signing secret.'),
          '400': failure(
            'The body is not JSON (`invalid_json`) or a field is invalid (`validation_error`), including a filter that is not a valid event pattern or a rule pattern over 4096 characters.',
          ),
          '415': NOT_JSON,
          '422': URL_REFUSED,
          ...ANY_ROUTE,
        },
      },
      get: {
        operationId: 'listSubscriptions',
        tags: ['Subscriptions'],
        summary: 'List subscriptions',
        description: 'One page of subscriptions; follow `nextCursor` for the next one.',
        parameters: [
          {
            name: 'limit',
            in: 'query',
            required: false,
            description: 'At most this many subscriptions in the page.',
            // The bounds parseLimit in functions/management/app.ts enforces; the conformance test probes them.
            schema: { type: 'integer', minimum: 1, maximum: 100, default: 50 },
          },
          {
            name: 'cursor',
            in: 'query',
            required: false,
            description: 'The `nextCursor` of the previous page.',
            schema: { type: 'string' },
          },
        ],
        responses: {
          '200': answer('SubscriptionPage', 'A page of subscriptions.'),
          '400': failure(
            '`limit` is not an integer from 1 to 100 (`validation_error`), or `cursor` is not one this API returned (`invalid_cursor`).',
          ),
          ...ANY_ROUTE,
        },
      },
    },
    '/v1/subscriptions/{id}': {
      get: {
        operationId: 'getSubscription',
        tags: ['Subscriptions'],
        summary: 'Get a subscription',
        parameters: subscriptionId,
        responses: {
          '200': answer('Subscription', 'The subscription.'),
          '404': NOT_FOUND,
          ...ANY_ROUTE,
        },
      },
      patch: {
        operationId: 'updateSubscription',
        tags: ['Subscriptions'],
        summary: 'Change a subscription',
        description:
          'Changes the given fields. Routing, concurrency, retries and pause/resume change the delivery lane in place; a paused subscription keeps its backlog queued.',
        parameters: subscriptionId,
        requestBody: requestBody('UpdateSubscriptionRequest', 'The changes.'),
        responses: {
          '200': answer('Subscription', 'The changed subscription.'),
          '400': failure(
            'The body is not JSON (`invalid_json`), changes nothing, or a field is invalid (`validation_error`).',
          ),
          '404': NOT_FOUND,
          '409': failure(
            `\`subscription_not_ready\`: the subscription is provisioning, failed or deleting; or ${VERSION_CONFLICT}`,
          ),
          '415': NOT_JSON,
          '422': URL_REFUSED,
          ...ANY_ROUTE,
        },
      },
      delete: {
        operationId: 'deleteSubscription',
        tags: ['Subscriptions'],
        summary: 'Delete a subscription',
        description:
          'Removes the delivery lane, then the subscription. Events still queued for it are dropped.',
        parameters: subscriptionId,
        responses: {
          '202': answer(
            'Subscription',
            'Removing the lane failed part-way: the subscription stays `deleting` and the reconciler finishes the job.',
          ),
          '204': { description: 'Deleted.' },
          '404': NOT_FOUND,
          '409': failure(VERSION_CONFLICT),
          ...ANY_ROUTE,
        },
      },
    },
    '/v1/subscriptions/{id}/secret': {
      get: {
        operationId: 'getSubscriptionSecret',
        tags: ['Subscriptions'],
        summary: 'Get the signing secrets',
        description:
          'The current signing secret and the rotated-out ones still in their grace period.',
        parameters: subscriptionId,
        responses: {
          '200': answer('SecretView', 'The secrets.'),
          '404': NOT_FOUND,
          ...ANY_ROUTE,
        },
      },
    },
    '/v1/subscriptions/{id}/secret/rotate': {
      post: {
        operationId: 'rotateSubscriptionSecret',
        tags: ['Subscriptions'],
        summary: 'Rotate the signing secret',
        description:
          'Makes a new current secret. The previous one keeps signing deliveries for the grace period (24 h by default), so receivers can switch at their pace.',
        parameters: subscriptionId,
        requestBody: requestBody('RotateSecretRequest', 'The grace period; may be omitted.', false),
        responses: {
          '200': answer('SecretView', 'The secrets after the rotation.'),
          '400': failure(
            'The body is not JSON (`invalid_json`) or `gracePeriodSeconds` is invalid (`validation_error`).',
          ),
          '404': NOT_FOUND,
          '409': failure(VERSION_CONFLICT),
          '415': NOT_JSON,
          ...ANY_ROUTE,
        },
      },
    },
    '/v1/subscriptions/{id}/deliveries': {
      get: {
        operationId: 'listDeliveries',
        tags: ['Subscriptions'],
        summary: 'List delivery attempts',
        description:
          'The attempt log of the subscription, newest first; attempts expire after the log retention.',
        parameters: [
          ...subscriptionId,
          ...queryParameters(deliveriesQuerySchema, {
            limit: 'At most this many attempts in the page.',
            cursor: 'The `nextCursor` of the previous page.',
            result: 'Only attempts with this result.',
            eventId: 'Only attempts of this event.',
          }),
        ],
        responses: {
          '200': answer('DeliveryPage', 'A page of attempts.'),
          '400': failure(
            'A query parameter is invalid or unknown (`validation_error`), or `cursor` is not one this API returned (`invalid_cursor`).',
          ),
          '404': NOT_FOUND,
          ...ANY_ROUTE,
        },
      },
    },
    '/v1/subscriptions/{id}/test': {
      post: {
        operationId: 'sendTestEvent',
        tags: ['Subscriptions'],
        summary: 'Send a test event',
        description:
          'Queues a `hookbridge.test` event for this subscription alone; it takes the real delivery path. The request body, if any, is ignored.',
        parameters: subscriptionId,
        responses: {
          '202': answer('AcceptedEvent', "Queued; the id is the test event's `webhook-id`."),
          '404': NOT_FOUND,
          '409': NOT_READY,
          ...ANY_ROUTE,
        },
      },
    },
    '/v1/subscriptions/{id}/redrive': {
      post: {
        operationId: 'redriveDeadLetters',
        tags: ['Subscriptions'],
        summary: 'Redrive the dead-letter queue',
        description:
          "Moves the messages of the subscription's dead-letter queue back into its queue, where they are delivered again with a fresh attempt count. Works within a time budget: call again while `more` is true.",
        parameters: subscriptionId,
        responses: {
          '200': answer('RedriveResult', 'What was moved.'),
          '404': NOT_FOUND,
          '409': NOT_READY,
          ...ANY_ROUTE,
        },
      },
    },
    '/v1/subscriptions/{id}/replay': {
      post: {
        operationId: 'replayEvents',
        tags: ['Subscriptions'],
        summary: 'Replay archived events',
        description:
          'Replays the archived events of a time window to this subscription only. Replayed events are delivered even if they were delivered before.',
        parameters: subscriptionId,
        requestBody: requestBody('ReplayRequest', 'The window.'),
        responses: {
          '202': answer('ReplayStarted', 'The replay started.'),
          '400': failure(
            'The body is not JSON (`invalid_json`), or the window is invalid, reversed or reaches into the future (`validation_error`).',
          ),
          '404': NOT_FOUND,
          '409': failure(
            '`replay_unavailable`: the bus has no archive configured; or `subscription_not_ready`: the subscription has no rule yet.',
          ),
          '415': NOT_JSON,
          ...ANY_ROUTE,
        },
      },
    },
  };
}
