import {
  EventBridgeClient,
  ListRuleNamesByTargetCommand,
  ListTargetsByRuleCommand,
  RemoveTargetsCommand,
} from '@aws-sdk/client-eventbridge';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { type CountingProxy, startCountingProxy } from '../../bench/counting-proxy.js';
import { localResourceNames } from '../../infra/base-resources.js';
import { type DevRuntime, startDev } from '../../local/dev-runtime.js';
import { awsClientConfig } from '../../shared/aws/client-config.js';
import { WAKE_TARGET_ID } from '../../shared/provisioning/cold-lanes.js';
import { apiCall } from '../support/api-call.js';
import { startReceiver, waitFor } from '../support/receiver.js';
import { queueAttributes, queueUrl } from '../support/sqs-helpers.js';

// The dev runtime as `npm run dev` runs it, with an idle period of seconds and a reconciler
// pass every second, in front of a proxy that counts each queue's SQS requests: the honest
// witness of who polls what.
let dev: DevRuntime;
let proxy: CountingProxy;
let receiver: Awaited<ReturnType<typeof startReceiver>>;
let failing = false;
const events = new EventBridgeClient(awsClientConfig());
const sqs = new SQSClient(awsClientConfig());
const BUS = localResourceNames.eventBus;
const WAKE_QUEUE_ARN = 'arn:aws:sqs:us-east-1:123456789012:hookbridge-wake';

beforeAll(async () => {
  process.env.HOOKBRIDGE_LANE_IDLE_SECONDS = '2';
  proxy = await startCountingProxy(inject('awsEndpoint'));
  dev = await startDev({ port: 0, awsEndpointUrl: proxy.url, reconcileEveryMs: 1000 });
  receiver = await startReceiver(() => ({ status: failing ? 500 : 204 }));
});

afterAll(async () => {
  await dev?.stop();
  await receiver?.close();
  await proxy?.close();
  delete process.env.HOOKBRIDGE_LANE_IDLE_SECONDS;
});

function api(method: string, path: string, body?: unknown) {
  return apiCall(dev.apiUrl, method, path, body);
}

const sqsCalls = (operation: string, id: string) =>
  proxy.sqsByQueue().get(`${operation} hookbridge-${id}`) ?? 0;

async function subscription(id: string) {
  return (await api('GET', `/v1/subscriptions/${id}`)).body;
}

async function coldSubscription(eventType: string, retrySchedule?: number[]) {
  const created = await api('POST', '/v1/subscriptions', {
    url: `${receiver.url}/${eventType}`,
    eventTypes: [eventType],
    ...(retrySchedule && { retrySchedule }),
  });
  expect(created.status).toBe(201);
  const id: string = created.body.id;
  await waitFor(
    async () => (await subscription(id)).lane === 'cold',
    20_000,
    'the lane to go cold',
  );
  // The record is marked first; the wake target and the disabled mapping follow, then the pass
  // looks at the queue once more. Two depth checks later the lane is asleep.
  await passes(id, 2);
  return id;
}

/** Waits until the reconciler has looked at the cold lane's queue `passes` more times. */
async function passes(id: string, count: number) {
  const before = sqsCalls('GetQueueAttributes', id);
  await waitFor(
    () => sqsCalls('GetQueueAttributes', id) >= before + count,
    20_000,
    `${count} reconciler passes`,
  );
}

async function targetsOf(id: string) {
  const { Targets = [] } = await events.send(
    new ListTargetsByRuleCommand({ Rule: `hookbridge-${id}`, EventBusName: BUS }),
  );
  return Targets.map((target) => target.Id).sort();
}

const deliveriesTo = (path: string) => receiver.received.filter((r) => r.path === path);

describe('cold lanes in the local runtime', () => {
  it('stops polling an idle lane, wakes it on an event and delivers it as attempt 1', async () => {
    const id = await coldSubscription('cold.first');
    expect(await targetsOf(id)).toEqual(['subscriber-queue', WAKE_TARGET_ID].sort());
    // One receive may have been under way when the mapping was disabled; after that, none.
    await passes(id, 1);
    const receives = sqsCalls('ReceiveMessage', id);
    await passes(id, 3);
    expect(sqsCalls('ReceiveMessage', id)).toBe(receives);

    const sent = await api('POST', '/v1/events', { type: 'cold.first', data: { n: 1 } });
    expect(sent.status).toBe(202);
    await waitFor(() => deliveriesTo('/cold.first').length === 1, 20_000, 'the delivery');
    expect(JSON.parse(deliveriesTo('/cold.first')[0]?.body ?? '{}').id).toBe(sent.body.id);
    const woken = await subscription(id);
    expect(woken.lane).toBe('hot');
    expect(await targetsOf(id)).toEqual(['subscriber-queue']);
    expect(sqsCalls('ReceiveMessage', id)).toBeGreaterThan(receives);
  });

  it('keeps the whole retry schedule of the event that woke the lane', async () => {
    failing = true;
    try {
      const id = await coldSubscription('cold.failing', [10, 60]);
      const sent = await api('POST', '/v1/events', { type: 'cold.failing', data: {} });
      const attempts = async () =>
        (await api('GET', `/v1/subscriptions/${id}/deliveries`)).body.data;
      await waitFor(async () => (await attempts()).length === 1, 20_000, 'the first attempt');
      const [first] = await attempts();
      expect(first).toMatchObject({ eventId: sent.body.id, attempt: 1, result: 'failed' });
      // The first scheduled delay (10 s, ±20 % jitter): as on a lane that never slept. It is
      // counted from the attempt's end, attemptedAt is its start: the attempt's time is allowed.
      const delay = (Date.parse(first.nextAttemptAt) - Date.parse(first.attemptedAt)) / 1000;
      expect(delay).toBeGreaterThanOrEqual(8);
      expect(delay).toBeLessThanOrEqual(12 + first.durationMs / 1000 + 0.5);
    } finally {
      failing = false;
    }
  });

  it('delivers an event that came while the wake target was gone (the depth check)', async () => {
    const id = await coldSubscription('cold.lost-wake');
    // As if the waker had failed: the event reaches the lane's queue only.
    await events.send(
      new RemoveTargetsCommand({ Rule: `hookbridge-${id}`, EventBusName: BUS, Ids: ['wake'] }),
    );
    await api('POST', '/v1/events', { type: 'cold.lost-wake', data: {} });
    await waitFor(() => deliveriesTo('/cold.lost-wake').length === 1, 20_000, 'the delivery');
    expect((await subscription(id)).lane).toBe('hot');
  });

  it('puts back the wake target of a cold lane that lost it (drift)', async () => {
    const id = await coldSubscription('cold.drift');
    await events.send(
      new RemoveTargetsCommand({ Rule: `hookbridge-${id}`, EventBusName: BUS, Ids: ['wake'] }),
    );
    await waitFor(async () => (await targetsOf(id)).includes(WAKE_TARGET_ID), 20_000, 'repair');
    expect((await subscription(id)).lane).toBe('cold');
  });

  it('does not wake a paused cold lane; its events wait until it is resumed', async () => {
    const id = await coldSubscription('cold.paused');
    const paused = await api('PATCH', `/v1/subscriptions/${id}`, { status: 'paused' });
    expect(paused.body).toMatchObject({ status: 'paused', lane: 'cold' });
    // A receive under way when the mapping was disabled may still end (as on Lambda): from the
    // next pass on, nothing polls the lane.
    await passes(id, 2);
    const receives = sqsCalls('ReceiveMessage', id);
    await api('POST', '/v1/events', { type: 'cold.paused', data: {} });
    // The wake message is taken and dropped; the reconciler looks at the lane and leaves it.
    await waitFor(
      async () =>
        Number((await queueAttributes('hookbridge-wake')).ApproximateNumberOfMessages) === 0,
      20_000,
      'the wake queue to drain',
    );
    await passes(id, 3);
    expect(await subscription(id)).toMatchObject({ status: 'paused', lane: 'cold' });
    expect(deliveriesTo('/cold.paused')).toHaveLength(0);
    expect(sqsCalls('ReceiveMessage', id)).toBe(receives);
    expect(Number((await queueAttributes(`hookbridge-${id}`)).ApproximateNumberOfMessages)).toBe(1);

    const resumed = await api('PATCH', `/v1/subscriptions/${id}`, { status: 'active' });
    expect(resumed.body).toMatchObject({ status: 'active', lane: 'hot' });
    await waitFor(() => deliveriesTo('/cold.paused').length === 1, 20_000, 'the backlog');
  });

  it('wakes a cold lane for a test event, which passes no rule', async () => {
    const id = await coldSubscription('cold.test-event');
    const sent = await api('POST', `/v1/subscriptions/${id}/test`);
    expect(sent.status).toBeLessThan(300);
    await waitFor(() => deliveriesTo('/cold.test-event').length === 1, 20_000, 'the test event');
    expect((await subscription(id)).lane).toBe('hot');
  });

  it('drops forged wake messages: garbage, other items of the table, a paused lane', async () => {
    const id = await coldSubscription('cold.forged');
    await api('PATCH', `/v1/subscriptions/${id}`, { status: 'paused' });
    const wakeQueue = await queueUrl('hookbridge-wake');
    for (const body of [
      'not json',
      '{"wake":"tenant#acme"}',
      '{"wake":"sub_00000000000000000000000000"}',
      JSON.stringify({ wake: id }),
      JSON.stringify({ wake: { S: id } }),
    ]) {
      await sqs.send(new SendMessageCommand({ QueueUrl: wakeQueue, MessageBody: body }));
    }
    // Each is taken once and deleted, none is retried into the DLQ, nothing changed.
    await waitFor(
      async () => {
        const attributes = await queueAttributes('hookbridge-wake');
        return (
          Number(attributes.ApproximateNumberOfMessages) +
            Number(attributes.ApproximateNumberOfMessagesNotVisible) ===
          0
        );
      },
      20_000,
      'the wake queue to drain',
    );
    expect(Number((await queueAttributes('hookbridge-wake-dlq')).ApproximateNumberOfMessages)).toBe(
      0,
    );
    expect(await subscription(id)).toMatchObject({ status: 'paused', lane: 'cold' });
    expect(await targetsOf(id)).toEqual(['subscriber-queue', WAKE_TARGET_ID].sort());
  });

  it('removes the wake target with a deleted cold lane', async () => {
    const id = await coldSubscription('cold.deleted');
    expect((await api('DELETE', `/v1/subscriptions/${id}`)).status).toBeLessThan(300);
    await waitFor(
      async () => (await api('GET', `/v1/subscriptions/${id}`)).status === 404,
      20_000,
      'the deletion',
    );
    const { RuleNames = [] } = await events.send(
      new ListRuleNamesByTargetCommand({ TargetArn: WAKE_QUEUE_ARN, EventBusName: BUS }),
    );
    expect(RuleNames).not.toContain(`hookbridge-${id}`);
  });
});
