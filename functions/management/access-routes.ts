import {
  createApiKeySchema,
  createConsoleSessionSchema,
  createTokenSchema,
} from '../../shared/access/access-schema.js';
import type { AccessService } from '../../shared/access/access-service.js';
import { jsonResponse, readJsonBody } from '../../shared/http/api-gateway.js';
import type {
  API_KEY_ROUTES,
  CONSOLE_SESSION_ROUTES,
  TOKEN_ROUTES,
} from '../../shared/http/routes.js';
import {
  listQuerySchema,
  parseBody,
  parseQuery,
} from '../../shared/subscriptions/subscription-schema.js';
import type { Route } from './app.js';

export type AccessRoute =
  | (typeof TOKEN_ROUTES)[number]
  | (typeof API_KEY_ROUTES)[number]
  | (typeof CONSOLE_SESSION_ROUTES)[number];

/**
 * The routes of tenant tokens, API keys and console sessions over the access service. Who may
 * call them (the operator; a `manage` key or console session for tokens) is decided before, by
 * authorizeRoute.
 */
export function accessRoutes(access: AccessService): Record<AccessRoute, Route> {
  return {
    'POST /v1/tenants/{tenantId}/tokens': async (request, { tenantId }) => {
      const body = request.body ? readJsonBody(request) : {};
      const input = parseBody(createTokenSchema, body);
      return jsonResponse(201, await access.mintToken(tenantId, input));
    },
    'GET /v1/tenants/{tenantId}/tokens': async (request, { tenantId }) => {
      const { limit, cursor } = parseQuery(listQuerySchema, request.queryStringParameters);
      return page(await access.listTokens(tenantId, { limit, ...(cursor && { cursor }) }));
    },
    'DELETE /v1/tenants/{tenantId}/tokens': async (_request, { tenantId }) => {
      await access.revokeAllTokens(tenantId);
      return { statusCode: 204 };
    },
    'DELETE /v1/tenants/{tenantId}/tokens/{tokenId}': async (_request, { tenantId, tokenId }) => {
      await access.revokeToken(tenantId, tokenId);
      return { statusCode: 204 };
    },
    'POST /v1/api-keys': async (request) => {
      const input = parseBody(createApiKeySchema, readJsonBody(request));
      return jsonResponse(201, await access.createApiKey(input));
    },
    'GET /v1/api-keys': async (request) => {
      const { limit, cursor } = parseQuery(listQuerySchema, request.queryStringParameters);
      return page(await access.listApiKeys({ limit, ...(cursor && { cursor }) }));
    },
    'GET /v1/api-keys/{keyId}': async (_request, { keyId }) =>
      jsonResponse(200, await access.getApiKey(keyId)),
    'DELETE /v1/api-keys/{keyId}': async (_request, { keyId }) => {
      await access.revokeApiKey(keyId);
      return { statusCode: 204 };
    },
    'POST /v1/console-sessions': async (request) => {
      const body = request.body ? readJsonBody(request) : {};
      const input = parseBody(createConsoleSessionSchema, body);
      return jsonResponse(201, await access.mintConsoleSession(input));
    },
    'GET /v1/console-sessions': async (request) => {
      const { limit, cursor } = parseQuery(listQuerySchema, request.queryStringParameters);
      return page(await access.listConsoleSessions({ limit, ...(cursor && { cursor }) }));
    },
    'DELETE /v1/console-sessions': async () => {
      await access.revokeAllConsoleSessions();
      return { statusCode: 204 };
    },
    'DELETE /v1/console-sessions/{sessionId}': async (_request, { sessionId }) => {
      await access.revokeConsoleSession(sessionId);
      return { statusCode: 204 };
    },
  };
}

function page(result: { items: unknown[]; nextCursor?: string }) {
  return jsonResponse(200, {
    data: result.items,
    ...(result.nextCursor && { nextCursor: result.nextCursor }),
  });
}
