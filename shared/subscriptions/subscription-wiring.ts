import { AccessService } from '../access/access-service.js';
import { AccessStore } from '../access/access-store.js';
import { type AwsClientConfig, awsClientConfig } from '../aws/client-config.js';
import { DynamoAttemptLog } from '../delivery/attempt-log.js';
import { ConfigError } from '../errors.js';
import { EventTypeService } from '../event-types/event-type-service.js';
import { DynamoEventTypeStore } from '../event-types/event-type-store.js';
import { type EventStoreConfig, readEventStoreConfig } from '../events/event-store-config.js';
import { DynamoEventStoreReader } from '../events/event-store-reader.js';
import { MessageApi } from '../events/message-api.js';
import { BusOperationalEvents } from '../events/operational-events.js';
import { AddressPolicy } from '../net/address-policy.js';
import type { Log } from '../observability.js';
import type { EventSourceMappings } from '../provisioning/event-source-mappings.js';
import type { LaneSleeper } from '../provisioning/lane-sleeper.js';
import { createLaneComponents, lambdaMappings } from '../provisioning/lane-wiring.js';
import type { Provisioner } from '../provisioning/provisioner.js';
import type { ShardPlacement } from '../shards/shard-placement.js';
import { TenantService } from '../tenants/tenant-service.js';
import type { DynamoTenantStore } from '../tenants/tenant-store.js';
import { type ArchiveReplay, LaneOperations } from './lane-operations.js';
import type { ManagementConfig } from './management-config.js';
import { SubscriptionQueries } from './subscription-queries.js';
import { SubscriptionService } from './subscription-service.js';
import type { DynamoSubscriptionStore } from './subscription-store.js';

/** The subscription service, store and provisioner for a configuration. */
export interface SubscriptionComponents {
  readonly store: DynamoSubscriptionStore;
  readonly tenantStore: DynamoTenantStore;
  readonly provisioner: Provisioner;
  /** Cold lanes' sleep and wake; none without a wake queue. */
  readonly sleeper: LaneSleeper | undefined;
  readonly placement: ShardPlacement;
  readonly service: SubscriptionService;
  readonly tenants: TenantService;
  readonly attempts: DynamoAttemptLog;
  readonly lanes: LaneOperations;
  readonly access: AccessService;
  readonly messages: MessageApi;
  readonly eventTypes: EventTypeService;
}

/**
 * Builds the subscription components on AWS SDK clients made once from `clientConfig`;
 * the mapping port is the only piece that differs between AWS (Lambda) and the local runtime.
 */
export function createSubscriptionComponents(
  config: ManagementConfig,
  clientConfig: AwsClientConfig,
  mappings: EventSourceMappings,
  options: {
    logger?: Log;
    lookup?: (host: string) => Promise<string[]>;
    /** Carries replays out. @default EventBridge's StartReplay from `config.archiveArn` */
    archive?: ArchiveReplay;
    /** The message store the message API reads. @default none: the store is off */
    eventStore?: EventStoreConfig | undefined;
  } = {},
): SubscriptionComponents {
  const { logger, lookup, archive, eventStore } = options;
  const {
    store,
    tenants: tenantStore,
    provisioner,
    sleeper,
    placement,
    clients,
  } = createLaneComponents(config, clientConfig, mappings);
  const { dynamo, sqs, events } = clients;
  // The management API only reads the log: the TTL setting does not matter here.
  const attempts = new DynamoAttemptLog(dynamo, config.deliveriesTable, 0);
  const lanes = new LaneOperations(
    sqs,
    events,
    {
      prefix: config.prefix,
      busName: config.busName,
      busNames: config.busNames,
      archiveArns: config.archiveArns,
      source: config.source,
      archiveArn: config.archiveArn,
      // The message is in the queue already: a failed wake is the reconciler's to finish (its
      // depth check), not a failed request.
      wake:
        sleeper &&
        ((id) =>
          sleeper
            .wake(id)
            .catch((error: unknown) => logger?.warn('waking a cold lane failed', { id, error }))),
    },
    archive,
  );
  const policy = new AddressPolicy({
    allowCidrs: config.allowCidrs,
    allowHttp: config.allowHttp,
    ...(lookup && { lookup }),
  });
  const service = new SubscriptionService({
    store,
    tenants: tenantStore,
    provisioner,
    policy,
    source: config.source,
    operational: new BusOperationalEvents(events, config.busName, config.source),
    placement,
    shards: config.busNames.length,
    ...(logger && { logger }),
  });
  const tenants = new TenantService({
    tenants: tenantStore,
    subscriptions: store,
    subscriptionService: service,
    placement,
    ...(logger && { logger }),
  });
  if (!config.accessTable) throw new ConfigError('HOOKBRIDGE_ACCESS_TABLE: is required');
  const access = new AccessService({
    store: new AccessStore(dynamo, config.accessTable),
    tenants,
    tenantStore,
  });
  const messages = new MessageApi({
    reader: eventStore && new DynamoEventStoreReader(dynamo, eventStore.tableName),
    retentionDays: eventStore?.retentionDays ?? 0,
    subscriptions: new SubscriptionQueries(dynamo, config.subscriptionsTable),
    attempts,
    source: config.source,
  });
  const eventTypes = new EventTypeService(
    new DynamoEventTypeStore(dynamo, config.subscriptionsTable),
  );
  return {
    store,
    tenantStore,
    provisioner,
    sleeper,
    placement,
    service,
    tenants,
    attempts,
    lanes,
    access,
    messages,
    eventTypes,
  };
}

/**
 * The subscription components as the management Lambda runs them: AWS clients from the
 * environment and Lambda event source mappings to the configured delivery function.
 */
export function createAwsSubscriptionComponents(
  config: ManagementConfig,
  logger: Log,
): SubscriptionComponents {
  const clientConfig = awsClientConfig();
  return createSubscriptionComponents(config, clientConfig, lambdaMappings(config, clientConfig), {
    logger,
    eventStore: readEventStoreConfig(),
  });
}
