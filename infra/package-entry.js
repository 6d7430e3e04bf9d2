// The package's entry: `import { Hookbridge } from 'hookbridge'` in a CDK app. The constructs
// are TypeScript, loaded here through tsx (a dependency, as bin/hookbridge.js loads the CLI),
// so the app needs no TypeScript loader of its own: it may run on node, tsx or ts-node, as an
// ES module. Every export of infra/index.ts, checked by test/infra/package.test.ts.
import { tsImport } from 'tsx/esm/api';

const constructs = await tsImport('./index.ts', import.meta.url);

export const {
  acknowledgeNagFindings,
  AccessStore,
  bundledFunction,
  CORS_ALLOWED_HEADERS,
  Delivery,
  EventBus,
  EventStore,
  Hookbridge,
  HookbridgeStack,
  IdempotencyStore,
  INGEST_ROUTES,
  IngestApi,
  MANAGEMENT_ROUTES,
  ManagementApi,
  MAX_AUTHORIZER_CACHE_SECONDS,
  MAX_EVENT_RETENTION_DAYS,
  METRICS_NAMESPACE,
  Observability,
  SubscriptionStore,
  TOKEN_API_ROUTES,
  TokenApi,
  WebApp,
} = constructs;
