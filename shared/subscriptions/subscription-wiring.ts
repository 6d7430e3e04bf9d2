import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { SQSClient } from '@aws-sdk/client-sqs';
import type { AwsClientConfig } from '../aws/client-config.js';
import { AddressPolicy } from '../net/address-policy.js';
import type { Log } from '../observability.js';
import type { EventSourceMappings } from '../provisioning/event-source-mappings.js';
import { Provisioner } from '../provisioning/provisioner.js';
import type { ManagementConfig } from './management-config.js';
import { SubscriptionService } from './subscription-service.js';
import { DynamoSubscriptionStore } from './subscription-store.js';

/** The subscription service, store and provisioner for a configuration. */
export interface SubscriptionComponents {
  readonly store: DynamoSubscriptionStore;
  readonly provisioner: Provisioner;
  readonly service: SubscriptionService;
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
  const store = new DynamoSubscriptionStore(
    new DynamoDBClient(clientConfig),
    config.subscriptionsTable,
  );
  const provisioner = new Provisioner(
    new SQSClient(clientConfig),
    new EventBridgeClient(clientConfig),
    mappings,
    {
      prefix: config.prefix,
      busName: config.busName,
      source: config.source,
      deliveryTimeoutSeconds: config.deliveryTimeoutSeconds,
    },
  );
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
    ...(logger && { logger }),
  });
  return { store, provisioner, service };
}
