import { LambdaClient } from '@aws-sdk/client-lambda';
import { awsClientConfig } from '../../shared/aws/client-config.js';
import { ConfigError } from '../../shared/errors.js';
import { logger } from '../../shared/observability.js';
import { LambdaEventSourceMappings } from '../../shared/provisioning/event-source-mappings.js';
import { readManagementConfig } from '../../shared/subscriptions/management-config.js';
import { createSubscriptionComponents } from '../../shared/subscriptions/subscription-wiring.js';
import { createManagementHandler } from './app.js';

const config = readManagementConfig();
if (!config.deliveryFunctionName) {
  throw new ConfigError('invalid configuration: HOOKBRIDGE_DELIVERY_FUNCTION_NAME: is required');
}
const clientConfig = awsClientConfig();
const mappings = new LambdaEventSourceMappings(
  new LambdaClient(clientConfig),
  config.deliveryFunctionName,
);
const components = createSubscriptionComponents(config, clientConfig, mappings, { logger });

export const handler = createManagementHandler(components, logger);
