import { MAX_EXAMPLE_BYTES } from '../event-types/event-type-schema.js';
import { MAX_PATTERN_SUBJECT, MAX_UNIQUE_ITEMS } from '../event-types/guarded-keywords.js';
import {
  DRAFT_2020_12,
  MAX_EXPANDED_SUBSCHEMAS,
  MAX_SCHEMA_BYTES,
  MAX_SCHEMA_DEPTH,
} from '../event-types/json-schema-subset.js';

/**
 * The event type catalog's part of the OpenAPI document: its operator routes, the tenant read
 * routes, and their component schemas. The bodies are written out here rather than converted
 * from zod: a JSON Schema and an example payload are free-form JSON to zod, checked by code.
 */

type JsonSchema = Record<string, unknown>;

const ref = (id: string) => ({ $ref: `#/components/schemas/${id}` });
const failure = (description: string) => ({
  description,
  content: { 'application/json': { schema: ref('Error') } },
});
const ok = (id: string, description: string) => ({
  description,
  content: { 'application/json': { schema: ref(id) } },
});
const body = (id: string, description: string) => ({
  required: true,
  description: `${description} Sent as \`application/json\`.`,
  content: { 'application/json': { schema: ref(id) } },
});
const ANY_ROUTE = {
  '403': { $ref: '#/components/responses/Forbidden' },
  '429': { $ref: '#/components/responses/Throttled' },
  '500': { $ref: '#/components/responses/InternalError' },
};
const TENANT = { $ref: '#/components/parameters/TenantId' };
const NAME = {
  name: 'name',
  in: 'path',
  required: true,
  description: 'The event type (`invoice.paid`).',
  schema: { type: 'string', minLength: 1, maxLength: 128 },
};
const LIST_PARAMETERS = [
  {
    name: 'limit',
    in: 'query',
    required: false,
    description: 'At most this many entries in the page (1-100, default 50).',
    schema: { type: 'integer', minimum: 1, maximum: 100, default: 50 },
  },
  {
    name: 'cursor',
    in: 'query',
    required: false,
    description: 'The `nextCursor` of the previous page.',
    schema: { type: 'string' },
  },
];

export const SUBSET = `A JSON Schema (draft 2020-12, \`$schema\` "${DRAFT_2020_12}" or absent) of the event's \`data\`, in the supported subset: known keywords only; \`$ref\` only to \`#/$defs/<name>\`, never in a cycle (nothing is fetched); no \`$id\`, \`$anchor\`, \`$dynamicRef\` or \`patternProperties\`; \`pattern\` only beside \`maxLength\` ≤ ${MAX_PATTERN_SUBJECT}, without backreferences, lookaround or nested repetition, and repeating at most once (twice when anchored with \`^\`); \`uniqueItems\` only beside \`maxItems\` ≤ ${MAX_UNIQUE_ITEMS}; \`format\` one of date-time, date, time, email, uuid, uri, ipv4, ipv6, hostname; at most ${MAX_SCHEMA_BYTES} bytes, ${MAX_SCHEMA_DEPTH} levels and ${MAX_EXPANDED_SUBSCHEMAS} subschemas with every \`$ref\` inlined.`;

const fields = {
  name: {
    type: 'string',
    minLength: 1,
    maxLength: 128,
    pattern: '^[A-Za-z0-9_-]+(\\.[A-Za-z0-9_-]+)*$',
    description:
      'The event type as events carry it: dot-separated segments of letters, digits, `_` and `-`.',
  },
  description: {
    type: 'string',
    maxLength: 1000,
    description: 'What the event means, for whoever subscribes.',
  },
  schema: { type: 'object', additionalProperties: true, description: SUBSET },
  example: {
    type: 'object',
    additionalProperties: true,
    description: `An example \`data\` (at most ${MAX_EXAMPLE_BYTES} bytes); it must validate against \`schema\` when both are given.`,
  },
  deprecated: {
    type: 'boolean',
    description: 'Shown as deprecated; events of the type are still accepted.',
  },
  validate: {
    type: 'boolean',
    description:
      'Ingest refuses an event of this type whose `data` fails `schema` (422 `schema_validation_failed`). Needs a schema. A change reaches ingest within 30 s (its cache).',
  },
};

const nullable = (schema: JsonSchema) => ({ ...schema, type: [schema.type, 'null'] });

/** The catalog's component schemas, spread into the document's `components.schemas`. */
export function eventTypeSchemas(): Record<string, JsonSchema> {
  const entry = {
    type: 'object',
    description: 'An entry of the event type catalog.',
    properties: {
      ...fields,
      createdAt: { type: 'string', description: 'ISO 8601.' },
      updatedAt: { type: 'string', description: 'ISO 8601.' },
    },
    required: ['name', 'deprecated', 'validate', 'createdAt', 'updatedAt'],
    additionalProperties: false,
  };
  return {
    CreateEventTypeRequest: {
      type: 'object',
      description: 'A new catalog entry.',
      properties: {
        ...fields,
        deprecated: { ...fields.deprecated, default: false },
        validate: { ...fields.validate, default: false },
      },
      required: ['name'],
      additionalProperties: false,
    },
    UpdateEventTypeRequest: {
      type: 'object',
      description:
        'The fields to change, at least one; `null` removes description, schema or example. The entry that results is checked as on create.',
      properties: {
        description: nullable(fields.description),
        schema: nullable(fields.schema),
        example: nullable(fields.example),
        deprecated: fields.deprecated,
        validate: fields.validate,
      },
      minProperties: 1,
      additionalProperties: false,
    },
    EventType: entry,
    EventTypePage: {
      type: 'object',
      properties: {
        data: { type: 'array', items: ref('EventType'), description: 'Sorted by name.' },
        nextCursor: { type: 'string', description: 'Present when more may follow.' },
      },
      required: ['data'],
      additionalProperties: false,
    },
  };
}

const WRITE_400 =
  'The body is not JSON (`invalid_json`), or a field is invalid (`validation_error`): `details` names each, such as `schema.properties.amount.pattern` for a schema outside the subset or `example.amount` for an example that fails it.';
const LIST_400 = failure(
  'A query parameter is invalid or unknown (`validation_error`), or `cursor` is not one this API returned (`invalid_cursor`).',
);
const MISSING = failure('No catalog entry has this name (`not_found`).');
const CONFLICT = failure(
  '`version_conflict`: another request changed the entry meanwhile; read it again and retry.',
);

function tenantRead(list: boolean) {
  return {
    get: {
      operationId: list ? 'listTenantEventTypes' : 'getTenantEventType',
      tags: ['Tenants'],
      summary: list
        ? 'List the event type catalog (for a tenant)'
        : 'Get a catalog entry (for a tenant)',
      description:
        'The same catalog as the operator route, for a tenant token with the `read` capability (the portal). The tenant must exist.',
      parameters: list ? [TENANT, ...LIST_PARAMETERS] : [TENANT, NAME],
      responses: {
        '200': list ? ok('EventTypePage', 'A page of the catalog.') : ok('EventType', 'The entry.'),
        ...(list && { '400': LIST_400 }),
        '404': failure(
          list
            ? 'No tenant has this id (`not_found`).'
            : 'No tenant has this id, or no catalog entry this name (`not_found`).',
        ),
        ...ANY_ROUTE,
      },
    },
  };
}

/** The catalog's path items. */
export function eventTypePaths(): Record<string, Record<string, unknown>> {
  return {
    '/v1/event-types': {
      post: {
        operationId: 'createEventType',
        tags: ['Event types'],
        summary: 'Add an event type to the catalog',
        requestBody: body('CreateEventTypeRequest', 'The entry.'),
        responses: {
          '201': ok('EventType', 'Created.'),
          '400': failure(WRITE_400),
          '409': failure('`event_type_exists`: the catalog already has this name.'),
          '415': failure('The Content-Type is not JSON (`unsupported_media_type`).'),
          ...ANY_ROUTE,
        },
      },
      get: {
        operationId: 'listEventTypes',
        tags: ['Event types'],
        summary: 'List the event type catalog',
        description: 'Sorted by name.',
        parameters: LIST_PARAMETERS,
        responses: {
          '200': ok('EventTypePage', 'A page of the catalog.'),
          '400': LIST_400,
          ...ANY_ROUTE,
        },
      },
    },
    '/v1/event-types/{name}': {
      get: {
        operationId: 'getEventType',
        tags: ['Event types'],
        summary: 'Get a catalog entry',
        parameters: [NAME],
        responses: { '200': ok('EventType', 'The entry.'), '404': MISSING, ...ANY_ROUTE },
      },
      patch: {
        operationId: 'updateEventType',
        tags: ['Event types'],
        summary: 'Change a catalog entry',
        parameters: [NAME],
        requestBody: body('UpdateEventTypeRequest', 'The changes.'),
        responses: {
          '200': ok('EventType', 'The changed entry.'),
          '400': failure(WRITE_400),
          '404': MISSING,
          '409': CONFLICT,
          '415': failure('The Content-Type is not JSON (`unsupported_media_type`).'),
          ...ANY_ROUTE,
        },
      },
      delete: {
        operationId: 'deleteEventType',
        tags: ['Event types'],
        summary: 'Remove a catalog entry',
        description:
          'Events of the type are accepted unchecked afterwards (within 30 s at ingest).',
        parameters: [NAME],
        responses: {
          '204': { description: 'Removed.' },
          '404': MISSING,
          '409': CONFLICT,
          ...ANY_ROUTE,
        },
      },
    },
    '/v1/tenants/{tenantId}/event-types': tenantRead(true),
    '/v1/tenants/{tenantId}/event-types/{name}': tenantRead(false),
  };
}
