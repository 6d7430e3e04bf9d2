import {
  eventListQuerySchema,
  resendSchema,
  tenantEventListQuerySchema,
} from '../../shared/events/event-queries.js';
import { EventStoreDisabledError, type MessageApi } from '../../shared/events/message-api.js';
import {
  type HttpRequest,
  type HttpResponse,
  jsonResponse,
  readJsonBody,
} from '../../shared/http/api-gateway.js';
import type { EVENT_ROUTES } from '../../shared/http/routes.js';
import type { LaneOperations } from '../../shared/subscriptions/lane-operations.js';
import type { Subscription } from '../../shared/subscriptions/subscription.js';
import { parseBody, parseQuery } from '../../shared/subscriptions/subscription-schema.js';
import type { TenantService } from '../../shared/tenants/tenant-service.js';

export type EventRoute = (typeof EVENT_ROUTES)[number];

/** The path parameters the message routes read. */
export interface EventRouteParameters {
  readonly id: string;
  readonly tenantId: string;
  readonly eventId: string;
}

type Handler = (request: HttpRequest, parameters: EventRouteParameters) => Promise<HttpResponse>;

export interface EventRouteComponents {
  readonly messages: MessageApi;
  readonly tenants: TenantService;
  readonly lanes: LaneOperations;
  /** A subscription whose lane exists (409 `subscription_not_ready` otherwise). */
  readonly activeSubscription: (id: string, tenantId?: string) => Promise<Subscription>;
}

/**
 * The message API's routes: stored events and their deliveries, for the operator and for one
 * tenant, and resending a stored event to one subscription. A tenant's route checks the tenant
 * first (unknown: 404), then answers only its events and broadcasts.
 */
export function eventRoutes(components: EventRouteComponents): Record<EventRoute, Handler> {
  const { messages, tenants, lanes, activeSubscription } = components;

  async function resend(request: HttpRequest, id: string, tenantId?: string) {
    // The subscription first, as on every scoped route: another tenant's id answers the same
    // 404 whatever the body holds.
    const subscription = await activeSubscription(id, tenantId);
    const { eventId } = parseBody(resendSchema, readJsonBody(request));
    if (!messages.enabled) throw new EventStoreDisabledError(409);
    const envelope = await messages.forResend(eventId, subscription);
    await lanes.resend(subscription, envelope);
    return jsonResponse(202, { eventId, subscriptionId: subscription.id });
  }

  return {
    'GET /v1/events': async (request) => {
      const query = parseQuery(eventListQuerySchema, request.queryStringParameters);
      return jsonResponse(200, await messages.list(query));
    },
    'GET /v1/events/{eventId}': async (_request, { eventId }) =>
      jsonResponse(200, await messages.get(eventId)),
    'GET /v1/tenants/{tenantId}/events': async (request, { tenantId }) => {
      const query = parseQuery(tenantEventListQuerySchema, request.queryStringParameters);
      await tenants.get(tenantId);
      return jsonResponse(200, await messages.list(query, tenantId));
    },
    'GET /v1/tenants/{tenantId}/events/{eventId}': async (_request, { tenantId, eventId }) => {
      await tenants.get(tenantId);
      return jsonResponse(200, await messages.get(eventId, tenantId));
    },
    'POST /v1/subscriptions/{id}/resend': async (request, { id }) => resend(request, id),
    'POST /v1/tenants/{tenantId}/subscriptions/{id}/resend': async (request, { id, tenantId }) =>
      resend(request, id, tenantId),
  };
}
