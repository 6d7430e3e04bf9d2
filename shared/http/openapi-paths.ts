import * as z from 'zod';
import { MAX_BATCH_EVENTS } from '../events/event-schema.js';
import {
  deliveriesQuerySchema,
  listQuerySchema,
  operatorListQuerySchema,
} from '../subscriptions/subscription-schema.js';
import { MAX_WILDCARD_RULES_PER_BUS } from '../subscriptions/wildcard-quota.js';
import { accessPaths, withBearerSecurity } from './openapi-access-paths.js';
import { consoleSessionPaths } from './openapi-console-paths.js';
import { eventTypePaths } from './openapi-event-types-paths.js';
import { withEventPaths } from './openapi-events-paths.js';

type JsonSchema = Record<string, unknown>;

/**
 * Query parameters from the zod schema a handler parses its query string with, one per
 * property; each needs a description here, so a new parameter cannot go undocumented.
 */
function queryParameters(
  schema: z.core.$ZodType,
  descriptions: Record<string, string>,
): JsonSchema[] {
  const json = z.toJSONSchema(schema, { target: 'draft-2020-12', io: 'input' }) as JsonSchema;
  const required = (json.required as string[] | undefined) ?? [];
  return Object.entries(json.properties as Record<string, JsonSchema>).map(([name, schema]) => {
    const description = descriptions[name];
    if (!description) throw new Error(`OpenAPI: describe the query parameter ${name}`);
    return { name, in: 'query', required: required.includes(name), description, schema };
  });
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
  '401': { $ref: '#/components/responses/Unauthorized' },
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
const WILDCARD_QUOTA = `\`wildcard_quota_exceeded\`: the filter uses the wildcard operator and ${MAX_WILDCARD_RULES_PER_BUS} subscriptions already do (the EventBridge limit of rules with wildcards per bus)`;
const URL_REFUSED = failure(
  '`url_not_allowed`: the URL is not https, or resolves to an address the SSRF guard refuses.',
);

/** The ingest errors both event routes share. */
function ingestFailures(tooLarge: string, rejected: string) {
  return {
    '409': failure(
      '`idempotency_key_in_progress`: a request with this Idempotency-Key is still running; retry shortly.',
    ),
    '413': failure(`\`payload_too_large\`: ${tooLarge}`),
    '415': NOT_JSON,
    '422': failure(
      `\`idempotency_key_reused\`: this Idempotency-Key was used with another body; use a new key. \`event_rejected\`: EventBridge refused ${rejected} for good (\`details\` names ${rejected === 'the event' ? 'it' : 'each'}); sending it again will not help, and nothing was remembered. \`schema_validation_failed\`: the event type's catalog entry validates and ${rejected === 'the event' ? "the event's data does" : 'the data of an event does'} not match its schema; \`details\` names each failing path (${rejected === 'the event' ? '`data.amount`' : '`events[2].data.amount`'}); nothing was published or remembered.`,
    ),
    ...ANY_ROUTE,
  };
}

const ENTRY_LIMIT =
  'the EventBridge entry limit (256 KB unless the operator raised it); the message says the limit.';

/** The `paths` of the document: every route, every status it can answer. */
export function apiPaths() {
  const operator = operatorPaths();
  return withBearerSecurity(
    withEventPaths({
      ...operator,
      ...tenantPaths(operator),
      ...accessPaths(),
      ...eventTypePaths(),
      ...consoleSessionPaths(),
    }),
  );
}

const TENANT_NOT_FOUND = failure('No tenant has this id (`not_found`).');

/**
 * The tenant routes: the tenants themselves, and every subscription route again under
 * `/v1/tenants/{tenantId}`, reaching only that tenant's subscriptions.
 */
function tenantPaths(operator: ReturnType<typeof operatorPaths>) {
  const tenantId = [parameter('TenantId')];
  const scoped = Object.fromEntries(
    Object.entries(operator)
      .filter(([path]) => path.startsWith('/v1/subscriptions'))
      .map(([path, operations]) => [
        path.replace('/v1/subscriptions', '/v1/tenants/{tenantId}/subscriptions'),
        Object.fromEntries(
          Object.entries(operations).map(([method, operation]) => [
            method,
            tenantScoped(operation as Operation, path === '/v1/subscriptions'),
          ]),
        ),
      ]),
  );
  return {
    '/v1/tenants': {
      post: {
        operationId: 'createTenant',
        tags: ['Tenants'],
        summary: 'Create a tenant',
        description: 'Creates a tenant under the id the caller chose (e.g. its own customer id).',
        requestBody: requestBody('CreateTenantRequest', 'The tenant.'),
        responses: {
          '201': answer('Tenant', 'Created.'),
          '400': failure(
            'The body is not JSON (`invalid_json`) or a field is invalid (`validation_error`).',
          ),
          '409': failure('`tenant_exists`: a tenant has this id (perhaps one being deleted).'),
          '415': NOT_JSON,
          ...ANY_ROUTE,
        },
      },
      get: {
        operationId: 'listTenants',
        tags: ['Tenants'],
        summary: 'List tenants',
        description:
          'One page of tenants; follow `nextCursor` for the next one (a page may be short, even empty, and still have one).',
        parameters: queryParameters(listQuerySchema, {
          limit: 'At most this many tenants in the page.',
          cursor: 'The `nextCursor` of the previous page.',
        }),
        responses: {
          '200': answer('TenantPage', 'A page of tenants.'),
          '400': failure(
            'A query parameter is invalid or unknown (`validation_error`), or `cursor` is not one this API returned (`invalid_cursor`).',
          ),
          ...ANY_ROUTE,
        },
      },
    },
    '/v1/tenants/{tenantId}': {
      get: {
        operationId: 'getTenant',
        tags: ['Tenants'],
        summary: 'Get a tenant',
        parameters: tenantId,
        responses: {
          '200': answer('Tenant', 'The tenant.'),
          '404': TENANT_NOT_FOUND,
          ...ANY_ROUTE,
        },
      },
      patch: {
        operationId: 'updateTenant',
        tags: ['Tenants'],
        summary: 'Change a tenant',
        description: 'Changes the name or metadata; the id cannot change.',
        parameters: tenantId,
        requestBody: requestBody('UpdateTenantRequest', 'The changes.'),
        responses: {
          '200': answer('Tenant', 'The changed tenant.'),
          '400': failure(
            'The body is not JSON (`invalid_json`), changes nothing, or a field is invalid or unknown, `id` included (`validation_error`).',
          ),
          '404': TENANT_NOT_FOUND,
          '409': failure(
            `\`tenant_deleting\`: the tenant is being deleted; or ${VERSION_CONFLICT.replace('subscription', 'tenant')}`,
          ),
          '415': NOT_JSON,
          ...ANY_ROUTE,
        },
      },
      delete: {
        operationId: 'deleteTenant',
        tags: ['Tenants'],
        summary: 'Delete a tenant',
        description:
          'Marks the tenant `deleting` (no new subscription can be made under it), deletes each of its subscriptions and their lanes, then the tenant.',
        parameters: tenantId,
        responses: {
          '202': answer(
            'Tenant',
            'Some subscription could not be deleted yet: the tenant stays `deleting` and the reconciler finishes the job.',
          ),
          '204': { description: 'Deleted, with all its subscriptions.' },
          '404': TENANT_NOT_FOUND,
          '409': failure(VERSION_CONFLICT.replace('subscription', 'tenant')),
          ...ANY_ROUTE,
        },
      },
    },
    ...scoped,
  };
}

type Operation = {
  operationId: string;
  parameters?: unknown[];
  responses: Record<string, unknown>;
  description?: string;
} & Record<string, unknown>;

/** An operator subscription route as its tenant-scoped twin under `/v1/tenants/{tenantId}`. */
function tenantScoped(operation: Operation, collection: boolean): Operation {
  const { responses } = operation;
  const operationId = operation.operationId.replace(/^[a-z]/, (c) => c.toUpperCase());
  const notFound = collection
    ? failure('No tenant has this id (`not_found`).')
    : failure(
        "No subscription of this tenant has this id (`not_found`): another tenant's subscription, or an operator's, answers exactly as a missing one.",
      );
  const extra =
    operationId === 'CreateSubscription'
      ? {
          '404': TENANT_NOT_FOUND,
          '409': failure(`\`tenant_deleting\`: the tenant is being deleted; or ${WILDCARD_QUOTA}`),
        }
      : {};
  return {
    ...operation,
    operationId: `tenant${operationId}`,
    tags: ['Tenants'],
    description: `${operation.description ? `${operation.description} ` : ''}Only the tenant's own subscriptions; the tenant comes from the path${operationId === 'CreateSubscription' ? ' (a `tenantId` in the body is refused)' : ''}.`,
    parameters: [parameter('TenantId'), ...(operation.parameters ?? [])],
    ...(operationId === 'CreateSubscription' && {
      requestBody: requestBody('CreateTenantSubscriptionRequest', 'The subscription.'),
    }),
    responses: { ...responses, '404': notFound, ...extra },
  };
}

function operatorPaths() {
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
          ...ingestFailures(`the event is larger than ${ENTRY_LIMIT}`, 'the event'),
          '503': failure(
            '`publish_failed`: the event could not be published (throttling, an EventBridge or deployment failure). Nothing was remembered under the Idempotency-Key: retrying is safe. `catalog_unavailable`: the event type catalog could not be read to validate the event; retrying is safe.',
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
            'Some events were accepted and some failed to publish (or none was, some for good): each failed one carries its error, `event_rejected` (EventBridge refused it for good) or `publish_failed` (worth sending again). Remembered under the Idempotency-Key, so a retry with it publishes nothing twice: send the failed events again with a new key.',
          ),
          '400': failure(
            'The body is not JSON (`invalid_json`), the batch is empty (`empty_batch`), an event is invalid or the Idempotency-Key is empty or too long (`validation_error`); `details` lists each bad field as `events[i].field`.',
          ),
          ...ingestFailures(
            `more than ${MAX_BATCH_EVENTS} events, or one of them larger than ${ENTRY_LIMIT}`,
            'every event of the batch',
          ),
          '503': failure(
            '`publish_failed`: none of the events could be published, and each may pass on a retry. Nothing was remembered under the Idempotency-Key: retrying is safe. `catalog_unavailable`: the event type catalog could not be read to validate the events; nothing was published, retrying is safe.',
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
            'The body is not JSON (`invalid_json`) or a field is invalid (`validation_error`), including a filter that is not a valid event pattern or a rule pattern over 2048 characters.',
          ),
          '409': failure(WILDCARD_QUOTA),
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
        parameters: queryParameters(operatorListQuerySchema, {
          limit: 'At most this many subscriptions in the page.',
          cursor: 'The `nextCursor` of the previous page.',
          tenantId:
            "Only this tenant's subscriptions (a page may then be short, even empty, and still have a `nextCursor`).",
        }),
        responses: {
          '200': answer('SubscriptionPage', 'A page of subscriptions.'),
          '400': failure(
            'A query parameter is invalid or unknown (`validation_error`), or `cursor` is not one this API returned (`invalid_cursor`).',
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
            `\`subscription_not_ready\`: the subscription is provisioning, failed or deleting; ${WILDCARD_QUOTA}; or ${VERSION_CONFLICT}`,
          ),
          '415': NOT_JSON,
          '422': URL_REFUSED,
          '503': failure(
            'The change is saved but could not be applied to the delivery lane yet (`lane_update_pending`); the reconciler applies it within minutes, or send the same PATCH again.',
          ),
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
          "The attempt log of the subscription by attempt time, the most recent first (with `eventId`: that event's attempts); attempts expire after the log retention.",
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
    '/v1/subscriptions/{id}/backlog': {
      get: {
        operationId: 'getBacklog',
        tags: ['Subscriptions'],
        summary: 'How many messages the lane holds',
        description:
          "The subscription's queue and dead-letter queue depths (SQS's approximate counts): what waits, what is being delivered or retried, and what was dead-lettered and can be redriven.",
        parameters: subscriptionId,
        responses: {
          '200': answer('Backlog', 'The depths.'),
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
