import { LambdaClient } from '@aws-sdk/client-lambda';
import { awsClientConfig } from '../../shared/aws/client-config.js';
import { readDeliveryConfig } from '../../shared/delivery/delivery-config.js';
import { createDeliveryComponents } from '../../shared/delivery/delivery-wiring.js';
import { logger, metrics } from '../../shared/observability.js';
import { LambdaEventSourceMappings } from '../../shared/provisioning/event-source-mappings.js';
import { createDeliveryHandler } from './app.js';

const config = readDeliveryConfig();
const clientConfig = awsClientConfig();
// On 410 Gone the function disables its own mapping for that queue; Lambda sets this variable.
const mappings = new LambdaEventSourceMappings(
  new LambdaClient(clientConfig),
  process.env.AWS_LAMBDA_FUNCTION_NAME ?? '',
);
const { deliverer } = createDeliveryComponents(config, clientConfig, mappings, { logger });

export const handler = createDeliveryHandler(deliverer, logger, metrics, {
  perSubscription: config.metricsPerSubscription,
  prefix: config.prefix,
});
