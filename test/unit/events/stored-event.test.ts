import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { EVENT_DAY_SHARDS } from '../../../shared/aws/table-indexes.js';
import type { EventEnvelope } from '../../../shared/events/bus-entry.js';
import { newEventId } from '../../../shared/events/event-id.js';
import {
  bucketOf,
  fromStoredItem,
  GZIP_ABOVE_BYTES,
  MAX_STORED_PAYLOAD_BYTES,
  shardOf,
  toStoredItem,
} from '../../../shared/events/stored-event.js';

const envelope = (data: Record<string, unknown>, tenantId?: string): EventEnvelope => ({
  id: 'evt_01JD6ZQ8Y3V0R5N7C2K4M9T1XH',
  type: 'order.created',
  ...(tenantId !== undefined && { tenantId }),
  timestamp: '2026-12-03T10:20:30.456Z',
  data,
});

/** DynamoDB's item size: attribute names plus values (strings and binaries by length). */
function itemBytes(item: Record<string, { S?: string; B?: Uint8Array; N?: string }>): number {
  let total = 0;
  for (const [name, value] of Object.entries(item)) {
    total += Buffer.byteLength(name);
    if (value.S !== undefined) total += Buffer.byteLength(value.S);
    else if (value.B !== undefined) total += value.B.byteLength;
    else if (value.N !== undefined) total += 21;
    else total += 1;
  }
  return total;
}

describe('the stored event item', () => {
  it('holds the keys of both indexes, the tenant key and the TTL of the retention', () => {
    const e = envelope({ orderId: 'o-1' }, 'acme');
    const item = toStoredItem(e, JSON.stringify(e), 30);
    expect(item).toMatchObject({
      id: { S: e.id },
      type: { S: 'order.created' },
      tenantId: { S: 'acme' },
      tenantKey: { S: 'acme' },
      timestamp: { S: e.timestamp },
      timeKey: { S: `${e.timestamp}#${e.id}` },
      bucket: { S: `2026-12-03#${shardOf(e.id)}` },
      payloadRetained: { BOOL: true },
    });
    expect(Number(item.expiresAt?.N)).toBe(
      Math.floor(Date.parse(e.timestamp) / 1000) + 30 * 86_400,
    );
  });

  it('keys an event without a tenant under "-" and a broadcast under "*"', () => {
    const none = envelope({});
    expect(toStoredItem(none, JSON.stringify(none), 1)).toMatchObject({ tenantKey: { S: '-' } });
    expect(toStoredItem(none, JSON.stringify(none), 1).tenantId).toBeUndefined();
    const all = envelope({}, '*');
    expect(toStoredItem(all, JSON.stringify(all), 1)).toMatchObject({
      tenantKey: { S: '*' },
      tenantId: { S: '*' },
    });
  });

  it('keeps a small envelope as its exact text, and gives it back byte for byte', () => {
    const detail =
      '{"id":"evt_01JD6ZQ8Y3V0R5N7C2K4M9T1XH","type":"order.created","timestamp":"2026-12-03T10:20:30.456Z","data":{"n":1e21,"s":"é\\u0000"}}';
    const item = toStoredItem(envelope({}), detail, 1);
    expect(item.envelope).toEqual({ S: detail });
    expect(item.envelopeGzip).toBeUndefined();
    expect(fromStoredItem(item)?.envelope).toBe(detail);
  });

  it('gzips an envelope above 1 KB into a binary attribute and restores it exactly', () => {
    const e = envelope({ text: 'x'.repeat(GZIP_ABOVE_BYTES * 50) });
    const detail = JSON.stringify(e);
    const item = toStoredItem(e, detail, 1);
    expect(item.envelope).toBeUndefined();
    expect(item.envelopeGzip?.B?.byteLength).toBeLessThan(Buffer.byteLength(detail) / 10);
    expect(fromStoredItem(item)).toEqual({
      id: e.id,
      type: e.type,
      timestamp: e.timestamp,
      payloadRetained: true,
      envelope: detail,
    });
  });

  it('stores nesting far beyond what a DynamoDB map takes (32 levels) unchanged', () => {
    let deep: Record<string, unknown> = { leaf: true };
    for (let i = 0; i < 40; i++) deep = { d: deep };
    const e = envelope(deep);
    const detail = JSON.stringify(e);
    expect(JSON.parse(fromStoredItem(toStoredItem(e, detail, 1))?.envelope ?? '')).toEqual(e);
  });

  it('stores a 1 MB event that gzip cannot shrink without its payload, flagged, within the item limit', () => {
    const e = envelope({ noise: randomBytes(700_000).toString('base64') });
    const detail = JSON.stringify(e);
    const item = toStoredItem(e, detail, 1);
    expect(item.payloadRetained).toEqual({ BOOL: false });
    expect(item.envelope).toBeUndefined();
    expect(item.envelopeGzip).toBeUndefined();
    expect(itemBytes(item)).toBeLessThan(400 * 1024);
    expect(fromStoredItem(item)).toMatchObject({ id: e.id, payloadRetained: false });
    expect(fromStoredItem(item)?.envelope).toBeUndefined();
  });

  it('keeps the largest payload that fits, and the item stays under 400 KB with the longest type and tenant', () => {
    const e: EventEnvelope = {
      ...envelope({}, 'T'.repeat(64)),
      type: 't'.repeat(128),
    };
    // Random bytes barely compress: the gzip is about as large as the text.
    const noise = randomBytes(Math.floor(MAX_STORED_PAYLOAD_BYTES * 0.7)).toString('base64');
    const detail = JSON.stringify({ ...e, data: { noise } });
    const item = toStoredItem(e, detail, 365);
    expect(item.payloadRetained).toEqual({ BOOL: true });
    expect(itemBytes(item)).toBeLessThan(400 * 1024);
  });

  it('spreads ids over every shard, always the same one for an id', () => {
    const seen = new Set<number>();
    for (let i = 0; i < 200; i++) {
      const id = newEventId();
      expect(shardOf(id)).toBe(shardOf(id));
      seen.add(shardOf(id));
    }
    expect([...seen].sort()).toEqual(Array.from({ length: EVENT_DAY_SHARDS }, (_, i) => i));
    expect(bucketOf('2026-01-31T23:59:59.999Z', 'evt_x')).toMatch(/^2026-01-31#[0-3]$/);
  });

  it('reads no event out of an item that lacks its id, type or timestamp', () => {
    expect(fromStoredItem({ id: { S: 'evt_x' }, type: { S: 't' } })).toBeUndefined();
  });
});
