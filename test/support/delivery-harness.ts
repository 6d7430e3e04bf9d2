import { Logger } from '@aws-lambda-powertools/logger';
import { SQSClient } from '@aws-sdk/client-sqs';
import { createDeliveryHandler } from '../../functions/delivery/app.js';
import { EsmPoller } from '../../local/esm-poller.js';
import { awsClientConfig } from '../../shared/aws/client-config.js';
import { readDeliveryConfig } from '../../shared/delivery/delivery-config.js';
import { createDeliveryComponents } from '../../shared/delivery/delivery-wiring.js';
import { QuietMetrics } from '../../shared/observability.js';
import { fakeLookup } from './fake-dns.js';
import { managementHarness } from './management-harness.js';

/** Loopback receivers are allowed, as in the local runtime. */
export const LOCAL_ENV = { HOOKBRIDGE_ALLOW_CIDRS: '127.0.0.0/8', HOOKBRIDGE_ALLOW_HTTP: 'true' };

/**
 * The whole local delivery path over the local AWS endpoint: the management API (to create
 * subscriptions), the delivery handler, and the local event-source-mapping poller feeding it.
 */
export function deliveryHarness(env: NodeJS.ProcessEnv = {}) {
  const merged = { ...LOCAL_ENV, ...env };
  const management = managementHarness({ env: merged });
  const logger = new Logger({ serviceName: 'test', logLevel: 'SILENT' });
  const metrics = new QuietMetrics({ namespace: 'test', serviceName: 'test' });
  const config = readDeliveryConfig({ ...process.env, ...merged });
  const delivery = createDeliveryComponents(config, awsClientConfig(), management.registry, {
    logger,
    lookup: fakeLookup,
  });
  const handler = createDeliveryHandler(delivery.deliverer, logger, metrics);
  const poller = new EsmPoller({
    mappings: management.registry,
    handler,
    sqs: new SQSClient(awsClientConfig()),
    waitTimeSeconds: 1,
    logger,
  });
  poller.start();
  return {
    ...management,
    delivery,
    poller,
    async stop() {
      await poller.stop();
      await delivery.close();
    },
  };
}
