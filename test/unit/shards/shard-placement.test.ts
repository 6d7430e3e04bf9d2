import { describe, expect, it } from 'vitest';
import { ApiError } from '../../../shared/errors.js';
import { tenantRulesPerShard } from '../../../shared/shards/bus-shards.js';
import type { ShardLoads } from '../../../shared/shards/shard-loads.js';
import {
  countRules,
  ShardPlacement,
  shardsOfSubscription,
} from '../../../shared/shards/shard-placement.js';
import type { Subscription } from '../../../shared/subscriptions/subscription.js';

/** Counters in memory with the conditional semantics of the DynamoDB ones. */
class MemoryLoads implements ShardLoads {
  readonly counts = new Map<number, number>();
  readonly tenants = new Map<number, number>();
  async read(count: number) {
    return Array.from({ length: count }, (_, k) => ({
      rules: this.counts.get(k),
      tenants: this.tenants.get(k) ?? 0,
    }));
  }
  async addTenant(shard: number) {
    this.tenants.set(shard, (this.tenants.get(shard) ?? 0) + 1);
  }
  /** The rule counters only. */
  async rules(count: number) {
    return (await this.read(count)).map((load) => load.rules);
  }
  async reserve(shards: readonly number[], limit: number) {
    const full = shards.find((k) => (this.counts.get(k) ?? 0) >= limit);
    if (full !== undefined) return full;
    for (const k of shards) this.counts.set(k, (this.counts.get(k) ?? 0) + 1);
    return undefined;
  }
  async release(shards: readonly number[]) {
    for (const k of shards) this.counts.set(k, Math.max(0, (this.counts.get(k) ?? 0) - 1));
  }
  async set(shard: number, load: { rules: number; tenants: number } | number) {
    // The tests set rule counts alone; the recount sets both.
    if (typeof load === 'number') this.counts.set(shard, load);
    else {
      this.counts.set(shard, load.rules);
      this.tenants.set(shard, load.tenants);
    }
  }
}

function placement(
  shards: number,
  rulesPerShard = 20,
  stored: Partial<Subscription>[] = [],
  tenants: { shard?: number }[] = [],
) {
  const loads = new MemoryLoads();
  const subject = new ShardPlacement(
    loads,
    { shards, rulesPerShard },
    { subscriptions: async () => stored as Subscription[], tenants: async () => tenants },
  );
  return { loads, subject };
}

async function refusal(promise: Promise<unknown>): Promise<ApiError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ApiError);
  return error as ApiError;
}

describe('shard placement', () => {
  it('places a new tenant on the shard with the most room', async () => {
    const { loads, subject } = placement(3);
    await loads.set(0, 7);
    await loads.set(1, 3);
    await loads.set(2, 5);
    expect(await subject.placeTenant()).toBe(1);
    await loads.set(1, 9);
    expect(await subject.placeTenant()).toBe(2);
  });

  it('spreads a burst of new tenants (no subscriptions yet) over the shards', async () => {
    const { loads, subject } = placement(3);
    for (const k of [0, 1, 2]) await loads.set(k, 0);
    const placed = [];
    for (let i = 0; i < 6; i++) placed.push(await subject.placeTenant());
    expect(placed.sort()).toEqual([0, 0, 1, 1, 2, 2]);
  });

  it('never places a tenant on a shard full for tenants, however few tenants it has', async () => {
    const { loads, subject } = placement(2, 20);
    await loads.set(0, tenantRulesPerShard(20));
    await loads.set(1, 1);
    for (let i = 0; i < 10; i++) await loads.addTenant(1);
    expect(await subject.placeTenant()).toBe(1);
  });

  it('counts shards that have no counter yet from the stored subscriptions first', async () => {
    // Upgrading from one shard: shard 0 holds every existing rule but has no counter.
    const stored = [
      { tenantId: 'a' },
      { tenantId: 'b' },
      {}, // an operator subscription: a rule on every shard
    ];
    const { loads, subject } = placement(2, 20, stored);
    expect(await subject.placeTenant()).toBe(1);
    expect(await loads.rules(2)).toEqual([3, 1]);
  });

  it('refuses a tenant subscription on a full shard with a 409 shard_full naming the setting', async () => {
    const { loads, subject } = placement(2, 20);
    const limit = tenantRulesPerShard(20);
    await loads.set(0, 0);
    await loads.set(1, limit);
    const error = await refusal(subject.reserve({ tenantId: 'acme', shard: 1 }));
    expect(error.status).toBe(409);
    expect(error.code).toBe('shard_full');
    expect(error.message).toContain('rulesPerShard');
    expect(error.message).toContain(`${limit}`);
    // Nothing was counted by the refusal.
    expect(await loads.rules(2)).toEqual([0, limit]);
    // Another tenant's shard still has room.
    await subject.reserve({ tenantId: 'other' });
    expect(await loads.rules(2)).toEqual([1, limit]);
  });

  it('keeps the operator reserve: a shard full for tenants still takes an operator subscription', async () => {
    const { loads, subject } = placement(2, 20);
    const limit = tenantRulesPerShard(20);
    expect(limit).toBeLessThan(20);
    await loads.set(0, limit);
    await loads.set(1, limit);
    await refusal(subject.reserve({ tenantId: 'acme' }));
    await subject.reserve({});
    expect(await loads.rules(2)).toEqual([limit + 1, limit + 1]);
  });

  it('refuses a new tenant when every shard is full for tenants', async () => {
    const { loads, subject } = placement(2, 20);
    const limit = tenantRulesPerShard(20);
    await loads.set(0, limit);
    await loads.set(1, limit + 1);
    const error = await refusal(subject.placeTenant());
    expect(error.code).toBe('shard_full');
    expect(error.message).toContain('busShards');
  });

  it('refuses an operator subscription when one shard has no room at all, counting nothing', async () => {
    const { loads, subject } = placement(3, 20);
    await loads.set(0, 3);
    await loads.set(1, 20);
    await loads.set(2, 4);
    const error = await refusal(subject.reserve({}));
    expect(error.code).toBe('shard_full');
    expect(error.message).toContain('shard 1');
    expect(await loads.rules(3)).toEqual([3, 20, 4]);
  });

  it('gives back an operator subscription’s rule on every shard', async () => {
    const { loads, subject } = placement(3, 20);
    for (const k of [0, 1, 2]) await loads.set(k, 2);
    await subject.release({});
    expect(await loads.rules(3)).toEqual([1, 1, 1]);
    await subject.release({ tenantId: 't', shard: 2 });
    expect(await loads.rules(3)).toEqual([1, 1, 0]);
  });

  it('recounts counters that drifted and leaves correct ones alone', async () => {
    const stored = [{ tenantId: 'a', shard: 1 }, { tenantId: 'b' }, {}];
    const { loads, subject } = placement(2, 20, stored, [{ shard: 1 }, {}]);
    await loads.set(0, { rules: 2, tenants: 1 });
    await loads.set(1, { rules: 9, tenants: 1 });
    expect(await subject.recount()).toEqual([{ shard: 1, was: 9, now: 2 }]);
    expect(await loads.rules(2)).toEqual([2, 2]);
    expect(await loads.read(2)).toEqual([
      { rules: 2, tenants: 1 },
      { rules: 2, tenants: 1 },
    ]);
  });

  it('does nothing at all with one shard (as before shards)', async () => {
    const { loads, subject } = placement(1, 20);
    await loads.set(0, 500);
    expect(subject.sharded).toBe(false);
    expect(await subject.placeTenant()).toBe(0);
    await subject.reserve({ tenantId: 'acme' });
    await subject.release({});
    expect(await subject.recount()).toEqual([]);
    expect(await loads.rules(1)).toEqual([500]);
  });
});

describe('rules per shard', () => {
  it('a tenant subscription is on its tenant’s shard (none: 0), an operator one on all', () => {
    expect(shardsOfSubscription({ tenantId: 'a', shard: 2 }, 3)).toEqual([2]);
    expect(shardsOfSubscription({ tenantId: 'a' }, 3)).toEqual([0]);
    expect(shardsOfSubscription({}, 3)).toEqual([0, 1, 2]);
    expect(countRules([{ tenantId: 'a', shard: 2 }, {}, { tenantId: 'b' }], 3)).toEqual([2, 1, 2]);
  });
});
