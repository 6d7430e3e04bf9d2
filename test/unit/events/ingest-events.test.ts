import { describe, expect, it } from 'vitest';
import { PayloadTooLargeError } from '../../../shared/errors.js';
import { type BusEntry, entrySize } from '../../../shared/events/bus-entry.js';
import { isEventId } from '../../../shared/events/event-id.js';
import type { EventPublisher, PublishOutcome } from '../../../shared/events/event-publisher.js';
import type { EventInput } from '../../../shared/events/event-schema.js';
import { type IngestSettings, ingestEvents } from '../../../shared/events/ingest-events.js';

/** Records what it is asked to publish and answers with `outcomes` (default: all accepted). */
class FakePublisher implements EventPublisher {
  readonly published: BusEntry[][] = [];

  constructor(private readonly outcomes?: (entries: readonly BusEntry[]) => PublishOutcome[]) {}

  async publish(entries: readonly BusEntry[]): Promise<PublishOutcome[]> {
    this.published.push([...entries]);
    return this.outcomes ? this.outcomes(entries) : entries.map(() => ({ ok: true }));
  }
}

const settings: IngestSettings = {
  source: 'acme.hooks',
  busName: 'acme-bus',
  maxEntryBytes: 262_144,
};
const fixedNow = () => new Date('2024-06-01T12:34:56.789Z');
const input = (i: number, data: Record<string, unknown> = { i }): EventInput => ({
  type: `order.e${i}`,
  data,
});

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the promise to reject');
}

describe('ingestEvents', () => {
  it('publishes one entry per event with the DESIGN §3 envelope as its detail', async () => {
    const publisher = new FakePublisher();
    const results = await ingestEvents(
      [input(0, { orderId: 'o-1' }), input(1)],
      publisher,
      settings,
      { now: fixedNow },
    );

    expect(publisher.published).toHaveLength(1);
    const sent = publisher.published[0] ?? [];
    expect(sent).toHaveLength(2);
    expect(sent[0]).toEqual({
      Source: 'acme.hooks',
      DetailType: 'order.e0',
      Detail: expect.any(String),
      EventBusName: 'acme-bus',
    });
    expect(JSON.parse(sent[0]?.Detail ?? '')).toEqual({
      id: results[0]?.id,
      type: 'order.e0',
      timestamp: '2024-06-01T12:34:56.789Z',
      data: { orderId: 'o-1' },
    });
    expect(JSON.parse(sent[1]?.Detail ?? '').id).toBe(results[1]?.id);
  });

  it('answers every event as accepted with a fresh, distinct event id, in order', async () => {
    const publisher = new FakePublisher();
    const results = await ingestEvents([input(0), input(1), input(2)], publisher, settings);

    expect(results.map((r) => r.status)).toEqual(['accepted', 'accepted', 'accepted']);
    const ids = results.map((r) => r.id);
    expect(ids.every(isEventId)).toBe(true);
    expect(new Set(ids).size).toBe(3);
    // Ids follow input order, so the delivery log sorts a batch as it was sent.
    expect([...ids].sort()).toEqual(ids);
    const types = (publisher.published[0] ?? []).map((e) => JSON.parse(e.Detail).type);
    expect(types).toEqual(['order.e0', 'order.e1', 'order.e2']);
  });

  it('stamps the time of acceptance as an ISO 8601 timestamp by default', async () => {
    const publisher = new FakePublisher();
    const before = Date.now();
    await ingestEvents([input(0)], publisher, settings);
    const after = Date.now();

    const { timestamp } = JSON.parse(publisher.published[0]?.[0]?.Detail ?? '');
    expect(timestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(Date.parse(timestamp)).toBeGreaterThanOrEqual(before);
    expect(Date.parse(timestamp)).toBeLessThanOrEqual(after);
  });

  it('rejects a single event over maxEntryBytes with a 413 naming the limit, publishing nothing', async () => {
    const publisher = new FakePublisher();
    const big = input(0, { blob: 'x'.repeat(2_000) });

    const error = await rejection(
      ingestEvents([big], publisher, { ...settings, maxEntryBytes: 1_000 }),
    );

    expect(error).toBeInstanceOf(PayloadTooLargeError);
    const tooLarge = error as PayloadTooLargeError;
    expect(tooLarge.status).toBe(413);
    expect(tooLarge.code).toBe('payload_too_large');
    expect(tooLarge.message).toContain('1000 bytes');
    expect(tooLarge.details).toEqual([{ field: 'body', message: expect.any(String) }]);
    expect(publisher.published).toHaveLength(0);
  });

  it('rejects a whole batch when one event is too large, naming events[i], publishing nothing', async () => {
    const publisher = new FakePublisher();
    const batch = [input(0), input(1), input(2, { blob: 'x'.repeat(2_000) }), input(3)];

    const error = await rejection(
      ingestEvents(batch, publisher, { ...settings, maxEntryBytes: 1_000 }),
    );

    expect(error).toBeInstanceOf(PayloadTooLargeError);
    const tooLarge = error as PayloadTooLargeError;
    expect(tooLarge.status).toBe(413);
    expect(tooLarge.message).toMatch(/^events\[2\]: /);
    expect(tooLarge.message).toContain('the limit is 1000 bytes');
    expect(tooLarge.details?.map((d) => d.field)).toEqual(['events[2]']);
    expect(publisher.published).toHaveLength(0);
  });

  it('lists every oversize event of a batch', async () => {
    const publisher = new FakePublisher();
    const blob = { blob: 'x'.repeat(2_000) };
    const batch = [input(0, blob), input(1), input(2, blob)];

    const error = (await rejection(
      ingestEvents(batch, publisher, { ...settings, maxEntryBytes: 1_000 }),
    )) as PayloadTooLargeError;

    expect(error.details?.map((d) => d.field)).toEqual(['events[0]', 'events[2]']);
    expect(error.message).toContain('(and 1 more)');
    expect(publisher.published).toHaveLength(0);
  });

  it('measures the whole entry in UTF-8 bytes, accepting one at exactly the limit', async () => {
    // 300 three-byte characters: 900 bytes of data, though only 300 UTF-16 code units.
    const event = input(0, { text: '東'.repeat(300) });
    const probe = new FakePublisher();
    await ingestEvents([event], probe, settings, { now: fixedNow });
    const size = entrySize(probe.published[0]?.[0] as BusEntry);
    expect(size).toBeGreaterThan(900);

    const atLimit = new FakePublisher();
    const results = await ingestEvents(
      [event],
      atLimit,
      { ...settings, maxEntryBytes: size },
      { now: fixedNow },
    );
    expect(results[0]?.status).toBe('accepted');

    const overLimit = new FakePublisher();
    const error = await rejection(
      ingestEvents([event], overLimit, { ...settings, maxEntryBytes: size - 1 }, { now: fixedNow }),
    );
    expect(error).toBeInstanceOf(PayloadTooLargeError);
    expect(overLimit.published).toHaveLength(0);
  });

  it.each([
    ['MalformedDetail', 'event_rejected'],
    ['InvalidArgument', 'event_rejected'],
    ['ValidationException', 'publish_failed'],
    ['ThrottlingException', 'publish_failed'],
    ['InternalFailure', 'publish_failed'],
    ['AccessDeniedException', 'publish_failed'],
    ['TimeoutError', 'publish_failed'],
  ])(
    'reports a %s failure per event as %s, keeping the others accepted',
    async (code, expected) => {
      const publisher = new FakePublisher((entries) =>
        entries.map((_, i) =>
          i === 1 ? { ok: false, code, message: 'Detail is malformed.' } : { ok: true },
        ),
      );

      const results = await ingestEvents([input(0), input(1), input(2)], publisher, settings);

      expect(results[0]).toEqual({ id: expect.any(String), status: 'accepted' });
      expect(results[1]).toEqual({
        id: expect.any(String),
        status: 'failed',
        error: { code: expected, message: expect.stringContaining(code) },
      });
      // EventBridge's own message can name the account and role: it is logged, not returned.
      expect(results[1]?.status === 'failed' && results[1].error.message).not.toContain(
        'Detail is malformed.',
      );
      expect(results[2]).toEqual({ id: expect.any(String), status: 'accepted' });
      expect(isEventId(results[1]?.id ?? '')).toBe(true);
    },
  );

  it('reports an event the publisher gave no outcome for as failed, not accepted', async () => {
    const publisher = new FakePublisher(() => [{ ok: true }]);

    const results = await ingestEvents([input(0), input(1)], publisher, settings);

    expect(results.map((r) => r.status)).toEqual(['accepted', 'failed']);
    expect(results[1]).toMatchObject({ error: { code: 'publish_failed' } });
  });
});

describe('ingestEvents in a batch of one', () => {
  it('names events[0] when the only event of a batch is too large', async () => {
    const publisher = new FakePublisher();
    const error = await rejection(
      ingestEvents(
        [input(0, { blob: 'x'.repeat(2_000) })],
        publisher,
        { ...settings, maxEntryBytes: 1_000 },
        { batch: true },
      ),
    );
    expect(error).toBeInstanceOf(PayloadTooLargeError);
    expect((error as PayloadTooLargeError).message).toMatch(/^events\[0\]: /);
  });
});
