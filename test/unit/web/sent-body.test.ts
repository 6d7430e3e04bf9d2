import { describe, expect, it } from 'vitest';
import { type EventEnvelope, toBusEntry } from '../../../shared/events/bus-entry.js';
import type { EventDetail } from '../../../web/src/api/types.js';
import { missingBodyReason, sentBody, utf8Bytes } from '../../../web/src/portal/sent-body.js';
import { randomJson } from '../../support/random-json.js';
import { seededRandom } from '../../support/seeded-random.js';

/**
 * The body the portal shows, held to the body the deliverer sends: ingest's envelope, stored as
 * its bus entry's Detail, carried in an SQS body, parsed and serialized by the deliverer as in
 * shared/delivery/deliverer.ts; on the other side the message API's answer as the browser gets it.
 */
function roundTrip(envelope: EventEnvelope) {
  const stored = toBusEntry(envelope, 'hookbridge', 'bus').Detail;
  const sqsBody = JSON.stringify({ 'detail-type': envelope.type, detail: JSON.parse(stored) });
  const sent = JSON.stringify(JSON.parse(sqsBody).detail);
  const { data, ...summary } = JSON.parse(stored) as EventEnvelope;
  const answer = JSON.stringify({ ...summary, payloadRetained: true, data, deliveries: [] });
  const shown = sentBody(JSON.parse(answer) as EventDetail);
  return { stored, sent, shown };
}

describe('the request body the portal shows', () => {
  it('is byte for byte the body sent, for any JSON data (seeded property test)', () => {
    const random = seededRandom(13);
    for (let i = 0; i < 300; i++) {
      const { text } = randomJson(random, { maxDepth: 5, flawed: false });
      const parsed = JSON.parse(text) as unknown;
      const data =
        parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)
          ? (parsed as Record<string, unknown>)
          : { value: parsed };
      const envelope: EventEnvelope = {
        id: 'evt_01JABCDEFGHJKMNPQRSTVWXYZ0',
        type: 'order.created',
        ...(i % 3 === 0 ? {} : { tenantId: i % 3 === 1 ? 'acme' : '*' }),
        timestamp: '2026-12-03T17:00:00.000Z',
        data,
      };
      const { stored, sent, shown } = roundTrip(envelope);
      expect(shown).toBe(sent);
      expect(shown).toBe(stored);
      expect(utf8Bytes(shown ?? '')).toBe(Buffer.byteLength(sent));
    }
  });

  it('is not made up when the store did not keep the payload', () => {
    const event: EventDetail = {
      id: 'evt_1',
      type: 't',
      timestamp: '2026-12-03T17:00:00.000Z',
      payloadRetained: false,
      deliveries: [],
    };
    expect(sentBody(event)).toBeUndefined();
  });

  it('says why a body cannot be shown', () => {
    expect(missingBodyReason({ eventType: 'order.created', retentionDays: 7 })).toBe(
      'The body is kept for 7 days: this event is no longer in the event store.',
    );
    expect(missingBodyReason({ eventType: 'order.created', retentionDays: 1 })).toContain(
      'kept for 1 day:',
    );
    expect(missingBodyReason({ eventType: 'order.created', retentionDays: 0 })).toContain(
      'event store is off',
    );
    expect(missingBodyReason({ eventType: 'hookbridge.test', retentionDays: 7 })).toContain(
      'test event',
    );
    expect(
      missingBodyReason({ eventType: 'x', retentionDays: 7, payloadRetained: false }),
    ).toContain('too large');
  });
});
