import { ConflictError, NotFoundError } from '../errors.js';
import type { Log } from '../observability.js';
import type { SubscriptionStore } from '../subscriptions/subscription-store.js';
import type { Tenant } from './tenant.js';
import type { TenantStore } from './tenant-store.js';

/**
 * Deletes what is left of a `deleting` tenant: each subscription through `deleteSubscription`
 * (true when it is gone), then, if none is left, the tenant record. Reads the subscriptions
 * from the tenant's partition of the `byTenant` index, which is eventually consistent: one
 * created just before the tenant turned `deleting` may be missed by this pass and is found by
 * the reconciler's next one (no tenant of the same id can be created meanwhile). A tenant
 * record removed by a concurrent pass counts as gone. Returns whether the tenant is gone.
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
        // Gone before we got to it: a concurrent pass (API or reconciler) deleted it.
        if (error instanceof NotFoundError) continue;
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
  try {
    await stores.tenants.remove(tenant.id, tenant.version);
  } catch (error) {
    // The reconciler (or a second DELETE) finishing the same deletion first is no conflict.
    if (error instanceof ConflictError && (await stores.tenants.get(tenant.id)) === undefined)
      return true;
    throw error;
  }
  return true;
}
