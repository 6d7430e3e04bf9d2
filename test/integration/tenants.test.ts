import { setTimeout as sleep } from 'node:timers/promises';
import {
  DescribeRuleCommand,
  EventBridgeClient,
  PutRuleCommand,
} from '@aws-sdk/client-eventbridge';
import {
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  SendMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { localResourceNames } from '../../infra/base-resources.js';
import { type DevRuntime, startDev } from '../../local/dev-runtime.js';
import { awsClientConfig } from '../../shared/aws/client-config.js';
import { apiCall } from '../support/api-call.js';
import { startReceiver, waitFor } from '../support/receiver.js';

// The cross-tenant battery, through the local runtime as a user drives it: two tenants and an
// operator subscription, each with its own receiver path; nothing of one tenant may reach the
// other's receiver or answers, whatever the request tries.

let dev: DevRuntime;
let receiver: Awaited<ReturnType<typeof startReceiver>>;
const run = Math.random().toString(36).slice(2, 8);
const A = `acme-${run}`;
const B = `globex-${run}`;
const TYPE = `tenancy${run}.created`;
const started = Date.now();

beforeAll(async () => {
  dev = await startDev({ port: 0, awsEndpointUrl: inject('awsEndpoint'), reconcileEveryMs: 1_500 });
  receiver = await startReceiver(() => ({ status: 204 }));
});

afterAll(async () => {
  await dev?.stop();
  await receiver?.close();
});

function api(method: string, path: string, body?: unknown) {
  return apiCall(dev.apiUrl, method, path, body);
}

/** The `data.n` of every event the receiver got on `path`, sorted. */
function arrived(path: string): number[] {
  return receiver.received
    .filter((r) => r.path === path)
    .map((r) => JSON.parse(r.body))
    .filter((body) => body.type === TYPE)
    .map((body) => body.data.n as number)
    .sort((x, y) => x - y);
}

describe('tenants', () => {
  it('are created under the id the caller picks, listed, changed, and unique', async () => {
    const created = await api('POST', '/v1/tenants', {
      id: A,
      name: 'Acme',
      metadata: { plan: 'pro' },
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      id: A,
      name: 'Acme',
      status: 'active',
      metadata: { plan: 'pro' },
    });
    expect(created.body).not.toHaveProperty('version');
    expect((await api('POST', '/v1/tenants', { id: B, name: 'Globex' })).status).toBe(201);

    const duplicate = await api('POST', '/v1/tenants', { id: A, name: 'Acme again' });
    expect(duplicate).toMatchObject({ status: 409, body: { error: { code: 'tenant_exists' } } });
    expect((await api('GET', `/v1/tenants/${A}`)).body.name).toBe('Acme');

    const changed = await api('PATCH', `/v1/tenants/${A}`, { name: 'Acme Inc', metadata: null });
    expect(changed.status).toBe(200);
    expect(changed.body).toMatchObject({ name: 'Acme Inc' });
    expect(changed.body).not.toHaveProperty('metadata');
    const renamed = await api('PATCH', `/v1/tenants/${A}`, { id: 'other' });
    expect(renamed.status).toBe(400);
    expect(renamed.body.error.message).toMatch(/"id"/);

    const ids: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await api('GET', `/v1/tenants?limit=1${cursor ? `&cursor=${cursor}` : ''}`);
      expect(page.status).toBe(200);
      ids.push(...page.body.data.map((t: { id: string }) => t.id));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(ids).toEqual(expect.arrayContaining([A, B]));
    expect((await api('GET', '/v1/tenants?cursor=bm9wZQ')).body.error.code).toBe('invalid_cursor');
  });

  it('refuses ids that are not safe in a pattern, a key and a path, naming the field', async () => {
    const bad = [
      '',
      '*',
      '-lead',
      'has space',
      'a/b',
      'a%2Fb',
      'аcme',
      'x'.repeat(65),
      'a"b',
      7,
      null,
      ['a'],
      { a: 1 },
    ];
    for (const id of bad) {
      const answer = await api('POST', '/v1/tenants', { id, name: 'x' });
      expect(answer.status, JSON.stringify(id)).toBe(400);
      expect(answer.body.error.details[0].field, JSON.stringify(id)).toBe('id');
    }
    expect((await api('GET', '/v1/tenants/nobody')).status).toBe(404);
    expect((await api('GET', `/v1/tenants/${A.toUpperCase()}`)).status).toBe(404);
    expect((await api('GET', '/v1/tenants/%E0')).status).toBe(404);
  });
});

describe('tenant subscriptions and isolation', () => {
  const subs: Record<string, string> = {};

  beforeAll(async () => {
    const make = async (path: string, body: Record<string, unknown>) => {
      const created = await api('POST', path, { eventTypes: [TYPE], ...body });
      expect(created.status, JSON.stringify(created.body)).toBe(201);
      expect(created.body.status).toBe('active');
      return created.body.id as string;
    };
    subs.a = await make(`/v1/tenants/${A}/subscriptions`, { url: `${receiver.url}/a` });
    // A filter that tries to reach the tenant: it applies to data, so it matches data.tenantId.
    subs.b = await make(`/v1/tenants/${B}/subscriptions`, {
      url: `${receiver.url}/b`,
      filter: { tenantId: [A] },
    });
    subs.b2 = await make('/v1/subscriptions', { url: `${receiver.url}/b2`, tenantId: B });
    subs.op = await make('/v1/subscriptions', { url: `${receiver.url}/op` });
  });

  it("keeps tenantId fixed and answers another tenant's ids as missing, on every route", async () => {
    expect((await api('GET', `/v1/subscriptions/${subs.a}`)).body.tenantId).toBe(A);
    expect((await api('GET', `/v1/subscriptions/${subs.op}`)).body).not.toHaveProperty('tenantId');
    const patch = await api('PATCH', `/v1/subscriptions/${subs.a}`, { tenantId: B });
    expect(patch.status).toBe(400);
    expect(patch.body.error.message).toMatch(/tenantId/);
    const scopedPatch = await api('PATCH', `/v1/tenants/${A}/subscriptions/${subs.a}`, {
      tenantId: B,
    });
    expect(scopedPatch.status).toBe(400);
    const inBody = await api('POST', `/v1/tenants/${A}/subscriptions`, {
      url: `${receiver.url}/x`,
      eventTypes: [TYPE],
      tenantId: B,
    });
    expect(inBody.status).toBe(400);
    const nowhere = await api('POST', '/v1/tenants/nobody/subscriptions', {
      url: `${receiver.url}/x`,
      eventTypes: [TYPE],
    });
    expect(nowhere.status).toBe(404);
    expect(
      (
        await api('POST', '/v1/subscriptions', {
          url: `${receiver.url}/x`,
          eventTypes: [TYPE],
          tenantId: 'nobody',
        })
      ).status,
    ).toBe(404);

    const missing = 'sub_01JD5Z8Q4X9V2M7K3T6N0R1B8C';
    const routes: [string, string, unknown?][] = [
      ['GET', ''],
      ['PATCH', '', { description: 'mine now' }],
      ['DELETE', ''],
      ['GET', '/secret'],
      ['POST', '/secret/rotate', {}],
      ['GET', '/deliveries'],
      ['POST', '/test'],
      ['POST', '/redrive'],
      ['GET', '/backlog'],
      ['POST', '/replay', { from: '2026-01-01T00:00:00Z', to: '2026-01-02T00:00:00Z' }],
    ];
    for (const [method, tail, body] of routes) {
      const expected = await api(method, `/v1/tenants/${B}/subscriptions/${missing}${tail}`, body);
      expect(expected.status, `${method} ${tail}`).toBe(404);
      for (const foreign of [subs.a, subs.op]) {
        const answer = await api(method, `/v1/tenants/${B}/subscriptions/${foreign}${tail}`, body);
        expect(answer.status, `${method} ${tail}`).toBe(404);
        expect(answer.body.error.message).toBe(
          expected.body.error.message.replace(missing, foreign),
        );
      }
      // The same subscription under a tenant id in another case is another tenant.
      const cased = await api(
        method,
        `/v1/tenants/${A.toUpperCase()}/subscriptions/${subs.a}${tail}`,
        body,
      );
      expect(cased.status, `${method} ${tail}`).toBe(404);
    }
    // Nothing changed behind the 404s.
    const a = await api('GET', `/v1/tenants/${A}/subscriptions/${subs.a}`);
    expect(a.status).toBe(200);
    expect(a.body).not.toHaveProperty('description');

    const listed = await api('GET', `/v1/tenants/${B}/subscriptions?limit=100`);
    expect(listed.body.data.map((s: { id: string }) => s.id).sort()).toEqual(
      [subs.b, subs.b2].sort(),
    );
    const filtered = await api('GET', `/v1/subscriptions?tenantId=${A}&limit=100`);
    expect(filtered.body.data.map((s: { id: string }) => s.id)).toEqual([subs.a]);
    expect((await api('GET', '/v1/subscriptions?tenantId=*')).status).toBe(400);
    expect((await api('GET', '/v1/tenants/nobody/subscriptions')).status).toBe(404);
  });

  it("delivers a tenant's events to it and the operator only; broadcast to all; no tenant to the operator", async () => {
    const send = async (
      n: number,
      extra: Record<string, unknown>,
      data: Record<string, unknown> = {},
    ) => {
      const answer = await api('POST', '/v1/events', {
        type: TYPE,
        data: { n, ...data },
        ...extra,
      });
      expect(answer.status, JSON.stringify(answer.body)).toBe(202);
    };
    await send(1, { tenantId: A });
    await send(2, { tenantId: B });
    await send(3, { tenantId: '*' });
    await send(4, {});
    // A tenant named inside data is data: not a tenant, and it matches B's data filter only
    // where B may receive the event at all.
    await send(5, {}, { tenantId: A });
    await send(6, { tenantId: B }, { tenantId: A });
    await send(7, { tenantId: A }, { tenantId: A });
    const batch = await api('POST', '/v1/events/batch', {
      events: [
        { type: TYPE, data: { n: 8 }, tenantId: A },
        { type: TYPE, data: { n: 9 }, tenantId: B },
        { type: TYPE, data: { n: 10 }, tenantId: '*' },
      ],
    });
    expect(batch.status).toBe(202);

    const expected = {
      '/a': [1, 3, 7, 8, 10],
      // Its data filter holds it to events whose data names A: of its own and broadcast ones.
      '/b': [6],
      '/b2': [2, 3, 6, 9, 10],
      '/op': [1, 2, 3, 4, 5, 6, 7, 8, 9, 10],
    };
    await waitFor(
      () => Object.entries(expected).every(([path, ns]) => arrived(path).length >= ns.length),
      30_000,
      () => JSON.stringify(Object.keys(expected).map((path) => [path, arrived(path)])),
    );
    // Give anything that should not come the time to come anyway.
    await sleep(2_000);
    for (const [path, ns] of Object.entries(expected)) expect(arrived(path), path).toEqual(ns);
    const toA = receiver.received.filter((r) => r.path === '/a').map((r) => JSON.parse(r.body));
    expect(toA.map((body) => body.tenantId).sort()).toEqual(['*', '*', A, A, A].sort());
  });

  it('refuses events whose tenant is a trick, naming the field, and publishes nothing of them', async () => {
    const tricks = [`${A} `, 'аcme', '**', '', null, [A], { id: A }, 7, true, `${A}*`, '*?'];
    for (const tenantId of tricks) {
      const one = await api('POST', '/v1/events', { type: TYPE, data: { n: 99 }, tenantId });
      expect(one.status, JSON.stringify(tenantId)).toBe(400);
      expect(one.body.error.details[0].field).toBe('tenantId');
      const batch = await api('POST', '/v1/events/batch', {
        events: [
          { type: TYPE, data: { n: 98 }, tenantId: A },
          { type: TYPE, data: { n: 99 }, tenantId },
        ],
      });
      expect(batch.status, JSON.stringify(tenantId)).toBe(400);
      expect(batch.body.error.details[0].field).toBe('events[1].tenantId');
    }
    // Another case is another (unknown) tenant: accepted, but it reaches operator subscriptions only.
    const cased = await api('POST', '/v1/events', {
      type: TYPE,
      data: { n: 97 },
      tenantId: A.toUpperCase(),
    });
    expect(cased.status).toBe(202);
    await waitFor(() => arrived('/op').includes(97), 15_000, 'the operator delivery');
    await sleep(1_000);
    expect(receiver.received.some((r) => /"n":9[89]/.test(r.body))).toBe(false);
    expect(arrived('/a')).not.toContain(97);
  });

  it("replays to a tenant's subscription only that tenant's events and broadcasts", async () => {
    const before = arrived('/a').length;
    const from = new Date(started - 60_000).toISOString();
    const to = new Date(Date.now() - 500).toISOString();
    const replay = await api('POST', `/v1/tenants/${A}/subscriptions/${subs.a}/replay`, {
      from,
      to,
    });
    expect(replay.status, JSON.stringify(replay.body)).toBe(202);
    const foreign = await api('POST', `/v1/tenants/${A}/subscriptions/${subs.b}/replay`, {
      from,
      to,
    });
    expect(foreign.status).toBe(404);
    await waitFor(
      () => arrived('/a').length >= before + 5,
      20_000,
      () => `replays at A: ${arrived('/a')}`,
    );
    await sleep(1_500);
    expect(new Set(arrived('/a'))).toEqual(new Set([1, 3, 7, 8, 10]));
    expect(arrived('/a').length).toBe(before + 5);
  });

  it('dead-letters, without a POST, a message of tenant A put on a queue of tenant B by hand', async () => {
    const sqs = new SQSClient(awsClientConfig());
    const view = await api('GET', `/v1/subscriptions/${subs.b2}`);
    const { QueueUrl } = await sqs.send(
      new GetQueueUrlCommand({ QueueName: view.body.resources.queue }),
    );
    const detail = {
      id: 'evt_01JD5Z8Q4X9V2M7K3T6N0R1B8C',
      type: TYPE,
      tenantId: A,
      timestamp: new Date().toISOString(),
      data: { n: 77 },
    };
    await sqs.send(
      new SendMessageCommand({
        QueueUrl,
        MessageBody: JSON.stringify({
          version: '0',
          id: 'forged',
          'detail-type': TYPE,
          source: 'hookbridge',
          time: detail.timestamp,
          resources: [],
          detail,
        }),
      }),
    );
    const dlq = await sqs.send(
      new GetQueueUrlCommand({ QueueName: view.body.resources.deadLetterQueue }),
    );
    await waitFor(
      async () => {
        const { Attributes } = await sqs.send(
          new GetQueueAttributesCommand({
            QueueUrl: dlq.QueueUrl,
            AttributeNames: ['ApproximateNumberOfMessages'],
          }),
        );
        return Number(Attributes?.ApproximateNumberOfMessages) === 1;
      },
      20_000,
      'the forged message in the dead-letter queue',
    );
    expect(arrived('/b2')).not.toContain(77);
    sqs.destroy();
  });

  it('has the reconciler restore a rule whose tenant condition was removed', async () => {
    const events = new EventBridgeClient(awsClientConfig());
    const view = await api('GET', `/v1/subscriptions/${subs.a}`);
    const Name = view.body.resources.rule as string;
    const EventBusName = localResourceNames.eventBus;
    const before = await events.send(new DescribeRuleCommand({ Name, EventBusName }));
    expect(JSON.parse(before.EventPattern ?? '{}').detail.tenantId).toEqual([A, '*']);
    await events.send(
      new PutRuleCommand({
        Name,
        EventBusName,
        EventPattern: JSON.stringify({ source: JSON.parse(before.EventPattern ?? '{}').source }),
      }),
    );
    await waitFor(
      async () => {
        const rule = await events.send(new DescribeRuleCommand({ Name, EventBusName }));
        return JSON.parse(rule.EventPattern ?? '{}').detail?.tenantId?.[0] === A;
      },
      20_000,
      'the reconciler to repair the rule',
    );
    events.destroy();
  });

  it('deletes a tenant with its subscriptions and lanes; nothing is created under it meanwhile', async () => {
    const deleted = await api('DELETE', `/v1/tenants/${B}`);
    expect(deleted.status).toBe(204);
    expect((await api('GET', `/v1/tenants/${B}`)).status).toBe(404);
    for (const id of [subs.b, subs.b2]) {
      expect((await api('GET', `/v1/subscriptions/${id}`)).status).toBe(404);
    }
    expect((await api('GET', `/v1/subscriptions/${subs.a}`)).status).toBe(200);
    expect(
      (
        await api('POST', `/v1/tenants/${B}/subscriptions`, {
          url: `${receiver.url}/b`,
          eventTypes: [TYPE],
        })
      ).status,
    ).toBe(404);
    const before = arrived('/b').length + arrived('/b2').length;
    await api('POST', '/v1/events', { type: TYPE, data: { n: 50 }, tenantId: '*' });
    await waitFor(() => arrived('/a').includes(50), 15_000, 'the broadcast at A');
    await sleep(1_000);
    expect(arrived('/b').length + arrived('/b2').length).toBe(before);
  });
});
