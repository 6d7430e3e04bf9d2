import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { SQSClient } from '@aws-sdk/client-sqs';
import { type AwsClientConfig, dynamoClientConfig } from '../aws/client-config.js';
import { CONTROL_PLANE_RETRIES, rateLimited } from '../aws/control-plane.js';
import { ConfigError } from '../errors.js';
import { DynamoShardLoads } from '../shards/shard-loads.js';
import { ShardPlacement } from '../shards/shard-placement.js';
import type { ManagementConfig } from '../subscriptions/management-config.js';
import { DynamoSubscriptionStore } from '../subscriptions/subscription-store.js';
import { DynamoTenantStore } from '../tenants/tenant-store.js';
import {
  type EventSourceMappings,
  type LambdaEventSourceMappings,
  lambdaEventSourceMappings,
} from './event-source-mappings.js';
import { LaneSleeper, type LaneSleeperPorts } from './lane-sleeper.js';
import { Provisioner } from './provisioner.js';

/** The subscription store and the provisioner, with the clients they were built on. */
export interface LaneComponents {
  readonly store: DynamoSubscriptionStore;
  readonly tenants: DynamoTenantStore;
  readonly provisioner: Provisioner;
  /** Puts idle lanes to sleep and wakes them; none when no wake queue is configured. */
  readonly sleeper: LaneSleeper | undefined;
  /** Bus shard placement (inert with one shard). */
  readonly placement: ShardPlacement;
  readonly clients: { dynamo: DynamoDBClient; sqs: SQSClient; events: EventBridgeClient };
}

/**
 * What the reconciler needs, and the management API builds on: the store and the provisioner
 * on AWS SDK clients made once from `clientConfig`. Kept apart from the request-facing service
 * so the reconciler's bundle carries no request validation.
 */
export function createLaneComponents(
  config: ManagementConfig,
  clientConfig: AwsClientConfig,
  mappings: EventSourceMappings,
  /** EventBridge calls a second at most (the reconciler's share of the account's rate). */
  eventsPerSecond?: number,
): LaneComponents {
  const events = controlPlaneEvents(clientConfig);
  const clients = {
    dynamo: new DynamoDBClient(dynamoClientConfig(clientConfig)),
    sqs: new SQSClient(clientConfig),
    events: eventsPerSecond === undefined ? events : rateLimited(events, eventsPerSecond),
  };
  const store = new DynamoSubscriptionStore(clients.dynamo, config.subscriptionsTable);
  const tenants = new DynamoTenantStore(clients.dynamo, config.subscriptionsTable);
  const provisioner = new Provisioner(clients.sqs, clients.events, mappings, {
    prefix: config.prefix,
    busName: config.busName,
    busNames: config.busNames,
    source: config.source,
    deliveryTimeoutSeconds: config.deliveryTimeoutSeconds,
    wakeQueueArn: config.wakeQueueArn,
  });
  const sleeper = laneSleeper(config, {
    sqs: clients.sqs,
    events: clients.events,
    mappings,
    store,
  });
  const placement = new ShardPlacement(
    new DynamoShardLoads(clients.dynamo, config.subscriptionsTable),
    { shards: config.busNames.length, rulesPerShard: config.rulesPerShard },
    { subscriptions: () => store.all(), tenants: () => tenants.all() },
  );
  return { store, tenants, provisioner, sleeper, placement, clients };
}

/** An EventBridge client for the control plane: adaptive retries (see CONTROL_PLANE_RETRIES). */
export function controlPlaneEvents(clientConfig: AwsClientConfig): EventBridgeClient {
  return new EventBridgeClient({ ...CONTROL_PLANE_RETRIES, ...clientConfig });
}

/** The sleeper of cold lanes on `ports`; none when no wake queue is configured. */
export function laneSleeper(
  config: ManagementConfig,
  ports: LaneSleeperPorts,
): LaneSleeper | undefined {
  return config.wakeQueueArn
    ? new LaneSleeper(ports, {
        prefix: config.prefix,
        busName: config.busName,
        busNames: config.busNames,
        wakeQueueArn: config.wakeQueueArn,
      })
    : undefined;
}

/** Lambda event source mappings to the configured delivery function (AWS only). */
export function lambdaMappings(
  config: ManagementConfig,
  clientConfig: AwsClientConfig,
  /** Lambda control-plane calls a second at most (the reconciler's share of 15/s). */
  perSecond?: number,
): LambdaEventSourceMappings {
  if (!config.deliveryFunctionName) {
    throw new ConfigError('invalid configuration: HOOKBRIDGE_DELIVERY_FUNCTION_NAME: is required');
  }
  return lambdaEventSourceMappings(
    { ...CONTROL_PLANE_RETRIES, ...clientConfig },
    config.deliveryFunctionName,
    perSecond,
  );
}
