import { describe, expect, it } from 'vitest';
import { type EventEnvelope, entrySize, toBusEntry } from '../../../shared/events/bus-entry.js';

const envelope: EventEnvelope = {
  id: 'evt_01ARZ3NDEKTSV4RRFFQ69G5FAV',
  type: 'order.created',
  timestamp: '2024-06-01T12:00:00.000Z',
  data: { orderId: 'o-1', total: 42.5 },
};

describe('toBusEntry', () => {
  it('puts the source, the type as detail-type, the envelope as detail and the bus', () => {
    const entry = toBusEntry(envelope, 'hookbridge', 'hookbridge-events');
    expect(entry).toEqual({
      Source: 'hookbridge',
      DetailType: 'order.created',
      Detail: expect.any(String),
      EventBusName: 'hookbridge-events',
    });
    expect(JSON.parse(entry.Detail)).toEqual({
      id: envelope.id,
      type: 'order.created',
      timestamp: '2024-06-01T12:00:00.000Z',
      data: { orderId: 'o-1', total: 42.5 },
    });
  });

  it('uses the configured source', () => {
    expect(toBusEntry(envelope, 'acme.webhooks', 'bus').Source).toBe('acme.webhooks');
  });

  it('keeps non-ASCII data intact through the detail', () => {
    const data = { name: 'Zoë 😀', city: '東京' };
    const entry = toBusEntry({ ...envelope, data }, 'hookbridge', 'bus');
    expect(JSON.parse(entry.Detail).data).toEqual(data);
  });
});

describe('entrySize', () => {
  it('is the byte length of source, detail-type and detail', () => {
    const entry = { Source: 'src', DetailType: 'a.b', Detail: '{"x":1}', EventBusName: 'bus' };
    expect(entrySize(entry)).toBe(3 + 3 + 7);
  });

  it('does not count the bus name', () => {
    const short = { Source: 's', DetailType: 't', Detail: '{}', EventBusName: 'b' };
    const long = { ...short, EventBusName: 'b'.repeat(200) };
    expect(entrySize(long)).toBe(entrySize(short));
  });

  it('counts UTF-8 bytes, not characters, for multi-byte text', () => {
    // é: 2 bytes, 東: 3 bytes, 😀: 4 bytes (and 2 UTF-16 code units).
    const entry = { Source: 'é', DetailType: '東', Detail: '"😀"', EventBusName: 'bus' };
    expect(entrySize(entry)).toBe(2 + 3 + (1 + 4 + 1));
  });

  it('measures a built entry by what EventBridge receives', () => {
    const entry = toBusEntry({ ...envelope, data: { note: 'ü'.repeat(100) } }, 'hookbridge', 'b');
    const expected =
      'hookbridge'.length + 'order.created'.length + new TextEncoder().encode(entry.Detail).length;
    expect(entrySize(entry)).toBe(expected);
    expect(entrySize(entry)).toBeGreaterThan(
      entry.Source.length + entry.DetailType.length + entry.Detail.length,
    );
  });
});
