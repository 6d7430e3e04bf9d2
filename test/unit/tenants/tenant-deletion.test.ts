import { describe, expect, it } from 'vitest';
import { ConflictError } from '../../../shared/errors.js';
import type { SubscriptionStore } from '../../../shared/subscriptions/subscription-store.js';
import type { Tenant } from '../../../shared/tenants/tenant.js';
import { finishTenantDeletion } from '../../../shared/tenants/tenant-deletion.js';
import type { TenantStore } from '../../../shared/tenants/tenant-store.js';

const tenant = { id: 'acme', name: 'Acme', status: 'deleting', version: 2 } as Tenant;
const noSubscriptions = { list: async () => ({ items: [] }) } as unknown as SubscriptionStore;

function tenantsWhere(removal: () => Promise<void>, left: Tenant | undefined): TenantStore {
  return { remove: removal, get: async () => left } as unknown as TenantStore;
}

describe('finishing a tenant deletion', () => {
  const conflict = async () => {
    throw new ConflictError('version_conflict', 'changed');
  };

  it('counts a record a concurrent pass removed first as gone, not as a conflict', async () => {
    const stores = { tenants: tenantsWhere(conflict, undefined), subscriptions: noSubscriptions };
    await expect(finishTenantDeletion(tenant, stores, async () => true)).resolves.toBe(true);
  });

  it('still answers the conflict when the record is there in another version', async () => {
    const changed = { ...tenant, version: 3 };
    const stores = { tenants: tenantsWhere(conflict, changed), subscriptions: noSubscriptions };
    await expect(finishTenantDeletion(tenant, stores, async () => true)).rejects.toThrow(
      ConflictError,
    );
  });
});
