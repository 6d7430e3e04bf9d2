/**
 * Every route of the HTTP API, by API Gateway route key. The stack creates exactly these
 * routes, the local gateway serves exactly these, and the OpenAPI document describes them:
 * one list, so the three cannot disagree.
 */
export const INGEST_ROUTES = ['POST /v1/events', 'POST /v1/events/batch'] as const;

/**
 * A tenant's own subscription routes: every subscription route under
 * `/v1/tenants/{tenantId}`, reaching only that tenant's subscriptions.
 */
export const TENANT_SUBSCRIPTION_ROUTES = [
  'POST /v1/tenants/{tenantId}/subscriptions',
  'GET /v1/tenants/{tenantId}/subscriptions',
  'GET /v1/tenants/{tenantId}/subscriptions/{id}',
  'PATCH /v1/tenants/{tenantId}/subscriptions/{id}',
  'DELETE /v1/tenants/{tenantId}/subscriptions/{id}',
  'GET /v1/tenants/{tenantId}/subscriptions/{id}/secret',
  'POST /v1/tenants/{tenantId}/subscriptions/{id}/secret/rotate',
  'GET /v1/tenants/{tenantId}/subscriptions/{id}/deliveries',
  'POST /v1/tenants/{tenantId}/subscriptions/{id}/test',
  'POST /v1/tenants/{tenantId}/subscriptions/{id}/redrive',
  'GET /v1/tenants/{tenantId}/subscriptions/{id}/backlog',
  'POST /v1/tenants/{tenantId}/subscriptions/{id}/replay',
] as const;

/**
 * Tenant tokens (for a customer's portal session), minted and revoked by the operator:
 * DELETE on the collection revokes every token of the tenant at once.
 */
export const TOKEN_ROUTES = [
  'POST /v1/tenants/{tenantId}/tokens',
  'GET /v1/tenants/{tenantId}/tokens',
  'DELETE /v1/tenants/{tenantId}/tokens',
  'DELETE /v1/tenants/{tenantId}/tokens/{tokenId}',
] as const;

/** API keys for producers and operators without AWS credentials; reachable with IAM only. */
export const API_KEY_ROUTES = [
  'POST /v1/api-keys',
  'GET /v1/api-keys',
  'GET /v1/api-keys/{keyId}',
  'DELETE /v1/api-keys/{keyId}',
] as const;

/**
 * Operator console sessions (`hbc_…`, the deployed web console's credential), minted, listed
 * and revoked by the operator; like the API-key routes, reachable with IAM only.
 */
export const CONSOLE_SESSION_ROUTES = [
  'POST /v1/console-sessions',
  'GET /v1/console-sessions',
  'DELETE /v1/console-sessions',
  'DELETE /v1/console-sessions/{sessionId}',
] as const;

/** The message API: stored events and where they went, and resending one to one subscription. */
export const EVENT_ROUTES = [
  'GET /v1/events',
  'GET /v1/events/{eventId}',
  'GET /v1/tenants/{tenantId}/events',
  'GET /v1/tenants/{tenantId}/events/{eventId}',
  'POST /v1/subscriptions/{id}/resend',
  'POST /v1/tenants/{tenantId}/subscriptions/{id}/resend',
] as const;

/**
 * The event type catalog: written by the operator (and `manage` keys), read by every tenant
 * through its own path (the catalog is the same for all).
 */
export const EVENT_TYPE_ROUTES = [
  'POST /v1/event-types',
  'GET /v1/event-types',
  'GET /v1/event-types/{name}',
  'PATCH /v1/event-types/{name}',
  'DELETE /v1/event-types/{name}',
  'GET /v1/tenants/{tenantId}/event-types',
  'GET /v1/tenants/{tenantId}/event-types/{name}',
] as const;

export const MANAGEMENT_ROUTES = [
  'POST /v1/subscriptions',
  'GET /v1/subscriptions',
  'GET /v1/subscriptions/{id}',
  'PATCH /v1/subscriptions/{id}',
  'DELETE /v1/subscriptions/{id}',
  'GET /v1/subscriptions/{id}/secret',
  'POST /v1/subscriptions/{id}/secret/rotate',
  'GET /v1/subscriptions/{id}/deliveries',
  'POST /v1/subscriptions/{id}/test',
  'POST /v1/subscriptions/{id}/redrive',
  'GET /v1/subscriptions/{id}/backlog',
  'POST /v1/subscriptions/{id}/replay',
  'POST /v1/tenants',
  'GET /v1/tenants',
  'GET /v1/tenants/{tenantId}',
  'PATCH /v1/tenants/{tenantId}',
  'DELETE /v1/tenants/{tenantId}',
  ...TENANT_SUBSCRIPTION_ROUTES,
  ...TOKEN_ROUTES,
  ...API_KEY_ROUTES,
  ...CONSOLE_SESSION_ROUTES,
  ...EVENT_ROUTES,
  ...EVENT_TYPE_ROUTES,
] as const;

export type IngestRoute = (typeof INGEST_ROUTES)[number];
export type ManagementRoute = (typeof MANAGEMENT_ROUTES)[number];
