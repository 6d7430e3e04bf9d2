import type { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { type Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import type { Deliverer, RecordOutcome } from '../../shared/delivery/deliverer.js';
import { nameOfArn, subscriptionIdOf } from '../../shared/provisioning/lane-names.js';

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

export interface DeliveryMetricsOptions {
  /** Also publish every metric with a SubscriptionId dimension. @default false */
  readonly perSubscription?: boolean;
  /** The resource prefix, to tell a record's subscription from its queue. @default 'hookbridge' */
  readonly prefix?: string;
}

/**
 * The delivery function: an SQS batch (one subscriber's queue) delivered record by record,
 * concurrently, answered with a partial batch response so one failing record never fails the
 * others. The Lambda entry wires it to AWS; the local runtime's poller invokes the same thing.
 */
export function createDeliveryHandler(
  deliverer: Deliverer,
  logger: Logger,
  metrics: Metrics,
  options: DeliveryMetricsOptions = {},
) {
  /**
   * The aggregate metrics, and with the opt-in a per-subscription copy: a SubscriptionId
   * dimension is one custom metric per subscriber per name, which is why it is off by default.
   */
  function sinksFor(record: SQSRecord): Pick<Metrics, 'addMetric'>[] {
    if (!options.perSubscription) return [metrics];
    const id = subscriptionIdOf(options.prefix ?? 'hookbridge', nameOfArn(record.eventSourceARN));
    if (!id) return [metrics];
    // A single metric publishes on its first addMetric and then forgets its dimensions: one
    // per value, or the later values would be counted again without the SubscriptionId.
    const perSubscription: Pick<Metrics, 'addMetric'> = {
      addMetric(name, unit, value) {
        const single = metrics.singleMetric();
        single.addDimension('SubscriptionId', id);
        single.addMetric(name, unit, value);
        return single;
      },
    };
    return [metrics, perSubscription];
  }

  async function deliveryHandler(event: SQSEvent): Promise<SQSBatchResponse> {
    const counts = new Map<string, number>();
    const latencies: number[] = [];
    // One subscription read for the whole batch, made when the first record asks: a change the
    // API answered before this invocation is what every record of it sees (no cache across
    // invocations, so no warm environment keeps an old secret, URL or status).
    const subscriptions = deliverer.batch();
    /** Whether the record is done with (deleted from its queue) or stays for later. */
    const deliverRecord = async (record: SQSRecord): Promise<boolean> => {
      let outcome: RecordOutcome;
      try {
        outcome = await deliverer.deliver(record, subscriptions);
      } catch (error) {
        // An AWS call of ours failed (throttling, permissions): the record comes back after its
        // visibility timeout.
        logger.error('delivering a record failed', {
          messageId: record.messageId,
          queue: nameOfArn(record.eventSourceARN),
          error,
        });
        counts.set('DeliveryErrors', (counts.get('DeliveryErrors') ?? 0) + 1);
        return false;
      }
      const name = METRIC_OF[outcome.kind];
      counts.set(name, (counts.get(name) ?? 0) + 1);
      // From EventBridge's hand-off to the queue until the subscriber said 2xx.
      const sent = Number(record.attributes.SentTimestamp);
      if (outcome.kind === 'delivered' && sent > 0) latencies.push(Date.now() - sent);
      return outcome.settled;
    };
    // Every record at once, each settled on its own; the records that stay are named in the
    // partial batch response (ReportBatchItemFailures), the others are deleted by Lambda. A
    // batch in which every record stays is answered the same way, not with an error: the
    // records were handled (their visibility set). Powertools' BatchProcessor does the same
    // with several environment reads per record, a measurable share of the hot path.
    const settled = await Promise.all(event.Records.map(deliverRecord));
    const batchItemFailures = event.Records.filter((_, index) => !settled[index]).map((record) => ({
      itemIdentifier: record.messageId,
    }));
    // Counted per batch, not per record: a batch comes from one queue, so one subscription.
    const [first] = event.Records;
    for (const sink of first ? sinksFor(first) : []) {
      for (const [name, count] of counts) sink.addMetric(name, MetricUnit.Count, count);
      for (const ms of latencies) sink.addMetric('DeliveryLatency', MetricUnit.Milliseconds, ms);
    }
    return { batchItemFailures };
  }

  return middy<SQSEvent, SQSBatchResponse>(deliveryHandler)
    .use(injectLambdaContext(logger))
    .use(logMetrics(metrics));
}
