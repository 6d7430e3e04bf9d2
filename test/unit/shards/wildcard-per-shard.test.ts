import { describe, expect, it } from 'vitest';
import { ApiError } from '../../../shared/errors.js';
import type { Subscription } from '../../../shared/subscriptions/subscription.js';
import {
  assertWildcardQuota,
  MAX_WILDCARD_RULES_PER_BUS,
} from '../../../shared/subscriptions/wildcard-quota.js';

const wildcard = { path: [{ wildcard: '*/lib/*' }] };

function storeOf(subscriptions: Partial<Subscription>[]) {
  return { all: async () => subscriptions as Subscription[] };
}

function many(count: number, record: Partial<Subscription>): Partial<Subscription>[] {
  return Array.from({ length: count }, (_, i) => ({ id: `sub_${i}`, filter: wildcard, ...record }));
}

async function refusal(action: Promise<unknown>): Promise<ApiError> {
  const error = await action.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ApiError);
  return error as ApiError;
}

describe('the wildcard quota is counted per shard', () => {
  const full = MAX_WILDCARD_RULES_PER_BUS;

  it('a full shard 1 does not stop a tenant of shard 2 (or of shard 0)', async () => {
    const store = storeOf(many(full, { tenantId: 'a', shard: 1 }));
    await assertWildcardQuota(store, wildcard, { tenantId: 'b', shard: 2 }, 3);
    await assertWildcardQuota(store, wildcard, { tenantId: 'c' }, 3);
    const error = await refusal(
      assertWildcardQuota(store, wildcard, { tenantId: 'd', shard: 1 }, 3),
    );
    expect(error.code).toBe('wildcard_quota_exceeded');
    expect(error.message).toContain('bus shard 1');
  });

  it('an operator subscription counts on every shard, and is refused where any shard is full', async () => {
    const operators = many(full - 1, {});
    const store = storeOf([
      ...operators,
      { id: 'sub_x', tenantId: 'a', shard: 2, filter: wildcard },
    ]);
    // Shard 2 now holds 30: a tenant of shard 2, and any new operator subscription, are refused.
    await refusal(assertWildcardQuota(store, wildcard, { tenantId: 'b', shard: 2 }, 3));
    const error = await refusal(assertWildcardQuota(store, wildcard, {}, 3));
    expect(error.message).toContain('bus shard 2');
    // Shards 0 and 1 hold 29 each.
    await assertWildcardQuota(store, wildcard, { tenantId: 'b', shard: 1 }, 3);
  });

  it('with one shard counts every subscription, as before shards', async () => {
    const store = storeOf([
      ...many(full - 1, { tenantId: 'a' }),
      { id: 'sub_o', filter: wildcard },
    ]);
    const error = await refusal(assertWildcardQuota(store, wildcard, { tenantId: 'z' }, 1));
    expect(error.message).not.toContain('shard');
    expect(error.message).toMatch(/^filter: .*30 subscriptions already do/);
  });

  it('does not count the subscription being changed', async () => {
    const store = storeOf(many(full, { tenantId: 'a', shard: 1 }));
    await assertWildcardQuota(store, wildcard, { id: 'sub_0', tenantId: 'a', shard: 1 }, 2);
  });
});
