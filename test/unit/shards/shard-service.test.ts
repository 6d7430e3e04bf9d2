import { describe, expect, it } from 'vitest';
import { ApiError } from '../../../shared/errors.js';
import type { AddressPolicy } from '../../../shared/net/address-policy.js';
import type { Provisioner } from '../../../shared/provisioning/provisioner.js';
import { tenantRulesPerShard } from '../../../shared/shards/bus-shards.js';
import type { ShardLoads } from '../../../shared/shards/shard-loads.js';
import { ShardPlacement } from '../../../shared/shards/shard-placement.js';
import { type Subscription, toView } from '../../../shared/subscriptions/subscription.js';
import {
  createSubscriptionSchema,
  parseBody,
  updateSubscriptionSchema,
} from '../../../shared/subscriptions/subscription-schema.js';
import { SubscriptionService } from '../../../shared/subscriptions/subscription-service.js';
import type { SubscriptionStore } from '../../../shared/subscriptions/subscription-store.js';
import type { Tenant } from '../../../shared/tenants/tenant.js';
import { toTenantView } from '../../../shared/tenants/tenant.js';
import { createTenantSchema, updateTenantSchema } from '../../../shared/tenants/tenant-schema.js';

/** Counters with the conditional semantics of the DynamoDB ones. */
function memoryLoads(): ShardLoads & { rules: Map<number, number> } {
  const rules = new Map<number, number>();
  return {
    rules,
    read: async (count) =>
      Array.from({ length: count }, (_, k) => ({ rules: rules.get(k) ?? 0, tenants: 0 })),
    addTenant: async () => {},
    reserve: async (shards, limit) => {
      const full = shards.find((k) => (rules.get(k) ?? 0) >= limit);
      if (full !== undefined) return full;
      for (const k of shards) rules.set(k, (rules.get(k) ?? 0) + 1);
      return undefined;
    },
    release: async (shards) => {
      for (const k of shards) rules.set(k, Math.max(0, (rules.get(k) ?? 0) - 1));
    },
    set: async (shard, load) => void rules.set(shard, load.rules),
  };
}

function service(options: { failCreate?: boolean } = {}) {
  const records = new Map<string, Subscription>();
  const store = {
    get: async (id: string) => records.get(id),
    all: async () => [...records.values()],
    create: async (s: Subscription) => {
      if (options.failCreate) throw new Error('the table is unavailable');
      const saved = { ...s, version: 1 };
      records.set(s.id, saved);
      return saved;
    },
    save: async (s: Subscription, changes: Partial<Subscription>) => {
      const saved = { ...s, ...changes, version: s.version + 1 };
      records.set(s.id, saved);
      return saved;
    },
    remove: async (id: string) => void records.delete(id),
  } as unknown as SubscriptionStore;
  const provisioner = {
    provision: async (s: Subscription) => ({
      queueName: s.id,
      deadLetterQueueName: `${s.id}-dlq`,
      ruleName: s.id,
    }),
    deprovision: async () => {},
  } as unknown as Provisioner;
  const tenantsById = new Map<string, Tenant>([
    ['on2', { id: 'on2', shard: 2, status: 'active' } as Tenant],
    ['old', { id: 'old', status: 'active' } as Tenant],
  ]);
  const loads = memoryLoads();
  const placement = new ShardPlacement(
    loads,
    { shards: 3, rulesPerShard: 20 },
    { subscriptions: store.all, tenants: async () => [...tenantsById.values()] },
  );
  const subscriptions = new SubscriptionService({
    store,
    tenants: { get: async (id: string) => tenantsById.get(id) },
    provisioner,
    policy: { checkUrl: async (url: string) => new URL(url) } as unknown as AddressPolicy,
    source: 'hb',
    placement,
    shards: 3,
  });
  const create = (body: Record<string, unknown>) =>
    subscriptions.create(
      parseBody(createSubscriptionSchema, {
        url: 'https://hooks.example.test/x',
        eventTypes: ['a.b'],
        ...body,
      }),
    );
  return { subscriptions, create, records, loads };
}

async function refusal(action: Promise<unknown>): Promise<ApiError> {
  const error = await action.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ApiError);
  return error as ApiError;
}

describe('subscriptions on bus shards', () => {
  it('copies the tenant’s shard onto the record and counts its rule there', async () => {
    const s = service();
    const { subscription } = await s.create({ tenantId: 'on2' });
    expect(s.records.get(subscription.id)?.shard).toBe(2);
    expect([...s.loads.rules]).toEqual([[2, 1]]);
    // A tenant from before shards is on shard 0, and its records say nothing.
    const old = await s.create({ tenantId: 'old' });
    expect(s.records.get(old.subscription.id)).not.toHaveProperty('shard');
    expect(s.loads.rules.get(0)).toBe(1);
  });

  it('counts an operator subscription on every shard and gives the rules back on delete', async () => {
    const s = service();
    const { subscription } = await s.create({});
    expect([0, 1, 2].map((k) => s.loads.rules.get(k))).toEqual([1, 1, 1]);
    await s.subscriptions.delete(subscription.id);
    expect([0, 1, 2].map((k) => s.loads.rules.get(k))).toEqual([0, 0, 0]);
  });

  it('refuses a subscription on a full shard with 409 shard_full, making no record', async () => {
    const s = service();
    s.loads.rules.set(2, tenantRulesPerShard(20));
    const error = await refusal(s.create({ tenantId: 'on2' }));
    expect(error.status).toBe(409);
    expect(error.code).toBe('shard_full');
    expect(s.records.size).toBe(0);
    // Another tenant's shard still takes one.
    await s.create({ tenantId: 'old' });
    expect(s.records.size).toBe(1);
  });

  it('gives the rule back when the record cannot be written', async () => {
    const s = service({ failCreate: true });
    await expect(s.create({ tenantId: 'on2' })).rejects.toThrow('unavailable');
    expect(s.loads.rules.get(2)).toBe(0);
  });

  it('lets no caller choose or change a shard, and shows none', async () => {
    for (const [schema, body] of [
      [createSubscriptionSchema, { url: 'https://x.test', eventTypes: ['a'], shard: 1 }],
      [updateSubscriptionSchema, { shard: 1 }],
      [createTenantSchema, { id: 'acme', name: 'Acme', shard: 1 }],
      [updateTenantSchema, { shard: 0 }],
    ] as const) {
      const error = (() => {
        try {
          parseBody(schema, body);
        } catch (e) {
          return e;
        }
      })();
      expect(error, JSON.stringify(body)).toBeInstanceOf(ApiError);
      expect((error as ApiError).status).toBe(400);
      expect((error as ApiError).message).toContain('shard');
    }
    const s = service();
    const { subscription } = await s.create({ tenantId: 'on2' });
    expect(toView(subscription)).not.toHaveProperty('shard');
    expect(toTenantView({ id: 'on2', shard: 2 } as Tenant)).not.toHaveProperty('shard');
  });
});
