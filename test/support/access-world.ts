import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, expect, inject } from 'vitest';
import { type DevRuntime, startDev } from '../../local/dev-runtime.js';
import { awsClientConfig, dynamoClientConfig } from '../../shared/aws/client-config.js';
import { apiCall } from './api-call.js';
import { startReceiver } from './receiver.js';

/** Every capability a token can hold. */
export const ALL_CAPABILITIES = ['read', 'write', 'secrets', 'resend'];

/**
 * The world of the access tests, through `hookbridge dev` as a user drives it: two tenants A
 * and B with a subscription each, an operator subscription, one receiver (paths `/a`, `/b`,
 * `/operator`), and tokens of A (every capability, and read only) and of B. The authorizer
 * cache is off (TTL 0), so a revocation is seen by the next request; the cache itself is
 * tested in test/unit/access/local-authorizer.test.ts. Registers its own beforeAll/afterAll.
 */
export function accessWorld() {
  const run = Math.random().toString(36).slice(2, 8);
  const world = {
    run,
    A: `acme-${run}`,
    B: `globex-${run}`,
    TYPE: `access${run}.created`,
    dev: undefined as unknown as DevRuntime,
    receiver: undefined as unknown as Awaited<ReturnType<typeof startReceiver>>,
    dynamo: undefined as unknown as DynamoDBClient,
    subs: { a: '', b: '', operator: '' },
    tokens: { a: '', b: '', aId: '', bId: '', aRead: '' },
    /** A call as the operator (no Authorization: IAM is skipped locally). */
    api(method: string, path: string, body?: unknown) {
      return apiCall(world.dev.apiUrl, method, path, body);
    },
    /** A call with a bearer credential. */
    as(credential: string, method: string, path: string, body?: unknown) {
      return apiCall(world.dev.apiUrl, method, path, body, {
        authorization: `Bearer ${credential}`,
      });
    },
    async mint(tenantId: string, body: Record<string, unknown>) {
      const minted = await world.api('POST', `/v1/tenants/${tenantId}/tokens`, body);
      expect(minted.status, JSON.stringify(minted.body)).toBe(201);
      return minted.body as { id: string; token: string; createdAt: string; expiresAt: string };
    },
    async apiKey(body: Record<string, unknown>) {
      const created = await world.api('POST', '/v1/api-keys', body);
      expect(created.status, JSON.stringify(created.body)).toBe(201);
      return created.body as { id: string; key: string };
    },
  };

  beforeAll(async () => {
    process.env.HOOKBRIDGE_AUTHORIZER_CACHE_SECONDS = '0';
    world.dev = await startDev({ port: 0, awsEndpointUrl: inject('awsEndpoint') });
    world.receiver = await startReceiver(() => ({ status: 204 }));
    world.dynamo = new DynamoDBClient(dynamoClientConfig(awsClientConfig()));
    const { A, B, TYPE, api, mint, subs, tokens, receiver } = world;
    for (const [id, name] of [
      [A, 'Acme'],
      [B, 'Globex'],
    ])
      expect((await api('POST', '/v1/tenants', { id, name })).status).toBe(201);
    const make = async (path: string, url: string) => {
      const created = await api('POST', path, { eventTypes: [TYPE], url });
      expect(created.status, JSON.stringify(created.body)).toBe(201);
      return created.body.id as string;
    };
    subs.a = await make(`/v1/tenants/${A}/subscriptions`, `${receiver.url}/a`);
    subs.b = await make(`/v1/tenants/${B}/subscriptions`, `${receiver.url}/b`);
    subs.operator = await make('/v1/subscriptions', `${receiver.url}/operator`);
    const a = await mint(A, { capabilities: ALL_CAPABILITIES, description: 'portal' });
    const b = await mint(B, { capabilities: ALL_CAPABILITIES });
    Object.assign(tokens, { a: a.token, aId: a.id, b: b.token, bId: b.id });
    tokens.aRead = (await mint(A, {})).token;
  });

  afterAll(async () => {
    await world.dev?.stop();
    await world.receiver?.close();
    world.dynamo?.destroy();
    delete process.env.HOOKBRIDGE_AUTHORIZER_CACHE_SECONDS;
  });

  return world;
}
