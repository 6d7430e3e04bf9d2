import { awsClientConfig } from '../../shared/aws/client-config.js';
import { readDeliveryConfig } from '../../shared/delivery/delivery-config.js';
import { createDeliveryComponents } from '../../shared/delivery/delivery-wiring.js';
import { onFirstUse } from '../../shared/lazy.js';
import { logger, metrics } from '../../shared/observability.js';
import type { EventSourceMappings } from '../../shared/provisioning/event-source-mappings.js';
import { createDeliveryHandler } from './app.js';

const config = readDeliveryConfig();
const clientConfig = awsClientConfig();

/**
 * On 410 Gone (or days of failures) the function disables its own mapping for that queue
 * (Lambda sets AWS_LAMBDA_FUNCTION_NAME). That is all it needs the Lambda client for, so the
 * client is imported on that first use: the bundle puts it in a chunk of its own, which the
 * cold starts of the busiest function do not load (bench/coldstart.md).
 */
const lambdaMappings = onFirstUse(() =>
  import('../../shared/provisioning/event-source-mappings.js').then((module) =>
    module.lambdaEventSourceMappings(clientConfig, process.env.AWS_LAMBDA_FUNCTION_NAME ?? ''),
  ),
);
const mappings: EventSourceMappings = {
  ensure: async (spec) => (await lambdaMappings()).ensure(spec),
  find: async (queueArn) => (await lambdaMappings()).find(queueArn),
  remove: async (queueArn) => (await lambdaMappings()).remove(queueArn),
  list: async () => (await lambdaMappings()).list(),
};

const { deliverer } = createDeliveryComponents(config, clientConfig, mappings, { logger });

export const handler = createDeliveryHandler(deliverer, logger, metrics, {
  perSubscription: config.metricsPerSubscription,
  prefix: config.prefix,
});
