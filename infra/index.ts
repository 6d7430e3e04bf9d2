export { AccessStore, type AccessStoreProps } from './constructs/access-store.js';
export {
  type BundledFunctionOptions,
  bundledFunction,
  METRICS_NAMESPACE,
} from './constructs/bundled-function.js';
export { Delivery, type DeliveryProps } from './constructs/delivery.js';
export { EventBus, type EventBusProps } from './constructs/event-bus.js';
export {
  EventStore,
  type EventStoreProps,
  MAX_EVENT_RETENTION_DAYS,
} from './constructs/event-store.js';
export { IdempotencyStore, type IdempotencyStoreProps } from './constructs/idempotency-store.js';
export { INGEST_ROUTES, IngestApi, type IngestApiProps } from './constructs/ingest-api.js';
export {
  MANAGEMENT_ROUTES,
  ManagementApi,
  type ManagementApiProps,
} from './constructs/management-api.js';
export {
  Observability,
  type ObservabilityAlarms,
  type ObservabilityProps,
  type TokenApiMonitoring,
} from './constructs/observability.js';
export { SubscriptionStore, type SubscriptionStoreProps } from './constructs/subscription-store.js';
export {
  CORS_ALLOWED_HEADERS,
  MAX_AUTHORIZER_CACHE_SECONDS,
  TOKEN_API_ROUTES,
  TokenApi,
  type TokenApiProps,
} from './constructs/token-api.js';
export { WebApp, type WebAppProps } from './constructs/web-app.js';
export { Hookbridge, type HookbridgeProps } from './hookbridge.js';
export { HookbridgeStack, type HookbridgeStackProps } from './hookbridge-stack.js';
export { acknowledgeNagFindings } from './nag-suppressions.js';
