import type { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { AccessService } from '../../shared/access/access-service.js';
import { authorizeRoute, principalOf } from '../../shared/access/principal.js';
import type { AttemptLog } from '../../shared/delivery/attempt-log.js';
import { ConflictError, NotFoundError } from '../../shared/errors.js';
import type { EventTypeService } from '../../shared/event-types/event-type-service.js';
import type { MessageApi } from '../../shared/events/message-api.js';
import { apiErrorHandler } from '../../shared/http/api-error-handler.js';
import {
  type HttpRequest,
  type HttpResponse,
  jsonResponse,
  readJsonBody,
} from '../../shared/http/api-gateway.js';
import {
  MANAGEMENT_ROUTES,
  type ManagementRoute,
  type TENANT_SUBSCRIPTION_ROUTES,
} from '../../shared/http/routes.js';
import type { LaneOperations } from '../../shared/subscriptions/lane-operations.js';
import { toView } from '../../shared/subscriptions/subscription.js';
import {
  createSubscriptionSchema,
  deliveriesQuerySchema,
  listQuerySchema,
  operatorListQuerySchema,
  parseBody,
  parseQuery,
  replaySchema,
  rotateSecretSchema,
  updateSubscriptionSchema,
} from '../../shared/subscriptions/subscription-schema.js';
import type { SubscriptionService } from '../../shared/subscriptions/subscription-service.js';
import { toTenantView } from '../../shared/tenants/tenant.js';
import { createTenantSchema, updateTenantSchema } from '../../shared/tenants/tenant-schema.js';
import type { TenantService } from '../../shared/tenants/tenant-service.js';
import { type AccessRoute, accessRoutes } from './access-routes.js';
import { type EventRoute, eventRoutes } from './event-routes.js';
import { type EventTypeRoute, eventTypeRoutes } from './event-type-routes.js';

/**
 * The path parameters of a route: `id` (a subscription), `tenantId`, `tokenId`, `keyId`,
 * `sessionId` (a console session), `eventId`, `name` (an event type); empty when absent.
 */
export interface RouteParameters {
  readonly id: string;
  readonly tenantId: string;
  readonly tokenId: string;
  readonly keyId: string;
  readonly sessionId: string;
  readonly eventId: string;
  readonly name: string;
}

const PARAMETER_NAMES = [
  'id',
  'tenantId',
  'tokenId',
  'keyId',
  'sessionId',
  'eventId',
  'name',
] as const;

export type Route = (
  request: HttpRequest,
  parameters: RouteParameters,
  routeKey: ManagementRoute,
) => Promise<HttpResponse>;
type OperatorRoute = Exclude<
  ManagementRoute,
  (typeof TENANT_SUBSCRIPTION_ROUTES)[number] | AccessRoute | EventRoute | EventTypeRoute
>;

/**
 * The management API (`/v1/subscriptions…`, `/v1/tenants…`, tokens, `/v1/api-keys…`) as a
 * middy handler over the subscription, tenant and access services. Every request is first
 * authorized for its principal (the operator, an API key or a tenant token: see
 * shared/access/principal.ts). The Lambda entry wires it to AWS; the local runtime wires it to
 * its own mapping registry.
 */
export interface ManagementComponents {
  readonly service: SubscriptionService;
  readonly tenants: TenantService;
  readonly attempts: AttemptLog;
  readonly lanes: LaneOperations;
  readonly access: AccessService;
  readonly messages: MessageApi;
  readonly eventTypes: EventTypeService;
}

export function createManagementHandler(components: ManagementComponents, logger: Logger) {
  const { service, tenants, attempts, lanes, access, messages, eventTypes } = components;
  const operatorRoutes: Record<OperatorRoute, Route> = {
    'POST /v1/subscriptions': async (request) => {
      const input = parseBody(createSubscriptionSchema, readJsonBody(request));
      const { subscription, secret } = await service.create(input);
      return jsonResponse(201, { ...toView(subscription), secret });
    },
    'GET /v1/subscriptions': async (request) => {
      const { limit, cursor, tenantId } = parseQuery(
        operatorListQuerySchema,
        request.queryStringParameters,
      );
      return subscriptionPage({ limit, cursor, tenantId });
    },
    'GET /v1/subscriptions/{id}': async (_request, { id }) =>
      jsonResponse(200, toView(await service.get(id))),
    'PATCH /v1/subscriptions/{id}': async (request, { id }) => {
      const patch = parseBody(updateSubscriptionSchema, readJsonBody(request));
      return jsonResponse(200, toView(await service.update(id, patch)));
    },
    'DELETE /v1/subscriptions/{id}': async (_request, { id }) => {
      const { deleted, subscription } = await service.delete(id);
      return deleted ? { statusCode: 204 } : jsonResponse(202, toView(subscription));
    },
    'GET /v1/subscriptions/{id}/secret': async (_request, { id }) =>
      jsonResponse(200, await service.secrets(id)),
    'POST /v1/subscriptions/{id}/secret/rotate': async (request, { id }) => {
      const body = request.body ? readJsonBody(request) : {};
      const { gracePeriodSeconds } = parseBody(rotateSecretSchema, body);
      return jsonResponse(200, await service.rotateSecret(id, gracePeriodSeconds));
    },
    'GET /v1/subscriptions/{id}/deliveries': async (request, { id }) => {
      await service.get(id);
      const query = parseQuery(deliveriesQuerySchema, request.queryStringParameters);
      const page = await attempts.list(id, query);
      return jsonResponse(200, {
        data: page.items,
        ...(page.nextCursor && { nextCursor: page.nextCursor }),
        // An attempt keeps no copy of its body: it is the event, for as long as the store keeps it.
        eventRetentionDays: messages.retentionDays,
      });
    },
    'POST /v1/subscriptions/{id}/test': async (_request, { id }) => {
      const eventId = await lanes.sendTest(await activeSubscription(id));
      return jsonResponse(202, { id: eventId });
    },
    'POST /v1/subscriptions/{id}/redrive': async (_request, { id }) =>
      jsonResponse(200, await lanes.redrive(await activeSubscription(id))),
    'GET /v1/subscriptions/{id}/backlog': async (_request, { id }) =>
      jsonResponse(200, await lanes.backlog(await activeSubscription(id))),
    'POST /v1/subscriptions/{id}/replay': async (request, { id }) => {
      const { from, to } = parseBody(replaySchema, readJsonBody(request));
      return jsonResponse(202, await lanes.replay(await activeSubscription(id), from, to));
    },
    'POST /v1/tenants': async (request) => {
      const input = parseBody(createTenantSchema, readJsonBody(request));
      return jsonResponse(201, toTenantView(await tenants.create(input)));
    },
    'GET /v1/tenants': async (request) => {
      const { limit, cursor } = parseQuery(listQuerySchema, request.queryStringParameters);
      const page = await tenants.list({ limit, ...(cursor && { cursor }) });
      return jsonResponse(200, {
        data: page.items.map(toTenantView),
        ...(page.nextCursor && { nextCursor: page.nextCursor }),
      });
    },
    'GET /v1/tenants/{tenantId}': async (_request, { tenantId }) =>
      jsonResponse(200, toTenantView(await tenants.get(tenantId))),
    'PATCH /v1/tenants/{tenantId}': async (request, { tenantId }) => {
      const patch = parseBody(updateTenantSchema, readJsonBody(request));
      return jsonResponse(200, toTenantView(await tenants.update(tenantId, patch)));
    },
    'DELETE /v1/tenants/{tenantId}': async (_request, { tenantId }) => {
      const { deleted, tenant } = await tenants.delete(tenantId);
      return deleted ? { statusCode: 204 } : jsonResponse(202, toTenantView(tenant));
    },
  };

  const tenantRoutes: Record<(typeof TENANT_SUBSCRIPTION_ROUTES)[number], Route> = {
    // The tenant comes from the path; a body naming a tenant is refused (400), even its own.
    'POST /v1/tenants/{tenantId}/subscriptions': async (request, { tenantId }) => {
      const body = readJsonBody(request);
      const input = parseBody(createSubscriptionSchema.omit({ tenantId: true }), body);
      const { subscription, secret } = await service.create({ ...input, tenantId });
      return jsonResponse(201, { ...toView(subscription), secret });
    },
    'GET /v1/tenants/{tenantId}/subscriptions': async (request, { tenantId }) => {
      const { limit, cursor } = parseQuery(listQuerySchema, request.queryStringParameters);
      await tenants.get(tenantId);
      return subscriptionPage({ limit, cursor, tenantId });
    },
    'GET /v1/tenants/{tenantId}/subscriptions/{id}': scoped,
    'PATCH /v1/tenants/{tenantId}/subscriptions/{id}': scoped,
    'DELETE /v1/tenants/{tenantId}/subscriptions/{id}': scoped,
    'GET /v1/tenants/{tenantId}/subscriptions/{id}/secret': scoped,
    'POST /v1/tenants/{tenantId}/subscriptions/{id}/secret/rotate': scoped,
    'GET /v1/tenants/{tenantId}/subscriptions/{id}/deliveries': scoped,
    'POST /v1/tenants/{tenantId}/subscriptions/{id}/test': scoped,
    'POST /v1/tenants/{tenantId}/subscriptions/{id}/redrive': scoped,
    'GET /v1/tenants/{tenantId}/subscriptions/{id}/backlog': scoped,
    'POST /v1/tenants/{tenantId}/subscriptions/{id}/replay': scoped,
  };

  /**
   * The operator route, reached only once the subscription is known to be the tenant's: one of
   * another tenant (or of none) answers the same 404 as a missing one. A subscription's tenant
   * never changes, so the check cannot go stale before the operator route reads it again.
   */
  async function scoped(
    request: HttpRequest,
    parameters: RouteParameters,
    routeKey: ManagementRoute,
  ): Promise<HttpResponse> {
    const operatorKey = routeKey.replace('/v1/tenants/{tenantId}', '/v1') as OperatorRoute;
    await service.get(parameters.id, parameters.tenantId);
    return operatorRoutes[operatorKey](request, parameters, operatorKey);
  }

  async function subscriptionPage(query: { limit: number; cursor?: string; tenantId?: string }) {
    const page = await service.list({
      limit: query.limit,
      ...(query.cursor && { cursor: query.cursor }),
      ...(query.tenantId !== undefined && { tenantId: query.tenantId }),
    });
    return jsonResponse(200, {
      data: page.items.map(toView),
      ...(page.nextCursor && { nextCursor: page.nextCursor }),
    });
  }

  /** A subscription whose lane exists (so its queues can be used); a tenant's own when named. */
  async function activeSubscription(id: string, tenantId?: string) {
    const subscription = await service.get(id, tenantId);
    if (!['active', 'paused', 'disabled'].includes(subscription.status)) {
      throw new ConflictError(
        'subscription_not_ready',
        `subscription ${id} is ${subscription.status}`,
      );
    }
    return subscription;
  }

  const routes: Record<ManagementRoute, Route> = {
    ...operatorRoutes,
    ...tenantRoutes,
    ...accessRoutes(access),
    ...eventRoutes({ messages, tenants, lanes, activeSubscription }),
    ...eventTypeRoutes(eventTypes, tenants),
  };

  async function managementHandler(request: HttpRequest): Promise<HttpResponse> {
    const { routeKey, parameters } = matchRoute(request);
    authorizeRoute(principalOf(request), routeKey, parameters.tenantId || undefined);
    const route = routes[routeKey as ManagementRoute];
    if (!route)
      throw new NotFoundError(
        `no route for ${request.requestContext.http.method} ${request.rawPath}`,
      );
    return route(request, parameters, routeKey as ManagementRoute);
  }

  return middy<HttpRequest, HttpResponse>(managementHandler)
    .use(injectLambdaContext(logger))
    .use(apiErrorHandler({ logger }));
}

const COMPILED_ROUTES = MANAGEMENT_ROUTES.map((routeKey) => {
  const [method, template = ''] = routeKey.split(' ');
  const names: string[] = [];
  const source = template.replace(/\{(\w+)\}/g, (_, name: string) => {
    names.push(name);
    return '([^/]+)';
  });
  return { routeKey, method, names, regex: new RegExp(`^${source}$`) };
});

/** API Gateway gives the route key and path parameters; a `$default` route falls back to the path. */
function matchRoute(request: HttpRequest): { routeKey: string; parameters: RouteParameters } {
  if (request.routeKey && request.routeKey !== '$default') {
    return {
      routeKey: request.routeKey,
      parameters: parametersOf((name) => request.pathParameters?.[name]),
    };
  }
  const method = request.requestContext.http.method;
  const path = request.rawPath.replace(/\/+$/, '');
  for (const route of COMPILED_ROUTES) {
    const found = route.method === method ? route.regex.exec(path) : null;
    if (!found) continue;
    const values = Object.fromEntries(route.names.map((name, i) => [name, decode(found[i + 1])]));
    return { routeKey: route.routeKey, parameters: parametersOf((name) => values[name]) };
  }
  return { routeKey: `${method} ${path}`, parameters: parametersOf(() => undefined) };
}

function parametersOf(value: (name: string) => string | undefined): RouteParameters {
  const entries = PARAMETER_NAMES.map((name) => [name, value(name) ?? '']);
  return Object.fromEntries(entries) as Record<(typeof PARAMETER_NAMES)[number], string>;
}

/** A malformed escape is kept as it came: no subscription or tenant has such an id (404, not 500). */
function decode(segment = ''): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
