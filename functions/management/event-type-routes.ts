import { toEventTypeView } from '../../shared/event-types/event-type.js';
import {
  createEventTypeSchema,
  updateEventTypeSchema,
} from '../../shared/event-types/event-type-schema.js';
import type { EventTypeService } from '../../shared/event-types/event-type-service.js';
import type { EventTypePage } from '../../shared/event-types/event-type-store.js';
import { jsonResponse, readJsonBody } from '../../shared/http/api-gateway.js';
import type { EVENT_TYPE_ROUTES } from '../../shared/http/routes.js';
import {
  listQuerySchema,
  parseBody,
  parseQuery,
} from '../../shared/subscriptions/subscription-schema.js';
import type { TenantService } from '../../shared/tenants/tenant-service.js';
import type { Route } from './app.js';

export type EventTypeRoute = (typeof EVENT_TYPE_ROUTES)[number];

/**
 * The event type catalog's routes. The catalog is one for the installation: a tenant's routes
 * read the same entries, once the tenant is known to exist (unknown: 404, as on its other
 * routes). Who may call which is decided before, by authorizeRoute.
 */
export function eventTypeRoutes(
  eventTypes: EventTypeService,
  tenants: TenantService,
): Record<EventTypeRoute, Route> {
  const list: Route = async (request) => {
    const { limit, cursor } = parseQuery(listQuerySchema, request.queryStringParameters);
    return page(await eventTypes.list({ limit, ...(cursor && { cursor }) }));
  };
  return {
    'POST /v1/event-types': async (request) => {
      const input = parseBody(createEventTypeSchema, readJsonBody(request));
      return jsonResponse(201, toEventTypeView(await eventTypes.create(input)));
    },
    'GET /v1/event-types': list,
    'GET /v1/event-types/{name}': async (_request, { name }) =>
      jsonResponse(200, toEventTypeView(await eventTypes.get(name))),
    'PATCH /v1/event-types/{name}': async (request, { name }) => {
      const patch = parseBody(updateEventTypeSchema, readJsonBody(request));
      return jsonResponse(200, toEventTypeView(await eventTypes.update(name, patch)));
    },
    'DELETE /v1/event-types/{name}': async (_request, { name }) => {
      await eventTypes.delete(name);
      return { statusCode: 204 };
    },
    'GET /v1/tenants/{tenantId}/event-types': async (request, parameters, routeKey) => {
      await tenants.get(parameters.tenantId);
      return list(request, parameters, routeKey);
    },
    'GET /v1/tenants/{tenantId}/event-types/{name}': async (_request, { tenantId, name }) => {
      await tenants.get(tenantId);
      return jsonResponse(200, toEventTypeView(await eventTypes.get(name)));
    },
  };
}

function page(result: EventTypePage) {
  return jsonResponse(200, {
    data: result.items.map(toEventTypeView),
    ...(result.nextCursor && { nextCursor: result.nextCursor }),
  });
}
