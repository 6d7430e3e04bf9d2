import {
  type BatchWriteItemCommand,
  DeleteItemCommand,
  type DynamoDBClient,
  PutItemCommand,
  type WriteRequest,
} from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import type { BusEntry } from '../../../shared/events/bus-entry.js';
import type { EventPublisher, PublishOutcome } from '../../../shared/events/event-publisher.js';
import {
  DynamoEventStore,
  type EventStoreWriter,
  type EventToStore,
} from '../../../shared/events/event-store.js';
import { ingestEvents, type StoreOutcome } from '../../../shared/events/ingest-events.js';

type Command = PutItemCommand | BatchWriteItemCommand | DeleteItemCommand;

/** A DynamoDB client that answers with `answer` and keeps what it was sent. */
function fakeClient(answer: (command: Command, call: number) => unknown) {
  const sent: Command[] = [];
  const client = {
    send: async (command: Command) => {
      sent.push(command);
      return answer(command, sent.length);
    },
  } as unknown as DynamoDBClient;
  return { client, sent };
}

const events = (n: number): EventToStore[] =>
  Array.from({ length: n }, (_, i) => {
    const envelope = {
      id: `evt_01JD6ZQ8Y3V0R5N7C2K4M9T${String(i).padStart(3, '0')}`,
      type: 'a.b',
      timestamp: '2026-12-03T10:00:00.000Z',
      data: { i },
    };
    return { envelope, detail: JSON.stringify(envelope) };
  });

const options = { tableName: 'store', retentionDays: 7, baseDelayMs: 0 };

describe('DynamoEventStore', () => {
  it('writes one event with PutItem', async () => {
    const { client, sent } = fakeClient(() => ({}));
    const result = await new DynamoEventStore(client, options).write(events(1));
    expect(result).toEqual({ stored: 1, failed: [] });
    expect(sent).toHaveLength(1);
    expect(sent[0]).toBeInstanceOf(PutItemCommand);
  });

  it('writes a batch of 60 in BatchWriteItem calls of at most 25', async () => {
    const { client, sent } = fakeClient(() => ({ UnprocessedItems: {} }));
    const result = await new DynamoEventStore(client, options).write(events(60));
    expect(result).toEqual({ stored: 60, failed: [] });
    const sizes = sent.map(
      (c) => (c.input as { RequestItems: Record<string, unknown[]> }).RequestItems.store?.length,
    );
    expect(sizes.sort()).toEqual([10, 25, 25]);
  });

  it('sends unprocessed items again until they are written', async () => {
    const { client, sent } = fakeClient((command, call) => {
      const requests =
        (command.input as { RequestItems: Record<string, WriteRequest[]> }).RequestItems.store ??
        [];
      // The first call leaves the last two unprocessed (throttling), the second one.
      if (call === 1) return { UnprocessedItems: { store: requests.slice(-2) } };
      if (call === 2) return { UnprocessedItems: { store: requests.slice(-1) } };
      return { UnprocessedItems: {} };
    });
    const result = await new DynamoEventStore(client, options).write(events(5));
    expect(result).toEqual({ stored: 5, failed: [] });
    expect(sent).toHaveLength(3);
  });

  it('reports by id what stays unprocessed after the last try, without throwing', async () => {
    const { client } = fakeClient((command) => ({
      UnprocessedItems: {
        store: (
          command.input as { RequestItems: Record<string, WriteRequest[]> }
        ).RequestItems.store?.slice(0, 1),
      },
    }));
    const batch = events(3);
    const result = await new DynamoEventStore(client, { ...options, maxAttempts: 3 }).write(batch);
    expect(result.stored).toBe(2);
    expect(result.failed).toEqual([
      { id: batch[0]?.envelope.id, error: expect.stringMatching(/unprocessed after 3/) },
    ]);
  });

  it('reports every event of a call that throws', async () => {
    const { client } = fakeClient(() => {
      throw Object.assign(new Error('no such table'), { name: 'ResourceNotFoundException' });
    });
    const one = await new DynamoEventStore(client, options).write(events(1));
    expect(one.failed).toEqual([
      { id: expect.any(String), error: 'ResourceNotFoundException: no such table' },
    ]);
    const many = await new DynamoEventStore(client, options).write(events(30));
    expect(many).toMatchObject({ stored: 0 });
    expect(many.failed).toHaveLength(30);
  });

  it('discards with DeleteItem or BatchWriteItem deletes, answering what it could not remove', async () => {
    const { client, sent } = fakeClient((command) => {
      if (command instanceof DeleteItemCommand) throw new Error('down');
      return {};
    });
    const store = new DynamoEventStore(client, options);
    expect(await store.discard(['evt_a'])).toEqual(['evt_a']);
    expect(await store.discard(['evt_a', 'evt_b'])).toEqual([]);
    expect(JSON.stringify(sent[1]?.input)).toContain('DeleteRequest');
  });
});

/** A store in memory, that can be told to fail writes or removals. */
class MemoryStore implements EventStoreWriter {
  readonly items = new Map<string, EventToStore>();
  constructor(private readonly fail: { write?: boolean; discard?: boolean } = {}) {}
  async write(list: readonly EventToStore[]) {
    if (this.fail.write)
      return { stored: 0, failed: list.map((e) => ({ id: e.envelope.id, error: 'down' })) };
    for (const e of list) this.items.set(e.envelope.id, e);
    return { stored: list.length, failed: [] };
  }
  async discard(ids: readonly string[]) {
    if (this.fail.discard) return [...ids];
    for (const id of ids) this.items.delete(id);
    return [];
  }
}

const publisher = (outcome: (entry: BusEntry, i: number) => PublishOutcome): EventPublisher => ({
  publish: async (entries) => entries.map(outcome),
});
const settings = { source: 'hookbridge', busName: 'bus', maxEntryBytes: 262_144 };
const inputs = [
  { type: 'a.one', data: { n: 1 } },
  { type: 'a.two', data: { n: 2 }, tenantId: 'acme' },
  { type: 'a.three', data: { n: 3 } },
];

describe('ingest with the message store', () => {
  it('stores each published event with the exact Detail that was published', async () => {
    const store = new MemoryStore();
    const published: BusEntry[] = [];
    const results = await ingestEvents(
      inputs,
      {
        publish: async (entries) => {
          published.push(...entries);
          return entries.map(() => ({ ok: true }));
        },
      },
      settings,
      { store },
    );
    expect(results.map((r) => r.status)).toEqual(['accepted', 'accepted', 'accepted']);
    expect([...store.items.values()].map((e) => e.detail)).toEqual(published.map((p) => p.Detail));
  });

  it('takes events that failed to publish out of the store again, and counts only the published', async () => {
    const store = new MemoryStore();
    const outcomes: StoreOutcome[] = [];
    const results = await ingestEvents(
      inputs,
      publisher((_, i) =>
        i === 1 ? { ok: false, code: 'InternalFailure', message: 'x' } : { ok: true },
      ),
      settings,
      { store, onStored: (o) => outcomes.push(o) },
    );
    expect([...store.items.keys()].sort()).toEqual([results[0]?.id, results[2]?.id].sort());
    expect(outcomes).toEqual([{ stored: 2, failed: [], notDiscarded: [] }]);
  });

  it('answers the publish outcome when the store is down, and reports the failure of published events only', async () => {
    const outcomes: StoreOutcome[] = [];
    const results = await ingestEvents(
      inputs,
      publisher((_, i) =>
        i === 0 ? { ok: false, code: 'MalformedDetail', message: 'x' } : { ok: true },
      ),
      settings,
      { store: new MemoryStore({ write: true }), onStored: (o) => outcomes.push(o) },
    );
    expect(results.map((r) => r.status)).toEqual(['failed', 'accepted', 'accepted']);
    expect(outcomes[0]?.stored).toBe(0);
    expect(outcomes[0]?.failed.map((f) => f.id)).toEqual([results[1]?.id, results[2]?.id]);
  });

  it('reports an unpublished event it could not remove', async () => {
    const outcomes: StoreOutcome[] = [];
    const results = await ingestEvents(
      inputs.slice(0, 1),
      publisher(() => ({ ok: false, code: 'ThrottlingException', message: 'x' })),
      settings,
      { store: new MemoryStore({ discard: true }), onStored: (o) => outcomes.push(o) },
    );
    expect(outcomes).toEqual([{ stored: 0, failed: [], notDiscarded: [results[0]?.id] }]);
  });
});
