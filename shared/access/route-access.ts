import type {
  API_KEY_ROUTES,
  CONSOLE_SESSION_ROUTES,
  EVENT_ROUTES,
  EVENT_TYPE_ROUTES,
  INGEST_ROUTES,
  MANAGEMENT_ROUTES,
  TOKEN_ROUTES,
} from '../http/routes.js';
import type { Capability } from './access-types.js';

/** Every route key of both APIs. */
export type AnyRoute =
  | (typeof INGEST_ROUTES)[number]
  | (typeof MANAGEMENT_ROUTES)[number]
  | (typeof TOKEN_ROUTES)[number]
  | (typeof API_KEY_ROUTES)[number]
  | (typeof CONSOLE_SESSION_ROUTES)[number]
  | (typeof EVENT_ROUTES)[number]
  | (typeof EVENT_TYPE_ROUTES)[number];

/**
 * Who may call a route besides the operator:
 * - `ingest`: publishing; `publish` and `manage` API keys, console sessions.
 * - `management`: `manage` API keys and console sessions.
 * - `operator`: the operator alone (the API-key and console-session routes: no credential can
 *   mint or see credentials of that power).
 * - `tenant`: also a token of the route's own `{tenantId}` holding `capability`.
 */
export type RouteAccess =
  | { readonly kind: 'ingest' }
  | { readonly kind: 'management' }
  | { readonly kind: 'operator' }
  | { readonly kind: 'tenant'; readonly capability: Capability };

const ingest = { kind: 'ingest' } as const;
const management = { kind: 'management' } as const;
const operator = { kind: 'operator' } as const;
const tenant = (capability: Capability) => ({ kind: 'tenant', capability }) as const;

/**
 * The access rule of every route. Typed over every route list, so a route added to one of them
 * without a rule here does not compile: no route is reachable by a key or token by omission.
 */
export const ROUTE_ACCESS: Readonly<Record<AnyRoute, RouteAccess>> = {
  'POST /v1/events': ingest,
  'POST /v1/events/batch': ingest,
  'POST /v1/subscriptions': management,
  'GET /v1/subscriptions': management,
  'GET /v1/subscriptions/{id}': management,
  'PATCH /v1/subscriptions/{id}': management,
  'DELETE /v1/subscriptions/{id}': management,
  'GET /v1/subscriptions/{id}/secret': management,
  'POST /v1/subscriptions/{id}/secret/rotate': management,
  'GET /v1/subscriptions/{id}/deliveries': management,
  'POST /v1/subscriptions/{id}/test': management,
  'POST /v1/subscriptions/{id}/redrive': management,
  'GET /v1/subscriptions/{id}/backlog': management,
  'POST /v1/subscriptions/{id}/replay': management,
  'POST /v1/subscriptions/{id}/resend': management,
  'GET /v1/events': management,
  'GET /v1/events/{eventId}': management,
  'POST /v1/tenants': management,
  'GET /v1/tenants': management,
  'GET /v1/tenants/{tenantId}': tenant('read'),
  'PATCH /v1/tenants/{tenantId}': management,
  'DELETE /v1/tenants/{tenantId}': management,
  'POST /v1/tenants/{tenantId}/subscriptions': tenant('write'),
  'GET /v1/tenants/{tenantId}/subscriptions': tenant('read'),
  'GET /v1/tenants/{tenantId}/subscriptions/{id}': tenant('read'),
  'PATCH /v1/tenants/{tenantId}/subscriptions/{id}': tenant('write'),
  'DELETE /v1/tenants/{tenantId}/subscriptions/{id}': tenant('write'),
  'GET /v1/tenants/{tenantId}/subscriptions/{id}/secret': tenant('secrets'),
  'POST /v1/tenants/{tenantId}/subscriptions/{id}/secret/rotate': tenant('secrets'),
  'GET /v1/tenants/{tenantId}/subscriptions/{id}/deliveries': tenant('read'),
  'POST /v1/tenants/{tenantId}/subscriptions/{id}/test': tenant('write'),
  'POST /v1/tenants/{tenantId}/subscriptions/{id}/redrive': tenant('resend'),
  'GET /v1/tenants/{tenantId}/subscriptions/{id}/backlog': tenant('read'),
  'POST /v1/tenants/{tenantId}/subscriptions/{id}/replay': tenant('resend'),
  'POST /v1/tenants/{tenantId}/subscriptions/{id}/resend': tenant('resend'),
  'GET /v1/tenants/{tenantId}/events': tenant('read'),
  'GET /v1/tenants/{tenantId}/events/{eventId}': tenant('read'),
  'POST /v1/tenants/{tenantId}/tokens': management,
  'GET /v1/tenants/{tenantId}/tokens': management,
  'DELETE /v1/tenants/{tenantId}/tokens': management,
  'DELETE /v1/tenants/{tenantId}/tokens/{tokenId}': management,
  'POST /v1/event-types': management,
  'GET /v1/event-types': management,
  'GET /v1/event-types/{name}': management,
  'PATCH /v1/event-types/{name}': management,
  'DELETE /v1/event-types/{name}': management,
  'GET /v1/tenants/{tenantId}/event-types': tenant('read'),
  'GET /v1/tenants/{tenantId}/event-types/{name}': tenant('read'),
  'POST /v1/api-keys': operator,
  'GET /v1/api-keys': operator,
  'GET /v1/api-keys/{keyId}': operator,
  'DELETE /v1/api-keys/{keyId}': operator,
  'POST /v1/console-sessions': operator,
  'GET /v1/console-sessions': operator,
  'DELETE /v1/console-sessions': operator,
  'DELETE /v1/console-sessions/{sessionId}': operator,
};

/** The access rule of a route key, or undefined for a key no API serves. */
export function routeAccess(routeKey: string): RouteAccess | undefined {
  return Object.hasOwn(ROUTE_ACCESS, routeKey) ? ROUTE_ACCESS[routeKey as AnyRoute] : undefined;
}
