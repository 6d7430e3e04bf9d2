import {
  DescribeRuleCommand,
  EventBridgeClient,
  ListRulesCommand,
  ListTargetsByRuleCommand,
  PutRuleCommand,
} from '@aws-sdk/client-eventbridge';
import { DeleteQueueCommand, SetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { beforeAll, describe, expect, it } from 'vitest';
import { localResourceNames } from '../../infra/base-resources.js';
import { createBaseResources } from '../../local/base-resources.js';
import { awsClientConfig } from '../../shared/aws/client-config.js';
import type { EventSourceMappings } from '../../shared/provisioning/event-source-mappings.js';
import { reconcile } from '../../shared/provisioning/reconciler.js';
import { captureBus } from '../support/bus-capture.js';
import { managementHarness } from '../support/management-harness.js';
import { drainQueue, queueAttributes, queueNames, queueUrl } from '../support/sqs-helpers.js';

const events = new EventBridgeClient(awsClientConfig());
const sqs = new SQSClient(awsClientConfig());
const bus = localResourceNames.eventBus;
let h: ReturnType<typeof managementHarness>;

beforeAll(async () => {
  await createBaseResources(awsClientConfig());
  h = managementHarness();
});

const hook = 'https://hooks.example.test/webhooks';

async function create(body: Record<string, unknown>) {
  const response = await h.call('POST /v1/subscriptions', { body });
  expect(response.status, JSON.stringify(response.body)).toBe(201);
  return response.body as { id: string; secret: string; status: string; [k: string]: unknown };
}

async function ruleNames(): Promise<string[]> {
  const { Rules = [] } = await events.send(
    new ListRulesCommand({ EventBusName: bus, NamePrefix: 'hookbridge-sub_' }),
  );
  return Rules.map((r) => r.Name ?? '').sort();
}

describe('create', () => {
  it('answers 201 with the subscription and its secret, and provisions the whole lane', async () => {
    const created = await create({
      url: hook,
      eventTypes: ['order.created', 'invoice.*'],
      description: 'orders to the ERP',
      metadata: { team: 'erp' },
      maxConcurrency: 5,
      retrySchedule: [1, 2, 3],
    });
    expect(created.id).toMatch(/^sub_[0-9A-Z]{26}$/);
    expect(created.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(created.status).toBe('active');
    expect(created).toMatchObject({
      url: hook,
      eventTypes: ['order.created', 'invoice.*'],
      maxConcurrency: 5,
    });
    expect(created).not.toHaveProperty('secrets');

    const name = `hookbridge-${created.id}`;
    const dlq = await queueAttributes(`${name}-dlq`);
    expect(dlq.MessageRetentionPeriod).toBe('1209600');
    const queue = await queueAttributes(name);
    expect(queue.MessageRetentionPeriod).toBe('1209600');
    expect(queue.VisibilityTimeout).toBe('360'); // 6 × the 60 s delivery timeout
    expect(queue.SqsManagedSseEnabled).toBe('true');
    expect(JSON.parse(queue.RedrivePolicy ?? '{}')).toEqual({
      deadLetterTargetArn: dlq.QueueArn,
      maxReceiveCount: 4, // 3 retries + the first attempt
    });

    const rule = await events.send(new DescribeRuleCommand({ Name: name, EventBusName: bus }));
    expect(JSON.parse(rule.EventPattern ?? '{}')).toEqual({
      source: ['hookbridge'],
      'detail-type': ['order.created', { prefix: 'invoice.' }],
    });
    const policy = JSON.parse(queue.Policy ?? '{}');
    expect(policy.Statement[0]).toMatchObject({
      Effect: 'Allow',
      Principal: { Service: 'events.amazonaws.com' },
      Action: 'sqs:SendMessage',
      Resource: queue.QueueArn,
      Condition: { ArnEquals: { 'aws:SourceArn': rule.Arn } },
    });
    // Both queues are encrypted at rest and refuse requests made without TLS.
    const tlsOnly = (arn: string | undefined) => ({
      Effect: 'Deny',
      Principal: '*',
      Action: 'sqs:*',
      Resource: arn,
      Condition: { Bool: { 'aws:SecureTransport': 'false' } },
    });
    expect(policy.Statement[1]).toMatchObject(tlsOnly(queue.QueueArn));
    expect(dlq.SqsManagedSseEnabled).toBe('true');
    expect(JSON.parse(dlq.Policy ?? '{}').Statement).toMatchObject([tlsOnly(dlq.QueueArn)]);
    const { Targets = [] } = await events.send(
      new ListTargetsByRuleCommand({ Rule: name, EventBusName: bus }),
    );
    expect(Targets.map((t) => t.Arn)).toEqual([queue.QueueArn]);
    expect(await h.registry.find(queue.QueueArn ?? '')).toMatchObject({
      maxConcurrency: 5,
      enabled: true,
    });
  });
});

describe('routing', () => {
  it('sends each event to the subscriptions whose types and filter match, and to no other', async () => {
    const orders = await create({ url: hook, eventTypes: ['order.*'] });
    const paid = await create({ url: hook, eventTypes: ['invoice.paid'] });
    const big = await create({
      url: hook,
      eventTypes: ['payment.captured'],
      filter: { amount: [{ numeric: ['>', 100] }], status: [{ 'anything-but': ['test'] }] },
    });
    const all = await create({ url: hook, eventTypes: ['*'] });

    await h.publish([
      { type: 'order.created', data: { n: 1 } },
      { type: 'orders.x', data: { n: 2 } },
      { type: 'order', data: { n: 3 } },
      { type: 'invoice.paid', data: { n: 4 } },
      { type: 'invoice.voided', data: { n: 5 } },
      { type: 'payment.captured', data: { n: 6, amount: 250, status: 'live' } },
      { type: 'payment.captured', data: { n: 7, amount: 50, status: 'live' } },
      { type: 'payment.captured', data: { n: 8, amount: 500, status: 'test' } },
    ]);

    const numbers = async (id: string) =>
      (await drainQueue(`hookbridge-${id}`)).map((e) => e.data.n).sort();
    expect(await numbers(orders.id)).toEqual([1]);
    expect(await numbers(paid.id)).toEqual([4]);
    expect(await numbers(big.id)).toEqual([6]);
    expect(await numbers(all.id)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
  });

  it('changes routing in place when eventTypes are patched', async () => {
    const sub = await create({ url: hook, eventTypes: ['user.created'] });
    const patched = await h.call('PATCH /v1/subscriptions/{id}', {
      id: sub.id,
      body: { eventTypes: ['user.deleted'] },
    });
    expect(patched.status).toBe(200);
    expect(patched.body.eventTypes).toEqual(['user.deleted']);

    await h.publish([
      { type: 'user.created', data: { n: 1 } },
      { type: 'user.deleted', data: { n: 2 } },
    ]);
    expect((await drainQueue(`hookbridge-${sub.id}`)).map((e) => e.type)).toEqual(['user.deleted']);
  });

  it('adds and removes a data filter', async () => {
    const sub = await create({ url: hook, eventTypes: ['t.x'], filter: { region: ['eu'] } });
    await h.publish([
      { type: 't.x', data: { region: 'eu' } },
      { type: 't.x', data: { region: 'us' } },
    ]);
    expect(await drainQueue(`hookbridge-${sub.id}`)).toHaveLength(1);
    await h.call('PATCH /v1/subscriptions/{id}', { id: sub.id, body: { filter: null } });
    await h.publish([{ type: 't.x', data: { region: 'us' } }]);
    expect(await drainQueue(`hookbridge-${sub.id}`)).toHaveLength(1);
  });
});

describe('patch', () => {
  it('pauses and resumes by disabling and enabling the mapping, and changes concurrency and retries', async () => {
    const sub = await create({ url: hook, eventTypes: ['a.b'] });
    const name = `hookbridge-${sub.id}`;
    const arn = (await queueAttributes(name)).QueueArn ?? '';

    const paused = await h.call('PATCH /v1/subscriptions/{id}', {
      id: sub.id,
      body: { status: 'paused' },
    });
    expect(paused.body.status).toBe('paused');
    expect((await h.registry.find(arn))?.enabled).toBe(false);

    const resumed = await h.call('PATCH /v1/subscriptions/{id}', {
      id: sub.id,
      body: { status: 'active', maxConcurrency: 50, retrySchedule: [10, 20] },
    });
    expect(resumed.body).toMatchObject({
      status: 'active',
      maxConcurrency: 50,
      retrySchedule: [10, 20],
    });
    expect(await h.registry.find(arn)).toMatchObject({ enabled: true, maxConcurrency: 50 });
    expect(JSON.parse((await queueAttributes(name)).RedrivePolicy ?? '{}').maxReceiveCount).toBe(3);
  });

  it('answers 404 for an unknown subscription and 400 for an empty patch', async () => {
    const missing = await h.call('PATCH /v1/subscriptions/{id}', {
      id: 'sub_01ARZ3NDEKTSV4RRFFQ69G5FAV',
      body: { status: 'paused' },
    });
    expect(missing.status).toBe(404);
    const sub = await create({ url: hook, eventTypes: ['a.b'] });
    const empty = await h.call('PATCH /v1/subscriptions/{id}', { id: sub.id, body: {} });
    expect(empty.status).toBe(400);
    expect(empty.body.error.message).toMatch(/at least one field/);
  });
});

describe('read', () => {
  it('gets one, lists pages with an opaque cursor, and never shows secrets outside the secret route', async () => {
    const sub = await create({ url: hook, eventTypes: ['a.b'] });
    const got = await h.call('GET /v1/subscriptions/{id}', { id: sub.id });
    expect(got.status).toBe(200);
    expect(got.body.id).toBe(sub.id);
    expect(JSON.stringify(got.body)).not.toContain('whsec_');

    const seen = new Set<string>();
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await h.call('GET /v1/subscriptions', {
        query: { limit: '2', ...(cursor && { cursor }) },
      });
      expect(page.status).toBe(200);
      expect(page.body.data.length).toBeLessThanOrEqual(2);
      expect(JSON.stringify(page.body)).not.toContain('whsec_');
      for (const item of page.body.data) seen.add(item.id);
      cursor = page.body.nextCursor;
      pages++;
    } while (cursor && pages < 50);
    expect(seen.has(sub.id)).toBe(true);
    expect(pages).toBeGreaterThan(1);

    const secret = await h.call('GET /v1/subscriptions/{id}/secret', { id: sub.id });
    expect(secret.body).toEqual({ secret: sub.secret, previous: [] });
  });

  it('rejects a forged cursor and a bad limit', async () => {
    expect((await h.call('GET /v1/subscriptions', { query: { cursor: 'bm9wZQ' } })).status).toBe(
      400,
    );
    expect((await h.call('GET /v1/subscriptions', { query: { limit: '0' } })).status).toBe(400);
    expect((await h.call('GET /v1/subscriptions', { query: { limit: '101' } })).status).toBe(400);
  });

  it('rotates the secret and keeps the old one through the grace period', async () => {
    const sub = await create({ url: hook, eventTypes: ['a.b'] });
    const rotated = await h.call('POST /v1/subscriptions/{id}/secret/rotate', {
      id: sub.id,
      body: { gracePeriodSeconds: 3600 },
    });
    expect(rotated.status).toBe(200);
    expect(rotated.body.secret).not.toBe(sub.secret);
    expect(rotated.body.previous).toEqual([{ secret: sub.secret, expiresAt: expect.any(String) }]);
    const immediate = await h.call('POST /v1/subscriptions/{id}/secret/rotate', {
      id: sub.id,
      body: { gracePeriodSeconds: 0 },
    });
    // A grace period bounds every older secret: 0 after a leak leaves the new secret alone.
    expect(immediate.body.previous).toEqual([]);
    const stored = await h.call('GET /v1/subscriptions/{id}/secret', { id: sub.id });
    expect(stored.body).toEqual({ secret: immediate.body.secret, previous: [] });
  });

  it('shortens an earlier grace period to the new one, never lengthens it', async () => {
    const sub = await create({ url: hook, eventTypes: ['a.b'] });
    const rotate = (gracePeriodSeconds: number) =>
      h.call('POST /v1/subscriptions/{id}/secret/rotate', {
        id: sub.id,
        body: { gracePeriodSeconds },
      });
    const first = await rotate(60);
    const second = await rotate(3600);
    const [replaced, original] = second.body.previous;
    expect(replaced.secret).toBe(first.body.secret);
    expect(original).toEqual(first.body.previous[0]);
    expect(Date.parse(replaced.expiresAt) - Date.now()).toBeGreaterThan(3000 * 1000);
    expect(Date.parse(original.expiresAt) - Date.now()).toBeLessThanOrEqual(60 * 1000);
  });
});

describe('delete', () => {
  it('removes every resource of the lane, the mapping and the record', async () => {
    const sub = await create({ url: hook, eventTypes: ['a.b'] });
    const name = `hookbridge-${sub.id}`;
    const arn = (await queueAttributes(name)).QueueArn ?? '';

    const deleted = await h.call('DELETE /v1/subscriptions/{id}', { id: sub.id });
    expect(deleted.status).toBe(204);
    expect(await queueUrl(name)).toBeUndefined();
    expect(await queueUrl(`${name}-dlq`)).toBeUndefined();
    expect(await ruleNames()).not.toContain(name);
    expect(await h.registry.find(arn)).toBeUndefined();
    expect((await h.call('GET /v1/subscriptions/{id}', { id: sub.id })).status).toBe(404);
  });
});

describe('reconciler', () => {
  /** Changes a lane queue's policy behind the reconciler's back: only `effect` statements stay. */
  async function keepPolicyStatements(name: string, effect: 'Allow' | 'Deny'): Promise<void> {
    const policy = JSON.parse((await queueAttributes(name)).Policy ?? '{}');
    policy.Statement = policy.Statement.filter(
      (statement: { Effect: string }) => statement.Effect === effect,
    );
    await sqs.send(
      new SetQueueAttributesCommand({
        QueueUrl: (await queueUrl(name)) ?? '',
        Attributes: { Policy: JSON.stringify(policy) },
      }),
    );
  }

  it('recreates a queue deleted behind its back and removes an orphan rule', async () => {
    const sub = await create({ url: hook, eventTypes: ['r.x'] });
    const name = `hookbridge-${sub.id}`;
    await sqs.send(new DeleteQueueCommand({ QueueUrl: await queueUrl(name) }));
    const orphan = 'hookbridge-sub_01ARZ3NDEKTSV4RRFFQ69G5FAV';
    await events.send(
      new PutRuleCommand({ Name: orphan, EventBusName: bus, EventPattern: '{"source":["x"]}' }),
    );

    const report = await reconcile({ store: h.store, provisioner: h.provisioner });

    expect(report.repaired).toEqual([{ id: sub.id, problems: [`queue ${name} is missing`] }]);
    expect(report.orphansRemoved).toEqual(['sub_01ARZ3NDEKTSV4RRFFQ69G5FAV']);
    expect(await ruleNames()).not.toContain(orphan);
    expect(await queueUrl(name)).toBeDefined();
    await h.publish([{ type: 'r.x', data: { n: 1 } }]);
    expect(await drainQueue(name)).toHaveLength(1);

    const again = await reconcile({ store: h.store, provisioner: h.provisioner });
    expect(again).toMatchObject({ provisioned: [], repaired: [], orphansRemoved: [], errors: [] });
  });

  it('restores a redrive policy changed behind its back', async () => {
    const sub = await create({ url: hook, eventTypes: ['drift.x'], retrySchedule: [1, 2] });
    const url = (await queueUrl(`hookbridge-${sub.id}`)) ?? '';
    const dlqArn = (await queueAttributes(`hookbridge-${sub.id}-dlq`)).QueueArn;
    const drifted = JSON.stringify({ deadLetterTargetArn: dlqArn, maxReceiveCount: 99 });
    await sqs.send(
      new SetQueueAttributesCommand({ QueueUrl: url, Attributes: { RedrivePolicy: drifted } }),
    );

    const report = await reconcile({ store: h.store, provisioner: h.provisioner });

    // (moto also drops a queue's policy on any SetQueueAttributes: it is reported and restored too.)
    expect(report.repaired).toEqual([
      { id: sub.id, problems: expect.arrayContaining(['queue redrive policy differs']) },
    ]);
    expect((await queueAttributes(`hookbridge-${sub.id}`)).Policy).toBeTruthy();
    const redrive = JSON.parse(
      (await queueAttributes(`hookbridge-${sub.id}`)).RedrivePolicy ?? '{}',
    );
    expect(redrive.maxReceiveCount).toBe(3);
  });

  it('restores encryption at rest and the TLS-only policies turned off behind its back', async () => {
    const sub = await create({ url: hook, eventTypes: ['tls.x'] });
    const name = `hookbridge-${sub.id}`;
    const dlqUrl = (await queueUrl(`${name}-dlq`)) ?? '';
    await sqs.send(
      new SetQueueAttributesCommand({
        QueueUrl: dlqUrl,
        Attributes: { SqsManagedSseEnabled: 'false', Policy: '' },
      }),
    );
    await keepPolicyStatements(name, 'Allow');

    const report = await reconcile({ store: h.store, provisioner: h.provisioner });

    expect(report.repaired).toEqual([
      {
        id: sub.id,
        problems: [
          'dead-letter queue is not encrypted at rest',
          'dead-letter queue policy is missing',
          'queue policy allows requests without TLS',
        ],
      },
    ]);
    const dlq = await queueAttributes(`${name}-dlq`);
    expect(dlq.SqsManagedSseEnabled).toBe('true');
    expect(dlq.Policy).toContain('aws:SecureTransport');
    expect((await queueAttributes(name)).Policy).toContain('aws:SecureTransport');
    const again = await reconcile({ store: h.store, provisioner: h.provisioner });
    expect(again.repaired).toEqual([]);
  });

  it('restores a queue policy that no longer lets its rule send', async () => {
    const sub = await create({ url: hook, eventTypes: ['allow.x'] });
    const name = `hookbridge-${sub.id}`;
    await keepPolicyStatements(name, 'Deny');

    const report = await reconcile({ store: h.store, provisioner: h.provisioner });

    expect(report.repaired).toEqual([
      { id: sub.id, problems: ['queue policy does not let its rule send'] },
    ]);
    await h.publish([{ type: 'allow.x', data: { n: 1 } }]);
    expect(await drainQueue(name)).toHaveLength(1);
  });

  it('does not undo a change made after its scan (it acts on the record as it is now)', async () => {
    const sub = await create({ url: hook, eventTypes: ['stale.x'] });
    const arn = (await queueAttributes(`hookbridge-${sub.id}`)).QueueArn ?? '';
    const listedBeforeThePause = await h.store.all();
    await h.call('PATCH /v1/subscriptions/{id}', { id: sub.id, body: { status: 'paused' } });

    const store = h.store;
    await reconcile({
      store: {
        all: async () => listedBeforeThePause,
        get: (id) => store.get(id),
        list: (options) => store.list(options),
        create: (item) => store.create(item),
        save: (item, changes) => store.save(item, changes),
        remove: (id, version) => store.remove(id, version),
        markFailing: (id, since) => store.markFailing(id, since),
        clearFailing: (id) => store.clearFailing(id),
        disable: (id, reason) => store.disable(id, reason),
        markActive: (id, at) => store.markActive(id, at),
      },
      provisioner: h.provisioner,
    });

    expect((await h.registry.find(arn))?.enabled).toBe(false);
  });

  it('answers 503 when a saved change cannot reach the lane, and the next pass applies it', async () => {
    let broken = false;
    const flaky = managementHarness({
      mappings: flakyMappings(() => broken),
    });
    const created = await flaky.call('POST /v1/subscriptions', {
      body: { url: hook, eventTypes: ['pend.x'] },
    });
    const arn = (await queueAttributes(`hookbridge-${created.body.id}`)).QueueArn ?? '';
    broken = true;

    const patched = await flaky.call('PATCH /v1/subscriptions/{id}', {
      id: created.body.id,
      body: { status: 'paused' },
    });
    expect(patched.status).toBe(503);
    expect(patched.body.error.code).toBe('lane_update_pending');
    expect(
      (await flaky.call('GET /v1/subscriptions/{id}', { id: created.body.id })).body.status,
    ).toBe('paused');
    expect((await h.registry.find(arn))?.enabled).toBe(true);

    broken = false;
    await reconcile({ store: flaky.store, provisioner: flaky.provisioner });
    expect((await h.registry.find(arn))?.enabled).toBe(false);
  });

  it('marks a subscription failed when provisioning fails, then provisions it on the next pass', async () => {
    let broken = true;
    const flaky = managementHarness({
      mappings: flakyMappings(() => broken),
    });
    const response = await flaky.call('POST /v1/subscriptions', {
      body: { url: hook, eventTypes: ['f.x'] },
    });
    expect(response.status).toBe(201);
    expect(response.body).toMatchObject({
      status: 'failed',
      statusReason: 'Error: Lambda is unavailable',
    });

    broken = false;
    const report = await reconcile({ store: flaky.store, provisioner: flaky.provisioner });
    expect(report.provisioned).toContain(response.body.id);
    expect(
      (await flaky.call('GET /v1/subscriptions/{id}', { id: response.body.id })).body.status,
    ).toBe('active');
  });
});

describe('bad input gets a 4xx naming the problem and changes nothing', () => {
  const valid = { url: hook, eventTypes: ['a.b'] };
  const cases: [string, unknown, number, RegExp][] = [
    ['missing url', { eventTypes: ['a.b'] }, 400, /url: is required/],
    ['http url', { ...valid, url: 'http://hooks.example.test/x' }, 422, /url: .*https/i],
    ['relative url', { ...valid, url: '/hooks' }, 422, /url: /],
    [
      'url with credentials',
      { ...valid, url: 'https://user:pw@hooks.example.test/' },
      422,
      /url: .*credential/i,
    ],
    ['loopback url', { ...valid, url: 'https://127.0.0.1/hook' }, 422, /url: .*loopback/],
    ['decimal loopback', { ...valid, url: 'https://2130706433/hook' }, 422, /url: .*loopback/],
    [
      'IPv4-mapped IPv6 private',
      { ...valid, url: 'https://[::ffff:10.0.0.1]/hook' },
      422,
      /url: .*private/,
    ],
    [
      'metadata address',
      { ...valid, url: 'https://169.254.169.254/latest' },
      422,
      /url: .*link-local/,
    ],
    [
      'host resolving to a private address',
      { ...valid, url: 'https://internal.example.test/' },
      422,
      /url: .*10\.0\.0\.5/,
    ],
    [
      'host resolving to one private address among public ones',
      { ...valid, url: 'https://mixed.example.test/' },
      422,
      /url: .*192\.168\.1\.10/,
    ],
    ['unresolvable host', { ...valid, url: 'https://nowhere.example.test/' }, 422, /url: /],
    ['no event types', { ...valid, eventTypes: [] }, 400, /eventTypes: must hold at least one/],
    [
      'bad event type',
      { ...valid, eventTypes: ['a..b'] },
      400,
      /eventTypes\.0: must be an event type/,
    ],
    ['bad wildcard', { ...valid, eventTypes: ['a*'] }, 400, /eventTypes\.0/],
    ['filter not an object', { ...valid, filter: [1] }, 400, /filter: must be a JSON object/],
    [
      'filter leaf not an array',
      { ...valid, filter: { amount: 5 } },
      400,
      /filter: amount: must be an array/,
    ],
    [
      'unknown filter operator',
      { ...valid, filter: { amount: [{ between: [1, 2] }] } },
      400,
      /filter: amount\[0\]: unknown operator "between"/,
    ],
    [
      'bad numeric filter',
      { ...valid, filter: { amount: [{ numeric: ['>>', 1] }] } },
      400,
      /filter: amount\[0\]\.numeric/,
    ],
    [
      'filter operator named after Object.prototype',
      { ...valid, filter: { a: [{ hasOwnProperty: 'x' }] } },
      400,
      /filter: a\[0\]: unknown operator "hasOwnProperty"/,
    ],
    [
      'filter range EventBridge refuses',
      { ...valid, filter: { a: [{ numeric: ['>', 30, '<', 1] }] } },
      400,
      /filter: a\[0\]\.numeric: the lower bound 30/,
    ],
    [
      'concurrency 1',
      { ...valid, maxConcurrency: 1 },
      400,
      /maxConcurrency: must be between 2 and 1000/,
    ],
    [
      'concurrency 1001',
      { ...valid, maxConcurrency: 1001 },
      400,
      /maxConcurrency: must be between 2 and 1000/,
    ],
    ['retry delay over 43190 s', { ...valid, retrySchedule: [43191] }, 400, /retrySchedule: /],
    ['21 attempts', { ...valid, retrySchedule: Array(20).fill(1) }, 400, /retrySchedule: /],
    [
      'reserved header',
      { ...valid, headers: { 'Webhook-Signature': 'x' } },
      400,
      /headers: "Webhook-Signature" is reserved/,
    ],
    ['unknown field', { ...valid, secret: 'mine' }, 400, /unknown field\(s\) "secret"/],
  ];

  it.each(cases)('%s', async (_name, body, status, message) => {
    const before = await queueNames('hookbridge-sub_');
    const beforeRules = await ruleNames();
    const beforeCount = (await h.store.all()).length;

    const response = await h.call('POST /v1/subscriptions', { body });

    expect(response.status).toBe(status);
    expect(response.body.error.message).toMatch(message);
    expect((await h.store.all()).length).toBe(beforeCount);
    expect(await queueNames('hookbridge-sub_')).toEqual(before);
    expect(await ruleNames()).toEqual(beforeRules);
  });
});

describe('operational events', () => {
  it('announces created, updated and deleted on the bus with source hookbridge.system', async () => {
    const system = await captureBus(bus, 'hookbridge.system');
    const sub = await create({ url: hook, eventTypes: ['op.x'] });
    await h.call('PATCH /v1/subscriptions/{id}', { id: sub.id, body: { status: 'paused' } });
    await h.call('DELETE /v1/subscriptions/{id}', { id: sub.id });

    // A standard queue does not promise order: compare as a set.
    const seen = (await system.drain()).sort((a, b) =>
      a['detail-type'].localeCompare(b['detail-type']),
    );
    expect(
      seen.map((e) => [
        e['detail-type'],
        (e.detail as unknown as { subscriptionId: string }).subscriptionId,
      ]),
    ).toEqual([
      ['subscription.created', sub.id],
      ['subscription.deleted', sub.id],
      ['subscription.updated', sub.id],
    ]);
  });
});

/** The harness's mappings, failing to create or change any while `broken()` says so. */
function flakyMappings(broken: () => boolean): EventSourceMappings {
  return {
    ensure: async (spec) => {
      if (broken()) throw new Error('Lambda is unavailable');
      return h.registry.ensure(spec);
    },
    find: (arn) => h.registry.find(arn),
    remove: (arn) => h.registry.remove(arn),
    list: () => h.registry.list(),
  };
}
