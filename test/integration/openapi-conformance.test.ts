import { DescribeArchiveCommand, EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localResourceNames } from '../../infra/base-resources.js';
import { createBaseResources } from '../../local/base-resources.js';
import { LocalEventSourceMappings } from '../../local/local-event-source-mappings.js';
import { awsClientConfig } from '../../shared/aws/client-config.js';
import { reconcile } from '../../shared/provisioning/reconciler.js';
import {
  apiGatewayEvent,
  lambdaContext,
  type RequestOptions,
} from '../support/api-gateway-event.js';
import { managementHarness } from '../support/management-harness.js';
import { assertResponse, openApiDocument } from '../support/openapi-validator.js';

// Every answer of the real handlers, over the local AWS endpoint, is checked against the
// committed openapi.json: the document is only worth shipping if the code keeps to it.

type Ingest = typeof import('../../functions/ingest/handler.js').handler;
type Harness = ReturnType<typeof managementHarness>;
type ManagementRequest = Parameters<Harness['call']>[1];

let ingest: Ingest;
let h: Harness;
/** A harness whose mappings always fail: provisioning fails, and so does removing a lane. */
let broken: Harness;
const exercised = new Set<string>();

beforeAll(async () => {
  await createBaseResources(awsClientConfig());
  const events = new EventBridgeClient(awsClientConfig());
  const { ArchiveArn } = await events.send(
    new DescribeArchiveCommand({ ArchiveName: localResourceNames.archive }),
  );
  h = managementHarness({ env: { HOOKBRIDGE_ARCHIVE_ARN: ArchiveArn } });
  const failing = new LocalEventSourceMappings();
  failing.ensure = async () => {
    throw new Error('mapping service unavailable');
  };
  failing.remove = async () => {
    throw new Error('mapping service unavailable');
  };
  broken = managementHarness({ mappings: failing });
  // Ingest consults the event type catalog as deployed (the stack sets this variable).
  process.env.HOOKBRIDGE_EVENT_TYPES_TABLE = localResourceNames.subscriptionsTable;
  ({ handler: ingest } = await import('../../functions/ingest/handler.js'));
});

/** Checks one answer against the document and records which route and status it covered. */
function conforms(routeKey: string, status: number, body: unknown, expected: number) {
  const [method = '', path = ''] = routeKey.split(' ');
  expect(status, `${routeKey}: ${JSON.stringify(body)}`).toBe(expected);
  assertResponse(method, path, status, body);
  exercised.add(`${routeKey} ${status}`);
}

async function manage(
  routeKey: string,
  expected: number,
  request: ManagementRequest = {},
  harness: Harness = h,
) {
  const { status, body } = await harness.call(routeKey, request);
  conforms(routeKey, status, body, expected);
  return body;
}

async function send(routeKey: string, expected: number, options: RequestOptions) {
  const response = await ingest(apiGatewayEvent(routeKey, options), lambdaContext());
  const body = response.body ? JSON.parse(response.body) : undefined;
  conforms(routeKey, response.statusCode ?? 200, body, expected);
  return body;
}

const hook = 'https://hooks.example.test/webhooks';
const event = { type: 'order.created', data: { orderId: 'o-1' } };
const missing = 'sub_01JD5Z8Q4X9V2M7K3T6N0R1B8C';

describe('the ingest API answers as openapi.json says', () => {
  it('202 for an event and a batch, and for an idempotent repeat', async () => {
    await send('POST /v1/events', 202, { body: event });
    await send('POST /v1/events/batch', 202, { body: { events: [event, event] } });
    const headers = { 'Idempotency-Key': 'conformance-1' };
    const first = await send('POST /v1/events', 202, { body: event, headers });
    expect(await send('POST /v1/events', 202, { body: event, headers })).toEqual(first);
  });

  it('400 for malformed JSON, an invalid event, an empty batch, a bad Idempotency-Key', async () => {
    await send('POST /v1/events', 400, { body: '{"type":' });
    await send('POST /v1/events', 400, { body: { type: 'a..b', data: [] } });
    await send('POST /v1/events/batch', 400, { body: { events: [] } });
    await send('POST /v1/events/batch', 400, { body: { events: [event, { type: 'a' }] } });
    await send('POST /v1/events', 400, { body: event, headers: { 'Idempotency-Key': '' } });
  });

  it('413 for an event over the entry limit and a batch over the count limit', async () => {
    const tooBig = { type: 'blob.uploaded', data: { blob: 'x'.repeat(262_144) } };
    await send('POST /v1/events', 413, { body: tooBig });
    await send('POST /v1/events/batch', 413, { body: { events: Array(101).fill(event) } });
  });

  it('415 for a body that is not JSON', async () => {
    await send('POST /v1/events', 415, { body: 'type=a', contentType: 'text/plain' });
    await send('POST /v1/events/batch', 415, { body: { events: [event] }, contentType: null });
  });

  it('422 for an Idempotency-Key reused with another body', async () => {
    const headers = { 'Idempotency-Key': 'conformance-2' };
    await send('POST /v1/events/batch', 202, { body: { events: [event] }, headers });
    await send('POST /v1/events/batch', 422, { body: { events: [event, event] }, headers });
  });
});

describe('the event type catalog answers as openapi.json says', () => {
  const name = `conformance${Date.now().toString(36)}.checked`;
  const schema = { type: 'object', required: ['n'], properties: { n: { type: 'integer' } } };

  it('201, 200, 204 for its writes and reads; 400, 404, 409 for bad ones', async () => {
    await manage('POST /v1/event-types', 201, {
      body: { name, description: 'checked', schema, example: { n: 1 }, validate: true },
    });
    await manage('POST /v1/event-types', 409, { body: { name } });
    await manage('POST /v1/event-types', 400, {
      body: { name: 'x', schema: { $ref: 'https://e.x/s' } },
    });
    await manage('POST /v1/event-types', 415, { body: { name: 'x' }, contentType: 'text/plain' });
    await manage('GET /v1/event-types', 200, { query: { limit: '1' } });
    await manage('GET /v1/event-types', 400, { query: { cursor: 'bm9wZQ' } });
    await manage('GET /v1/event-types/{name}', 200, { name });
    await manage('GET /v1/event-types/{name}', 404, { name: 'no.such' });
    await manage('PATCH /v1/event-types/{name}', 200, { name, body: { deprecated: true } });
    await manage('PATCH /v1/event-types/{name}', 400, { name, body: { schema: null } });
    await manage('PATCH /v1/event-types/{name}', 404, {
      name: 'no.such',
      body: { deprecated: true },
    });
    const tenantId = `conf-et-${Date.now().toString(36)}`;
    await manage('POST /v1/tenants', 201, { body: { id: tenantId, name: 'Catalog reader' } });
    await manage('GET /v1/tenants/{tenantId}/event-types', 200, { tenantId });
    await manage('GET /v1/tenants/{tenantId}/event-types', 404, { tenantId: 'ghost' });
    await manage('GET /v1/tenants/{tenantId}/event-types/{name}', 200, { tenantId, name });
    await manage('GET /v1/tenants/{tenantId}/event-types/{name}', 404, {
      tenantId,
      name: 'no.such',
    });
  });

  it('422 schema_validation_failed at ingest, single and batch', async () => {
    const bad = await send('POST /v1/events', 422, { body: { type: name, data: { n: 'x' } } });
    expect(bad.error.code).toBe('schema_validation_failed');
    await send('POST /v1/events/batch', 422, {
      body: {
        events: [
          { type: name, data: { n: 1 } },
          { type: name, data: {} },
        ],
      },
    });
    await send('POST /v1/events', 202, { body: { type: name, data: { n: 2 } } });
  });

  it('204 on delete, then 404', async () => {
    await manage('DELETE /v1/event-types/{name}', 204, { name });
    await manage('DELETE /v1/event-types/{name}', 404, { name });
  });
});

describe('the management API answers as openapi.json says', () => {
  let id = '';

  it('creates (201), gets (200) and lists with a cursor (200)', async () => {
    const created = await manage('POST /v1/subscriptions', 201, {
      body: {
        url: hook,
        eventTypes: ['order.created', 'invoice.*'],
        filter: { total: [{ numeric: ['>', 100] }] },
        description: 'orders to the ERP',
        metadata: { team: 'erp' },
        headers: { 'X-Team': 'erp' },
        maxConcurrency: 5,
        retrySchedule: [1, 60],
      },
    });
    id = created.id;
    for (const type of ['a.b', 'c.d']) {
      await manage('POST /v1/subscriptions', 201, { body: { url: hook, eventTypes: [type] } });
    }
    expect(await manage('GET /v1/subscriptions/{id}', 200, { id })).toMatchObject({ id });

    const first = await manage('GET /v1/subscriptions', 200, { query: { limit: '2' } });
    expect(first.nextCursor).toEqual(expect.any(String));
    const next = await manage('GET /v1/subscriptions', 200, {
      query: { cursor: first.nextCursor },
    });
    expect([...first.data, ...next.data].map((s: { id: string }) => s.id)).toContain(id);
  });

  it('honours the documented bounds of `limit` exactly', async () => {
    const list = openApiDocument.paths['/v1/subscriptions']?.get as unknown as {
      parameters: { name: string; schema: { minimum: number; maximum: number } }[];
    };
    const limit = list.parameters.find((p) => p.name === 'limit')?.schema;
    if (!limit) throw new Error('openapi.json documents no `limit` on GET /v1/subscriptions');
    await manage('GET /v1/subscriptions', 200, { query: { limit: String(limit.minimum) } });
    await manage('GET /v1/subscriptions', 200, { query: { limit: String(limit.maximum) } });
    await manage('GET /v1/subscriptions', 400, { query: { limit: String(limit.minimum - 1) } });
    await manage('GET /v1/subscriptions', 400, { query: { limit: String(limit.maximum + 1) } });
    await manage('GET /v1/subscriptions', 400, { query: { cursor: 'not-a-cursor' } });
  });

  it('changes (200), and refuses bad changes (400, 415, 422)', async () => {
    await manage('PATCH /v1/subscriptions/{id}', 200, { id, body: { status: 'paused' } });
    await manage('PATCH /v1/subscriptions/{id}', 200, {
      id,
      body: { status: 'active', description: null, filter: null },
    });
    await manage('PATCH /v1/subscriptions/{id}', 400, { id, body: {} });
    await manage('PATCH /v1/subscriptions/{id}', 415, { id, body: 'x', contentType: 'text/plain' });
    const internal = 'https://internal.example.test/hook';
    await manage('PATCH /v1/subscriptions/{id}', 422, { id, body: { url: internal } });
  });

  it('shows (200) and rotates (200) the signing secret, with and without a body', async () => {
    await manage('GET /v1/subscriptions/{id}/secret', 200, { id });
    const rotated = await manage('POST /v1/subscriptions/{id}/secret/rotate', 200, {
      id,
      body: { gracePeriodSeconds: 3600 },
    });
    expect(rotated.previous).toHaveLength(1);
    await manage('POST /v1/subscriptions/{id}/secret/rotate', 200, { id });
    await manage('POST /v1/subscriptions/{id}/secret/rotate', 400, {
      id,
      body: { gracePeriodSeconds: -1 },
    });
  });

  it('lists deliveries (200), sends a test event (202), redrives (200), replays (202)', async () => {
    await manage('POST /v1/subscriptions/{id}/test', 202, { id });
    await manage('GET /v1/subscriptions/{id}/deliveries', 200, { id });
    await manage('GET /v1/subscriptions/{id}/deliveries', 200, {
      id,
      query: { limit: '1', result: 'delivered' },
    });
    await manage('GET /v1/subscriptions/{id}/deliveries', 400, { id, query: { limit: '0' } });
    await manage('POST /v1/subscriptions/{id}/redrive', 200, { id });
    const to = new Date(Date.now() - 1000).toISOString();
    const from = new Date(Date.now() - 3_600_000).toISOString();
    await manage('POST /v1/subscriptions/{id}/replay', 202, { id, body: { from, to } });
    await manage('POST /v1/subscriptions/{id}/replay', 400, { id, body: { from: to, to: from } });
  });

  it('refuses invalid subscriptions (400, 415) and refused destinations (422)', async () => {
    await manage('POST /v1/subscriptions', 400, { body: { url: hook, eventTypes: [] } });
    await manage('POST /v1/subscriptions', 400, { body: '{"url":' });
    await manage('POST /v1/subscriptions', 415, { body: 'x', contentType: 'text/plain' });
    await manage('POST /v1/subscriptions', 422, {
      body: { url: 'https://metadata.example.test/', eventTypes: ['a'] },
    });
  });

  it('answers 404 for a subscription that does not exist, on every route with an id', async () => {
    for (const routeKey of Object.keys(openApiDocument.paths)
      .filter((path) => path.includes('{id}'))
      .flatMap((path) =>
        Object.keys(openApiDocument.paths[path] ?? {}).map((m) => `${m.toUpperCase()} ${path}`),
      )) {
      const body = routeKey.includes('replay')
        ? { from: '2024-01-01T00:00:00Z', to: '2024-01-02T00:00:00Z' }
        : routeKey.includes('resend')
          ? { eventId: 'evt_01JD5Z8Q4X9V2M7K3T6N0R1B8C' }
          : routeKey.startsWith('PATCH')
            ? { status: 'paused' }
            : undefined;
      await manage(routeKey, 404, { id: missing, ...(body && { body }) });
    }
    await manage('GET /v1/subscriptions/{id}', 404, { id: 'not-an-id' });
  });

  it('a subscription whose provisioning failed: 201, then 409 where a lane is needed', async () => {
    const failed = await manage(
      'POST /v1/subscriptions',
      201,
      { body: { url: hook, eventTypes: ['a.b'] } },
      broken,
    );
    expect(failed.status).toBe('failed');
    const ref = { id: failed.id };
    await manage('PATCH /v1/subscriptions/{id}', 409, { ...ref, body: { status: 'paused' } });
    await manage('POST /v1/subscriptions/{id}/test', 409, ref);
    await manage('POST /v1/subscriptions/{id}/redrive', 409, ref);
    const window = { from: '2024-01-01T00:00:00Z', to: '2024-01-02T00:00:00Z' };
    await manage('POST /v1/subscriptions/{id}/replay', 409, { ...ref, body: window });
    // Removing the lane fails too: the subscription stays `deleting` for the reconciler.
    const deleting = await manage('DELETE /v1/subscriptions/{id}', 202, ref, broken);
    expect(deleting.status).toBe('deleting');
  });

  it('deletes (204, without a body)', async () => {
    expect(await manage('DELETE /v1/subscriptions/{id}', 204, { id })).toBeUndefined();
    await manage('GET /v1/subscriptions/{id}', 404, { id });
  });
});

describe('the token and API-key routes answer as openapi.json says', () => {
  const tenantId = `access-${Date.now()}`;
  const never = '000000000000000000000000';

  it('mints, lists and revokes tokens; creates, lists, shows and revokes API keys', async () => {
    await manage('POST /v1/tenants', 201, { body: { id: tenantId, name: 'Access' } });
    const minted = await manage('POST /v1/tenants/{tenantId}/tokens', 201, {
      tenantId,
      body: { capabilities: ['read', 'write'], description: 'portal' },
    });
    await manage('POST /v1/tenants/{tenantId}/tokens', 201, { tenantId, contentType: null });
    await manage('POST /v1/tenants/{tenantId}/tokens', 400, { tenantId, body: { ttlSeconds: 1 } });
    await manage('POST /v1/tenants/{tenantId}/tokens', 404, { tenantId: 'nobody', body: {} });
    await manage('POST /v1/tenants/{tenantId}/tokens', 415, {
      tenantId,
      body: 'x',
      contentType: 'text/plain',
    });
    await manage('GET /v1/tenants/{tenantId}/tokens', 200, { tenantId, query: { limit: '1' } });
    await manage('GET /v1/tenants/{tenantId}/tokens', 400, { tenantId, query: { cursor: 'x' } });
    await manage('GET /v1/tenants/{tenantId}/tokens', 404, { tenantId: 'nobody' });
    await manage('DELETE /v1/tenants/{tenantId}/tokens/{tokenId}', 204, {
      tenantId,
      tokenId: minted.id,
    });
    await manage('DELETE /v1/tenants/{tenantId}/tokens/{tokenId}', 404, {
      tenantId,
      tokenId: never,
    });
    await manage('DELETE /v1/tenants/{tenantId}/tokens', 204, { tenantId });
    await manage('DELETE /v1/tenants/{tenantId}/tokens', 404, { tenantId: 'nobody' });
    await manage('GET /v1/tenants/{tenantId}/tokens', 200, { tenantId });

    const key = await manage('POST /v1/api-keys', 201, {
      body: { name: 'producer', scope: 'publish', tenantId },
    });
    await manage('POST /v1/api-keys', 400, { body: { name: 'x', scope: 'manage', tenantId } });
    await manage('POST /v1/api-keys', 404, {
      body: { name: 'x', scope: 'publish', tenantId: 'nobody' },
    });
    await manage('POST /v1/api-keys', 415, { body: 'x', contentType: 'text/plain' });
    await manage('GET /v1/api-keys', 200, { query: { limit: '1' } });
    await manage('GET /v1/api-keys', 400, { query: { cursor: 'x' } });
    await manage('GET /v1/api-keys/{keyId}', 200, { keyId: key.id });
    await manage('GET /v1/api-keys/{keyId}', 404, { keyId: never });
    await manage('DELETE /v1/api-keys/{keyId}', 204, { keyId: key.id });
    await manage('DELETE /v1/api-keys/{keyId}', 404, { keyId: never });
  });

  it('answers a bearer principal’s refusals in the documented shapes (401, 403)', async () => {
    const token = (expiresAt: string) => ({
      kind: 'token',
      credentialId: never,
      tenantId,
      capabilities: 'write',
      expiresAt,
    });
    const past = new Date(Date.now() - 1000).toISOString();
    const later = new Date(Date.now() + 60_000).toISOString();
    await manage('GET /v1/tenants/{tenantId}/subscriptions', 401, {
      tenantId,
      authorizer: token(past),
    });
    await manage('GET /v1/tenants/{tenantId}/subscriptions', 403, {
      tenantId,
      authorizer: token(later),
    });
    await manage('GET /v1/api-keys', 403, {
      authorizer: { kind: 'api-key', credentialId: never, scope: 'manage' },
    });
  });
});

describe('the tenant routes answer as openapi.json says', () => {
  const tenantId = `conformance-${Date.now()}`;
  let id = '';

  it('creates (201), refuses (400, 409, 415), gets (200, 404), lists (200, 400), changes (200, 400, 404)', async () => {
    await manage('POST /v1/tenants', 201, { body: { id: tenantId, name: 'Conformance' } });
    await manage('POST /v1/tenants', 409, { body: { id: tenantId, name: 'Again' } });
    await manage('POST /v1/tenants', 400, { body: { id: 'no way', name: 'x' } });
    await manage('POST /v1/tenants', 415, { body: 'x', contentType: 'text/plain' });
    await manage('GET /v1/tenants/{tenantId}', 200, { tenantId });
    await manage('GET /v1/tenants/{tenantId}', 404, { tenantId: 'nobody' });
    await manage('GET /v1/tenants', 200, { query: { limit: '1' } });
    await manage('GET /v1/tenants', 400, { query: { cursor: 'not-a-cursor' } });
    await manage('PATCH /v1/tenants/{tenantId}', 200, {
      tenantId,
      body: { metadata: { plan: 'pro' } },
    });
    await manage('PATCH /v1/tenants/{tenantId}', 400, { tenantId, body: { id: 'other' } });
    await manage('PATCH /v1/tenants/{tenantId}', 404, { tenantId: 'nobody', body: { name: 'x' } });
    await manage('PATCH /v1/tenants/{tenantId}', 415, {
      tenantId,
      body: 'x',
      contentType: 'text/plain',
    });
  });

  it("serves every subscription route for the tenant's own subscriptions", async () => {
    const base = '/v1/tenants/{tenantId}/subscriptions';
    const created = await manage(`POST ${base}`, 201, {
      tenantId,
      body: { url: hook, eventTypes: ['order.created'] },
    });
    id = created.id;
    expect(created.tenantId).toBe(tenantId);
    await manage(`POST ${base}`, 400, {
      tenantId,
      body: { url: hook, eventTypes: ['a'], tenantId },
    });
    await manage(`POST ${base}`, 404, {
      tenantId: 'nobody',
      body: { url: hook, eventTypes: ['a'] },
    });
    await manage(`POST ${base}`, 415, { tenantId, body: 'x', contentType: 'text/plain' });
    await manage(`POST ${base}`, 422, {
      tenantId,
      body: { url: 'https://10.0.0.1/x', eventTypes: ['a'] },
    });
    const page = await manage(`GET ${base}`, 200, { tenantId });
    expect(page.data.map((s: { id: string }) => s.id)).toEqual([id]);
    await manage(`GET ${base}`, 400, { tenantId, query: { limit: '0' } });
    await manage(`GET ${base}`, 404, { tenantId: 'nobody' });
    await manage('GET /v1/subscriptions', 200, { query: { tenantId } });

    const ref = { tenantId, id };
    await manage(`GET ${base}/{id}`, 200, ref);
    await manage(`PATCH ${base}/{id}`, 200, { ...ref, body: { description: 'mine' } });
    await manage(`PATCH ${base}/{id}`, 400, { ...ref, body: { tenantId: 'other' } });
    await manage(`PATCH ${base}/{id}`, 415, { ...ref, body: 'x', contentType: 'text/plain' });
    await manage(`GET ${base}/{id}/secret`, 200, ref);
    await manage(`POST ${base}/{id}/secret/rotate`, 200, ref);
    await manage(`POST ${base}/{id}/secret/rotate`, 400, {
      ...ref,
      body: { gracePeriodSeconds: -1 },
    });
    await manage(`POST ${base}/{id}/test`, 202, ref);
    await manage(`GET ${base}/{id}/deliveries`, 200, ref);
    await manage(`GET ${base}/{id}/deliveries`, 400, { ...ref, query: { limit: '0' } });
    await manage(`POST ${base}/{id}/redrive`, 200, ref);
    const to = new Date(Date.now() - 1000).toISOString();
    const from = new Date(Date.now() - 3_600_000).toISOString();
    await manage(`POST ${base}/{id}/replay`, 202, { ...ref, body: { from, to } });
    await manage(`POST ${base}/{id}/replay`, 400, { ...ref, body: { from: to, to: from } });
    // Another tenant's subscription, or a missing one, is a 404 on every route with an id.
    const operators = await manage('POST /v1/subscriptions', 201, {
      body: { url: hook, eventTypes: ['a'] },
    });
    for (const other of [operators.id, missing]) {
      const foreign = { tenantId, id: other };
      await manage(`GET ${base}/{id}`, 404, foreign);
      await manage(`PATCH ${base}/{id}`, 404, { ...foreign, body: { description: 'x' } });
      await manage(`DELETE ${base}/{id}`, 404, foreign);
      await manage(`GET ${base}/{id}/secret`, 404, foreign);
      await manage(`POST ${base}/{id}/secret/rotate`, 404, foreign);
      await manage(`GET ${base}/{id}/deliveries`, 404, foreign);
      await manage(`POST ${base}/{id}/test`, 404, foreign);
      await manage(`POST ${base}/{id}/redrive`, 404, foreign);
      await manage(`POST ${base}/{id}/replay`, 404, { ...foreign, body: { from, to } });
    }
    await manage('DELETE /v1/subscriptions/{id}', 204, { id: operators.id });
  });

  it('a tenant whose subscription cannot be removed: 202 deleting, 409 meanwhile, the reconciler finishes', async () => {
    const stuck = `${tenantId}-stuck`;
    await manage('POST /v1/tenants', 201, { body: { id: stuck, name: 'Stuck' } });
    const sub = await manage('POST /v1/tenants/{tenantId}/subscriptions', 201, {
      tenantId: stuck,
      body: { url: hook, eventTypes: ['a'] },
    });
    const deleting = await manage(
      'DELETE /v1/tenants/{tenantId}',
      202,
      { tenantId: stuck },
      broken,
    );
    expect(deleting.status).toBe('deleting');
    await manage('PATCH /v1/tenants/{tenantId}', 409, { tenantId: stuck, body: { name: 'x' } });
    await manage('POST /v1/tenants/{tenantId}/subscriptions', 409, {
      tenantId: stuck,
      body: { url: hook, eventTypes: ['a'] },
    });
    await manage('POST /v1/tenants/{tenantId}/tokens', 409, { tenantId: stuck, body: {} });
    const report = await reconcile({
      store: h.store,
      tenants: h.tenantStore,
      provisioner: h.provisioner,
    });
    expect(report.tenantsDeleted).toContain(stuck);
    expect(report.deleted).toContain(sub.id);
    await manage('GET /v1/tenants/{tenantId}', 404, { tenantId: stuck });
    await manage('GET /v1/subscriptions/{id}', 404, { id: sub.id });
  });

  it('deletes a tenant with its subscriptions (204), then 404', async () => {
    await manage('DELETE /v1/tenants/{tenantId}/subscriptions/{id}', 204, { tenantId, id });
    await manage('POST /v1/tenants/{tenantId}/subscriptions', 201, {
      tenantId,
      body: { url: hook, eventTypes: ['a'] },
    });
    expect(await manage('DELETE /v1/tenants/{tenantId}', 204, { tenantId })).toBeUndefined();
    await manage('DELETE /v1/tenants/{tenantId}', 404, { tenantId });
    await manage('GET /v1/tenants/{tenantId}/subscriptions', 404, { tenantId });
  });
});

describe('the message API answers as openapi.json says', () => {
  const tenantId = `conform-msg-${Date.now()}`;
  const missingEvent = 'evt_01JD5Z8Q4X9V2M7K3T6N0R1B8C';

  it('lists (200, 400), gets (200, 404) and resends (202, 400, 404, 409), for the operator and a tenant', async () => {
    await manage('POST /v1/tenants', 201, { body: { id: tenantId, name: 'Messages' } });
    const sub = await manage('POST /v1/tenants/{tenantId}/subscriptions', 201, {
      tenantId,
      body: { url: hook, eventTypes: ['conform.msg'] },
    });
    const { id: eventId } = await send('POST /v1/events', 202, {
      body: { type: 'conform.msg', data: { n: 1 }, tenantId },
    });
    await manage('GET /v1/events', 200, { query: { type: 'conform.*', limit: '1' } });
    await manage('GET /v1/events', 400, { query: { limit: 'many' } });
    await manage('GET /v1/events/{eventId}', 200, { eventId });
    await manage('GET /v1/events/{eventId}', 404, { eventId: missingEvent });
    await manage('GET /v1/tenants/{tenantId}/events', 200, { tenantId });
    await manage('GET /v1/tenants/{tenantId}/events', 400, { tenantId, query: { cursor: 'x' } });
    await manage('GET /v1/tenants/{tenantId}/events', 404, { tenantId: 'nobody' });
    await manage('GET /v1/tenants/{tenantId}/events/{eventId}', 200, { tenantId, eventId });
    await manage('GET /v1/tenants/{tenantId}/events/{eventId}', 404, {
      tenantId,
      eventId: missingEvent,
    });
    for (const route of [
      'POST /v1/subscriptions/{id}/resend',
      'POST /v1/tenants/{tenantId}/subscriptions/{id}/resend',
    ]) {
      await manage(route, 202, { tenantId, id: sub.id, body: { eventId } });
      await manage(route, 400, { tenantId, id: sub.id, body: { eventId: 'nope' } });
      await manage(route, 404, { tenantId, id: sub.id, body: { eventId: missingEvent } });
    }
    const failed = await manage(
      'POST /v1/tenants/{tenantId}/subscriptions',
      201,
      { tenantId, body: { url: hook, eventTypes: ['conform.msg'] } },
      broken,
    );
    await manage('POST /v1/subscriptions/{id}/resend', 409, { id: failed.id, body: { eventId } });
    await manage('POST /v1/tenants/{tenantId}/subscriptions/{id}/resend', 409, {
      tenantId,
      id: failed.id,
      body: { eventId },
    });
  });
});

afterAll(() => {
  // Keeps the list above honest: a route or status dropped from these tests shows up here.
  const expected = [
    'GET /v1/events 200',
    'GET /v1/events 400',
    'GET /v1/events/{eventId} 200',
    'GET /v1/events/{eventId} 404',
    'GET /v1/tenants/{tenantId}/events 200',
    'GET /v1/tenants/{tenantId}/events 400',
    'GET /v1/tenants/{tenantId}/events 404',
    'GET /v1/tenants/{tenantId}/events/{eventId} 200',
    'GET /v1/tenants/{tenantId}/events/{eventId} 404',
    ...['202', '400', '404', '409'].flatMap((status) => [
      `POST /v1/subscriptions/{id}/resend ${status}`,
      `POST /v1/tenants/{tenantId}/subscriptions/{id}/resend ${status}`,
    ]),
    'POST /v1/events 202',
    'POST /v1/events 400',
    'POST /v1/events 413',
    'POST /v1/events 415',
    'POST /v1/events/batch 202',
    'POST /v1/events/batch 400',
    'POST /v1/events/batch 413',
    'POST /v1/events/batch 415',
    'POST /v1/events/batch 422',
    'POST /v1/subscriptions 201',
    'POST /v1/subscriptions 400',
    'POST /v1/subscriptions 415',
    'POST /v1/subscriptions 422',
    'GET /v1/subscriptions 200',
    'GET /v1/subscriptions 400',
    'GET /v1/subscriptions/{id} 200',
    'GET /v1/subscriptions/{id} 404',
    'PATCH /v1/subscriptions/{id} 200',
    'PATCH /v1/subscriptions/{id} 400',
    'PATCH /v1/subscriptions/{id} 404',
    'PATCH /v1/subscriptions/{id} 409',
    'PATCH /v1/subscriptions/{id} 415',
    'PATCH /v1/subscriptions/{id} 422',
    'DELETE /v1/subscriptions/{id} 202',
    'DELETE /v1/subscriptions/{id} 204',
    'DELETE /v1/subscriptions/{id} 404',
    'GET /v1/subscriptions/{id}/secret 200',
    'GET /v1/subscriptions/{id}/secret 404',
    'POST /v1/subscriptions/{id}/secret/rotate 200',
    'POST /v1/subscriptions/{id}/secret/rotate 400',
    'POST /v1/subscriptions/{id}/secret/rotate 404',
    'GET /v1/subscriptions/{id}/deliveries 200',
    'GET /v1/subscriptions/{id}/deliveries 400',
    'GET /v1/subscriptions/{id}/deliveries 404',
    'POST /v1/subscriptions/{id}/test 202',
    'POST /v1/subscriptions/{id}/test 404',
    'POST /v1/subscriptions/{id}/test 409',
    'POST /v1/subscriptions/{id}/redrive 200',
    'POST /v1/subscriptions/{id}/redrive 404',
    'POST /v1/subscriptions/{id}/redrive 409',
    'POST /v1/subscriptions/{id}/replay 202',
    'POST /v1/subscriptions/{id}/replay 400',
    'POST /v1/subscriptions/{id}/replay 404',
    'POST /v1/subscriptions/{id}/replay 409',
    'POST /v1/tenants 201',
    'POST /v1/tenants 400',
    'POST /v1/tenants 409',
    'POST /v1/tenants 415',
    'GET /v1/tenants 200',
    'GET /v1/tenants 400',
    'GET /v1/tenants/{tenantId} 200',
    'GET /v1/tenants/{tenantId} 404',
    'PATCH /v1/tenants/{tenantId} 200',
    'PATCH /v1/tenants/{tenantId} 400',
    'PATCH /v1/tenants/{tenantId} 404',
    'PATCH /v1/tenants/{tenantId} 409',
    'PATCH /v1/tenants/{tenantId} 415',
    'DELETE /v1/tenants/{tenantId} 202',
    'DELETE /v1/tenants/{tenantId} 204',
    'DELETE /v1/tenants/{tenantId} 404',
    ...['201', '400', '404', '409', '415', '422'].map(
      (status) => `POST /v1/tenants/{tenantId}/subscriptions ${status}`,
    ),
    ...['200', '400', '404'].map((status) => `GET /v1/tenants/{tenantId}/subscriptions ${status}`),
    ...[
      'GET /{id} 200',
      'GET /{id} 404',
      'PATCH /{id} 200',
      'PATCH /{id} 400',
      'PATCH /{id} 404',
      'PATCH /{id} 415',
      'DELETE /{id} 204',
      'DELETE /{id} 404',
      'GET /{id}/secret 200',
      'GET /{id}/secret 404',
      'POST /{id}/secret/rotate 200',
      'POST /{id}/secret/rotate 400',
      'POST /{id}/secret/rotate 404',
      'GET /{id}/deliveries 200',
      'GET /{id}/deliveries 400',
      'GET /{id}/deliveries 404',
      'POST /{id}/test 202',
      'POST /{id}/test 404',
      'POST /{id}/redrive 200',
      'POST /{id}/redrive 404',
      'POST /{id}/replay 202',
      'POST /{id}/replay 400',
      'POST /{id}/replay 404',
    ].map((key) => key.replace(' /', ' /v1/tenants/{tenantId}/subscriptions/')),
  ];
  const access = [
    ...['201', '400', '404', '409', '415'].map((s) => `POST /v1/tenants/{tenantId}/tokens ${s}`),
    ...['200', '400', '404'].map((s) => `GET /v1/tenants/{tenantId}/tokens ${s}`),
    ...['204', '404'].map((s) => `DELETE /v1/tenants/{tenantId}/tokens ${s}`),
    ...['204', '404'].map((s) => `DELETE /v1/tenants/{tenantId}/tokens/{tokenId} ${s}`),
    ...['201', '400', '404', '415'].map((s) => `POST /v1/api-keys ${s}`),
    ...['200', '400'].map((s) => `GET /v1/api-keys ${s}`),
    ...['200', '404'].map((s) => `GET /v1/api-keys/{keyId} ${s}`),
    ...['204', '404'].map((s) => `DELETE /v1/api-keys/{keyId} ${s}`),
    'GET /v1/tenants/{tenantId}/subscriptions 401',
    'GET /v1/tenants/{tenantId}/subscriptions 403',
    'GET /v1/api-keys 403',
  ];
  expect([...expected, ...access].filter((key) => !exercised.has(key))).toEqual([]);
});
