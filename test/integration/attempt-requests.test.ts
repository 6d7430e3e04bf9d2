import { PutItemCommand } from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import { localResourceNames } from '../../infra/base-resources.js';
import { REDACTED } from '../../shared/delivery/recorded-request.js';
import { deliveryPageSchema } from '../../shared/subscriptions/subscription-responses.js';
import type { EventDetail } from '../../web/src/api/types.js';
import { sentBody } from '../../web/src/portal/sent-body.js';
import { accessWorld } from '../support/access-world.js';
import { waitFor } from '../support/receiver.js';

// The request of each attempt as `hookbridge dev` logs it, held to what a real receiver got:
// the headers (names, values, order), the URL, the body size, and the body the portal shows
// from the event store, byte for byte. And the new fields stay inside their tenant.

const world = accessWorld();
const { A, B, TYPE, api, as, tokens } = world;
/** Set by the HTTP client for the connection, not recorded. */
const TRANSPORT = new Set(['host', 'content-length', 'connection', 'transfer-encoding']);

interface Attempt {
  eventId: string;
  requestUrl?: string;
  requestHeaders?: { name: string; value: string }[];
  requestBodyBytes?: number;
}

/** Publishes raw JSON text (number spellings and escapes a client might send). */
async function publishRaw(text: string): Promise<string> {
  const response = await fetch(`${world.dev.apiUrl}/v1/events`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: text,
  });
  const body = (await response.json()) as { id: string };
  expect(response.status, JSON.stringify(body)).toBe(202);
  return body.id;
}

async function subscribeWithHeaders(path: string): Promise<string> {
  const created = await api('POST', `/v1/tenants/${A}/subscriptions`, {
    eventTypes: [TYPE],
    url: `${world.receiver.url}${path}`,
    headers: {
      'X-Tenant-Ref': 'acme 42',
      Authorization: 'Bearer receiver-side-token',
      'X-Leaked': `Bearer ${tokens.a}`,
    },
  });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  return created.body.id as string;
}

describe('the request an attempt sent', () => {
  it('is recorded as the receiver got it, and the stored event is the body it got', async () => {
    const sub = await subscribeWithHeaders('/headers?ref=1');
    const eventId = await publishRaw(
      `{"type":"${TYPE}","tenantId":"${A}","data":{"price":1.50,"big":1e3,"tiny":-0.0,` +
        `"text":"caf\\u00e9 \\ud83d\\ude00 a\\/b","nested":{"b":[true,null,{"z":1,"a":2}]},"10":"x","2":"y"}}`,
    );
    let got: (typeof world.receiver.received)[number] | undefined;
    await waitFor(
      () => {
        got = world.receiver.received.find(
          (r) => r.headers['webhook-id'] === eventId && r.path === '/headers?ref=1',
        );
        return got !== undefined;
      },
      30_000,
      () =>
        `the receiver to get ${eventId}: ${JSON.stringify(world.receiver.received.map((r) => [r.path, r.headers['webhook-id']]))}`,
    ).catch(async (error) => {
      throw new Error(
        `${error}: ${JSON.stringify((await api('GET', `/v1/events/${eventId}`)).body)}`,
      );
    });
    const received = got as NonNullable<typeof got>;

    let attempts: Attempt[] = [];
    await waitFor(
      async () => {
        const page = await as(
          tokens.a,
          'GET',
          `/v1/tenants/${A}/subscriptions/${sub}/deliveries?eventId=${eventId}`,
        );
        expect(page.status).toBe(200);
        expect(deliveryPageSchema.safeParse(page.body).success).toBe(true);
        attempts = page.body.data;
        return attempts.length > 0;
      },
      15_000,
      () => 'the attempt to be logged',
    );
    const [attempt] = attempts as [Attempt];
    // Headers: every one the receiver got (less the transport's), same values, same order.
    const arrived = Object.entries(received.headers)
      .filter(([name]) => !TRANSPORT.has(name))
      .map(([name, value]) => ({ name, value }));
    const recorded = attempt.requestHeaders?.map(({ name, value }) => ({
      name: name.toLowerCase(),
      value,
    }));
    // The one value redacted is the token a custom header carried: sent, never logged.
    expect(recorded).toEqual(
      arrived.map((h) => (h.name === 'x-leaked' ? { ...h, value: REDACTED } : h)),
    );
    expect(received.headers['x-leaked']).toBe(`Bearer ${tokens.a}`);
    expect(recorded?.map((h) => h.name)).toEqual([
      'x-tenant-ref',
      'authorization',
      'x-leaked',
      'webhook-id',
      'webhook-timestamp',
      'webhook-signature',
      'content-type',
      'user-agent',
    ]);
    expect(attempt.requestUrl).toBe(`${world.receiver.url}/headers?ref=1`);
    expect(attempt.requestBodyBytes).toBe(Buffer.byteLength(received.body));

    // The body: the stored event, rebuilt as the portal does, is exactly what was received.
    const event = await as(tokens.a, 'GET', `/v1/tenants/${A}/events/${eventId}`);
    expect(event.status).toBe(200);
    expect(sentBody(event.body as EventDetail)).toBe(received.body);
  });

  it('stays inside its tenant: B reaches neither the attempts nor the event of A', async () => {
    const sub = await subscribeWithHeaders('/isolated');
    const eventId = await publishRaw(JSON.stringify({ type: TYPE, tenantId: A, data: { n: 1 } }));
    await waitFor(
      async () => (await api('GET', `/v1/subscriptions/${sub}/deliveries`)).body.data.length > 0,
      30_000,
      () => 'an attempt',
    );
    for (const path of [
      `/v1/tenants/${B}/subscriptions/${sub}/deliveries`,
      `/v1/tenants/${B}/subscriptions/${sub}/deliveries?eventId=${eventId}`,
      `/v1/tenants/${A}/subscriptions/${sub}/deliveries`,
      `/v1/tenants/${B}/events/${eventId}`,
    ]) {
      const answer = await as(tokens.b, 'GET', path);
      expect(answer.status, path).toBeGreaterThanOrEqual(400);
      expect(answer.status, path).toBeLessThan(500);
      const text = JSON.stringify(answer.body ?? '');
      for (const leak of ['requestHeaders', 'webhook-signature', 'acme 42', world.receiver.url])
        expect(text, `${path} leaks ${leak}`).not.toContain(leak);
    }
    // B is told exactly what a subscription that does not exist is told: no oracle either.
    const ghost = 'sub_01JD6ZQ8Y3V0R5N7C2K4M9T1XH';
    const mine = await as(tokens.b, 'GET', `/v1/tenants/${B}/subscriptions/${sub}/deliveries`);
    const none = await as(tokens.b, 'GET', `/v1/tenants/${B}/subscriptions/${ghost}/deliveries`);
    expect([mine.status, mine.body.error.code]).toEqual([none.status, none.body.error.code]);
    expect(mine.body.error.message.replace(sub, ghost)).toBe(none.body.error.message);
    // The operator's route of B's tenant answers 404 for A's subscription, as for a missing one.
    const scoped = await api('GET', `/v1/tenants/${B}/subscriptions/${sub}/deliveries`);
    expect(scoped.status).toBe(404);
    expect(JSON.stringify(scoped.body)).not.toContain('requestHeaders');
    // The event view keeps attempts small: the request is in the deliveries route only.
    const view = await api('GET', `/v1/events/${eventId}`);
    expect(JSON.stringify(view.body)).not.toContain('requestHeaders');
  });

  it('reads attempts logged before requests were kept, and says how long bodies are kept', async () => {
    const sub = await subscribeWithHeaders('/old');
    const attemptedAt = '2026-01-01T00:00:00.000Z';
    const eventId = 'evt_01JD6ZQ8Y3V0R5N7C2K4M9T1XH';
    await world.dynamo.send(
      new PutItemCommand({
        TableName: localResourceNames.deliveriesTable,
        Item: {
          subscriptionId: { S: sub },
          sk: { S: `${eventId}#${attemptedAt}` },
          eventId: { S: eventId },
          eventType: { S: TYPE },
          attempt: { N: '1' },
          attemptedAt: { S: attemptedAt },
          result: { S: 'failed' },
          final: { BOOL: false },
          statusCode: { N: '503' },
          durationMs: { N: '12' },
          responseBody: { S: 'busy' },
          messageId: { S: 'an-old-message' },
        },
      }),
    );
    const page = await as(tokens.a, 'GET', `/v1/tenants/${A}/subscriptions/${sub}/deliveries`);
    expect(page.status).toBe(200);
    expect(deliveryPageSchema.safeParse(page.body).success).toBe(true);
    expect(page.body.data).toEqual([
      {
        subscriptionId: sub,
        eventId,
        eventType: TYPE,
        attempt: 1,
        attemptedAt,
        result: 'failed',
        final: false,
        statusCode: 503,
        durationMs: 12,
        responseBody: 'busy',
      },
    ]);
    expect(page.body.eventRetentionDays).toBeGreaterThan(0);
  });
});
