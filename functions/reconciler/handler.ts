import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { awsClientConfig } from '../../shared/aws/client-config.js';
import { logger, metrics } from '../../shared/observability.js';
import {
  controlPlaneEvents,
  createLaneComponents,
  lambdaMappings,
  laneSleeper,
} from '../../shared/provisioning/lane-wiring.js';
import { DynamoReconcileCheckpoint } from '../../shared/provisioning/reconcile-checkpoint.js';
import { type ReconcileReport, reconcile } from '../../shared/provisioning/reconciler.js';
import { wakeBatch } from '../../shared/provisioning/wake-batch.js';
import { readManagementConfig } from '../../shared/subscriptions/management-config.js';

const config = readManagementConfig();
const clientConfig = awsClientConfig();
const { store, tenants, provisioner, sleeper, placement, clients } = createLaneComponents(
  config,
  clientConfig,
  lambdaMappings(config, clientConfig, config.reconcileLambdaPerSecond),
  config.reconcileEventsPerSecond,
);
const checkpoint = new DynamoReconcileCheckpoint(clients.dynamo, config.subscriptionsTable);
// Wakes are waited on (an event sits in a sleeping lane): their clients are not held to the
// pass's share of the control planes' rates, only to the SDK's adaptive backoff.
const wakeSleeper = laneSleeper(config, {
  sqs: clients.sqs,
  events: controlPlaneEvents(clientConfig),
  mappings: lambdaMappings(config, clientConfig),
  store,
});

/** What a pass leaves of its timeout for the lanes it has started and the summary. */
const DEADLINE_MARGIN_MS = 30_000;
/** Of the rest, what the orphan sweep and tenant deletions keep for themselves. */
const CLEANUP_RESERVE_MS = 20_000;

/**
 * One reconciliation pass, run by an EventBridge schedule every few minutes: concurrent, held
 * to a share of EventBridge's rate, and stopped before the function's timeout; the next pass
 * resumes where it stopped.
 */
async function reconcilerHandler(context: Context): Promise<ReconcileReport> {
  const report = await reconcile({
    store,
    tenants,
    provisioner,
    sleeper,
    placement,
    laneIdleMs: config.laneIdleMs,
    concurrency: config.reconcileConcurrency,
    coldTargetCheckEvery: config.coldTargetCheckEvery,
    deadline: Date.now() + context.getRemainingTimeInMillis() - DEADLINE_MARGIN_MS,
    cleanupReserveMs: CLEANUP_RESERVE_MS,
    checkpoint,
    logger,
  });
  metrics.addMetric('LanesProvisioned', MetricUnit.Count, report.provisioned.length);
  metrics.addMetric('LanesRepaired', MetricUnit.Count, report.repaired.length);
  metrics.addMetric('OrphansRemoved', MetricUnit.Count, report.orphansRemoved.length);
  metrics.addMetric('ReconcileErrors', MetricUnit.Count, report.errors.length);
  metrics.addMetric('LanesCooled', MetricUnit.Count, report.cooled.length);
  metrics.addMetric('LanesWokenByReconciler', MetricUnit.Count, report.woken.length);
  metrics.addMetric('LanesLeftForNextPass', MetricUnit.Count, report.unfinished ?? 0);
  logger.info('reconciled', { ...report });
  return report;
}

/**
 * The waker: a batch from the shared wake queue. It is an entry of the reconciler, which has
 * the bundle (store, provisioner, mappings) and every right a wake needs already; a function
 * of its own would repeat the bundle and grant the same rights to a second role.
 */
async function wakeHandler(event: SQSEvent): Promise<SQSBatchResponse> {
  if (!wakeSleeper) {
    logger.warn('wake messages arrived but no wake queue is configured', {
      records: event.Records.length,
    });
    return { batchItemFailures: [] };
  }
  const { response, results, latenciesMs } = await wakeBatch(wakeSleeper, event.Records, logger);
  const woken = [...results.values()].filter((result) => result === 'woken').length;
  metrics.addMetric('LanesWoken', MetricUnit.Count, woken);
  for (const ms of latenciesMs) metrics.addMetric('WakeLatency', MetricUnit.Milliseconds, ms);
  return response;
}

/** The schedule's pass, or a batch of wake messages (an SQS event). */
function dispatch(event: unknown, context: Context): Promise<ReconcileReport | SQSBatchResponse> {
  const records = (event as Partial<SQSEvent> | undefined)?.Records;
  return Array.isArray(records) ? wakeHandler(event as SQSEvent) : reconcilerHandler(context);
}

export const handler = middy(dispatch).use(injectLambdaContext(logger)).use(logMetrics(metrics));
