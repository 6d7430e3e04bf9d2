import type { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { AttemptLog } from '../../shared/delivery/attempt-log.js';
import { ConflictError, NotFoundError } from '../../shared/errors.js';
import { apiErrorHandler } from '../../shared/http/api-error-handler.js';
import {
  type HttpRequest,
  type HttpResponse,
  jsonResponse,
  readJsonBody,
} from '../../shared/http/api-gateway.js';
import type { ManagementRoute } from '../../shared/http/routes.js';
import type { LaneOperations } from '../../shared/subscriptions/lane-operations.js';
import { toView } from '../../shared/subscriptions/subscription.js';
import {
  createSubscriptionSchema,
  deliveriesQuerySchema,
  listQuerySchema,
  parseBody,
  parseQuery,
  replaySchema,
  rotateSecretSchema,
  updateSubscriptionSchema,
} from '../../shared/subscriptions/subscription-schema.js';
import type { SubscriptionService } from '../../shared/subscriptions/subscription-service.js';

type Route = (request: HttpRequest, id: string) => Promise<HttpResponse>;

/**
 * The management API (`/v1/subscriptions…`) as a middy handler over a subscription service.
 * The Lambda entry wires it to AWS; the local runtime wires it to its own mapping registry.
 */
export interface ManagementComponents {
  readonly service: SubscriptionService;
  readonly attempts: AttemptLog;
  readonly lanes: LaneOperations;
}

export function createManagementHandler(components: ManagementComponents, logger: Logger) {
  const { service, attempts, lanes } = components;
  const routes: Record<ManagementRoute, Route> = {
    'POST /v1/subscriptions': async (request) => {
      const input = parseBody(createSubscriptionSchema, readJsonBody(request));
      const { subscription, secret } = await service.create(input);
      return jsonResponse(201, { ...toView(subscription), secret });
    },
    'GET /v1/subscriptions': async (request) => {
      const { limit, cursor } = parseQuery(listQuerySchema, request.queryStringParameters);
      const page = await service.list({ limit, ...(cursor && { cursor }) });
      return jsonResponse(200, {
        data: page.items.map(toView),
        ...(page.nextCursor && { nextCursor: page.nextCursor }),
      });
    },
    'GET /v1/subscriptions/{id}': async (_request, id) =>
      jsonResponse(200, toView(await service.get(id))),
    'PATCH /v1/subscriptions/{id}': async (request, id) => {
      const patch = parseBody(updateSubscriptionSchema, readJsonBody(request));
      return jsonResponse(200, toView(await service.update(id, patch)));
    },
    'DELETE /v1/subscriptions/{id}': async (_request, id) => {
      const { deleted, subscription } = await service.delete(id);
      return deleted ? { statusCode: 204 } : jsonResponse(202, toView(subscription));
    },
    'GET /v1/subscriptions/{id}/secret': async (_request, id) =>
      jsonResponse(200, await service.secrets(id)),
    'POST /v1/subscriptions/{id}/secret/rotate': async (request, id) => {
      const body = request.body ? readJsonBody(request) : {};
      const { gracePeriodSeconds } = parseBody(rotateSecretSchema, body);
      return jsonResponse(200, await service.rotateSecret(id, gracePeriodSeconds));
    },
    'GET /v1/subscriptions/{id}/deliveries': async (request, id) => {
      await service.get(id);
      const query = parseQuery(deliveriesQuerySchema, request.queryStringParameters);
      const page = await attempts.list(id, query);
      return jsonResponse(200, {
        data: page.items,
        ...(page.nextCursor && { nextCursor: page.nextCursor }),
      });
    },
    'POST /v1/subscriptions/{id}/test': async (_request, id) => {
      const eventId = await lanes.sendTest(await activeSubscription(id));
      return jsonResponse(202, { id: eventId });
    },
    'POST /v1/subscriptions/{id}/redrive': async (_request, id) =>
      jsonResponse(200, await lanes.redrive(await activeSubscription(id))),
    'POST /v1/subscriptions/{id}/replay': async (request, id) => {
      const { from, to } = parseBody(replaySchema, readJsonBody(request));
      return jsonResponse(202, await lanes.replay(await activeSubscription(id), from, to));
    },
  };

  /** A subscription whose lane exists (so its queues can be used). */
  async function activeSubscription(id: string) {
    const subscription = await service.get(id);
    if (!['active', 'paused', 'disabled'].includes(subscription.status)) {
      throw new ConflictError(
        'subscription_not_ready',
        `subscription ${id} is ${subscription.status}`,
      );
    }
    return subscription;
  }

  async function managementHandler(request: HttpRequest): Promise<HttpResponse> {
    const { routeKey, id } = matchRoute(request);
    const route = routes[routeKey as ManagementRoute];
    if (!route)
      throw new NotFoundError(
        `no route for ${request.requestContext.http.method} ${request.rawPath}`,
      );
    return route(request, id);
  }

  return middy<HttpRequest, HttpResponse>(managementHandler)
    .use(injectLambdaContext(logger))
    .use(apiErrorHandler({ logger }));
}

/** API Gateway gives the route key and path parameters; a `$default` route falls back to the path. */
function matchRoute(request: HttpRequest): { routeKey: string; id: string } {
  const id = request.pathParameters?.id;
  if (request.routeKey && request.routeKey !== '$default')
    return { routeKey: request.routeKey, id: id ?? '' };
  const method = request.requestContext.http.method;
  const path = request.rawPath.replace(/\/+$/, '');
  const match = /^\/v1\/subscriptions\/([^/]+)(\/.*)?$/.exec(path);
  if (!match) return { routeKey: `${method} ${path}`, id: '' };
  return {
    routeKey: `${method} /v1/subscriptions/{id}${match[2] ?? ''}`,
    // A malformed escape is kept as it came: no subscription has such an id (404, not 500).
    id: (() => {
      try {
        return decodeURIComponent(match[1] ?? '');
      } catch {
        return match[1] ?? '';
      }
    })(),
  };
}
