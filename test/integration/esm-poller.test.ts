import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  SendMessageBatchCommand,
  SendMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { EsmPoller } from '../../local/esm-poller.js';
import { LocalEventSourceMappings } from '../../local/local-event-source-mappings.js';
import { awsClientConfig } from '../../shared/aws/client-config.js';

let sqs: SQSClient;
/** ReceiveMessage calls per queue URL: started in total, and pending right now. */
const receives = new Map<string, { started: number; pending: number }>();

beforeAll(() => {
  sqs = new SQSClient(awsClientConfig());
  // Watches the poller's receives from the outside, the way a network trace would.
  sqs.middlewareStack.add(
    (next, context) => async (args) => {
      const queueUrl = (args.input as { QueueUrl?: string }).QueueUrl;
      if (context.commandName !== 'ReceiveMessageCommand' || !queueUrl) return next(args);
      const counts = receives.get(queueUrl) ?? { started: 0, pending: 0 };
      receives.set(queueUrl, counts);
      counts.started++;
      counts.pending++;
      try {
        return await next(args);
      } finally {
        counts.pending--;
      }
    },
    { step: 'initialize', name: 'countReceives' },
  );
});

interface Invocation {
  readonly queueArn: string;
  readonly records: SQSRecord[];
  readonly context: Context;
  readonly remainingAtStart: number;
}

/** What the handler does for one invocation; each test sets its own. */
let behaviour: (event: SQSEvent) => Promise<SQSBatchResponse | undefined>;
let invocations: Invocation[];
let logged: { level: 'warn' | 'error'; message: string; extra?: object }[];
let mappings: LocalEventSourceMappings;
let poller: EsmPoller;

/** The handler every poller here invokes: records the invocation, then does `behaviour`. */
async function recordingHandler(event: SQSEvent, context: Context) {
  invocations.push({
    queueArn: event.Records[0]?.eventSourceARN ?? '',
    records: event.Records,
    context,
    remainingAtStart: context.getRemainingTimeInMillis(),
  });
  return behaviour(event);
}

beforeEach(() => {
  behaviour = async () => undefined;
  invocations = [];
  logged = [];
  mappings = new LocalEventSourceMappings();
  poller = new EsmPoller({
    mappings,
    sqs,
    handler: recordingHandler,
    logger: {
      warn: (message, extra) => logged.push({ level: 'warn', message, extra }),
      error: (message, extra) => logged.push({ level: 'error', message, extra }),
    },
  });
});

afterEach(async () => {
  await poller.stop();
});

let queueCount = 0;

async function createQueue(
  options: { visibilityTimeout?: number; deadLetterArn?: string; maxReceiveCount?: number } = {},
) {
  const name = `esm-poller-${++queueCount}-${Date.now()}`;
  const attributes: Record<string, string> = {
    VisibilityTimeout: String(options.visibilityTimeout ?? 2),
  };
  if (options.deadLetterArn) {
    attributes.RedrivePolicy = JSON.stringify({
      deadLetterTargetArn: options.deadLetterArn,
      maxReceiveCount: options.maxReceiveCount ?? 2,
    });
  }
  const { QueueUrl: url = '' } = await sqs.send(
    new CreateQueueCommand({ QueueName: name, Attributes: attributes }),
  );
  const { Attributes } = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['QueueArn'] }),
  );
  return { url, arn: Attributes?.QueueArn ?? '' };
}

async function sendAll(url: string, bodies: readonly string[]): Promise<void> {
  for (let i = 0; i < bodies.length; i += 10) {
    const entries = bodies
      .slice(i, i + 10)
      .map((body, j) => ({ Id: String(j), MessageBody: body }));
    const { Failed = [] } = await sqs.send(
      new SendMessageBatchCommand({ QueueUrl: url, Entries: entries }),
    );
    expect(Failed).toEqual([]);
  }
}

/** Messages in the queue: waiting (visible) and received but not deleted (in flight). */
async function depth(url: string) {
  const { Attributes = {} } = await sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl: url,
      AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
    }),
  );
  const visible = Number(Attributes.ApproximateNumberOfMessages);
  const inFlight = Number(Attributes.ApproximateNumberOfMessagesNotVisible);
  return { visible, inFlight, total: visible + inFlight };
}

async function waitFor(
  what: string,
  condition: () => boolean | Promise<boolean>,
  timeoutMs = 8000,
) {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(50);
  }
}

const recordsOf = (queueArn: string) =>
  invocations.filter((call) => call.queueArn === queueArn).flatMap((call) => call.records);
const deliveriesOf = (queueArn: string, body: string) =>
  recordsOf(queueArn).filter((record) => record.body === body);
const receivesPending = (url: string) => receives.get(url)?.pending ?? 0;
const receivesStarted = (url: string) => receives.get(url)?.started ?? 0;

describe('EsmPoller', () => {
  it('a nudge receives at once, through its own client, when the long polls cannot get round', async () => {
    // The long polls' client is stalled (a thousand lanes sharing its sockets, in effect): only
    // the nudge, on the other client, can take the message.
    let release = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const stalled = new SQSClient(awsClientConfig());
    stalled.middlewareStack.add(
      (next, context) => async (args) => {
        if (context.commandName === 'ReceiveMessageCommand') await gate;
        return next(args);
      },
      { step: 'initialize', name: 'stallReceives' },
    );
    await poller.stop();
    poller = new EsmPoller({
      mappings,
      sqs: stalled,
      promptSqs: sqs,
      handler: recordingHandler,
    });
    const [nudged, other, paused] = [await createQueue(), await createQueue(), await createQueue()];
    try {
      for (const queue of [nudged, other])
        await mappings.ensure({ queueArn: queue.arn, maxConcurrency: 2, enabled: true });
      await mappings.ensure({ queueArn: paused.arn, maxConcurrency: 2, enabled: false });
      poller.start();
      await sendAll(nudged.url, ['routed here']);
      await sendAll(other.url, ['not nudged']);
      await sendAll(paused.url, ['paused']);
      const name = (url: string) => url.slice(url.lastIndexOf('/') + 1);
      poller.nudge(new Set([name(nudged.url), name(paused.url), 'no-such-queue']));
      await waitFor(
        'the nudged delivery',
        () => deliveriesOf(nudged.arn, 'routed here').length === 1,
      );
      await waitFor('its deletion', async () => (await depth(nudged.url)).total === 0);
      // Neither the lane that was not nudged nor the disabled one was received.
      await sleep(500);
      expect(recordsOf(other.arn)).toEqual([]);
      expect(recordsOf(paused.arn)).toEqual([]);
      expect((await depth(paused.url)).visible).toBe(1);
    } finally {
      release();
    }
    // Released, the long polls take the lane that was not nudged.
    await waitFor('the long poll of the other lane', () => recordsOf(other.arn).length === 1);
  });

  it('delivers messages as Lambda-shaped SQS events and deletes them afterwards', async () => {
    const queue = await createQueue();
    await mappings.ensure({ queueArn: queue.arn, maxConcurrency: 2, enabled: true });
    poller.start();

    const body = JSON.stringify({ id: 'evt_1', type: 'order.created' });
    const sent = await sqs.send(
      new SendMessageCommand({
        QueueUrl: queue.url,
        MessageBody: body,
        MessageAttributes: {
          kind: { DataType: 'String', StringValue: 'order' },
          blob: { DataType: 'Binary', BinaryValue: new Uint8Array([1, 2, 3]) },
        },
      }),
    );

    await waitFor('the delivery', () => invocations.length > 0);
    const [invocation] = invocations;
    expect(invocation?.records).toEqual([
      {
        messageId: sent.MessageId,
        receiptHandle: expect.any(String),
        body,
        attributes: expect.objectContaining({
          ApproximateReceiveCount: '1',
          SentTimestamp: expect.stringMatching(/^\d+$/),
          SenderId: expect.any(String),
          ApproximateFirstReceiveTimestamp: expect.stringMatching(/^\d+$/),
        }),
        messageAttributes: {
          kind: {
            stringValue: 'order',
            stringListValues: [],
            binaryListValues: [],
            dataType: 'String',
          },
          blob: {
            binaryValue: 'AQID',
            stringListValues: [],
            binaryListValues: [],
            dataType: 'Binary',
          },
        },
        md5OfBody: createHash('md5').update(body).digest('hex'),
        md5OfMessageAttributes: sent.MD5OfMessageAttributes,
        eventSource: 'aws:sqs',
        eventSourceARN: queue.arn,
        awsRegion: 'us-east-1',
      },
    ]);
    expect(invocation?.context.functionName).toBe('hookbridge-delivery-local');
    expect(invocation?.remainingAtStart).toBeGreaterThan(50_000);
    expect(invocation?.remainingAtStart).toBeLessThanOrEqual(60_000);

    await waitFor('the queue to be empty', async () => (await depth(queue.url)).total === 0);
    expect(invocations).toHaveLength(1);
  });

  it('leaves the records named in batchItemFailures to come back, and only those', async () => {
    const queue = await createQueue({ visibilityTimeout: 1 });
    // One loop, so the three messages arrive in one batch.
    await mappings.ensure({ queueArn: queue.arn, maxConcurrency: 1, enabled: false });
    await sendAll(queue.url, ['a', 'b', 'c']);
    behaviour = async (event) => ({
      batchItemFailures: event.Records.filter(
        (record) => record.body === 'b' && record.attributes.ApproximateReceiveCount === '1',
      ).map((record) => ({ itemIdentifier: record.messageId })),
    });
    poller.start();
    await mappings.ensure({ queueArn: queue.arn, maxConcurrency: 1, enabled: true });

    await waitFor('b to come back', () => deliveriesOf(queue.arn, 'b').length === 2);
    await waitFor('the queue to be empty', async () => (await depth(queue.url)).total === 0);
    expect(invocations[0]?.records.map((record) => record.body).sort()).toEqual(['a', 'b', 'c']);
    expect(
      deliveriesOf(queue.arn, 'b').map((record) => record.attributes.ApproximateReceiveCount),
    ).toEqual(['1', '2']);
    expect(deliveriesOf(queue.arn, 'a')).toHaveLength(1);
    expect(deliveriesOf(queue.arn, 'c')).toHaveLength(1);
  });

  it('moves a record that always fails to the DLQ after maxReceiveCount deliveries', async () => {
    const dlq = await createQueue();
    const queue = await createQueue({
      visibilityTimeout: 1,
      deadLetterArn: dlq.arn,
      maxReceiveCount: 2,
    });
    behaviour = async (event) => ({
      batchItemFailures: event.Records.map((record) => ({ itemIdentifier: record.messageId })),
    });
    await mappings.ensure({ queueArn: queue.arn, maxConcurrency: 2, enabled: true });
    poller.start();
    await sendAll(queue.url, ['doomed']);

    await waitFor('the DLQ to hold it', async () => (await depth(dlq.url)).total === 1, 12_000);
    expect((await depth(queue.url)).total).toBe(0);
    expect(
      deliveriesOf(queue.arn, 'doomed').map((record) => record.attributes.ApproximateReceiveCount),
    ).toEqual(['1', '2']);
  });

  it('receives nothing while the mapping is disabled and delivers the backlog on re-enable', async () => {
    const queue = await createQueue();
    await mappings.ensure({ queueArn: queue.arn, maxConcurrency: 2, enabled: true });
    poller.start();
    await sendAll(queue.url, ['before']);
    await waitFor('the first delivery', () => invocations.length === 1);

    await mappings.ensure({ queueArn: queue.arn, maxConcurrency: 2, enabled: false });
    // Receives already under way when the mapping was disabled finish (as on Lambda).
    await waitFor('pending receives to finish', () => receivesPending(queue.url) === 0);
    const startedWhenDisabled = receivesStarted(queue.url);
    await sendAll(queue.url, ['p1', 'p2', 'p3']);
    await sleep(2000);

    expect(invocations).toHaveLength(1);
    expect(receivesStarted(queue.url)).toBe(startedWhenDisabled);
    expect(await depth(queue.url)).toEqual({ visible: 3, inFlight: 0, total: 3 });

    await mappings.ensure({ queueArn: queue.arn, maxConcurrency: 2, enabled: true });
    await waitFor('the backlog', () => recordsOf(queue.arn).length === 4);
    await waitFor('the queue to be empty', async () => (await depth(queue.url)).total === 0);
    expect(
      recordsOf(queue.arn)
        .map((record) => record.body)
        .sort(),
    ).toEqual(['before', 'p1', 'p2', 'p3']);
  });

  it('keeps at most MaximumConcurrency invocations in flight per queue, and follows a change', async () => {
    const queue = await createQueue({ visibilityTimeout: 10 });
    let inFlight = 0;
    let peak = 0;
    behaviour = async () => {
      peak = Math.max(peak, ++inFlight);
      await sleep(300);
      inFlight--;
      return undefined;
    };
    await mappings.ensure({ queueArn: queue.arn, maxConcurrency: 2, enabled: false });
    poller.start();
    const bodies = (prefix: string) => Array.from({ length: 40 }, (_, i) => `${prefix}${i}`);
    await sendAll(queue.url, bodies('m'));

    await mappings.ensure({ queueArn: queue.arn, maxConcurrency: 2, enabled: true });
    await waitFor('40 deliveries', () => recordsOf(queue.arn).length === 40, 15_000);
    expect(peak).toBe(2);

    await mappings.ensure({ queueArn: queue.arn, maxConcurrency: 4, enabled: false });
    await waitFor('pending receives to finish', () => receivesPending(queue.url) === 0);
    await sendAll(queue.url, bodies('n'));
    peak = 0;
    await mappings.ensure({ queueArn: queue.arn, maxConcurrency: 4, enabled: true });
    await waitFor('80 deliveries', () => recordsOf(queue.arn).length === 80, 15_000);
    expect(peak).toBeGreaterThan(2);
    expect(peak).toBeLessThanOrEqual(4);
    await waitFor('the queue to be empty', async () => (await depth(queue.url)).total === 0);
  });

  it('keeps delivering to one queue while the handler hangs on another', async () => {
    const slow = await createQueue({ visibilityTimeout: 30 });
    const fast = await createQueue();
    let release: () => void = () => {};
    const released = new Promise<void>((resolve) => {
      release = resolve;
    });
    behaviour = async (event) => {
      if (event.Records[0]?.eventSourceARN === slow.arn) await released;
      return undefined;
    };
    await mappings.ensure({ queueArn: slow.arn, maxConcurrency: 2, enabled: true });
    await mappings.ensure({ queueArn: fast.arn, maxConcurrency: 2, enabled: true });
    poller.start();

    try {
      await sendAll(slow.url, ['stuck']);
      await waitFor('the slow delivery to start', () => recordsOf(slow.arn).length === 1);
      await sendAll(fast.url, ['f1', 'f2', 'f3']);
      await waitFor('the other queue', () => recordsOf(fast.arn).length === 3);
      await waitFor('the other queue to be empty', async () => (await depth(fast.url)).total === 0);
      expect((await depth(slow.url)).inFlight).toBe(1);
    } finally {
      release();
    }
    await waitFor('the slow queue to be empty', async () => (await depth(slow.url)).total === 0);
  });

  it('retries a mapping whose queue does not exist yet, without affecting the others', async () => {
    const other = await createQueue();
    const lateName = `esm-poller-late-${Date.now()}`;
    const lateArn = other.arn.replace(/[^:]+$/, lateName);
    await mappings.ensure({ queueArn: lateArn, maxConcurrency: 2, enabled: true });
    await mappings.ensure({ queueArn: other.arn, maxConcurrency: 2, enabled: true });
    poller.start();

    await sendAll(other.url, ['unaffected']);
    await waitFor('the other queue', () => recordsOf(other.arn).length === 1);
    await waitFor('the missing queue to be logged', () =>
      logged.some((line) => line.level === 'error' && line.message.includes('does not exist')),
    );

    const { QueueUrl: lateUrl = '' } = await sqs.send(
      new CreateQueueCommand({ QueueName: lateName, Attributes: { VisibilityTimeout: '2' } }),
    );
    await sendAll(lateUrl, ['late']);
    await waitFor('the late queue', () => recordsOf(lateArn).length === 1);
    await waitFor('the late queue to be empty', async () => (await depth(lateUrl)).total === 0);
    // Logged once for the outage, not once per retry and loop.
    expect(logged.filter((line) => line.message.includes('does not exist'))).toHaveLength(1);
  });

  it('stop() lets the invocation in flight finish, then nothing more is received', async () => {
    const queue = await createQueue({ visibilityTimeout: 5 });
    let finished = false;
    behaviour = async () => {
      await sleep(500);
      finished = true;
      return undefined;
    };
    await mappings.ensure({ queueArn: queue.arn, maxConcurrency: 2, enabled: true });
    poller.start();
    await sendAll(queue.url, ['last']);
    await waitFor('the delivery to start', () => invocations.length === 1);

    await poller.stop();
    expect(finished).toBe(true);
    expect(receivesPending(queue.url)).toBe(0);
    expect((await depth(queue.url)).total).toBe(0);

    await sendAll(queue.url, ['after-stop']);
    await mappings.ensure({ queueArn: queue.arn, maxConcurrency: 3, enabled: true });
    await sleep(1500);
    expect(invocations).toHaveLength(1);
    // Not deleted (a receive aborted by stop() may still have taken it on the endpoint's side).
    expect((await depth(queue.url)).total).toBe(1);
  });
});
