import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { DevRuntime } from '../../local/dev-runtime.js';
import { apiCall } from '../support/api-call.js';
import { startReceiver, waitFor } from '../support/receiver.js';

// HOOKBRIDGE_EVENT_RETENTION_DAYS=0: nothing is stored, delivery goes on as before, and the
// message routes say the store is off instead of answering as if it were empty. The handlers
// read their configuration when loaded, so the setting comes before the runtime is imported.

let dev: DevRuntime;
let receiver: Awaited<ReturnType<typeof startReceiver>>;
const previous = process.env.HOOKBRIDGE_EVENT_RETENTION_DAYS;

beforeAll(async () => {
  process.env.HOOKBRIDGE_EVENT_RETENTION_DAYS = '0';
  const { startDev } = await import('../../local/dev-runtime.js');
  dev = await startDev({ port: 0, awsEndpointUrl: inject('awsEndpoint') });
  receiver = await startReceiver();
});

afterAll(async () => {
  await dev?.stop();
  await receiver?.close();
  if (previous === undefined) delete process.env.HOOKBRIDGE_EVENT_RETENTION_DAYS;
  else process.env.HOOKBRIDGE_EVENT_RETENTION_DAYS = previous;
});

function api(method: string, path: string, body?: unknown) {
  return apiCall(dev.apiUrl, method, path, body);
}

describe('with the message store off', () => {
  it('still delivers, stores nothing, and answers event_store_disabled on every message route', async () => {
    const type = `off${Math.random().toString(36).slice(2, 8)}.x`;
    const sub = await api('POST', '/v1/subscriptions', {
      url: `${receiver.url}/off`,
      eventTypes: [type],
    });
    expect(sub.status).toBe(201);
    const tenant = await api('POST', '/v1/tenants', {
      id: `off-${sub.body.id.slice(-6).toLowerCase()}`,
      name: 'x',
    });
    expect(tenant.status).toBe(201);
    const published = await api('POST', '/v1/events', { type, data: { n: 1 } });
    expect(published.status).toBe(202);
    const eventId = published.body.id as string;
    await waitFor(() => receiver.received.length === 1, 15_000, 'the delivery');

    for (const path of [
      '/v1/events',
      `/v1/events/${eventId}`,
      `/v1/tenants/${tenant.body.id}/events`,
      `/v1/tenants/${tenant.body.id}/events/${eventId}`,
    ]) {
      const answer = await api('GET', path);
      expect(answer.status, path).toBe(404);
      expect(answer.body.error.code, path).toBe('event_store_disabled');
    }
    const resend = await api('POST', `/v1/subscriptions/${sub.body.id}/resend`, { eventId });
    expect(resend.status).toBe(409);
    expect(resend.body.error.code).toBe('event_store_disabled');
    // Nothing was resent.
    expect(receiver.received).toHaveLength(1);
  });
});
