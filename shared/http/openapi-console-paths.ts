import {
  createConsoleSessionSchema,
  MAX_CONSOLE_SESSION_SECONDS,
  MIN_CONSOLE_SESSION_SECONDS,
} from '../access/access-schema.js';
import { listQuerySchema } from '../subscriptions/subscription-schema.js';

/**
 * The OpenAPI paths and schemas of operator console sessions (`/v1/console-sessions`): on the
 * IAM API only, so their operations take SigV4 alone.
 */

type Json = Record<string, unknown>;

const ref = (id: string) => ({ $ref: `#/components/schemas/${id}` });
const answer = (id: string, description: string) => ({
  description,
  content: { 'application/json': { schema: ref(id) } },
});
const failure = (description: string) => answer('Error', description);
const IAM_ONLY = [{ sigv4: [] }];
const ANY_ROUTE = {
  '401': { $ref: '#/components/responses/Unauthorized' },
  '403': { $ref: '#/components/responses/Forbidden' },
  '429': { $ref: '#/components/responses/Throttled' },
  '500': { $ref: '#/components/responses/InternalError' },
};
const NOT_FOUND = failure('No console session has this id (`not_found`).');
const common = { tags: ['Access'], security: IAM_ONLY };

function jsonSchemaOf(schema: { toJSONSchema(options: { io: 'input' }): unknown }): Json {
  const { $schema: _dialect, ...rest } = schema.toJSONSchema({ io: 'input' }) as Json;
  return rest;
}

const timestamp = (description: string) => ({ type: 'string', format: 'date-time', description });
const sessionFields = {
  id: {
    type: 'string',
    description: 'The session id (24 hex characters), as in `hbc_<id>.…`.',
  },
  createdAt: timestamp('When the session was minted.'),
  expiresAt: timestamp('When the session stops working.'),
  revokedAt: timestamp('When the session was revoked on its own.'),
  status: {
    type: 'string',
    enum: ['active', 'expired', 'revoked'],
    description:
      '`revoked`: on its own, or by revoking every session; `expired`: past `expiresAt`. Expired sessions are purged a day after.',
  },
};
const SESSION_REQUIRED = ['id', 'createdAt', 'expiresAt', 'status'];

/** The console sessions' component schemas, spread into the document's `components.schemas`. */
export function consoleSessionSchemas(): Record<string, Json> {
  return {
    CreateConsoleSessionRequest: {
      ...jsonSchemaOf(createConsoleSessionSchema),
      description: 'A new console session; every field has a default.',
    },
    ConsoleSession: {
      type: 'object',
      description: 'An operator console session (never its secret).',
      properties: sessionFields,
      required: SESSION_REQUIRED,
      additionalProperties: false,
    },
    MintedConsoleSession: {
      type: 'object',
      description: 'A new console session, with its credential.',
      properties: {
        ...sessionFields,
        token: {
          type: 'string',
          description:
            'The credential, `hbc_<id>.<secret>`: shown only now (only a hash is stored). The web console sends it as `Authorization: Bearer <token>` to the token/key API; hand it over in a URL fragment (`/console#session=…`), never a query string.',
        },
      },
      required: [...SESSION_REQUIRED, 'token'],
      additionalProperties: false,
    },
    ConsoleSessionPage: {
      type: 'object',
      description: 'One page of console sessions, oldest first.',
      properties: {
        data: { type: 'array', items: ref('ConsoleSession') },
        nextCursor: {
          type: 'string',
          minLength: 1,
          description:
            'Pass as `cursor` to get the next page; absent on the last page. A page may be short, even empty, and still have a cursor.',
        },
      },
      required: ['data'],
      additionalProperties: false,
    },
  };
}

/** The console-session path items. */
export function consoleSessionPaths(): Record<string, Record<string, unknown>> {
  const limit = jsonSchemaOf(listQuerySchema.shape.limit);
  return {
    '/v1/console-sessions': {
      post: {
        ...common,
        operationId: 'createConsoleSession',
        summary: 'Mint an operator console session',
        description: `Mints a credential for the deployed web console (\`hookbridge console\` prints it as a link): on the token/key API it reaches what a \`manage\` API key does (every route but the API-key and console-session routes), for ${MIN_CONSOLE_SESSION_SECONDS} s to ${MAX_CONSOLE_SESSION_SECONDS} s (1 h by default). Only the operator (IAM) may call it. The answer holds the credential once; only a hash is stored.`,
        requestBody: {
          required: false,
          description:
            'Optional; the body may be omitted. Sent as `application/json` (`application/…+json` is accepted too).',
          content: { 'application/json': { schema: ref('CreateConsoleSessionRequest') } },
        },
        responses: {
          '201': answer('MintedConsoleSession', 'Minted.'),
          '400': failure(
            'The body is not JSON (`invalid_json`) or a field is invalid or unknown (`validation_error`), e.g. `lifetimeSeconds` out of range.',
          ),
          '415': failure('The Content-Type is not JSON (`unsupported_media_type`).'),
          ...ANY_ROUTE,
        },
      },
      get: {
        ...common,
        operationId: 'listConsoleSessions',
        summary: 'List console sessions',
        description:
          'One page of console sessions, each `active`, `expired` or `revoked`; never a secret.',
        parameters: [
          {
            name: 'limit',
            in: 'query',
            required: false,
            description: 'At most this many items in the page.',
            schema: limit,
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
          '200': answer('ConsoleSessionPage', 'A page of sessions.'),
          '400': failure(
            'A query parameter is invalid or unknown (`validation_error`), or `cursor` is not one this API returned for this list (`invalid_cursor`).',
          ),
          ...ANY_ROUTE,
        },
      },
      delete: {
        ...common,
        operationId: 'revokeConsoleSessions',
        summary: 'Revoke every console session',
        description:
          'Revokes, in one write, every console session minted until now; sessions minted afterwards work. Takes effect within the authorizer cache TTL (30 s by default).',
        responses: { '204': { description: 'Revoked.' }, ...ANY_ROUTE },
      },
    },
    '/v1/console-sessions/{sessionId}': {
      delete: {
        ...common,
        operationId: 'revokeConsoleSession',
        summary: 'Revoke one console session',
        description:
          'Revokes the session (it stays listed as `revoked`). Takes effect within the authorizer cache TTL (30 s by default).',
        parameters: [
          {
            name: 'sessionId',
            in: 'path',
            required: true,
            description: 'The session id.',
            schema: { type: 'string' },
          },
        ],
        responses: {
          '204': { description: 'Revoked (again, if it already was).' },
          '404': NOT_FOUND,
          ...ANY_ROUTE,
        },
      },
    },
  };
}
