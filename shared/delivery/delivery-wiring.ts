import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import packageJson from '../../package.json' with { type: 'json' };
import { type AwsClientConfig, dynamoClientConfig } from '../aws/client-config.js';
import { onFirstUse } from '../lazy.js';
import { AddressPolicy } from '../net/address-policy.js';
import type { Log } from '../observability.js';
import { activityNoteEveryMs } from '../provisioning/cold-lanes.js';
import type { EventSourceMappings } from '../provisioning/event-source-mappings.js';
import { LaneActivity } from '../provisioning/lane-activity.js';
import { DynamoSubscriptionStore } from '../subscriptions/subscription-store.js';
import { DynamoAttemptLog } from './attempt-log.js';
import { Deliverer, type WebhookSender } from './deliverer.js';
import type { DeliveryConfig } from './delivery-config.js';
import { WebhookClient } from './webhook-client.js';

/** `Hookbridge/<version>`, sent as the user-agent of every delivery. */
export const USER_AGENT = `Hookbridge/${packageJson.version}`;

export interface DeliveryComponents {
  readonly deliverer: Deliverer;
  readonly attempts: DynamoAttemptLog;
  /** Closes the HTTP client's keep-alive pool (local runtime and tests). */
  close(): Promise<void>;
}

/**
 * Builds the deliverer on AWS SDK clients made once from `clientConfig`. The mapping port
 * (to stop a disabled subscription's mapping) is the one piece that differs between AWS and
 * the local runtime; `sender` and `lookup` are for tests and benchmarks.
 */
export function createDeliveryComponents(
  config: DeliveryConfig,
  clientConfig: AwsClientConfig,
  mappings: EventSourceMappings,
  options: { logger: Log; sender?: WebhookSender; lookup?: (host: string) => Promise<string[]> },
): DeliveryComponents {
  const dynamo = new DynamoDBClient(dynamoClientConfig(clientConfig));
  // SQS (retries, dead letters) and EventBridge (operational events) serve failures and state
  // changes only: imported on first use, they stay out of the delivery function's cold start.
  const messages = onFirstUse(() =>
    import('./sqs-message-actions.js').then((module) => module.sqsMessageActions(clientConfig)),
  );
  const operational = onFirstUse(() =>
    import('../events/operational-events.js').then((module) =>
      module.busOperationalEvents(clientConfig, config.busName, config.source),
    ),
  );
  const store = new DynamoSubscriptionStore(dynamo, config.subscriptionsTable);
  const attempts = new DynamoAttemptLog(dynamo, config.deliveriesTable, config.logTtlSeconds);
  const client =
    options.sender === undefined
      ? new WebhookClient({
          policy: new AddressPolicy({
            allowCidrs: config.allowCidrs,
            allowHttp: config.allowHttp,
            ...(options.lookup && { lookup: options.lookup }),
          }),
          timeoutMs: config.attemptTimeoutMs,
          userAgent: USER_AGENT,
        })
      : undefined;
  const deliverer = new Deliverer(
    {
      subscriptions: store,
      streaks: store,
      onDisabled: async (subscription) => {
        const queueArn = subscription.resources?.queueArn;
        if (!queueArn) return;
        await mappings.ensure({
          queueArn,
          maxConcurrency: subscription.maxConcurrency,
          enabled: false,
        });
      },
      activity: new LaneActivity({
        store,
        logger: options.logger,
        everyMs: activityNoteEveryMs(config.laneIdleMs),
      }),
      attempts,
      sender: options.sender ?? (client as WebhookClient),
      messages: {
        delay: async (record, seconds) => (await messages()).delay(record, seconds),
        deadLetter: async (record, reason) => (await messages()).deadLetter(record, reason),
      },
      operational: { emit: async (type, detail) => (await operational()).emit(type, detail) },
      logger: options.logger,
    },
    { prefix: config.prefix, autoDisableAfterMs: config.autoDisableAfterMs },
  );
  return { deliverer, attempts, close: async () => client?.close() };
}
