import { ConflictError, NotFoundError } from '../errors.js';
import type { Log } from '../observability.js';
import type { ShardPlacement } from '../shards/shard-placement.js';
import type { SubscriptionService } from '../subscriptions/subscription-service.js';
import type { SubscriptionStore } from '../subscriptions/subscription-store.js';
import type { Tenant } from './tenant.js';
import { finishTenantDeletion } from './tenant-deletion.js';
import type { CreateTenantInput, UpdateTenantInput } from './tenant-schema.js';
import type { TenantPage, TenantStore } from './tenant-store.js';

export interface TenantServiceOptions {
  readonly tenants: TenantStore;
  readonly subscriptions: SubscriptionStore;
  readonly subscriptionService: SubscriptionService;
  readonly logger?: Log;
  /** Bus shard placement; absent, every tenant is on the one bus. */
  readonly placement?: ShardPlacement;
  readonly now?: () => Date;
}

/**
 * The tenant use cases behind `/v1/tenants`. Deleting a tenant marks it `deleting` first, so
 * no subscription can be created under it meanwhile, then deletes its subscriptions one by
 * one as `DELETE /v1/subscriptions/{id}` does; what a request cannot finish the reconciler
 * does (finishTenantDeletions).
 */
export class TenantService {
  private readonly now: () => Date;

  constructor(private readonly options: TenantServiceOptions) {
    this.now = options.now ?? (() => new Date());
  }

  /**
   * Creates a tenant; a 409 `tenant_exists` if the id is taken (also by a tenant being
   * deleted), or while subscriptions of an earlier tenant of that id remain: a deletion reads
   * them from an eventually consistent index, so one made just before may be left for the
   * reconciler, and it must never become the new tenant's.
   */
  async create(input: CreateTenantInput): Promise<Tenant> {
    const leftover = await this.options.subscriptions.list({ tenantId: input.id, limit: 1 });
    if (leftover.items.length > 0) {
      throw new ConflictError(
        'tenant_exists',
        `subscriptions of an earlier tenant ${input.id} are still being removed; retry in a few minutes`,
      );
    }
    const at = this.now().toISOString();
    const shard = (await this.options.placement?.placeTenant()) ?? 0;
    return this.options.tenants.create({
      ...input,
      ...(shard > 0 && { shard }),
      status: 'active',
      createdAt: at,
      updatedAt: at,
      version: 0,
    });
  }

  /** The tenant, or a 404 naming it. */
  async get(id: string): Promise<Tenant> {
    const tenant = await this.options.tenants.get(id);
    if (!tenant) throw new NotFoundError(`tenant ${id} does not exist`);
    return tenant;
  }

  /** The tenant if it can take new subscriptions: 404 if missing, 409 `tenant_deleting` if being deleted. */
  async active(id: string): Promise<Tenant> {
    const tenant = await this.get(id);
    if (tenant.status !== 'active') {
      throw new ConflictError('tenant_deleting', `tenant ${id} is being deleted`);
    }
    return tenant;
  }

  list(options: { limit?: number; cursor?: string }): Promise<TenantPage> {
    return this.options.tenants.list(options);
  }

  async update(id: string, patch: UpdateTenantInput): Promise<Tenant> {
    const current = await this.active(id);
    const changes = Object.fromEntries(
      Object.entries(patch).map(([key, value]) => [key, value ?? undefined]),
    );
    return this.options.tenants.save(current, changes);
  }

  /**
   * Marks the tenant `deleting`, deletes its subscriptions and lanes, then the record. Answers
   * whether everything is gone; if not, the tenant stays `deleting` for the reconciler.
   */
  async delete(id: string): Promise<{ deleted: boolean; tenant: Tenant }> {
    const current = await this.get(id);
    const deleting =
      current.status === 'deleting'
        ? current
        : await this.options.tenants.save(current, { status: 'deleting' });
    const deleted = await finishTenantDeletion(deleting, this.options, (subscriptionId) =>
      this.options.subscriptionService.delete(subscriptionId).then((r) => r.deleted),
    );
    return { deleted, tenant: deleting };
  }
}
