import { describe, expect, it } from 'vitest';
import { BatchSubscriptions } from '../../../shared/delivery/batch-subscriptions.js';
import type { Subscription } from '../../../shared/subscriptions/subscription.js';

const SUB_ID = 'sub_01JABCDEFGHJKMNPQRSTVWXYZ0';
const OTHER_ID = 'sub_01JZZZZZZZZZZZZZZZZZZZZZZZ';

function subscription(id: string, version: number): Subscription {
  return {
    id,
    url: 'https://receiver.example.com/hooks',
    eventTypes: ['*'],
    maxConcurrency: 10,
    retrySchedule: [5],
    status: 'active',
    secrets: [],
    createdAt: '2025-01-01T00:00:00.000Z',
    updatedAt: '2025-01-01T00:00:00.000Z',
    version,
  };
}

/** A store whose reads are counted; each read returns the next version, or the next failure. */
function countingStore(failures: Error[] = []) {
  const reads: string[] = [];
  return {
    reads,
    get: async (id: string) => {
      reads.push(id);
      const failure = failures.shift();
      if (failure) throw failure;
      return subscription(id, reads.length);
    },
  };
}

describe('BatchSubscriptions', () => {
  it('shares one read between the records of a batch', async () => {
    const store = countingStore();
    const batch = new BatchSubscriptions(store);

    const found = await Promise.all(Array.from({ length: 10 }, () => batch.get(SUB_ID)));
    // A record that asks after the others' read finished still sees the batch's read.
    found.push(await batch.get(SUB_ID));

    expect(store.reads).toEqual([SUB_ID]);
    expect(new Set(found.map((s) => s?.version))).toEqual(new Set([1]));
  });

  it('keeps nothing from one batch to the next: each batch reads the store again', async () => {
    const store = countingStore();

    expect((await new BatchSubscriptions(store).get(SUB_ID))?.version).toBe(1);
    expect((await new BatchSubscriptions(store).get(SUB_ID))?.version).toBe(2);
    expect(store.reads).toEqual([SUB_ID, SUB_ID]);
  });

  it('reads each subscription of a batch on its own', async () => {
    const store = countingStore();
    const batch = new BatchSubscriptions(store);

    expect((await batch.get(SUB_ID))?.id).toBe(SUB_ID);
    expect((await batch.get(OTHER_ID))?.id).toBe(OTHER_ID);
    await batch.get(SUB_ID);
    expect(store.reads).toEqual([SUB_ID, OTHER_ID]);
  });

  it('fails the records of the batch whose read failed, and the next batch reads again', async () => {
    const store = countingStore([new Error('ProvisionedThroughputExceededException')]);
    const batch = new BatchSubscriptions(store);

    const results = await Promise.allSettled([batch.get(SUB_ID), batch.get(SUB_ID)]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);

    expect((await new BatchSubscriptions(store).get(SUB_ID))?.version).toBe(2);
  });

  it('remembers a subscription that does not exist only for its batch', async () => {
    const reads: string[] = [];
    let stored: Subscription | undefined;
    const store = {
      get: async (id: string) => {
        reads.push(id);
        return stored;
      },
    };
    const batch = new BatchSubscriptions(store);
    expect(await batch.get(SUB_ID)).toBeUndefined();

    stored = subscription(SUB_ID, 1);
    expect(await batch.get(SUB_ID)).toBeUndefined();
    expect((await new BatchSubscriptions(store).get(SUB_ID))?.version).toBe(1);
    expect(reads).toHaveLength(2);
  });
});
