// The package's entry: `import { Hookbridge } from 'hookbridge'` in a CDK app. The constructs
// are TypeScript, loaded here through tsx (a dependency, as bin/hookbridge.js loads the CLI),
// so the app needs no TypeScript loader of its own: it may run on node, tsx or ts-node, as an
// ES module. Every export of infra/index.ts, checked by test/infra/package.test.ts.
import { tsImport } from 'tsx/esm/api';

const constructs = await tsImport('./index.ts', import.meta.url);

export const {
  acknowledgeNagFindings,
  bundledFunction,
  Delivery,
  EventBus,
  Hookbridge,
  HookbridgeStack,
  IdempotencyStore,
  INGEST_ROUTES,
  IngestApi,
  MANAGEMENT_ROUTES,
  ManagementApi,
  METRICS_NAMESPACE,
  Observability,
  SubscriptionStore,
} = constructs;
