import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { type Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import type { Deliverer, RecordOutcome } from '../../shared/delivery/deliverer.js';

/** Thrown for a record that stays in its queue, so the batch processor reports it. */
class RecordNotSettledError extends Error {
  override readonly name = 'RecordNotSettledError';
}

const METRIC_OF: Record<RecordOutcome['kind'], string> = {
  delivered: 'Delivered',
  duplicate: 'DuplicatesSkipped',
  orphaned: 'OrphanedMessages',
  'dead-lettered': 'DeadLettered',
  retry: 'DeliveryFailed',
  exhausted: 'DeliveryExhausted',
  held: 'DeliveryHeld',
  disabled: 'SubscriptionsDisabled',
};

/**
 * The delivery function: an SQS batch (one subscriber's queue) delivered record by record,
 * concurrently, answered with a partial batch response so one failing record never fails the
 * others. The Lambda entry wires it to AWS; the local runtime's poller invokes the same thing.
 */
export function createDeliveryHandler(deliverer: Deliverer, logger: Logger, metrics: Metrics) {
  const deliverRecord = async (record: SQSRecord) => {
    const outcome = await deliverer.deliver(record);
    metrics.addMetric(METRIC_OF[outcome.kind], MetricUnit.Count, 1);
    if (outcome.kind === 'delivered') {
      // From EventBridge's hand-off to the queue until the subscriber said 2xx.
      const sent = Number(record.attributes.SentTimestamp);
      if (sent > 0)
        metrics.addMetric('DeliveryLatency', MetricUnit.Milliseconds, Date.now() - sent);
    }
    if (!outcome.settled) throw new RecordNotSettledError(outcome.kind);
  };

  async function deliveryHandler(event: SQSEvent, context: Context): Promise<SQSBatchResponse> {
    // A batch in which every record failed is still answered with a partial response: the
    // records were handled (their visibility set), and an error would only add noise.
    // A processor per invocation: it holds the batch's failures, and the local poller runs
    // several invocations at once in one process (Lambda runs one per environment).
    const processor = new BatchProcessor(EventType.SQS);
    return processPartialResponse(event, deliverRecord, processor, {
      context,
      throwOnFullBatchFailure: false,
    });
  }

  return middy<SQSEvent, SQSBatchResponse>(deliveryHandler)
    .use(injectLambdaContext(logger))
    .use(logMetrics(metrics));
}
