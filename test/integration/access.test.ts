import { DeleteItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import { localResourceNames } from '../../infra/base-resources.js';
import { checkCredential } from '../../shared/access/credential-check.js';
import { mintCredential } from '../../shared/access/credential-secret.js';
import {
  API_KEY_ROUTES,
  EVENT_ROUTES,
  INGEST_ROUTES,
  MANAGEMENT_ROUTES,
  TOKEN_ROUTES,
} from '../../shared/http/routes.js';
import { ALL_CAPABILITIES as ALL, accessWorld } from '../support/access-world.js';
import { apiCall } from '../support/api-call.js';

// Tenant tokens through the local runtime, as deployed: every bearer credential goes through
// the authorizer. Two tenants A and B: nothing A's token sends may reach B's data, and nothing
// may answer 5xx. API keys: access-api-keys.test.ts.

const world = accessWorld();
const { A, B, TYPE, run, subs, tokens, api, as, mint } = world;

// The message API's routes join once they are served (they are authorized already).
const SERVED: readonly string[] = [...INGEST_ROUTES, ...MANAGEMENT_ROUTES];
const ALL_ROUTES = [
  ...new Set<string>([...INGEST_ROUTES, ...MANAGEMENT_ROUTES, ...EVENT_ROUTES]),
].filter((routeKey) => SERVED.includes(routeKey));
const FAKE_EVENT = 'evt_01JD6ZQ8Y3V0R5N7C2K4M9T1XH';
const BODIES: Record<string, unknown> = {
  POST: { eventTypes: [TYPE], url: 'https://example.com/hook', type: TYPE, data: {} },
  PATCH: { description: 'taken over' },
};

/** A route key with its parameters filled in. */
function pathOf(routeKey: string, ids: Record<string, string>): [string, string] {
  const [method = '', template = ''] = routeKey.split(' ');
  return [method, template.replace(/\{(\w+)\}/g, (_, name: string) => ids[name] ?? 'x')];
}

describe('tenant tokens', () => {
  it('are minted once, listed without a secret, and reach their own tenant', async () => {
    expect(tokens.a).toMatch(/^hbt_[0-9a-f]{24}\.[A-Za-z0-9_-]{43}$/);
    const listed = await api('GET', `/v1/tenants/${A}/tokens`);
    expect(listed.status).toBe(200);
    const mine = listed.body.data.find((t: { id: string }) => t.id === tokens.aId);
    expect(mine).toMatchObject({ tenantId: A, capabilities: ALL, status: 'active' });
    expect(JSON.stringify(listed.body)).not.toContain(tokens.a.split('.')[1]);
    expect(JSON.stringify(listed.body)).not.toMatch(/secretHash/);
    expect(listed.body.data.map((t: { id: string }) => t.id)).not.toContain(tokens.bId);

    expect((await as(tokens.a, 'GET', `/v1/tenants/${A}`)).body.id).toBe(A);
    const own = await as(tokens.a, 'GET', `/v1/tenants/${A}/subscriptions`);
    expect(own.status).toBe(200);
    expect(own.body.data.map((s: { id: string }) => s.id)).toEqual([subs.a]);
    expect(
      (await as(tokens.a, 'GET', `/v1/tenants/${A}/subscriptions/${subs.a}/secret`)).status,
    ).toBe(200);
  });

  it('default to one hour of read, and refuse out-of-range lifetimes naming the field', async () => {
    const minted = await mint(A, {});
    expect(Date.parse(minted.expiresAt) - Date.parse(minted.createdAt)).toBe(3_600_000);
    for (const ttlSeconds of [299, 604_801, '600'])
      expect(
        (await api('POST', `/v1/tenants/${A}/tokens`, { ttlSeconds })).body.error.details[0].field,
      ).toBe('ttlSeconds');
    expect((await api('POST', `/v1/tenants/nobody-${run}/tokens`, {})).status).toBe(404);
  });

  it('of A reach nothing of B on any route, with any id, and never answer 5xx', async () => {
    const ids = { tenantId: B, id: subs.b, eventId: FAKE_EVENT, tokenId: tokens.bId, keyId: 'x' };
    const ghost = { ...ids, tenantId: `ghost-${run}`, id: 'sub_01JD6ZQ8Y3V0R5N7C2K4M9T1XH' };
    for (const routeKey of ALL_ROUTES) {
      const [method, path] = pathOf(routeKey, ids);
      const answer = await as(tokens.a, method, path, BODIES[method]);
      expect(answer.status, `${routeKey}: ${JSON.stringify(answer.body)}`).toBeGreaterThanOrEqual(
        400,
      );
      expect(answer.status, routeKey).toBeLessThan(500);
      const text = JSON.stringify(answer.body ?? '');
      for (const secret of [subs.b, B, 'Globex', tokens.bId])
        expect(text, routeKey).not.toContain(secret);
      // The answer is the same whether B (and its subscription) exists or not.
      const [ghostMethod, ghostPath] = pathOf(routeKey, ghost);
      const unknown = await as(tokens.a, ghostMethod, ghostPath, BODIES[method]);
      expect(unknown, routeKey).toEqual({ status: answer.status, body: answer.body });
    }
    // B's subscription is untouched.
    const b = await api('GET', `/v1/subscriptions/${subs.b}`);
    expect(b.body).toMatchObject({ status: 'active', tenantId: B });
    expect(b.body.description).toBeUndefined();
  });

  it('of A reach no B subscription through A’s own routes either', async () => {
    for (const routeKey of MANAGEMENT_ROUTES.filter((r) => r.includes('/subscriptions/{id}'))) {
      if (!routeKey.includes('{tenantId}')) continue;
      const [method, path] = pathOf(routeKey, { tenantId: A, id: subs.b });
      const answer = await as(tokens.a, method, path, BODIES[method]);
      expect(answer.status, routeKey).toBe(404);
      expect(JSON.stringify(answer.body)).not.toContain('Globex');
    }
  });

  it('are refused (403) on operator, token, API-key and ingest routes', async () => {
    const operatorOnly = ALL_ROUTES.filter(
      (r) =>
        !r.includes('/v1/tenants/{tenantId}/subscriptions') &&
        !r.includes('/v1/tenants/{tenantId}/events') &&
        !r.includes('/v1/tenants/{tenantId}/event-types') &&
        r !== 'GET /v1/tenants/{tenantId}',
    );
    expect(operatorOnly).toEqual(
      expect.arrayContaining([...TOKEN_ROUTES, ...API_KEY_ROUTES, ...INGEST_ROUTES]),
    );
    for (const routeKey of operatorOnly) {
      const [method, path] = pathOf(routeKey, {
        tenantId: A,
        id: subs.a,
        tokenId: tokens.aId,
        keyId: 'x',
        eventId: FAKE_EVENT,
      });
      const answer = await as(tokens.a, method, path, BODIES[method]);
      expect(answer.status, `${routeKey}: ${JSON.stringify(answer.body)}`).toBe(403);
    }
    // The token is still listed as active: it revoked nothing of its own.
    const listed = await api('GET', `/v1/tenants/${A}/tokens`);
    expect(listed.body.data.find((t: { id: string }) => t.id === tokens.aId).status).toBe('active');
  });

  it('of A cannot reach B through encoded, dotted or re-cased paths', async () => {
    for (const path of [
      `/v1/tenants/${A}/../${B}/subscriptions`,
      `/v1/tenants/${A}%2F..%2F${B}/subscriptions`,
      `/v1/tenants/${encodeURIComponent(B)}/subscriptions/${subs.b}`,
      `/v1/tenants/${B.toUpperCase()}/subscriptions`,
      `/v1/tenants/${A.toUpperCase()}/subscriptions`,
      `/v1/tenants/${A}%00/subscriptions`,
      `/v1/tenants/%E0/subscriptions`,
    ]) {
      const answer = await as(tokens.a, 'GET', path);
      expect(answer.status, path).toBe(404);
      expect(JSON.stringify(answer.body), path).not.toContain(subs.b);
    }
    const query = await as(tokens.a, 'GET', `/v1/tenants/${A}/subscriptions?tenantId=${B}`);
    expect(query.status).toBe(400);
  });

  it('need the capability of each route', async () => {
    const create = await as(tokens.aRead, 'POST', `/v1/tenants/${A}/subscriptions`, BODIES.POST);
    expect(create).toMatchObject({
      status: 403,
      body: { error: { code: 'insufficient_capability' } },
    });
    expect(create.body.error.message).toContain('write');
    const secret = await as(tokens.aRead, 'GET', `/v1/tenants/${A}/subscriptions/${subs.a}/secret`);
    expect(secret.body.error.code).toBe('insufficient_capability');
    const replay = await as(
      tokens.aRead,
      'POST',
      `/v1/tenants/${A}/subscriptions/${subs.a}/redrive`,
    );
    expect(replay.body.error.message).toContain('resend');
    expect((await as(tokens.aRead, 'GET', `/v1/tenants/${A}/subscriptions/${subs.a}`)).status).toBe(
      200,
    );
  });

  it('that are tampered, truncated, re-prefixed or spliced are refused as API Gateway does', async () => {
    const [head = '', secret = ''] = tokens.a.split('.');
    const flipped = `${secret.slice(0, 10)}${secret[10] === 'A' ? 'B' : 'A'}${secret.slice(11)}`;
    const [, secretB = ''] = tokens.b.split('.');
    for (const bad of [
      `${head}.${flipped}`,
      tokens.a.slice(0, -1),
      tokens.a.slice(0, 30),
      `${tokens.a}x`,
      `hbk_${tokens.a.slice(4)}`,
      `hbt_${tokens.bId}.${secret}`, // B's id with A's secret
      `${head}.${secretB}`, // A's id with B's secret
      'hbt_000000000000000000000000.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA',
      'garbage',
    ]) {
      const answer = await as(bad, 'GET', `/v1/tenants/${A}`);
      expect(answer, bad).toEqual({ status: 403, body: { message: 'Forbidden' } });
    }
    const empty = await apiCall(world.dev.apiUrl, 'GET', `/v1/tenants/${A}`, undefined, {
      authorization: 'Bearer ',
    });
    expect(empty).toEqual({ status: 401, body: { message: 'Unauthorized' } });
    // SigV4 (the CLI) or no header: the operator, locally.
    const sigv4 = await apiCall(world.dev.apiUrl, 'GET', `/v1/tenants/${B}`, undefined, {
      authorization:
        'AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261203/us-east-1/execute-api/aws4_request, SignedHeaders=host, Signature=00',
    });
    expect(sigv4.status).toBe(200);
  });

  it('past their expiry are refused (an expired item written to the table)', async () => {
    const { id, credential, secretHash } = mintCredential('token');
    // Minted after its tenant, as any real token is, and past its expiry.
    const tenantCreated = Date.parse((await api('GET', `/v1/tenants/${A}`)).body.createdAt);
    const at = (ms: number) => new Date(ms).toISOString();
    await world.dynamo.send(
      new PutItemCommand({
        TableName: localResourceNames.accessTable,
        Item: {
          id: { S: `token#${id}` },
          kind: { S: 'token' },
          tenantId: { S: A },
          capabilities: { L: [{ S: 'read' }] },
          createdAt: { S: at(tenantCreated + 1) },
          expiresAt: { S: at(Date.now() - 1) },
          secretHash: { S: secretHash },
        },
      }),
    );
    expect(await as(credential, 'GET', `/v1/tenants/${A}`)).toEqual({
      status: 403,
      body: { message: 'Forbidden' },
    });
    const listed = await api('GET', `/v1/tenants/${A}/tokens?limit=100`);
    expect(listed.body.data.find((t: { id: string }) => t.id === id).status).toBe('expired');
  });

  it('expire by the clock the authorizer checks them against', async () => {
    const minted = await mint(A, { ttlSeconds: 300 });
    const options = {
      client: world.dynamo,
      accessTable: localResourceNames.accessTable,
      subscriptionsTable: localResourceNames.subscriptionsTable,
    };
    const check = (at: number) =>
      checkCredential(`Bearer ${minted.token}`, { ...options, now: () => new Date(at) });
    const expiry = Date.parse(minted.expiresAt);
    expect((await check(expiry - 1)).accepted).toBe(true);
    expect(await check(expiry)).toEqual({ accepted: false, reason: 'expired' });
  });

  it('are revoked one by one (204, then refused), and another tenant’s id is a 404', async () => {
    const one = await mint(A, {});
    expect((await as(one.token, 'GET', `/v1/tenants/${A}`)).status).toBe(200);
    expect((await api('DELETE', `/v1/tenants/${B}/tokens/${one.id}`)).status).toBe(404);
    expect((await api('DELETE', `/v1/tenants/${A}/tokens/000000000000000000000000`)).status).toBe(
      404,
    );
    expect((await api('DELETE', `/v1/tenants/${A}/tokens/not-an-id`)).status).toBe(404);
    expect((await as(one.token, 'GET', `/v1/tenants/${A}`)).status).toBe(200);
    expect((await api('DELETE', `/v1/tenants/${A}/tokens/${one.id}`)).status).toBe(204);
    expect((await as(one.token, 'GET', `/v1/tenants/${A}`)).status).toBe(403);
    const listed = await api('GET', `/v1/tenants/${A}/tokens?limit=100`);
    expect(listed.body.data.find((t: { id: string }) => t.id === one.id).status).toBe('revoked');
  });

  it('are revoked all at once for a tenant, leaving other tenants’ and later ones working', async () => {
    const c = `initech-${run}`;
    expect((await api('POST', '/v1/tenants', { id: c, name: 'Initech' })).status).toBe(201);
    const first = await mint(c, {});
    const second = await mint(c, { capabilities: ALL });
    expect((await api('DELETE', `/v1/tenants/${c}/tokens`)).status).toBe(204);
    for (const token of [first.token, second.token])
      expect((await as(token, 'GET', `/v1/tenants/${c}`)).status).toBe(403);
    expect((await as(tokens.a, 'GET', `/v1/tenants/${A}`)).status).toBe(200);
    const later = await mint(c, {});
    expect((await as(later.token, 'GET', `/v1/tenants/${c}`)).status).toBe(200);
    const listed = await api('GET', `/v1/tenants/${c}/tokens`);
    const status = Object.fromEntries(
      listed.body.data.map((t: { id: string; status: string }) => [t.id, t.status]),
    );
    expect(status).toEqual({ [first.id]: 'revoked', [second.id]: 'revoked', [later.id]: 'active' });
    expect((await api('GET', `/v1/tenants/${c}`)).body).not.toHaveProperty('tokensRevokedBefore');

    // A deleted tenant's tokens are refused, and stay refused for a new tenant of the same id.
    expect((await api('DELETE', `/v1/tenants/${c}`)).status).toBe(204);
    expect((await as(later.token, 'GET', `/v1/tenants/${c}`)).status).toBe(403);
    expect((await api('POST', '/v1/tenants', { id: c, name: 'Initech again' })).status).toBe(201);
    expect((await as(later.token, 'GET', `/v1/tenants/${c}`)).status).toBe(403);
  });

  it('list with cursors of their own tenant’s partition only', async () => {
    for (let i = 0; i < 2; i++) await mint(B, {});
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await api(
        'GET',
        `/v1/tenants/${B}/tokens?limit=1${cursor ? `&cursor=${cursor}` : ''}`,
      );
      expect(page.status).toBe(200);
      seen.push(...page.body.data.map((t: { tenantId: string }) => t.tenantId));
      cursor = page.body.nextCursor;
      if (cursor) {
        expect(JSON.parse(Buffer.from(cursor, 'base64url').toString()).tenantId).toBe(B);
        const elsewhere = await api('GET', `/v1/tenants/${A}/tokens?cursor=${cursor}`);
        expect(elsewhere).toMatchObject({
          status: 400,
          body: { error: { code: 'invalid_cursor' } },
        });
      }
    } while (cursor);
    expect(new Set(seen)).toEqual(new Set([B]));
    expect(seen.length).toBeGreaterThanOrEqual(3);
  });
});

describe('tenant subscription lists', () => {
  it('never hand an earlier tenant’s leftover subscription to a new tenant of the same id', async () => {
    const x = `stark-${run}`;
    expect((await api('POST', '/v1/tenants', { id: x, name: 'Stark' })).status).toBe(201);
    const sub = await api('POST', `/v1/tenants/${x}/subscriptions`, {
      eventTypes: [TYPE],
      url: `${world.receiver.url}/x`,
    });
    // A deletion that missed this subscription (the index lagged): the tenant record is gone.
    await world.dynamo.send(
      new DeleteItemCommand({
        TableName: localResourceNames.subscriptionsTable,
        Key: { id: { S: `tenant#${x}` } },
      }),
    );
    const again = await api('POST', '/v1/tenants', { id: x, name: 'Stark again' });
    expect(again).toMatchObject({ status: 409, body: { error: { code: 'tenant_exists' } } });
    expect((await api('DELETE', `/v1/subscriptions/${sub.body.id}`)).status).toBe(204);
    expect((await api('POST', '/v1/tenants', { id: x, name: 'Stark again' })).status).toBe(201);
    expect((await api('GET', `/v1/tenants/${x}/subscriptions`)).body.data).toEqual([]);
  });

  it('page through the tenant’s own partition: no cursor names another tenant’s key', async () => {
    const c = `umbrella-${run}`;
    expect((await api('POST', '/v1/tenants', { id: c, name: 'Umbrella' })).status).toBe(201);
    const own: string[] = [];
    for (let i = 0; i < 3; i++) {
      const created = await api('POST', `/v1/tenants/${c}/subscriptions`, {
        eventTypes: [TYPE],
        url: `${world.receiver.url}/c`,
      });
      own.push(created.body.id);
    }
    const token = (await mint(c, {})).token;
    for (const call of [
      (path: string) => api('GET', path),
      (path: string) => as(token, 'GET', path),
    ]) {
      const listed: string[] = [];
      let cursor: string | undefined;
      do {
        const page = await call(
          `/v1/tenants/${c}/subscriptions?limit=1${cursor ? `&cursor=${cursor}` : ''}`,
        );
        expect(page.status).toBe(200);
        listed.push(...page.body.data.map((s: { id: string }) => s.id));
        cursor = page.body.nextCursor;
        // A scan's cursor would hold whatever key it stopped on: another tenant's subscription
        // id, a tenant item. This one holds only the tenant and one of its own ids.
        if (cursor) {
          const key = JSON.parse(Buffer.from(cursor, 'base64url').toString());
          expect(key).toEqual({ id: expect.any(String), tenantId: c });
          expect(own).toContain(key.id);
        }
      } while (cursor);
      expect(listed.sort()).toEqual([...own].sort());
    }
    const forged = Buffer.from(JSON.stringify({ id: subs.b, tenantId: B })).toString('base64url');
    const refused = await api('GET', `/v1/tenants/${c}/subscriptions?cursor=${forged}`);
    expect(refused).toMatchObject({ status: 400, body: { error: { code: 'invalid_cursor' } } });
    const operatorCursor = Buffer.from(JSON.stringify({ id: subs.b })).toString('base64url');
    expect(
      (await api('GET', `/v1/tenants/${c}/subscriptions?cursor=${operatorCursor}`)).status,
    ).toBe(400);
    // The operator's filtered list reads the same partition.
    const filtered = await api('GET', `/v1/subscriptions?tenantId=${c}`);
    expect(filtered.body.data.map((s: { id: string }) => s.id).sort()).toEqual([...own].sort());
  });
});
