import { describe, expect, it } from 'vitest';
import { shardCost } from '../../../bench/shard-cost.js';

describe('what bus shards add to the bill', () => {
  it('is nothing with one shard', () => {
    expect(
      shardCost({ shards: 1, broadcastsPerMonth: 1e6, eventBytes: 1500, archiveRetentionDays: 30 }),
    ).toEqual({ forwardedEvents: 0, forwardingUsd: 0, archiveUsd: 0, totalUsd: 0 });
  });

  it('is a custom event per broadcast per other shard, archived there', () => {
    const cost = shardCost({
      shards: 40,
      broadcastsPerMonth: 1e6,
      eventBytes: 1500,
      archiveRetentionDays: 30,
    });
    expect(cost.forwardedEvents).toBe(39e6);
    expect(cost.forwardingUsd).toBeCloseTo(39, 6);
    expect(cost.archiveUsd).toBeGreaterThan(0);
    // A 100 KB event is two 64 KB chunks: billed twice per copy.
    const large = shardCost({
      shards: 2,
      broadcastsPerMonth: 1e6,
      eventBytes: 100 * 1024,
      archiveRetentionDays: 0,
    });
    expect(large.forwardingUsd).toBeCloseTo(2, 6);
  });
});
