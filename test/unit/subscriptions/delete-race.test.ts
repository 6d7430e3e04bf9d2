import { describe, expect, it } from 'vitest';
import { ConflictError, NotFoundError } from '../../../shared/errors.js';
import type { AddressPolicy } from '../../../shared/net/address-policy.js';
import type { Provisioner } from '../../../shared/provisioning/provisioner.js';
import type { Subscription } from '../../../shared/subscriptions/subscription.js';
import { SubscriptionService } from '../../../shared/subscriptions/subscription-service.js';
import type { SubscriptionStore } from '../../../shared/subscriptions/subscription-store.js';
import type { Tenant } from '../../../shared/tenants/tenant.js';
import { finishTenantDeletion } from '../../../shared/tenants/tenant-deletion.js';
import type { TenantStore } from '../../../shared/tenants/tenant-store.js';

const record = {
  id: 'sub_01JZ0000000000000000000000',
  status: 'active',
  version: 3,
  tenantId: 'acme',
} as unknown as Subscription;

/**
 * A store in which another deleter (the reconciler finishing the tenant) removes the record
 * right after our first read: every versioned write then fails its condition.
 */
function racedStore(raceAt: 'save' | 'remove') {
  let present = true;
  const conflict = () => {
    present = false;
    throw new ConflictError('version_conflict', 'changed');
  };
  return {
    get: async () => (present ? record : undefined),
    save: async (s: Subscription, changes: Partial<Subscription>) =>
      raceAt === 'save' ? conflict() : { ...s, ...changes, version: s.version + 1 },
    remove: async () => conflict(),
  } as unknown as SubscriptionStore;
}

function service(store: SubscriptionStore, deprovisioned: string[] = []) {
  const provisioner = {
    deprovision: async (id: string) => {
      deprovisioned.push(id);
    },
  } as unknown as Provisioner;
  return new SubscriptionService({
    store,
    tenants: { get: async () => undefined },
    provisioner,
    policy: {} as AddressPolicy,
    source: 'hb',
  });
}

describe('deleting a subscription another deleter is deleting too', () => {
  it('counts it deleted when the other removed the record while we marked it deleting', async () => {
    const deprovisioned: string[] = [];
    const result = await service(racedStore('save'), deprovisioned).delete(record.id);
    expect(result.deleted).toBe(true);
    expect(deprovisioned).toEqual([]);
  });

  it('counts it deleted when the other removed the record before our removal', async () => {
    const result = await service(racedStore('remove')).delete(record.id);
    expect(result.deleted).toBe(true);
  });

  it('finishes the deletion when the other deleter has only marked it deleting so far', async () => {
    const marked = { ...record, status: 'deleting', version: record.version + 1 } as Subscription;
    const removed: [string, number][] = [];
    const store = {
      get: (() => {
        let reads = 0;
        // First read: as the API found it; after the conflict: as the reconciler left it.
        return async () => (reads++ === 0 ? record : marked);
      })(),
      save: async () => {
        throw new ConflictError('version_conflict', 'changed');
      },
      remove: async (id: string, version: number) => {
        removed.push([id, version]);
      },
    } as unknown as SubscriptionStore;
    const deprovisioned: string[] = [];
    const result = await service(store, deprovisioned).delete(record.id);
    expect(result).toEqual({ deleted: true, subscription: marked });
    expect(deprovisioned).toEqual([record.id]);
    expect(removed).toEqual([[record.id, marked.version]]);
  });

  it('still answers 409 when the record is there in another version (a concurrent change)', async () => {
    const store = {
      get: async () => record,
      save: async () => {
        throw new ConflictError('version_conflict', 'changed');
      },
    } as unknown as SubscriptionStore;
    await expect(service(store).delete(record.id)).rejects.toThrow(ConflictError);
  });

  it('a tenant deletion counts a subscription gone when it is not found any more', async () => {
    const tenant = { id: 'acme', status: 'deleting', version: 2 } as Tenant;
    const removed: string[] = [];
    const stores = {
      tenants: {
        remove: async (id: string) => {
          removed.push(id);
        },
      } as unknown as TenantStore,
      subscriptions: { list: async () => ({ items: [record] }) } as unknown as SubscriptionStore,
    };
    const deleted = await finishTenantDeletion(tenant, stores, async () => {
      throw new NotFoundError('subscription gone');
    });
    expect(deleted).toBe(true);
    expect(removed).toEqual(['acme']);
  });
});
