import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { SQSClient } from '@aws-sdk/client-sqs';
import { type AwsClientConfig, awsClientConfig } from '../aws/client-config.js';
import { DynamoAttemptLog } from '../delivery/attempt-log.js';
import { ConfigError } from '../errors.js';
import { BusOperationalEvents } from '../events/operational-events.js';
import { AddressPolicy } from '../net/address-policy.js';
import type { Log } from '../observability.js';
import {
  type EventSourceMappings,
  LambdaEventSourceMappings,
} from '../provisioning/event-source-mappings.js';
import { Provisioner } from '../provisioning/provisioner.js';
import { LaneOperations } from './lane-operations.js';
import type { ManagementConfig } from './management-config.js';
import { SubscriptionService } from './subscription-service.js';
import { DynamoSubscriptionStore } from './subscription-store.js';

/** The subscription service, store and provisioner for a configuration. */
export interface SubscriptionComponents {
  readonly store: DynamoSubscriptionStore;
  readonly provisioner: Provisioner;
  readonly service: SubscriptionService;
  readonly attempts: DynamoAttemptLog;
  readonly lanes: LaneOperations;
}

/**
 * Builds the subscription components on AWS SDK clients made once from `clientConfig`;
 * the mapping port is the only piece that differs between AWS (Lambda) and the local runtime.
 */
export function createSubscriptionComponents(
  config: ManagementConfig,
  clientConfig: AwsClientConfig,
  mappings: EventSourceMappings,
  options: { logger?: Log; lookup?: (host: string) => Promise<string[]> } = {},
): SubscriptionComponents {
  const { logger, lookup } = options;
  const dynamo = new DynamoDBClient(clientConfig);
  const sqs = new SQSClient(clientConfig);
  const events = new EventBridgeClient(clientConfig);
  const store = new DynamoSubscriptionStore(dynamo, config.subscriptionsTable);
  // The management API only reads the log: the TTL setting does not matter here.
  const attempts = new DynamoAttemptLog(dynamo, config.deliveriesTable, 0);
  const lanes = new LaneOperations(sqs, events, {
    prefix: config.prefix,
    busName: config.busName,
    source: config.source,
    archiveArn: config.archiveArn,
  });
  const provisioner = new Provisioner(sqs, events, mappings, {
    prefix: config.prefix,
    busName: config.busName,
    source: config.source,
    deliveryTimeoutSeconds: config.deliveryTimeoutSeconds,
  });
  const policy = new AddressPolicy({
    allowCidrs: config.allowCidrs,
    allowHttp: config.allowHttp,
    ...(lookup && { lookup }),
  });
  const service = new SubscriptionService({
    store,
    provisioner,
    policy,
    source: config.source,
    operational: new BusOperationalEvents(events, config.busName, config.source),
    ...(logger && { logger }),
  });
  return { store, provisioner, service, attempts, lanes };
}

/**
 * The subscription components as the management and reconciler Lambdas run them: AWS clients
 * from the environment and Lambda event source mappings to the configured delivery function.
 */
export function createAwsSubscriptionComponents(
  config: ManagementConfig,
  logger: Log,
): SubscriptionComponents {
  if (!config.deliveryFunctionName) {
    throw new ConfigError('invalid configuration: HOOKBRIDGE_DELIVERY_FUNCTION_NAME: is required');
  }
  const clientConfig = awsClientConfig();
  const mappings = new LambdaEventSourceMappings(
    new LambdaClient(clientConfig),
    config.deliveryFunctionName,
  );
  return createSubscriptionComponents(config, clientConfig, mappings, { logger });
}
