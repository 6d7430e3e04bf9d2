import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { describe, expect, it } from 'vitest';
import { createAuthorizerHandler } from '../../functions/authorizer/app.js';
import { localResourceNames } from '../../infra/base-resources.js';
import { API_KEY_ROUTES } from '../../shared/http/routes.js';
import { accessWorld } from '../support/access-world.js';
import { apiCall } from '../support/api-call.js';
import { waitFor } from '../support/receiver.js';

// API keys through the local runtime, as deployed: scopes, tenant-bound publishing, last use,
// revocation. Tenant tokens: access.test.ts.

const world = accessWorld();
const { A, B, TYPE, run, api, as, apiKey } = world;

/** A route key with its parameters filled in. */
function pathOf(routeKey: string, ids: Record<string, string>): [string, string] {
  const [method = '', template = ''] = routeKey.split(' ');
  return [method, template.replace(/\{(\w+)\}/g, (_, name: string) => ids[name] ?? 'x')];
}

describe('API keys', () => {
  it('are shown once, listed without a secret, and refuse a tenant unless they publish', async () => {
    const key = await apiKey({ name: 'ci', scope: 'manage' });
    expect(key.key).toMatch(/^hbk_[0-9a-f]{24}\.[A-Za-z0-9_-]{43}$/);
    const shown = await api('GET', `/v1/api-keys/${key.id}`);
    expect(shown.body).toMatchObject({ id: key.id, name: 'ci', scope: 'manage', status: 'active' });
    expect(JSON.stringify(shown.body)).not.toContain(key.key.split('.')[1]);
    const bad = await api('POST', '/v1/api-keys', { name: 'x', scope: 'manage', tenantId: A });
    expect(bad.body.error.details[0].field).toBe('tenantId');
    expect(
      (await api('POST', '/v1/api-keys', { name: 'x', scope: 'publish', tenantId: `none-${run}` }))
        .status,
    ).toBe(404);
    expect((await api('GET', '/v1/api-keys/000000000000000000000000')).status).toBe(404);
    const listed = await api('GET', '/v1/api-keys?limit=100');
    expect(listed.body.data.map((k: { id: string }) => k.id)).toContain(key.id);
  });

  it('of scope manage reach every management and ingest route but the API-key routes', async () => {
    const { id, key } = await apiKey({ name: 'ops', scope: 'manage' });
    expect((await as(key, 'GET', '/v1/subscriptions')).status).toBe(200);
    expect((await as(key, 'GET', `/v1/tenants/${B}/subscriptions`)).status).toBe(200);
    expect((await as(key, 'POST', '/v1/events', { type: TYPE, data: {} })).status).toBe(202);
    expect((await as(key, 'POST', `/v1/tenants/${A}/tokens`, {})).status).toBe(201);
    for (const routeKey of API_KEY_ROUTES) {
      const [method, path] = pathOf(routeKey, { keyId: id });
      const body = method === 'POST' ? { name: 'escalate', scope: 'manage' } : undefined;
      const answer = await as(key, method, path, body);
      expect(answer.status, routeKey).toBe(403);
    }
    expect((await api('GET', `/v1/api-keys/${id}`)).body.status).toBe('active');
  });

  it('of scope publish reach the ingest routes only, and record when they were last used', async () => {
    const { id, key } = await apiKey({ name: 'producer', scope: 'publish' });
    expect((await api('GET', `/v1/api-keys/${id}`)).body.lastUsedAt).toBeUndefined();
    expect(
      (await as(key, 'POST', '/v1/events', { type: TYPE, data: {}, tenantId: '*' })).status,
    ).toBe(202);
    expect((await as(key, 'GET', '/v1/subscriptions')).status).toBe(403);
    expect((await as(key, 'GET', `/v1/tenants/${A}`)).status).toBe(403);
    expect((await as(key, 'POST', `/v1/tenants/${A}/tokens`, {})).status).toBe(403);
    const used = await api('GET', `/v1/api-keys/${id}`);
    expect(Date.parse(used.body.lastUsedAt)).toBeGreaterThan(Date.now() - 60_000);
  });

  it('bound to a tenant publish for it alone; a request naming any other publishes nothing', async () => {
    const { key } = await apiKey({ name: 'acme producer', scope: 'publish', tenantId: A });
    const refused = [
      [{ type: TYPE, data: { n: 1 }, tenantId: B }, 'tenantId'],
      [{ type: TYPE, data: { n: 1 }, tenantId: '*' }, 'tenantId'],
      [{ type: TYPE, data: { n: 1 } }, 'tenantId'],
    ] as const;
    for (const [event, field] of refused) {
      const answer = await as(key, 'POST', '/v1/events', event);
      expect(answer.status, JSON.stringify(event)).toBe(403);
      expect(answer.body.error.details[0].field).toBe(field);
    }
    const batch = await as(key, 'POST', '/v1/events/batch', {
      events: [
        { type: TYPE, data: { n: 2 }, tenantId: A },
        { type: TYPE, data: { n: 2 }, tenantId: A },
        { type: TYPE, data: { n: 2 }, tenantId: A },
        { type: TYPE, data: { n: 2 }, tenantId: B },
      ],
    });
    expect(batch.status).toBe(403);
    expect(batch.body.error.details.map((d: { field: string }) => d.field)).toEqual([
      'events[3].tenantId',
    ]);
    // A control event afterwards arrives; none of the refused ones did, at A, B or the operator's.
    expect(
      (await as(key, 'POST', '/v1/events', { type: TYPE, data: { n: 3 }, tenantId: A })).status,
    ).toBe(202);
    const ns = (path: string) =>
      world.receiver.received.filter((r) => r.path === path).map((r) => JSON.parse(r.body).data?.n);
    await waitFor(
      () => ns('/a').includes(3) && ns('/operator').includes(3),
      20_000,
      'the control event',
    );
    for (const path of ['/a', '/b', '/operator']) {
      expect(ns(path), path).not.toContain(1);
      expect(ns(path), path).not.toContain(2);
    }
    expect(ns('/b')).not.toContain(3);
  });

  it('keep their Idempotency-Keys to themselves', async () => {
    const one = await apiKey({ name: 'one', scope: 'publish' });
    const two = await apiKey({ name: 'two', scope: 'publish' });
    const send = (key: string, n: number) =>
      apiCall(
        world.dev.apiUrl,
        'POST',
        '/v1/events',
        { type: TYPE, data: { n } },
        {
          authorization: `Bearer ${key}`,
          'idempotency-key': `shared-${run}`,
        },
      );
    const first = await send(one.key, 10);
    expect(first.status).toBe(202);
    expect(await send(one.key, 10)).toEqual(first);
    expect((await send(one.key, 11)).body.error.code).toBe('idempotency_key_reused');
    // Another key using the same Idempotency-Key neither collides nor gets the first answer.
    const other = await send(two.key, 12);
    expect(other.status).toBe(202);
    expect(other.body.id).not.toBe(first.body.id);
  });

  it('are refused once revoked, or when their tenant is gone', async () => {
    const { id, key } = await apiKey({ name: 'old', scope: 'manage' });
    expect((await api('DELETE', `/v1/api-keys/${id}`)).status).toBe(204);
    expect((await as(key, 'GET', '/v1/subscriptions')).status).toBe(403);
    expect((await api('GET', `/v1/api-keys/${id}`)).body).toMatchObject({
      status: 'revoked',
      revokedAt: expect.any(String),
    });
    expect((await api('DELETE', '/v1/api-keys/000000000000000000000000')).status).toBe(404);

    const d = `hooli-${run}`;
    expect((await api('POST', '/v1/tenants', { id: d, name: 'Hooli' })).status).toBe(201);
    const bound = await apiKey({ name: 'hooli', scope: 'publish', tenantId: d });
    expect(
      (await as(bound.key, 'POST', '/v1/events', { type: TYPE, data: {}, tenantId: d })).status,
    ).toBe(202);
    expect((await api('DELETE', `/v1/tenants/${d}`)).status).toBe(204);
    expect(
      (await as(bound.key, 'POST', '/v1/events', { type: TYPE, data: {}, tenantId: d })).status,
    ).toBe(403);
  });
});

describe('the authorizer', () => {
  it('counts what it accepts and refuses, and answers only yes or no', async () => {
    const counted: Record<string, number> = {};
    const authorize = createAuthorizerHandler({
      client: world.dynamo,
      accessTable: localResourceNames.accessTable,
      subscriptionsTable: localResourceNames.subscriptionsTable,
      logger: { info() {}, warn() {}, error() {} },
      metrics: {
        addMetric(name: string, unit: string, value: number) {
          expect(unit).toBe(MetricUnit.Count);
          counted[name] = (counted[name] ?? 0) + value;
        },
        publishStoredMetrics() {},
      },
    });
    const { id, key } = await apiKey({ name: 'counted', scope: 'publish', tenantId: A });
    const accepted = await authorize({ headers: { authorization: `Bearer ${key}` } });
    expect(accepted).toEqual({
      isAuthorized: true,
      context: { kind: 'api-key', credentialId: id, scope: 'publish', tenantId: A },
    });
    for (const authorization of [undefined, '', 'Bearer', `Bearer ${key}x`, `Basic ${key}`]) {
      expect(
        await authorize({ headers: { ...(authorization !== undefined && { authorization }) } }),
      ).toEqual({
        isAuthorized: false,
      });
    }
    expect(counted).toEqual({ CredentialsAccepted: 1, CredentialsRefused: 5 });
  });
});
