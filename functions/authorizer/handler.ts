import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import * as z from 'zod/mini';
import { awsClientConfig, dynamoClientConfig } from '../../shared/aws/client-config.js';
import { readConfig, requiredString } from '../../shared/config.js';
import { logger, metrics } from '../../shared/observability.js';
import { createAuthorizerHandler } from './app.js';

const config = readConfig(
  z.object({
    /** DynamoDB table of tenant tokens and API keys. */
    HOOKBRIDGE_ACCESS_TABLE: requiredString,
    /** DynamoDB table of subscriptions, holding the tenant items (`tenant#<id>`). */
    HOOKBRIDGE_SUBSCRIPTIONS_TABLE: requiredString,
  }),
);

export const handler = createAuthorizerHandler({
  client: new DynamoDBClient(dynamoClientConfig(awsClientConfig())),
  accessTable: config.HOOKBRIDGE_ACCESS_TABLE,
  subscriptionsTable: config.HOOKBRIDGE_SUBSCRIPTIONS_TABLE,
  logger,
  metrics,
});
