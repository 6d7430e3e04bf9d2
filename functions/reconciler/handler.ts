import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import { awsClientConfig } from '../../shared/aws/client-config.js';
import { logger, metrics } from '../../shared/observability.js';
import { createLaneComponents, lambdaMappings } from '../../shared/provisioning/lane-wiring.js';
import { type ReconcileReport, reconcile } from '../../shared/provisioning/reconciler.js';
import { readManagementConfig } from '../../shared/subscriptions/management-config.js';

const config = readManagementConfig();
const clientConfig = awsClientConfig();
const { store, tenants, provisioner, placement } = createLaneComponents(
  config,
  clientConfig,
  lambdaMappings(config, clientConfig),
);

/** One reconciliation pass, run by an EventBridge schedule every few minutes. */
async function reconcilerHandler(): Promise<ReconcileReport> {
  const report = await reconcile({ store, tenants, provisioner, placement, logger });
  metrics.addMetric('LanesProvisioned', MetricUnit.Count, report.provisioned.length);
  metrics.addMetric('LanesRepaired', MetricUnit.Count, report.repaired.length);
  metrics.addMetric('OrphansRemoved', MetricUnit.Count, report.orphansRemoved.length);
  metrics.addMetric('ReconcileErrors', MetricUnit.Count, report.errors.length);
  logger.info('reconciled', { ...report });
  return report;
}

export const handler = middy(reconcilerHandler)
  .use(injectLambdaContext(logger))
  .use(logMetrics(metrics));
