import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { type DevRuntime, startDev } from '../../local/dev-runtime.js';
import { apiCall } from '../support/api-call.js';
import { startReceiver, waitFor } from '../support/receiver.js';

let dev: DevRuntime;
let receiver: Awaited<ReturnType<typeof startReceiver>>;

beforeAll(async () => {
  dev = await startDev({ port: 0, awsEndpointUrl: inject('awsEndpoint'), reconcileEveryMs: 5_000 });
  receiver = await startReceiver(() => ({ status: 204 }));
});

afterAll(async () => {
  await dev?.stop();
  await receiver?.close();
});

function api(method: string, path: string, body?: unknown) {
  return apiCall(dev.apiUrl, method, path, body);
}

describe('the local runtime', () => {
  it('serves the HTTP API over the production handlers and delivers to a loopback receiver', async () => {
    const created = await api('POST', '/v1/subscriptions', {
      url: `${receiver.url}/webhook`,
      eventTypes: ['order.*'],
    });
    expect(created.status).toBe(201);
    const sent = await api('POST', '/v1/events', { type: 'order.created', data: { id: 1 } });
    expect(sent.status).toBe(202);

    await waitFor(() => receiver.received.length === 1, 15_000, 'the delivery');
    const [request] = receiver.received;
    const payload = new Webhook(created.body.secret).verify(request?.body ?? '', {
      'webhook-id': String(request?.headers['webhook-id']),
      'webhook-timestamp': String(request?.headers['webhook-timestamp']),
      'webhook-signature': String(request?.headers['webhook-signature']),
    });
    expect(payload).toMatchObject({ id: sent.body.id, type: 'order.created', data: { id: 1 } });

    const listed = await api('GET', '/v1/subscriptions?limit=10');
    expect(listed.body.data.map((s: { id: string }) => s.id)).toContain(created.body.id);
    // The attempt is logged once the receiver has answered.
    const logged = async () =>
      (await api('GET', `/v1/subscriptions/${created.body.id}/deliveries`)).body.data;
    await waitFor(async () => (await logged()).length === 1, 5_000, 'the attempt log');
    const deliveries = { body: { data: await logged() } };
    expect(deliveries.body.data[0]).toMatchObject({
      eventId: sent.body.id,
      result: 'delivered',
      statusCode: 204,
    });
  });

  it('answers JSON errors for unknown routes and methods', async () => {
    expect(await api('GET', '/v1/nothing')).toEqual({
      status: 404,
      body: { error: { code: 'not_found', message: 'no route for GET /v1/nothing' } },
    });
    expect((await api('PUT', '/v1/events', {})).status).toBe(405);
    const malformed = await api('GET', '/v1/subscriptions/%E0');
    expect(malformed.status).toBe(404);
    expect(malformed.body.error.code).toBe('not_found');
  });

  it('refuses to start on a port that is taken, with a clear message', async () => {
    const port = Number(new URL(dev.apiUrl).port);
    await expect(startDev({ port, awsEndpointUrl: inject('awsEndpoint') })).rejects.toThrow(
      `port ${port} is already in use`,
    );
  });
});
