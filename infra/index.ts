export {
  type BundledFunctionOptions,
  bundledFunction,
  METRICS_NAMESPACE,
} from './constructs/bundled-function.js';
export { Delivery, type DeliveryProps } from './constructs/delivery.js';
export { EventBus, type EventBusProps } from './constructs/event-bus.js';
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
} from './constructs/observability.js';
export { SubscriptionStore, type SubscriptionStoreProps } from './constructs/subscription-store.js';
export { Hookbridge, type HookbridgeProps } from './hookbridge.js';
export { HookbridgeStack, type HookbridgeStackProps } from './hookbridge-stack.js';
export { acknowledgeNagFindings } from './nag-suppressions.js';
