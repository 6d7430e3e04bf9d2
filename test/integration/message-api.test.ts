import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { type DevRuntime, startDev } from '../../local/dev-runtime.js';
import { apiCall } from '../support/api-call.js';
import { startReceiver, waitFor } from '../support/receiver.js';

// The message API as a user drives it through `hookbridge dev`: events published through the
// ingest API are stored, found again with where they went (real receivers, real attempts),
// listed newest first, seen per tenant without anything of the other tenant, and resent.

let dev: DevRuntime;
let receiver: Awaited<ReturnType<typeof startReceiver>>;
const run = Math.random().toString(36).slice(2, 8);
const T = `msg${run}`;
const A = `acme-${run}`;
const B = `globex-${run}`;
const subs: Record<string, { id: string; secret: string }> = {};

beforeAll(async () => {
  dev = await startDev({ port: 0, awsEndpointUrl: inject('awsEndpoint'), reconcileEveryMs: 1_500 });
  receiver = await startReceiver((request) => ({ status: request.path === '/fail' ? 503 : 200 }));
  for (const tenant of [A, B]) {
    expect((await api('POST', '/v1/tenants', { id: tenant, name: tenant })).status).toBe(201);
  }
  const make = async (name: string, path: string, body: Record<string, unknown>) => {
    const created = await api('POST', path, { eventTypes: [`${T}.*`], ...body });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    subs[name] = { id: created.body.id, secret: created.body.secret };
  };
  await make('ok', '/v1/subscriptions', { url: `${receiver.url}/ok` });
  await make('paused', '/v1/subscriptions', { url: `${receiver.url}/paused` });
  await make('fail', '/v1/subscriptions', {
    url: `${receiver.url}/fail`,
    eventTypes: [`${T}.fail`],
    retrySchedule: [1],
  });
  await make('filtered', '/v1/subscriptions', {
    url: `${receiver.url}/filtered`,
    filter: { n: [-1] },
  });
  await make('a', `/v1/tenants/${A}/subscriptions`, { url: `${receiver.url}/a` });
  await make('b', `/v1/tenants/${B}/subscriptions`, { url: `${receiver.url}/b` });
  const paused = await api('PATCH', `/v1/subscriptions/${subs.paused?.id}`, { status: 'paused' });
  expect(paused.status).toBe(200);
});

afterAll(async () => {
  await dev?.stop();
  await receiver?.close();
});

function api(method: string, path: string, body?: unknown) {
  return apiCall(dev.apiUrl, method, path, body);
}

const id = (name: string) => subs[name]?.id as string;

async function publish(type: string, data: Record<string, unknown>, tenantId?: string) {
  const answer = await api('POST', '/v1/events', { type, data, ...(tenantId && { tenantId }) });
  expect(answer.status, JSON.stringify(answer.body)).toBe(202);
  return answer.body.id as string;
}

/** The deliveries of an event by subscription name, once `ready` says they have settled. */
async function deliveriesOf(eventId: string, path = `/v1/events/${eventId}`) {
  const answer = await api('GET', path);
  expect(answer.status, JSON.stringify(answer.body)).toBe(200);
  const names = Object.fromEntries(Object.entries(subs).map(([name, s]) => [s.id, name]));
  return Object.fromEntries(
    (answer.body.deliveries as { subscriptionId: string; state: string }[]).map((d) => [
      names[d.subscriptionId] ?? d.subscriptionId,
      d.state,
    ]),
  );
}

const sorted = (states: Record<string, string>) => Object.entries(states).sort();

async function settle(eventId: string, expected: Record<string, string>, path?: string) {
  let seen: Record<string, string> = {};
  await waitFor(
    async () => {
      seen = await deliveriesOf(eventId, path);
      return JSON.stringify(sorted(seen)) === JSON.stringify(sorted(expected));
    },
    30_000,
    () => `deliveries ${JSON.stringify(expected)} (last seen ${JSON.stringify(seen)})`,
  );
}

/** Every id of a listing, following cursors `limit` at a time. */
async function listAll(path: string, limit: number) {
  const ids: string[] = [];
  let cursor: string | undefined;
  for (let page = 0; page < 100; page++) {
    const sep = path.includes('?') ? '&' : '?';
    const answer = await api(
      'GET',
      `${path}${sep}limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`,
    );
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    expect(answer.body.data.length).toBeLessThanOrEqual(limit);
    ids.push(...answer.body.data.map((e: { id: string }) => e.id));
    cursor = answer.body.nextCursor;
    if (!cursor) return ids;
  }
  throw new Error('the listing did not end');
}

describe('one event and where it went', () => {
  it('stores the event as delivered, with delivered, pending and dead-lettered deliveries', async () => {
    const data = { n: 1, nested: { list: [1, 'two', null, true] }, unicode: 'é😀' };
    const delivered = await publish(`${T}.created`, data);
    const failing = await publish(`${T}.fail`, { n: 2 });

    await settle(delivered, { ok: 'delivered', paused: 'pending' });
    const got = await api('GET', `/v1/events/${delivered}`);
    expect(got.body).toMatchObject({
      id: delivered,
      type: `${T}.created`,
      payloadRetained: true,
      data,
      destinationsTruncated: false,
    });
    expect(got.body).not.toHaveProperty('tenantId');
    const ok = got.body.deliveries.find(
      (d: { subscriptionId: string }) => d.subscriptionId === id('ok'),
    );
    expect(ok.attempts).toEqual([
      expect.objectContaining({ attempt: 1, result: 'delivered', statusCode: 200, final: true }),
    ]);
    // Exactly what the receiver got.
    const body = receiver.received.find(
      (r) => r.path === '/ok' && r.headers['webhook-id'] === delivered,
    )?.body;
    expect(JSON.parse(body ?? '{}').data).toEqual(data);

    await settle(failing, { fail: 'dead-lettered', ok: 'delivered', paused: 'pending' });
  });

  it('keeps a large event (gzipped) and a deeply nested one exactly as delivered, and resends it', async () => {
    let deep: Record<string, unknown> = { leaf: 'é' };
    for (let i = 0; i < 30; i++) deep = { d: deep };
    const data = {
      n: 3,
      blob: 'lorem ipsum '.repeat(15_000),
      deep,
      big: 1e21,
      tiny: 1e-7,
    };
    const eventId = await publish(`${T}.large`, data);
    await settle(eventId, { ok: 'delivered', paused: 'pending' });
    const first = receiver.received.find(
      (r) => r.path === '/ok' && r.headers['webhook-id'] === eventId,
    );
    const got = await api('GET', `/v1/events/${eventId}`);
    expect(got.body.payloadRetained).toBe(true);
    expect(JSON.stringify(got.body.data)).toBe(
      JSON.stringify(JSON.parse(first?.body ?? '{}').data),
    );

    expect((await api('POST', `/v1/subscriptions/${id('ok')}/resend`, { eventId })).status).toBe(
      202,
    );
    await waitFor(
      () =>
        receiver.received.filter((r) => r.path === '/ok' && r.headers['webhook-id'] === eventId)
          .length === 2,
      15_000,
      'the resent large event',
    );
    const again = receiver.received.filter(
      (r) => r.path === '/ok' && r.headers['webhook-id'] === eventId,
    )[1];
    expect(again?.body).toBe(first?.body);
  });

  it('answers a missing or malformed event id with 404, never a 5xx', async () => {
    for (const bad of [
      'evt_01JD5Z8Q4X9V2M7K3T6N0R1B8C',
      'nope',
      'x'.repeat(3000),
      '%E0%A4%A',
      'evt_%00',
    ]) {
      const answer = await api('GET', `/v1/events/${bad}`);
      expect(answer.status, bad).toBe(404);
      expect(answer.body.error.code).toBe('not_found');
    }
  });
});

describe('lists', () => {
  const published: { id: string; tenantId?: string; type: string }[] = [];

  beforeAll(async () => {
    const batch = await api('POST', '/v1/events/batch', {
      events: [
        { type: `${T}.list.one`, data: { n: 10 }, tenantId: A },
        { type: `${T}.list.two`, data: { n: 11 }, tenantId: B },
        { type: `${T}.list.one`, data: { n: 12 }, tenantId: '*' },
        { type: `${T}.list.two`, data: { n: 13 } },
      ],
    });
    expect(batch.status).toBe(202);
    const tenants = [A, B, '*', undefined];
    for (const [i, e] of (batch.body.events as { id: string }[]).entries()) {
      const tenantId = tenants[i];
      published.push({
        id: e.id,
        type: `${T}.list.${i % 2 ? 'two' : 'one'}`,
        ...(tenantId && { tenantId }),
      });
    }
    for (const [i, tenantId] of [A, B, undefined, A].entries()) {
      published.push({
        id: await publish(`${T}.list.one`, { n: 20 + i }, tenantId),
        type: `${T}.list.one`,
        ...(tenantId && { tenantId }),
      });
    }
  });

  // Ids are ULIDs from one process: their order is the publishing order.
  const newest = (list: typeof published) =>
    list
      .map((e) => e.id)
      .sort()
      .reverse();

  it('lists every event newest first, page by page, filtered by type prefix or exact type', async () => {
    expect(await listAll(`/v1/events?type=${T}.list.*`, 3)).toEqual(newest(published));
    expect(await listAll(`/v1/events?type=${T}.list.two`, 1)).toEqual(
      newest(published.filter((e) => e.type === `${T}.list.two`)),
    );
    const page = await api('GET', `/v1/events?type=${T}.list.*&limit=1`);
    expect(page.body.data[0]).toEqual({
      id: newest(published)[0],
      type: `${T}.list.one`,
      tenantId: A,
      timestamp: expect.any(String),
    });
  });

  it('lists one tenant, the broadcasts ("*") or the events without a tenant ("-")', async () => {
    expect(await listAll(`/v1/events?type=${T}.list.*&tenantId=${A}`, 2)).toEqual(
      newest(published.filter((e) => e.tenantId === A)),
    );
    expect(await listAll(`/v1/events?type=${T}.list.*&tenantId=*`, 2)).toEqual(
      newest(published.filter((e) => e.tenantId === '*')),
    );
    expect(await listAll(`/v1/events?type=${T}.list.*&tenantId=-`, 2)).toEqual(
      newest(published.filter((e) => e.tenantId === undefined)),
    );
  });

  it('bounds the list by from and to', async () => {
    const future = await api(
      'GET',
      `/v1/events?type=${T}.list.*&from=2099-01-01T00:00:00Z&to=2099-01-02T00:00:00Z`,
    );
    expect(future).toMatchObject({ status: 200, body: { data: [] } });
    const past = await api(
      'GET',
      `/v1/events?type=${T}.list.*&from=2020-01-01T00:00:00Z&to=2020-01-02T00:00:00Z`,
    );
    expect(past.body.data).toEqual([]);
  });

  it('gives a tenant its own events and the broadcasts, nothing of the other tenant', async () => {
    const mine = (t: string) =>
      newest(published.filter((e) => e.tenantId === t || e.tenantId === '*'));
    expect(await listAll(`/v1/tenants/${A}/events?type=${T}.list.*`, 2)).toEqual(mine(A));
    expect(await listAll(`/v1/tenants/${B}/events?type=${T}.list.*`, 1)).toEqual(mine(B));
    // The tenant route takes no tenantId parameter: it cannot be widened.
    const widened = await api('GET', `/v1/tenants/${A}/events?tenantId=${B}`);
    expect(widened.status).toBe(400);
    expect(widened.body.error.details[0].field).toBe('tenantId');
    expect((await api('GET', '/v1/tenants/nobody/events')).status).toBe(404);
    expect((await api('GET', `/v1/tenants/${A.toUpperCase()}/events`)).status).toBe(404);
  });

  it("answers another tenant's event exactly as a missing one, and shows only the tenant's destinations", async () => {
    const ofB = published.find((e) => e.tenantId === B)?.id as string;
    const broadcast = published.find((e) => e.tenantId === '*')?.id as string;
    const missing = 'evt_01JD5Z8Q4X9V2M7K3T6N0R1B8C';
    const foreign = await api('GET', `/v1/tenants/${A}/events/${ofB}`);
    const absent = await api('GET', `/v1/tenants/${A}/events/${missing}`);
    expect(foreign.status).toBe(404);
    expect(foreign.body.error.message).toBe(absent.body.error.message.replace(missing, ofB));

    await settle(broadcast, { a: 'delivered', b: 'delivered', ok: 'delivered', paused: 'pending' });
    await settle(broadcast, { a: 'delivered' }, `/v1/tenants/${A}/events/${broadcast}`);
    await settle(broadcast, { b: 'delivered' }, `/v1/tenants/${B}/events/${broadcast}`);
    await settle(ofB, { b: 'delivered', ok: 'delivered', paused: 'pending' });
    await settle(ofB, { b: 'delivered' }, `/v1/tenants/${B}/events/${ofB}`);
    // Nothing of B ever reached A's receiver.
    expect(
      receiver.received.filter((r) => r.path === '/a' && JSON.parse(r.body).tenantId === B),
    ).toEqual([]);
  });

  it('validates every query parameter, naming it, and refuses forged cursors', async () => {
    const bad: [string, string][] = [
      ['limit=0', 'limit'],
      ['limit=101', 'limit'],
      ['limit=1e1', 'limit'],
      ['from=yesterday', 'from'],
      ['to=2026-13-01T00:00:00Z', 'to'],
      ['type=has space', 'type'],
      ['type=*', 'type'],
      ['tenantId=a b', 'tenantId'],
      ['tenantId=', 'tenantId'],
      ['colour=red', 'colour'],
      ['from=2026-12-02T00:00:00Z&to=2026-12-01T00:00:00Z', 'from'],
    ];
    for (const [query, field] of bad) {
      const answer = await api('GET', `/v1/events?${query}`);
      expect(answer.status, query).toBe(400);
      expect(answer.body.error.details[0].field, query).toBe(field);
    }
    const forged = [
      'bm9wZQ',
      Buffer.from(`2026-12-03T00:00:00.000Z#${'x'.repeat(30)}`).toString('base64url'),
      Buffer.from(JSON.stringify({ tenantKey: B })).toString('base64url'),
    ];
    for (const cursor of forged) {
      for (const path of ['/v1/events', `/v1/tenants/${A}/events`]) {
        const answer = await api('GET', `${path}?cursor=${cursor}`);
        expect(answer.status, cursor).toBe(400);
        expect(answer.body.error.code).toBe('invalid_cursor');
      }
    }
  });

  it('answers hostile input on every message route with a 4xx, never a 5xx', async () => {
    const long = 'x'.repeat(4000);
    const paths = [
      `/v1/events?type=${encodeURIComponent('a.*.*')}`,
      `/v1/events?type=${long}`,
      `/v1/events?cursor=${long}`,
      '/v1/events?limit=',
      '/v1/events?from=2026-12-01T00:00:00%2B05:00&to=2026-11-01T00:00:00Z',
      '/v1/events?tenantId=%E0%A4%A',
      '/v1/events?tenantId=a&tenantId=b',
      `/v1/events/${long}`,
      '/v1/events/evt_01JD5Z8Q4X9V2M7K3T6N0R1B8C%2F..',
      '/v1/tenants/*/events',
      '/v1/tenants/-/events',
      `/v1/tenants/${A}/events?cursor=%00`,
      `/v1/tenants/${A}/events/${long}`,
      `/v1/tenants/*/events/evt_01JD5Z8Q4X9V2M7K3T6N0R1B8C`,
    ];
    for (const path of paths) {
      const answer = await api('GET', path);
      expect(answer.status, path).toBeGreaterThanOrEqual(400);
      expect(answer.status, path).toBeLessThan(500);
    }
    const bodies: unknown[] = [
      null,
      'evt',
      { eventId: long },
      { eventId: ['evt_01JD5Z8Q4X9V2M7K3T6N0R1B8C'] },
    ];
    for (const body of bodies) {
      for (const path of [
        `/v1/subscriptions/${id('ok')}/resend`,
        `/v1/tenants/${A}/subscriptions/${id('a')}/resend`,
        `/v1/subscriptions/${long}/resend`,
      ]) {
        const answer = await api('POST', path, body);
        expect(answer.status, `${path} ${JSON.stringify(body)}`).toBeGreaterThanOrEqual(400);
        expect(answer.status, path).toBeLessThan(500);
      }
    }
    const notJson = await fetch(`${dev.apiUrl}/v1/subscriptions/${id('ok')}/resend`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: 'evt_01JD5Z8Q4X9V2M7K3T6N0R1B8C',
    });
    expect(notJson.status).toBe(415);
  });

  it("never lets a cursor from the operator's list show a tenant another tenant's events", async () => {
    const operatorPage = await api('GET', `/v1/events?type=${T}.list.*&limit=1`);
    const cursor = operatorPage.body.nextCursor as string;
    const ids = await listAll(`/v1/tenants/${A}/events?type=${T}.list.*&cursor=${cursor}`, 50);
    const allowed = new Set(
      published.filter((e) => e.tenantId === A || e.tenantId === '*').map((e) => e.id),
    );
    expect(ids.every((i) => allowed.has(i))).toBe(true);
  });
});

describe('resend', () => {
  it('sends the stored event again to that subscription only, signed afresh, as a further attempt', async () => {
    const eventId = await publish(`${T}.resend`, { n: 30 });
    await settle(eventId, { ok: 'delivered', paused: 'pending' });
    const before = receiver.received.filter((r) => r.headers['webhook-id'] === eventId).length;

    const answer = await api('POST', `/v1/subscriptions/${id('ok')}/resend`, { eventId });
    expect(answer).toEqual({ status: 202, body: { eventId, subscriptionId: id('ok') } });
    await waitFor(
      () =>
        receiver.received.filter((r) => r.path === '/ok' && r.headers['webhook-id'] === eventId)
          .length === 2,
      15_000,
      'the resent delivery',
    );
    const [first, second] = receiver.received.filter(
      (r) => r.path === '/ok' && r.headers['webhook-id'] === eventId,
    );
    expect(second?.body).toBe(first?.body);
    const verified = new Webhook(subs.ok?.secret as string).verify(second?.body ?? '', {
      'webhook-id': String(second?.headers['webhook-id']),
      'webhook-timestamp': String(second?.headers['webhook-timestamp']),
      'webhook-signature': String(second?.headers['webhook-signature']),
    });
    expect(verified).toMatchObject({ id: eventId, data: { n: 30 } });
    // Only that subscription: nothing more arrived anywhere else.
    expect(receiver.received.filter((r) => r.headers['webhook-id'] === eventId).length).toBe(
      before + 1,
    );

    await waitFor(
      async () => {
        const view = await api('GET', `/v1/events/${eventId}`);
        const ok = view.body.deliveries.find(
          (d: { subscriptionId: string }) => d.subscriptionId === id('ok'),
        );
        return ok?.attempts.length === 2;
      },
      10_000,
      'the second attempt in the event view',
    );
    const view = await api('GET', `/v1/events/${eventId}`);
    const ok = view.body.deliveries.find(
      (d: { subscriptionId: string }) => d.subscriptionId === id('ok'),
    );
    expect(
      ok.attempts.map((a: { attempt: number; result: string }) => [a.attempt, a.result]),
    ).toEqual([
      [1, 'delivered'],
      [2, 'delivered'],
    ]);
    expect(ok.state).toBe('delivered');
  });

  it('refuses to resend across tenants, answering as if the event did not exist', async () => {
    const ofB = await publish(`${T}.resend`, { n: 31 }, B);
    const ofA = await publish(`${T}.resend`, { n: 32 }, A);
    await settle(ofB, { b: 'delivered', ok: 'delivered', paused: 'pending' });
    const missing = 'evt_01JD5Z8Q4X9V2M7K3T6N0R1B8C';
    const routes = [
      `/v1/subscriptions/${id('a')}/resend`,
      `/v1/tenants/${A}/subscriptions/${id('a')}/resend`,
    ];
    for (const route of routes) {
      const foreign = await api('POST', route, { eventId: ofB });
      const absent = await api('POST', route, { eventId: missing });
      expect(foreign.status, route).toBe(404);
      expect(foreign.body.error.message).toBe(absent.body.error.message.replace(missing, ofB));
    }
    // A tenant's route cannot reach another tenant's or the operator's subscription.
    expect(
      (await api('POST', `/v1/tenants/${A}/subscriptions/${id('b')}/resend`, { eventId: ofB }))
        .status,
    ).toBe(404);
    expect(
      (await api('POST', `/v1/tenants/${A}/subscriptions/${id('ok')}/resend`, { eventId: ofA }))
        .status,
    ).toBe(404);
    // An event without a tenant is not a tenant's either.
    const noTenant = await publish(`${T}.resend`, { n: 33 });
    expect(
      (await api('POST', `/v1/tenants/${A}/subscriptions/${id('a')}/resend`, { eventId: noTenant }))
        .status,
    ).toBe(404);

    const own = await api('POST', `/v1/tenants/${B}/subscriptions/${id('b')}/resend`, {
      eventId: ofB,
    });
    expect(own.status).toBe(202);
    await waitFor(
      () =>
        receiver.received.filter((r) => r.path === '/b' && r.headers['webhook-id'] === ofB)
          .length === 2,
      15_000,
      "the resend to B's subscription",
    );
    expect(
      receiver.received.filter((r) => r.path === '/a' && r.headers['webhook-id'] === ofB),
    ).toEqual([]);
  });

  it('validates the body and answers a missing event with 404', async () => {
    const route = `/v1/subscriptions/${id('ok')}/resend`;
    for (const body of [
      {},
      { eventId: 7 },
      { eventId: 'nope' },
      { eventId: 'evt_01JD5Z8Q4X9V2M7K3T6N0R1B8C', x: 1 },
      [],
    ]) {
      const answer = await api('POST', route, body);
      expect(answer.status, JSON.stringify(body)).toBe(400);
    }
    expect((await api('POST', route, { eventId: 'evt_01JD5Z8Q4X9V2M7K3T6N0R1B8C' })).status).toBe(
      404,
    );
    expect(
      (
        await api('POST', '/v1/subscriptions/sub_01JD5Z8Q4X9V2M7K3T6N0R1B8C/resend', {
          eventId: 'evt_01JD5Z8Q4X9V2M7K3T6N0R1B8C',
        })
      ).status,
    ).toBe(404);
  });
});
