import type { Log } from '../observability.js';
import type { SubscriptionStore } from '../subscriptions/subscription-store.js';
import type { Tenant } from './tenant.js';
import type { TenantStore } from './tenant-store.js';

/**
 * Deletes what is left of a `deleting` tenant: each subscription through `deleteSubscription`
 * (true when it is gone), then, if none is left, the tenant record. Reads the subscriptions
 * with a strongly consistent scan, so one created just before the tenant turned `deleting`
 * is not missed. Returns whether the tenant is gone.
 */
export async function finishTenantDeletion(
  tenant: Tenant,
  stores: { tenants: TenantStore; subscriptions: SubscriptionStore; logger?: Log },
  deleteSubscription: (id: string) => Promise<boolean>,
): Promise<boolean> {
  let remaining = 0;
  let cursor: string | undefined;
  do {
    const page = await stores.subscriptions.list({
      limit: 100,
      tenantId: tenant.id,
      consistent: true,
      ...(cursor && { cursor }),
    });
    for (const subscription of page.items) {
      try {
        if (!(await deleteSubscription(subscription.id))) remaining++;
      } catch (error) {
        remaining++;
        stores.logger?.error('deleting a subscription of a deleted tenant failed', {
          tenantId: tenant.id,
          id: subscription.id,
          error,
        });
      }
    }
    cursor = page.nextCursor;
  } while (cursor);
  if (remaining > 0) return false;
  await stores.tenants.remove(tenant.id, tenant.version);
  return true;
}
