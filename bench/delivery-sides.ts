/**
 * The two sides of the delivery benchmark. Each `prepare(count)` builds its inputs outside the
 * timed region and returns the work to time: `count` deliveries to the receiver, `concurrency`
 * of them in flight.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import type { Context, SQSEvent, SQSRecord } from 'aws-lambda';
import { Agent } from 'undici';
import { createDeliveryHandler } from '../functions/delivery/app.js';
import type { AttemptLog, DeliveryAttempt } from '../shared/delivery/attempt-log.js';
import type { EventHistory } from '../shared/delivery/attempt-number.js';
import { Deliverer } from '../shared/delivery/deliverer.js';
import { USER_AGENT } from '../shared/delivery/delivery-wiring.js';
import { DEFAULT_RETRY_SCHEDULE } from '../shared/delivery/retry-policy.js';
import { newSigningSecret } from '../shared/delivery/signing.js';
import { WebhookClient } from '../shared/delivery/webhook-client.js';
import { AddressPolicy } from '../shared/net/address-policy.js';
import type { Subscription } from '../shared/subscriptions/subscription.js';

export interface Side {
  prepare(count: number): () => Promise<void>;
  close(): Promise<void>;
}

const PREFIX = 'hookbridge';
const SUBSCRIPTION_ID = 'sub_01JBENCHBENCHBENCHBENCHBEN';
const QUEUE_ARN = `arn:aws:sqs:us-east-1:123456789012:${PREFIX}-${SUBSCRIPTION_ID}`;
export const BODY_BYTES = 1024;

let eventCounter = 0;

/** An event detail of exactly BODY_BYTES of JSON, with a fresh id (so none is a duplicate). */
export function eventDetail(): { id: string; type: string; timestamp: string; data: object } {
  eventCounter += 1;
  const detail = {
    id: `evt_${String(eventCounter).padStart(26, '0')}`,
    type: 'order.created',
    timestamp: new Date().toISOString(),
    data: {
      orderId: `ord_${eventCounter}`,
      customer: { id: 'cus_4QF2', email: 'ada@example.com', country: 'GB' },
      items: [
        { sku: 'A-100', qty: 2, price: 1250 },
        { sku: 'B-220', qty: 1, price: 4999 },
      ],
      currency: 'EUR',
      note: '',
    },
  };
  const padding = BODY_BYTES - Buffer.byteLength(JSON.stringify(detail));
  detail.data.note = 'x'.repeat(Math.max(0, padding));
  return detail;
}

/** Runs `count` tasks, `concurrency` at a time. */
async function pool(count: number, concurrency: number, task: (index: number) => Promise<void>) {
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const index = next;
      next += 1;
      await task(index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
}

/** Side A: an undici keep-alive Agent POSTing the same ~1 KB JSON body. */
export function bareSide(origin: string, concurrency: number): Side {
  const agent = new Agent({ connections: concurrency });
  const body = JSON.stringify(eventDetail());
  return {
    prepare: (count) => () =>
      pool(count, concurrency, async () => {
        const response = await agent.request({
          origin,
          path: '/hook',
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body,
        });
        await response.body.text();
        if (response.statusCode !== 200) throw new Error(`HTTP ${response.statusCode}`);
      }),
    close: () => agent.close(),
  };
}

/** The attempt log in memory: a Set answers the duplicate guard. */
class MemoryAttemptLog implements AttemptLog {
  private readonly delivered = new Set<string>();
  recorded = 0;

  async eventHistory(subscriptionId: string, eventId: string): Promise<EventHistory> {
    const delivered = this.delivered.has(`${subscriptionId}/${eventId}`);
    return { delivered, earlierAttempts: 0, thisMessageAttempts: 0 };
  }

  async record(attempt: DeliveryAttempt): Promise<void> {
    this.recorded += 1;
    if (attempt.result === 'delivered') {
      this.delivered.add(`${attempt.subscriptionId}/${attempt.eventId}`);
    }
  }

  async list() {
    return { items: [] };
  }
}

const ID_PLACEHOLDER = 'evt_@@@@@@@@@@@@@@@@@@@@@@@@@@';

/**
 * The body of the SQS message an EventBridge rule target puts in the queue: the whole event,
 * with the detail inside. Built once; each record only gets its own event id, so building
 * records costs next to nothing and none is a duplicate of another.
 */
const bodyTemplate = (() => {
  const detail = { ...eventDetail(), id: ID_PLACEHOLDER };
  return JSON.stringify({
    version: '0',
    id: 'b1a4c0de-0000-4000-8000-000000000000',
    'detail-type': detail.type,
    source: PREFIX,
    account: '123456789012',
    time: detail.timestamp,
    region: 'us-east-1',
    resources: [],
    detail,
  });
})();

/** An SQS record as Lambda hands over the message an EventBridge rule target put in the queue. */
function sqsRecord(index: number): SQSRecord {
  const suffix = String(index).padStart(12, '0');
  const now = String(Date.now());
  return {
    messageId: `00000000-0000-4000-8000-${suffix}`,
    receiptHandle: `AQEB${suffix}`,
    body: bodyTemplate.replace(ID_PLACEHOLDER, `evt_B${String(index).padStart(25, '0')}`),
    attributes: {
      ApproximateReceiveCount: '1',
      SentTimestamp: now,
      SenderId: 'AIDAIENQZJOLO23YVJ4VO',
      ApproximateFirstReceiveTimestamp: now,
    },
    messageAttributes: {},
    md5OfBody: '',
    eventSource: 'aws:sqs',
    eventSourceARN: QUEUE_ARN,
    awsRegion: 'us-east-1',
  };
}

const context: Context = {
  callbackWaitsForEmptyEventLoop: false,
  functionName: 'hookbridge-delivery',
  functionVersion: '$LATEST',
  invokedFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:hookbridge-delivery',
  memoryLimitInMB: '1024',
  awsRequestId: 'bench',
  logGroupName: '/aws/lambda/hookbridge-delivery',
  logStreamName: 'bench',
  getRemainingTimeInMillis: () => 60_000,
  done: () => {},
  fail: () => {},
  succeed: () => {},
};

/**
 * Side B: the real Deliverer, WebhookClient (SSRF guard allowing loopback) and signing,
 * wrapped in the real delivery handler, with the AWS side in memory; `concurrency / 10`
 * invocations of that one handler in flight, as the local runtime's poller runs them.
 */
export function hookbridgeSide(origin: string, concurrency: number): Side {
  const client = new WebhookClient({
    policy: new AddressPolicy({ allowCidrs: ['127.0.0.0/8'], allowHttp: true }),
    userAgent: USER_AGENT,
    connections: concurrency,
  });
  const now = new Date().toISOString();
  const subscription: Subscription = {
    id: SUBSCRIPTION_ID,
    url: `${origin}/hook`,
    eventTypes: ['*'],
    maxConcurrency: concurrency,
    retrySchedule: DEFAULT_RETRY_SCHEDULE,
    status: 'active',
    secrets: [{ secret: newSigningSecret(), createdAt: now }],
    createdAt: now,
    updatedAt: now,
    version: 1,
  };
  const noop = async () => {};
  const deliverer = new Deliverer(
    {
      // Read once per batch, as on AWS (the handler's BatchSubscriptions over the store).
      subscriptions: { get: async () => subscription },
      streaks: { markFailing: noop, clearFailing: noop, disable: async () => undefined },
      onDisabled: noop,
      attempts: new MemoryAttemptLog(),
      sender: client,
      messages: { delay: noop, deadLetter: noop },
      operational: { emit: noop },
      logger: { info: () => {}, warn: () => {}, error: () => {} },
    },
    { prefix: PREFIX, autoDisableAfterMs: 5 * 86_400_000 },
  );
  const handler = createDeliveryHandler(
    deliverer,
    new Logger({ serviceName: 'hookbridge-bench', logLevel: 'SILENT' }),
    new Metrics({ namespace: 'HookbridgeBench', serviceName: 'hookbridge-bench' }),
  );
  let recordIndex = 0;
  return {
    prepare: (count) => {
      let batches = count / 10;
      // Events are made as they are handed over, like the runtime hands each invocation a
      // fresh one: a whole round built up front would keep megabytes alive for the GC to trace.
      const nextEvent = (): SQSEvent | undefined => {
        if (batches === 0) return undefined;
        batches -= 1;
        return { Records: Array.from({ length: 10 }, () => sqsRecord(recordIndex++)) };
      };
      return () =>
        Promise.all(
          Array.from({ length: concurrency / 10 }, async () => {
            for (let event = nextEvent(); event; event = nextEvent()) {
              const { batchItemFailures } = await handler(event, context);
              if (batchItemFailures.length > 0) {
                throw new Error(`${batchItemFailures.length} records were not delivered`);
              }
            }
          }),
        ).then(() => {});
    },
    close: () => client.close(),
  };
}
