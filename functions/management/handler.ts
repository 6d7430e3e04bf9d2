import { logger } from '../../shared/observability.js';
import { readManagementConfig } from '../../shared/subscriptions/management-config.js';
import { createAwsSubscriptionComponents } from '../../shared/subscriptions/subscription-wiring.js';
import { createManagementHandler } from './app.js';

const components = createAwsSubscriptionComponents(readManagementConfig(), logger);

export const handler = createManagementHandler(components, logger);
