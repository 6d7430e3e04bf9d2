import * as z from 'zod';
import {
  apiKeyPageSchema,
  apiKeyViewSchema,
  createdApiKeySchema,
  mintedTokenSchema,
  tokenPageSchema,
  tokenViewSchema,
} from '../access/access-responses.js';
import { createApiKeySchema, createTokenSchema } from '../access/access-schema.js';
import { MAX_ATTEMPTS, MAX_RETRY_DELAY_SECONDS } from '../delivery/retry-policy.js';
import { resendSchema } from '../events/event-queries.js';
import { batchInputSchema, eventInputSchema, MAX_BATCH_EVENTS } from '../events/event-schema.js';
import { MAX_IDEMPOTENCY_KEY_LENGTH } from '../idempotency/idempotent-requests.js';
import { MAX_FIELD_DEPTH } from '../json-depth.js';
import {
  acceptedEventSchema,
  backlogSchema,
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
  replaySchema,
  rotateSecretSchema,
  updateSubscriptionSchema,
} from '../subscriptions/subscription-schema.js';
import {
  TENANT_FIELD_DESCRIPTIONS,
  tenantPageSchema,
  tenantViewSchema,
} from '../tenants/tenant-responses.js';
import { createTenantSchema, updateTenantSchema } from '../tenants/tenant-schema.js';
import { consoleSessionSchemas } from './openapi-console-paths.js';
import { eventTypeSchemas } from './openapi-event-types-paths.js';
import { apiPaths } from './openapi-paths.js';
import { MAX_BODY_DEPTH } from './strict-json.js';

type JsonSchema = Record<string, unknown>;

const INFO_DESCRIPTION = `Hookbridge is self-hosted webhook delivery for AWS. Producers send events to the ingest
routes; every subscription whose event types and filter match gets each event delivered by an
HTTP POST signed with the Standard Webhooks scheme, at least once, with retries over days and a
dead-letter queue per subscriber. Operators manage subscriptions with the \`/v1/subscriptions\`
routes, and their customers (tenants) with the \`/v1/tenants\` routes: a tenant's subscriptions
receive only events sent for that tenant (or broadcast with \`"tenantId": "*"\`).

Every route is authorized with AWS IAM on the main API: sign requests with Signature Version 4
(service \`execute-api\`). The token/key API serves the same routes to callers without AWS
credentials: \`Authorization: Bearer <credential>\` with an API key (\`hbk_…\`, scope \`publish\` or
\`manage\`) or a tenant token (\`hbt_…\`, its own tenant's routes only); the API-key routes are
the operator's alone. Errors are JSON \`{"error": {"code", "message", "details"?}}\` with a stable
\`code\`; internal errors say \`internal_error\` and nothing more.

Request bodies are UTF-8 JSON stored and delivered exactly as sent, or refused with a 400 whose
\`details\` name the path: every string and key must be well-formed Unicode (no lone
surrogates), no key may be \`__proto__\` or appear twice in one object, every number must be one an IEEE 754 double holds
exactly (send larger integers and long decimals as strings; \`1.0\` is delivered as \`1\`), and
a body nests objects and arrays at most ${MAX_BODY_DEPTH} levels.`;

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
      { name: 'Messages', description: 'Stored events, where each went, and resending one.' },
      {
        name: 'Access',
        description:
          'Tenant tokens (a customer’s portal session) and API keys (producers and operators without AWS credentials), for the token/key API.',
      },
      {
        name: 'Tenants',
        description:
          "The operator's customers, and each one's own subscriptions (every subscription route again under `/v1/tenants/{tenantId}`).",
      },
    ],
    security: [{ sigv4: [] }],
    paths: apiPaths(),
    components: {
      schemas: { ...componentSchemas(), ...eventTypeSchemas(), ...consoleSessionSchemas() },
      parameters: {
        IdempotencyKey: {
          name: 'Idempotency-Key',
          in: 'header',
          required: false,
          description:
            'The same key with the same body within the retention window (24 h by default) answers the first response and publishes nothing; with another body it is a 422. Keys of `/v1/events` and `/v1/events/batch` are separate.',
          schema: { type: 'string', minLength: 1, maxLength: MAX_IDEMPOTENCY_KEY_LENGTH },
        },
        TenantId: {
          name: 'tenantId',
          in: 'path',
          required: true,
          description: 'The tenant id; a tenant that does not exist is a 404.',
          schema: { type: 'string' },
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
            'Refused. From API Gateway (`{"message":"Forbidden"}`): the request is not signed, or not by a principal allowed to call this route, or its bearer credential is unknown, tampered, revoked or expired. From Hookbridge (`forbidden`, `insufficient_capability`): the credential is valid but may not call this route, or (a tenant-bound publish key) publish for the tenant named.',
          content: {
            'application/json': {
              schema: {
                anyOf: [
                  { $ref: '#/components/schemas/GatewayError' },
                  { $ref: '#/components/schemas/Error' },
                ],
              },
            },
          },
        },
        Unauthorized: {
          description:
            'From API Gateway (`{"message":"Unauthorized"}`): the token/key API got no bearer credential. From Hookbridge (`token_expired`): the tenant token expired after its authorization was cached.',
          content: {
            'application/json': {
              schema: {
                anyOf: [
                  { $ref: '#/components/schemas/GatewayError' },
                  { $ref: '#/components/schemas/Error' },
                ],
              },
            },
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
        bearer: {
          type: 'http',
          scheme: 'bearer',
          description:
            'The token/key API (its Lambda authorizer): an API key `hbk_<id>.<secret>` or a tenant token `hbt_<id>.<secret>`. Results are cached up to 30 s, so a revocation takes effect within 30 s.',
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
    CreateTenantSubscriptionRequest: createSubscriptionSchema.omit({ tenantId: true }),
    UpdateSubscriptionRequest: updateSubscriptionSchema,
    CreateTenantRequest: createTenantSchema,
    UpdateTenantRequest: updateTenantSchema,
    RotateSecretRequest: rotateSecretSchema,
    ReplayRequest: replaySchema,
    CreateTokenRequest: createTokenSchema,
    CreateApiKeyRequest: createApiKeySchema,
    ResendRequest: resendSchema,
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
    Backlog: backlogSchema,
    ReplayStarted: replayStartedSchema,
    Tenant: tenantViewSchema,
    TenantPage: tenantPageSchema,
    Token: tokenViewSchema,
    MintedToken: mintedTokenSchema,
    TokenPage: tokenPageSchema,
    ApiKey: apiKeyViewSchema,
    CreatedApiKey: createdApiKeySchema,
    ApiKeyPage: apiKeyPageSchema,
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
  named: Record<string, z.core.$ZodType>,
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
  const { tenantId: _immutable, ...changeableFields } = SUBSCRIPTION_FIELD_DESCRIPTIONS;
  describeSchema(schemas, 'Event', 'One event.', {
    tenantId:
      'The tenant the event is for: its subscriptions and the operator subscriptions receive it. `"*"` broadcasts it to every tenant. Left out, the event has no tenant and only operator subscriptions (those without a tenant) receive it. Delivered bodies carry it as sent.',
    type: 'Dot-separated segments of letters, digits, `_` and `-`, 1–128 characters, e.g. `order.created`.',
    data: `The payload, a JSON object nesting at most ${MAX_FIELD_DEPTH} levels (\`data\` itself is level 1); subscribers receive it exactly as sent.`,
  });
  describeSchema(schemas, 'EventBatch', 'Several events, published together.', {
    events: `1 to ${MAX_BATCH_EVENTS} events; more is a 413. One invalid event rejects the whole batch.`,
  });
  describeSchema(schemas, 'CreateSubscriptionRequest', 'A new subscription.', createFields);
  const { tenantId: _tenant, ...tenantCreateFields } = createFields;
  describeSchema(
    schemas,
    'CreateTenantSubscriptionRequest',
    "A new subscription of the path's tenant.",
    tenantCreateFields,
  );
  const { status: _tenantStatus, ...tenantFields } = TENANT_FIELD_DESCRIPTIONS;
  describeSchema(schemas, 'CreateTenantRequest', 'A new tenant.', tenantFields);
  const { id: _id, ...changeable } = tenantFields;
  describeSchema(
    schemas,
    'UpdateTenantRequest',
    'The fields to change, at least one; `null` removes the metadata.',
    changeable,
  );
  describeSchema(
    schemas,
    'UpdateSubscriptionRequest',
    'The fields to change, at least one; `null` removes an optional field.',
    {
      ...changeableFields,
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
  schemaOf(schemas, 'UpdateTenantRequest').minProperties = 1;
  const withSchedule = [
    'CreateSubscriptionRequest',
    'CreateTenantSubscriptionRequest',
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
