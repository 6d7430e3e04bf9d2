import { describe, expect, it } from 'vitest';
import type { DynamoEventStoreReader } from '../../../shared/events/event-store-reader.js';
import { MessageApi } from '../../../shared/events/message-api.js';
import type { StoredEvent } from '../../../shared/events/stored-event.js';
import type { Subscription } from '../../../shared/subscriptions/subscription.js';

const ID = 'evt_01JD6ZQ8Y3V0R5N7C2K4M9T1XH';
const stored = (tenantId: string | undefined, retained = true): StoredEvent => {
  const envelope = {
    id: ID,
    type: 'a.b',
    ...(tenantId && { tenantId }),
    timestamp: '2026-12-03T10:00:00.000Z',
    data: { x: 1 },
  };
  return {
    id: ID,
    type: 'a.b',
    ...(tenantId && { tenantId }),
    timestamp: envelope.timestamp,
    payloadRetained: retained,
    ...(retained && { envelope: JSON.stringify(envelope) }),
  };
};

const sub = (id: string, tenantId?: string): Subscription => ({
  id,
  ...(tenantId && { tenantId }),
  url: 'https://example.test',
  eventTypes: ['*'],
  maxConcurrency: 1,
  retrySchedule: [1],
  status: 'active',
  secrets: [],
  createdAt: '2026-12-01T00:00:00.000Z',
  updatedAt: '2026-12-01T00:00:00.000Z',
  version: 1,
});

/** The API over one stored event and subscriptions that an index may return wrongly. */
function api(event: StoredEvent | undefined, all: Subscription[], enabled = true) {
  const reader = {
    get: async (id: string) => (id === event?.id ? event : undefined),
  } as unknown as DynamoEventStoreReader;
  return new MessageApi({
    reader: enabled ? reader : undefined,
    retentionDays: 30,
    // A misbehaving index: it answers every subscription, whatever the tenant asked for.
    subscriptions: { ofTenant: async () => all, scan: async () => all },
    attempts: { list: async () => ({ items: [] }) },
    source: 'hookbridge',
  });
}

const everyone = [sub('sub_a', 'acme'), sub('sub_b', 'globex'), sub('sub_op')];

describe('MessageApi', () => {
  it("never lists another tenant's subscription as a destination, even if an index returned it", async () => {
    const ofAcme = await api(stored('acme'), everyone).get(ID);
    expect(ofAcme.deliveries.map((d) => d.subscriptionId)).toEqual(['sub_a', 'sub_op']);
    const asAcme = await api(stored('*'), everyone).get(ID, 'acme');
    expect(asAcme.deliveries.map((d) => d.subscriptionId)).toEqual(['sub_a']);
    const none = await api(stored(undefined), everyone).get(ID);
    expect(none.deliveries.map((d) => d.subscriptionId)).toEqual(['sub_op']);
  });

  it("answers another tenant's event, and one without a tenant, as missing in a tenant's view", async () => {
    for (const tenant of ['globex', undefined]) {
      await expect(api(stored(tenant), everyone).get(ID, 'acme')).rejects.toMatchObject({
        status: 404,
        code: 'not_found',
        message: `event ${ID} not found`,
      });
    }
  });

  it('resends only what the subscription may receive, and only with its payload', async () => {
    await expect(
      api(stored('globex'), everyone).forResend(ID, sub('sub_a', 'acme')),
    ).rejects.toMatchObject({ status: 404 });
    await expect(
      api(stored('acme', false), everyone).forResend(ID, sub('sub_a', 'acme')),
    ).rejects.toMatchObject({
      status: 409,
      code: 'payload_not_retained',
    });
    expect(
      JSON.parse(await api(stored('*'), everyone).forResend(ID, sub('sub_a', 'acme'))),
    ).toMatchObject({ id: ID });
    expect(
      JSON.parse(await api(stored('globex'), everyone).forResend(ID, sub('sub_op'))),
    ).toMatchObject({ tenantId: 'globex' });
  });

  it('shows no data for an event stored without its payload', async () => {
    const view = await api(stored('acme', false), everyone).get(ID);
    expect(view).toMatchObject({ payloadRetained: false });
    expect(view).not.toHaveProperty('data');
  });

  it('says the store is off: 404 on reads, 409 on resend', async () => {
    const off = api(undefined, everyone, false);
    await expect(off.get(ID)).rejects.toMatchObject({ status: 404, code: 'event_store_disabled' });
    await expect(off.list({ limit: 5 })).rejects.toMatchObject({
      status: 404,
      code: 'event_store_disabled',
    });
    await expect(off.forResend(ID, sub('sub_op'))).rejects.toMatchObject({
      status: 409,
      code: 'event_store_disabled',
    });
  });

  it('bounds the days a list walks to what can be stored, whatever from and to say', async () => {
    const reads: string[] = [];
    const reader = {
      read: async (request: { partition: string }) => {
        reads.push(request.partition);
        return { items: [] };
      },
    } as unknown as DynamoEventStoreReader;
    const messages = new MessageApi({
      reader,
      retentionDays: 30,
      subscriptions: { ofTenant: async () => [], scan: async () => [] },
      attempts: { list: async () => ({ items: [] }) },
      source: 'hookbridge',
      now: () => new Date('2026-12-03T10:00:00.000Z'),
    });
    const future = await messages.list({
      limit: 10,
      from: new Date('2099-01-01T00:00:00Z'),
      to: new Date('2099-01-02T00:00:00Z'),
    });
    expect(future).toEqual({ data: [] });
    expect(reads).toEqual([]);
    const everything = await messages.list({
      limit: 10,
      from: new Date('1970-01-01T00:00:00Z'),
      to: new Date('9999-01-01T00:00:00Z'),
    });
    expect(reads[0]).toBe('2026-12-04#0');
    expect(everything.nextCursor).toBeDefined();
  });

  it('answers an id of another shape as missing without reading', async () => {
    await expect(api(stored('acme'), everyone).get('x'.repeat(5000))).rejects.toMatchObject({
      status: 404,
    });
  });
});
