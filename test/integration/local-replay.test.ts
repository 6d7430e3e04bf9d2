import { setTimeout as sleep } from 'node:timers/promises';
import {
  DeleteRuleCommand,
  EventBridgeClient,
  RemoveTargetsCommand,
} from '@aws-sdk/client-eventbridge';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { localResourceNames } from '../../infra/base-resources.js';
import { type DevRuntime, startDev } from '../../local/dev-runtime.js';
import { awsClientConfig } from '../../shared/aws/client-config.js';
import { laneNames } from '../../shared/provisioning/lane-names.js';
import { apiCall } from '../support/api-call.js';
import { type Received, startReceiver, waitFor } from '../support/receiver.js';

/**
 * Issue 11 §5: locally, a replay reaches only the subscription it was asked for, and only with
 * the events of its window (moto's own replay ignores both). EventBridge event times have
 * whole seconds, so the window's edges are more than a second away from every event.
 */
let dev: DevRuntime;
let one: Awaited<ReturnType<typeof startReceiver>>;
let other: Awaited<ReturnType<typeof startReceiver>>;

beforeAll(async () => {
  dev = await startDev({
    port: 0,
    awsEndpointUrl: inject('awsEndpoint'),
    reconcileEveryMs: 60_000,
  });
  one = await startReceiver(() => ({ status: 204 }));
  other = await startReceiver(() => ({ status: 204 }));
});

afterAll(async () => {
  await dev?.stop();
  await one?.close();
  await other?.close();
});

function api(method: string, path: string, body?: unknown) {
  return apiCall(dev.apiUrl, method, path, body);
}

async function send(type: string, n: number): Promise<string> {
  const sent = await api('POST', '/v1/events', { type, data: { n } });
  expect(sent.status).toBe(202);
  return sent.body.id;
}

const ids = (received: Received[]) => received.map((r) => String(r.headers['webhook-id']));

describe('local replay', () => {
  it('replays the window to that subscription alone, through its filter, marked as a replay', async () => {
    const first = await api('POST', '/v1/subscriptions', {
      url: `${one.url}/webhook`,
      eventTypes: ['order.*'],
    });
    const second = await api('POST', '/v1/subscriptions', {
      url: `${other.url}/webhook`,
      eventTypes: ['order.*', 'invoice.*'],
    });
    expect([first.status, second.status]).toEqual([201, 201]);

    const before = await send('order.created', 1);
    await sleep(1100);
    // The events that follow are stamped with this second or a later one.
    const from = new Date(Math.floor(Date.now() / 1000) * 1000);
    const inside = await send('order.created', 2);
    const unmatched = await send('invoice.paid', 3);
    await sleep(1100);
    const to = new Date();
    await sleep(1100);
    const after = await send('order.created', 4);
    await waitFor(
      () => one.received.length === 3 && other.received.length === 4,
      20_000,
      'the deliveries',
    );

    const replay = await api('POST', `/v1/subscriptions/${first.body.id}/replay`, {
      from: from.toISOString(),
      to: to.toISOString(),
    });
    expect(replay.status).toBe(202);
    expect(replay.body.replayName).toMatch(new RegExp(`^${first.body.id}-`));

    await waitFor(() => one.received.length === 4, 20_000, 'the replayed event');
    // Give anything that should not come the time to arrive anyway, then count.
    await sleep(2000);
    // Delivered again although the log says delivered: the deliverer saw `replay-name`.
    expect(ids(one.received)).toEqual([before, inside, after, inside]);
    expect(ids(other.received).sort()).toEqual([before, inside, unmatched, after].sort());

    // The replayed attempt is logged as another attempt of the same event.
    const log = (await api('GET', `/v1/subscriptions/${first.body.id}/deliveries`)).body.data;
    expect(log.filter((a: { eventId: string }) => a.eventId === inside)).toHaveLength(2);
  });

  it('replays nothing from a window without events, and refuses a window in the future', async () => {
    const created = await api('POST', '/v1/subscriptions', {
      url: `${one.url}/empty`,
      eventTypes: ['order.*'],
    });
    const count = one.received.length;
    const empty = await api('POST', `/v1/subscriptions/${created.body.id}/replay`, {
      from: new Date(Date.now() - 3_600_000).toISOString(),
      to: new Date(Date.now() - 3_000_000).toISOString(),
    });
    expect(empty.status).toBe(202);
    await sleep(1500);
    expect(one.received.filter((r) => r.path === '/empty')).toHaveLength(0);
    expect(one.received.length).toBe(count);

    const future = await api('POST', `/v1/subscriptions/${created.body.id}/replay`, {
      from: new Date().toISOString(),
      to: new Date(Date.now() + 60_000).toISOString(),
    });
    expect(future.status).toBe(400);
    expect(future.body.error.message).toContain('to');
  });

  it('answers 409 when the subscription has lost its rule (the reconciler will re-create it)', async () => {
    const created = await api('POST', '/v1/subscriptions', {
      url: `${other.url}/lost`,
      eventTypes: ['order.*'],
    });
    const { ruleName } = laneNames('hookbridge', created.body.id);
    const events = new EventBridgeClient(awsClientConfig());
    const bus = localResourceNames.eventBus;
    await events.send(
      new RemoveTargetsCommand({ Rule: ruleName, EventBusName: bus, Ids: ['subscriber-queue'] }),
    );
    await events.send(new DeleteRuleCommand({ Name: ruleName, EventBusName: bus }));
    events.destroy();
    await send('order.created', 5);
    const replay = await api('POST', `/v1/subscriptions/${created.body.id}/replay`, {
      from: new Date(Date.now() - 60_000).toISOString(),
      to: new Date().toISOString(),
    });
    expect(replay.status).toBe(409);
    expect(replay.body.error.code).toBe('subscription_not_ready');
  });
});
