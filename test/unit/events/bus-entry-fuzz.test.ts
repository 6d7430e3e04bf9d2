import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../../shared/errors.js';
import { toBusEntry } from '../../../shared/events/bus-entry.js';
import { parseEventInput } from '../../../shared/events/event-schema.js';
import { parseStrictJson } from '../../../shared/http/strict-json.js';
import { randomJson } from '../../support/random-json.js';
import { seededRandom } from '../../support/seeded-random.js';

// What the ingest API accepts is what a subscriber gets: the body parsed strictly, validated,
// put on the bus as the detail, read back by the delivery function from the EventBridge event
// in the SQS body, and serialized again as the webhook body.
function delivered(detail: string): unknown {
  const sqsBody = JSON.stringify({
    version: '0',
    'detail-type': 'order.created',
    source: 'hookbridge',
    detail: JSON.parse(detail),
  });
  return JSON.parse(JSON.stringify(JSON.parse(sqsBody).detail));
}

describe('an accepted event body on its way to a subscriber', () => {
  it('keeps `data` equal to what JSON.parse reads from the request, for random documents', () => {
    const random = seededRandom(31);
    let accepted = 0;
    for (let n = 0; n < 400; n++) {
      const { text: inner } = randomJson(random, { maxDepth: 6, flawed: random.chance(0.2) });
      const body = `{"type":"order.created","data":{"value":${inner},"n":-0,"x":1E2}}`;
      let data: Record<string, unknown>;
      try {
        data = parseEventInput(parseStrictJson(body)).data;
      } catch (error) {
        expect(error).toBeInstanceOf(ValidationError);
        continue;
      }
      accepted++;
      const sent = JSON.parse(body).data;
      const entry = toBusEntry(
        { id: 'evt_1', type: 'order.created', timestamp: '2024-06-01T12:00:00.000Z', data },
        'hookbridge',
        'bus',
      );
      const received = delivered(entry.Detail) as { data: unknown };
      // Same meaning: equal as JSON values, and the same text once serialized. (-0 is sent as
      // 0, which JSON.stringify of the request's own value also writes.)
      expect(JSON.stringify(received.data)).toBe(JSON.stringify(sent));
      expect(received.data).toEqual(JSON.parse(JSON.stringify(sent)));
      // And the delivered body passes the same strict parse a subscriber might apply.
      expect((parseStrictJson(entry.Detail) as { data: unknown }).data).toEqual(received.data);
    }
    expect(accepted).toBeGreaterThan(300);
  });
});
