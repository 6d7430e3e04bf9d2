import { setTimeout as sleep } from 'node:timers/promises';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DeleteRuleCommand,
  DescribeRuleCommand,
  EventBridgeClient,
  ListTargetsByRuleCommand,
  RemoveTargetsCommand,
} from '@aws-sdk/client-eventbridge';
import { SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { localResourceNames } from '../../infra/base-resources.js';
import { type DevRuntime, startDev } from '../../local/dev-runtime.js';
import { awsClientConfig, dynamoClientConfig } from '../../shared/aws/client-config.js';
import { apiCall } from '../support/api-call.js';
import { startReceiver, waitFor } from '../support/receiver.js';

// Bus shards through the local runtime as a user drives it: three buses, two tenants placed on
// different ones, an operator subscription on all three. Each event is one PutEvents entry on
// one bus; a broadcast reaches every subscriber exactly once (shard 0 forwards it).

process.env.HOOKBRIDGE_BUS_SHARDS = '3';
const BUSES = [localResourceNames.eventBus, 'hookbridge-bus-1', 'hookbridge-bus-2'];

let dev: DevRuntime;
let receiver: Awaited<ReturnType<typeof startReceiver>>;
const run = Math.random().toString(36).slice(2, 8);
const A = `alpha-${run}`;
const B = `beta-${run}`;
const TYPE = `shards${run}.created`;
const subs: Record<string, string> = {};

/** Every PutEvents entry sent in this process (the local runtime runs here), by bus. */
const published: { bus: string; type: string; tenantId?: string }[] = [];
const putEventsCalls: number[] = [];

beforeAll(async () => {
  recordPutEvents();
  dev = await startDev({ port: 0, awsEndpointUrl: inject('awsEndpoint'), reconcileEveryMs: 1_000 });
  receiver = await startReceiver(() => ({ status: 204 }));
});

afterAll(async () => {
  await dev?.stop();
  await receiver?.close();
  delete process.env.HOOKBRIDGE_BUS_SHARDS;
});

function api(method: string, path: string, body?: unknown) {
  return apiCall(dev.apiUrl, method, path, body);
}

/** The `data.n` of every event of this run the receiver got on `path`, sorted. */
function arrived(path: string): number[] {
  return receiver.received
    .filter((r) => r.path === path)
    .map((r) => JSON.parse(r.body))
    .filter((body) => body.type === TYPE)
    .map((body) => body.data.n as number)
    .sort((x, y) => x - y);
}

/** Patches the send every SDK client inherits, as test/support/aws-call-recorder.ts does. */
function recordPutEvents(): void {
  const client = Object.getPrototypeOf(SQSClient.prototype) as {
    send: (
      this: unknown,
      command: { constructor: { name: string }; input: unknown },
      ...rest: unknown[]
    ) => unknown;
  };
  const original = client.send;
  client.send = function send(this: unknown, command, ...rest) {
    if (command.constructor.name === 'PutEventsCommand') {
      const entries = (command.input as { Entries?: Record<string, string>[] }).Entries ?? [];
      const ours = entries.filter((e) => e.DetailType === TYPE);
      if (ours.length > 0) putEventsCalls.push(ours.length);
      for (const entry of ours) {
        const detail = JSON.parse(entry.Detail ?? '{}');
        published.push({
          bus: entry.EventBusName ?? '',
          type: entry.DetailType ?? '',
          tenantId: detail.tenantId,
        });
      }
    }
    return original.call(this, command, ...rest);
  };
}

async function tenantShard(id: string): Promise<number | undefined> {
  const documents = DynamoDBDocumentClient.from(
    new DynamoDBClient(dynamoClientConfig(awsClientConfig())),
  );
  const { Item } = await documents.send(
    new GetCommand({
      TableName: localResourceNames.subscriptionsTable,
      Key: { id: `tenant#${id}` },
    }),
  );
  return Item?.shard;
}

async function send(n: number, tenantId?: string): Promise<void> {
  const sent = await api('POST', '/v1/events', {
    type: TYPE,
    data: { n },
    ...(tenantId && { tenantId }),
  });
  expect(sent.status, JSON.stringify(sent.body)).toBe(202);
}

describe('bus shards', () => {
  it('places two new tenants on different shards, and keeps the shard out of the API', async () => {
    const a = await api('POST', '/v1/tenants', { id: A, name: 'Alpha' });
    const b = await api('POST', '/v1/tenants', { id: B, name: 'Beta' });
    expect([a.status, b.status]).toEqual([201, 201]);
    expect(a.body).not.toHaveProperty('shard');
    const shards = [await tenantShard(A), await tenantShard(B)].map((s) => s ?? 0);
    expect(new Set(shards).size).toBe(2);
    expect(shards).toContain(1);

    const make = async (path: string, body: Record<string, unknown>) => {
      const created = await api('POST', path, { eventTypes: [TYPE], ...body });
      expect(created.status, JSON.stringify(created.body)).toBe(201);
      expect(created.body.status).toBe('active');
      expect(created.body).not.toHaveProperty('shard');
      return created.body.id as string;
    };
    subs.a = await make(`/v1/tenants/${A}/subscriptions`, { url: `${receiver.url}/a` });
    subs.b = await make(`/v1/tenants/${B}/subscriptions`, { url: `${receiver.url}/b` });
    subs.op = await make('/v1/subscriptions', { url: `${receiver.url}/op` });
  });

  it('delivers a tenant’s event to it and the operator, a broadcast to everyone once, one entry per event', async () => {
    await send(1, A);
    await send(2, B);
    await send(3, '*');
    await send(4);
    await waitFor(
      () => arrived('/op').length >= 4 && arrived('/a').length >= 2 && arrived('/b').length >= 2,
      20_000,
      'the deliveries',
    );
    // Time for a duplicate (a broadcast taken on a second shard) to arrive anyway, then count.
    await sleep(2_000);
    expect(arrived('/a')).toEqual([1, 3]);
    expect(arrived('/b')).toEqual([2, 3]);
    expect(arrived('/op')).toEqual([1, 2, 3, 4]);

    // One PutEvents call of one entry per event, each on one bus: its tenant's, or shard 0.
    expect(putEventsCalls).toEqual([1, 1, 1, 1]);
    const shardA = (await tenantShard(A)) ?? 0;
    const shardB = (await tenantShard(B)) ?? 0;
    expect(published.map((p) => p.bus)).toEqual([BUSES[shardA], BUSES[shardB], BUSES[0], BUSES[0]]);
  });

  it('repairs an operator subscription’s rule deleted from shard 2', async () => {
    const events = new EventBridgeClient(awsClientConfig());
    const ruleName = `hookbridge-${subs.op}`;
    const bus = BUSES[2];
    await events.send(
      new RemoveTargetsCommand({ Rule: ruleName, EventBusName: bus, Ids: ['subscriber-queue'] }),
    );
    await events.send(new DeleteRuleCommand({ Name: ruleName, EventBusName: bus }));
    // Repaired once the rule is back with its target (PutRule comes before PutTargets).
    await waitFor(
      async () =>
        events
          .send(new ListTargetsByRuleCommand({ Rule: ruleName, EventBusName: bus }))
          .then(({ Targets = [] }) => Targets.length > 0)
          .catch(() => false),
      20_000,
      'the repaired rule',
    );
    const rule = await events.send(new DescribeRuleCommand({ Name: ruleName, EventBusName: bus }));
    // Shards ≥ 1 exclude broadcasts (shard 0's rule takes them).
    expect(JSON.parse(rule.EventPattern ?? '{}').detail).toEqual({
      tenantId: [{ 'anything-but': '*' }],
    });
    const { Targets = [] } = await events.send(
      new ListTargetsByRuleCommand({ Rule: ruleName, EventBusName: bus }),
    );
    expect(Targets.map((t) => t.Arn?.split(':').pop())).toEqual([ruleName]);
    // And it works: a tenant event of shard 2's tenants would come through it; a broadcast
    // still reaches the operator once.
    const before = arrived('/op').length;
    await send(5, '*');
    await waitFor(() => arrived('/op').length > before, 20_000, 'the broadcast');
    await sleep(1_500);
    expect(arrived('/op').filter((n) => n === 5)).toEqual([5]);
    events.destroy();
  });

  it('replays a tenant subscription on shard 1 from that shard’s archive', async () => {
    const onShard1 = (await tenantShard(A)) === 1 ? 'a' : 'b';
    const before = arrived(`/${onShard1}`);
    const replay = await api('POST', `/v1/subscriptions/${subs[onShard1]}/replay`, {
      from: new Date(Date.now() - 10 * 60_000).toISOString(),
      to: new Date().toISOString(),
    });
    expect(replay.status, JSON.stringify(replay.body)).toBe(202);
    await waitFor(() => arrived(`/${onShard1}`).length === before.length * 2, 20_000, 'the replay');
    await sleep(1_500);
    // Its own event and the forwarded broadcast, each once more; nothing of the other tenant.
    expect(arrived(`/${onShard1}`)).toEqual([...before, ...before].sort((x, y) => x - y));
  });
});
