import { listQuerySchema } from '../subscriptions/subscription-schema.js';

/**
 * The OpenAPI paths of tenant tokens and API keys, and the security of every operation: SigV4
 * (the IAM API) everywhere, a bearer credential (the token/key API, through its Lambda
 * authorizer) everywhere but on the API-key routes, which only the operator reaches.
 */

type Json = Record<string, unknown>;

const schemaRef = (id: string) => ({ $ref: `#/components/schemas/${id}` });
const json = (id: string) => ({ 'application/json': { schema: schemaRef(id) } });
const answer = (id: string, description: string) => ({ description, content: json(id) });
const failure = (description: string) => answer('Error', description);
const body = (id: string, description: string, required: boolean) => ({
  required,
  description: `${description} Sent as \`application/json\` (\`application/…+json\` is accepted too).`,
  content: json(id),
});
const pathParameter = (name: string, description: string) => ({
  name,
  in: 'path',
  required: true,
  description,
  schema: { type: 'string' },
});
const TENANT_ID = { $ref: '#/components/parameters/TenantId' };
const ANY_ROUTE = {
  '401': { $ref: '#/components/responses/Unauthorized' },
  '403': { $ref: '#/components/responses/Forbidden' },
  '429': { $ref: '#/components/responses/Throttled' },
  '500': { $ref: '#/components/responses/InternalError' },
};
const NOT_JSON = failure('The Content-Type is not JSON (`unsupported_media_type`).');
const TENANT_NOT_FOUND = failure('No tenant has this id (`not_found`).');
const PAGE = [
  {
    name: 'limit',
    in: 'query',
    required: false,
    description: 'At most this many items in the page.',
    schema: pageLimit(),
  },
  {
    name: 'cursor',
    in: 'query',
    required: false,
    description: 'The `nextCursor` of the previous page.',
    schema: { type: 'string' },
  },
];
const BAD_PAGE = failure(
  'A query parameter is invalid or unknown (`validation_error`), or `cursor` is not one this API returned for this list (`invalid_cursor`).',
);

function pageLimit(): Json {
  const shape = listQuerySchema.shape.limit.toJSONSchema({ io: 'input' }) as Json;
  const { $schema: _dialect, ...schema } = shape;
  return schema;
}

/** The token and API-key paths. */
export function accessPaths() {
  const tokens = { tags: ['Access'] };
  return {
    '/v1/tenants/{tenantId}/tokens': {
      post: {
        ...tokens,
        operationId: 'createTenantToken',
        summary: 'Mint a tenant token',
        description:
          'Mints a token that reaches only this tenant’s routes its capabilities allow, for 300 s to 7 days (1 h by default). The answer holds the token once; only a hash is stored.',
        parameters: [TENANT_ID],
        requestBody: body('CreateTokenRequest', 'Optional; the body may be omitted.', false),
        responses: {
          '201': answer('MintedToken', 'Minted.'),
          '400': failure(
            'The body is not JSON (`invalid_json`) or a field is invalid or unknown (`validation_error`).',
          ),
          '404': TENANT_NOT_FOUND,
          '409': failure('`tenant_deleting`: the tenant is being deleted.'),
          '415': NOT_JSON,
          ...ANY_ROUTE,
        },
      },
      get: {
        ...tokens,
        operationId: 'listTenantTokens',
        summary: 'List a tenant’s tokens',
        description:
          'One page of the tenant’s tokens, each `active`, `expired` or `revoked`; never a secret.',
        parameters: [TENANT_ID, ...PAGE],
        responses: {
          '200': answer('TokenPage', 'A page of tokens.'),
          '400': BAD_PAGE,
          '404': TENANT_NOT_FOUND,
          ...ANY_ROUTE,
        },
      },
      delete: {
        ...tokens,
        operationId: 'revokeTenantTokens',
        summary: 'Revoke every token of a tenant',
        description:
          'Revokes, in one write, every token of the tenant minted until now; tokens minted afterwards work. Takes effect within the authorizer cache TTL (30 s by default).',
        parameters: [TENANT_ID],
        responses: {
          '204': { description: 'Revoked.' },
          '404': TENANT_NOT_FOUND,
          '409': failure(
            '`version_conflict`: another request changed the tenant meanwhile; retry.',
          ),
          ...ANY_ROUTE,
        },
      },
    },
    '/v1/tenants/{tenantId}/tokens/{tokenId}': {
      delete: {
        ...tokens,
        operationId: 'revokeTenantToken',
        summary: 'Revoke one token',
        description:
          'Revokes the token (it stays listed as `revoked`). Takes effect within the authorizer cache TTL (30 s by default).',
        parameters: [TENANT_ID, pathParameter('tokenId', 'The token id.')],
        responses: {
          '204': { description: 'Revoked (again, if it already was).' },
          '404': failure(
            'The tenant does not exist, or has no token of this id (another tenant’s token answers the same) (`not_found`).',
          ),
          ...ANY_ROUTE,
        },
      },
    },
    '/v1/api-keys': {
      post: {
        ...tokens,
        operationId: 'createApiKey',
        summary: 'Create an API key',
        description:
          'Creates a key for a producer or operator without AWS credentials. The answer holds the key once; only a hash is stored. Only the operator (IAM) may call it.',
        requestBody: body('CreateApiKeyRequest', 'The key.', true),
        responses: {
          '201': answer('CreatedApiKey', 'Created.'),
          '400': failure(
            'The body is not JSON (`invalid_json`) or a field is invalid or unknown (`validation_error`), e.g. `tenantId` without scope `publish`.',
          ),
          '404': TENANT_NOT_FOUND,
          '409': failure('`tenant_deleting`: the tenant is being deleted.'),
          '415': NOT_JSON,
          ...ANY_ROUTE,
        },
      },
      get: {
        ...tokens,
        operationId: 'listApiKeys',
        summary: 'List API keys',
        description: 'One page of API keys, revoked ones included; never a secret.',
        parameters: PAGE,
        responses: {
          '200': answer('ApiKeyPage', 'A page of keys.'),
          '400': BAD_PAGE,
          ...ANY_ROUTE,
        },
      },
    },
    '/v1/api-keys/{keyId}': {
      get: {
        ...tokens,
        operationId: 'getApiKey',
        summary: 'Get an API key',
        parameters: [pathParameter('keyId', 'The key id.')],
        responses: {
          '200': answer('ApiKey', 'The key.'),
          '404': failure('No API key has this id (`not_found`).'),
          ...ANY_ROUTE,
        },
      },
      delete: {
        ...tokens,
        operationId: 'revokeApiKey',
        summary: 'Revoke an API key',
        description:
          'Revokes the key (it stays listed as `revoked`). Takes effect within the authorizer cache TTL (30 s by default).',
        parameters: [pathParameter('keyId', 'The key id.')],
        responses: {
          '204': { description: 'Revoked (again, if it already was).' },
          '404': failure('No API key has this id (`not_found`).'),
          ...ANY_ROUTE,
        },
      },
    },
  };
}

/** Every operation reachable with a bearer credential lists both schemes; the API-key and console-session routes only SigV4. */
export function withBearerSecurity<P extends Record<string, Record<string, unknown>>>(paths: P): P {
  return Object.fromEntries(
    Object.entries(paths).map(([path, operations]) => [
      path,
      path.startsWith('/v1/api-keys') || path.startsWith('/v1/console-sessions')
        ? operations
        : Object.fromEntries(
            Object.entries(operations).map(([method, operation]) => [
              method,
              { ...(operation as Json), security: [{ sigv4: [] }, { bearer: [] }] },
            ]),
          ),
    ]),
  ) as P;
}
