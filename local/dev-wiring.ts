import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { SQSClient } from '@aws-sdk/client-sqs';
import * as z from 'zod/mini';
import { createAuthorizerHandler } from '../functions/authorizer/app.js';
import { createDeliveryHandler } from '../functions/delivery/app.js';
import { handler as ingestHandler } from '../functions/ingest/handler.js';
import { createManagementHandler } from '../functions/management/app.js';
import { awsClientConfig, dynamoClientConfig } from '../shared/aws/client-config.js';
import { integerSetting, readConfig } from '../shared/config.js';
import { readDeliveryConfig } from '../shared/delivery/delivery-config.js';
import { createDeliveryComponents } from '../shared/delivery/delivery-wiring.js';
import { readEventStoreConfig } from '../shared/events/event-store-config.js';
import { INGEST_ROUTES, MANAGEMENT_ROUTES } from '../shared/http/routes.js';
import { logger, metrics } from '../shared/observability.js';
import { type ReconcileReport, reconcile } from '../shared/provisioning/reconciler.js';
import { readManagementConfig } from '../shared/subscriptions/management-config.js';
import { createSubscriptionComponents } from '../shared/subscriptions/subscription-wiring.js';
import { createBaseResources } from './base-resources.js';
import { EsmPoller } from './esm-poller.js';
import type { GatewayRoute } from './http-gateway.js';
import { LaneNudger } from './lane-nudger.js';
import { LocalArchive } from './local-archive.js';
import { localAuthorizer } from './local-authorizer.js';
import { LocalEventSourceMappings } from './local-event-source-mappings.js';
import { createLocalShards, localShardArchives } from './local-shards.js';
import { ensureLocalWakeQueue, startLocalWaker } from './local-waker.js';

/**
 * Wires the production handlers for the local runtime: the same ingest, management and
 * delivery code, with the local mapping registry and poller in place of Lambda's event source
 * mappings. Call after the environment points at the local endpoint.
 */
export async function wireLocalApp(options: { archiveFile?: string | undefined } = {}) {
  const clientConfig = awsClientConfig();
  // The local archive below stands in for the bus's archive (and replays from it).
  const base = await createBaseResources(clientConfig, undefined, { archive: false });

  const sqs = new SQSClient(clientConfig);
  // The wake queue of cold lanes is made first: the configuration read next names it.
  process.env.HOOKBRIDGE_WAKE_QUEUE_ARN = await ensureLocalWakeQueue(
    sqs,
    readManagementConfig({ ...process.env, HOOKBRIDGE_LANE_IDLE_SECONDS: '0' }).prefix,
  );
  const config = readManagementConfig();
  const events = new EventBridgeClient(clientConfig);
  const archive = new LocalArchive(sqs, events, {
    busName: config.busName,
    name: base.archive,
    file: options.archiveFile,
  });
  // Bus shards (HOOKBRIDGE_BUS_SHARDS): the other buses, their broadcast forwarding and
  // archives. With one shard this is the one archive above.
  await createLocalShards(events, config.busNames, {
    source: config.source,
    prefix: config.prefix,
  });
  const shards = localShardArchives(
    sqs,
    events,
    { archive, name: base.archive, file: options.archiveFile },
    config.busNames,
    config.prefix,
  );
  const archived = { loaded: 0 };
  for (const each of shards.archives) archived.loaded += (await each.start()).loaded;

  const mappings = new LocalEventSourceMappings();
  const subscriptions = createSubscriptionComponents(config, clientConfig, mappings, {
    logger,
    eventStore: readEventStoreConfig(),
    archive: shards.replay,
  });
  const delivery = createDeliveryComponents(readDeliveryConfig(), clientConfig, mappings, {
    logger,
  });
  const poller = new EsmPoller({
    mappings,
    handler: createDeliveryHandler(delivery.deliverer, logger, metrics),
    sqs: new SQSClient(clientConfig),
    promptSqs: new SQSClient(clientConfig),
    logger,
  });
  poller.start();
  // Each archived event nudges the lanes it was routed to (see LaneNudger).
  const nudger = new LaneNudger(events, config.prefix, (names) => poller.nudge(names));
  mappings.onChange(() => nudger.invalidate());
  for (const each of shards.archives) {
    each.onArchived((archivedEvents) => {
      nudger.route(archivedEvents, each.busName).catch((error: unknown) => {
        logger.debug('could not nudge the lanes of archived events', { error });
      });
    });
  }
  const waker =
    subscriptions.sleeper &&
    config.wakeQueueArn &&
    startLocalWaker({
      sqs,
      sleeper: subscriptions.sleeper,
      wakeQueueArn: config.wakeQueueArn,
      logger,
    });

  const management = createManagementHandler(subscriptions, logger);
  const routes: GatewayRoute[] = [
    ...INGEST_ROUTES.map((routeKey) => ({ routeKey, handler: ingestHandler })),
    ...MANAGEMENT_ROUTES.map((routeKey) => ({ routeKey, handler: management })),
  ];

  // The token/key API's authorizer, with API Gateway's result cache (the stack sets the same TTL).
  const dynamo = new DynamoDBClient(dynamoClientConfig(clientConfig));
  const authorize = localAuthorizer(
    createAuthorizerHandler({
      client: dynamo,
      accessTable: config.accessTable ?? base.accessTable,
      subscriptionsTable: config.subscriptionsTable,
      logger,
    }),
    { cacheSeconds: readAuthorizerCacheSeconds() },
  );

  let running: Promise<ReconcileReport | undefined> | undefined;
  return {
    routes,
    /** What the gateway does with a request's `Authorization` header. */
    authorize,
    /** How many events the local archive brought back from its file. */
    archivedEvents: archived.loaded,
    /** One reconciler pass (also registers the mappings of subscriptions made in earlier runs). */
    reconcileNow(pass: { concurrency?: number } = {}): Promise<ReconcileReport | undefined> {
      running ??= reconcile({
        store: subscriptions.store,
        tenants: subscriptions.tenantStore,
        provisioner: subscriptions.provisioner,
        sleeper: subscriptions.sleeper,
        laneIdleMs: config.laneIdleMs,
        placement: subscriptions.placement,
        concurrency: pass.concurrency ?? config.reconcileConcurrency,
        logger,
      })
        .catch((error: unknown) => {
          logger.warn('reconciler pass failed', { error });
          return undefined;
        })
        .finally(() => {
          running = undefined;
        });
      return running;
    },
    async stop() {
      await running;
      await poller.stop();
      if (waker) await waker.stop();
      for (const each of shards.archives) await each.stop();
      await delivery.close();
      sqs.destroy();
      events.destroy();
      dynamo.destroy();
    },
  };
}

/**
 * `HOOKBRIDGE_AUTHORIZER_CACHE_SECONDS`: how long an authorizer result is reused (0: never).
 * Locally it is 0 unless set: a revoked credential is refused at once, which is what a
 * developer trying revocation expects; the checks themselves are the deployed ones. Set it to
 * the stack's `authorizerCacheTtl` (30) to see the deployed delay.
 */
function readAuthorizerCacheSeconds(): number {
  return readConfig(
    z.object({ HOOKBRIDGE_AUTHORIZER_CACHE_SECONDS: integerSetting(0, 0, 60) }),
    process.env,
  ).HOOKBRIDGE_AUTHORIZER_CACHE_SECONDS;
}
