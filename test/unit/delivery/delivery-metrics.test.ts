import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import type { Context, SQSRecord } from 'aws-lambda';
import { describe, expect, it, vi } from 'vitest';
import { createDeliveryHandler } from '../../../functions/delivery/app.js';
import type { Deliverer, RecordOutcome } from '../../../shared/delivery/deliverer.js';

const SUBSCRIPTION = 'sub_01ARZ3NDEKTSV4RRFFQ69G5FAV';
const context = {
  functionName: 'test',
  getRemainingTimeInMillis: () => 30_000,
} as unknown as Context;

function record(id: string): SQSRecord {
  return {
    messageId: id,
    receiptHandle: `rh-${id}`,
    body: '{}',
    attributes: {
      ApproximateReceiveCount: '1',
      SentTimestamp: String(Date.now() - 1000),
      SenderId: 'x',
      ApproximateFirstReceiveTimestamp: String(Date.now()),
    },
    messageAttributes: {},
    md5OfBody: '',
    eventSource: 'aws:sqs',
    eventSourceARN: `arn:aws:sqs:us-east-1:123456789012:hookbridge-${SUBSCRIPTION}`,
    awsRegion: 'us-east-1',
  };
}

function setup(perSubscription: boolean) {
  const metrics = new Metrics({ namespace: 'test', serviceName: 'test' });
  const added: string[] = [];
  vi.spyOn(metrics, 'addMetric').mockImplementation((name) => {
    added.push(name);
    return metrics;
  });
  const single = { addDimension: vi.fn(), addMetric: vi.fn() };
  const singleMetric = vi
    .spyOn(metrics, 'singleMetric')
    .mockReturnValue(single as unknown as Metrics);
  const outcomes: RecordOutcome[] = [
    { settled: true, kind: 'delivered' },
    { settled: false, kind: 'retry' },
  ];
  const deliverer = {
    batch: () => ({ get: async () => undefined }),
    deliver: async () => outcomes.shift(),
  } as unknown as Deliverer;
  const logger = new Logger({ serviceName: 'test', logLevel: 'SILENT' });
  const handler = createDeliveryHandler(deliverer, logger, metrics, {
    perSubscription,
    prefix: 'hookbridge',
  });
  return { handler, added, single, singleMetric };
}

describe('delivery metrics', () => {
  it('publishes outcome counts and latency without a per-subscription dimension by default', async () => {
    const { handler, added, singleMetric } = setup(false);
    const response = await handler({ Records: [record('a'), record('b')] }, context);
    expect(response.batchItemFailures).toEqual([{ itemIdentifier: 'b' }]);
    expect(added.sort()).toEqual(['Delivered', 'DeliveryFailed', 'DeliveryLatency']);
    expect(singleMetric).not.toHaveBeenCalled();
  });

  it('adds a SubscriptionId dimension when opted in', async () => {
    const { handler, single } = setup(true);
    await handler({ Records: [record('a'), record('b')] }, context);
    expect(single.addDimension).toHaveBeenCalledWith('SubscriptionId', SUBSCRIPTION);
    expect(single.addMetric.mock.calls.map((c) => c[0]).sort()).toEqual([
      'Delivered',
      'DeliveryFailed',
      'DeliveryLatency',
    ]);
  });

  it('logs and counts a record whose handling threw, and leaves it in the queue', async () => {
    const metrics = new Metrics({ namespace: 'test', serviceName: 'test' });
    const added: string[] = [];
    vi.spyOn(metrics, 'addMetric').mockImplementation((name) => {
      added.push(name);
      return metrics;
    });
    const logger = new Logger({ serviceName: 'test', logLevel: 'SILENT' });
    const logged = vi.spyOn(logger, 'error');
    const deliverer = {
      batch: () => ({ get: async () => undefined }),
      deliver: async () => {
        throw new Error('AccessDeniedException');
      },
    } as unknown as Deliverer;
    const handler = createDeliveryHandler(deliverer, logger, metrics);

    const response = await handler({ Records: [record('a')] }, context);

    expect(response.batchItemFailures).toEqual([{ itemIdentifier: 'a' }]);
    expect(added).toEqual(['DeliveryErrors']);
    expect(logged).toHaveBeenCalledWith(
      'delivering a record failed',
      expect.objectContaining({ messageId: 'a' }),
    );
  });
});
