import { ConflictError } from '../errors.js';
import type { Subscription } from '../subscriptions/subscription.js';
import type { Tenant } from '../tenants/tenant.js';
import { tenantRulesPerShard } from './bus-shards.js';
import type { ShardLoad, ShardLoads } from './shard-loads.js';

/** What placement needs to know of the deployment. */
export interface ShardSettings {
  /** How many bus shards are deployed (the length of HOOKBRIDGE_EVENT_BUS_NAMES). */
  readonly shards: number;
  /** The most rules Hookbridge puts on one bus (the `rulesPerShard` setting). */
  readonly rulesPerShard: number;
}

/** The shard of a subscription's or tenant's record: absent (made before shards) is shard 0. */
export function shardOf(record: { readonly shard?: number }): number {
  return record.shard ?? 0;
}

/**
 * The shards a subscription has a rule on: its tenant's one, or every shard for an operator
 * (tenant-less) subscription, which must see every tenant's events.
 */
export function shardsOfSubscription(
  subscription: Pick<Subscription, 'tenantId' | 'shard'>,
  shards: number,
): number[] {
  if (subscription.tenantId !== undefined) return [shardOf(subscription)];
  return Array.from({ length: shards }, (_, k) => k);
}

/** The rules on each shard that `subscriptions` need: the recount the counters must equal. */
export function countRules(
  subscriptions: readonly Pick<Subscription, 'tenantId' | 'shard'>[],
  shards: number,
): number[] {
  const counts = new Array<number>(shards).fill(0);
  for (const subscription of subscriptions) {
    for (const shard of shardsOfSubscription(subscription, shards)) {
      if (shard < shards) counts[shard] = (counts[shard] ?? 0) + 1;
    }
  }
  return counts;
}

/** Where the recount reads what the counters must say. */
export interface PlacementSource {
  subscriptions(): Promise<readonly Pick<Subscription, 'tenantId' | 'shard'>[]>;
  tenants(): Promise<readonly Pick<Tenant, 'shard'>[]>;
}

/**
 * Places tenants on shards and keeps each shard's rules under its ceiling. A tenant goes to
 * the shard with the most room, counting each tenant placed there as one rule to come (so a
 * burst of new tenants, none with a subscription yet, spreads over the shards); a tenant subscription takes one rule of its tenant's shard and
 * may fill it up to `rulesPerShard` less the operator reserve; an operator subscription takes
 * one rule on every shard and may use the reserve. Refusals are 409 `shard_full`, naming the
 * ceiling and the setting that raises it. With one shard nothing is counted or refused, as
 * before shards (EventBridge's own quota is the limit then).
 */
export class ShardPlacement {
  constructor(
    private readonly loads: ShardLoads,
    private readonly settings: ShardSettings,
    /** The records, to count shards that have no counter yet (shards just added). */
    private readonly source: PlacementSource,
  ) {}

  /** Whether more than one shard is deployed (placement is off otherwise). */
  get sharded(): boolean {
    return this.settings.shards > 1;
  }

  /** The shard for a new tenant: the one with the most room for tenant subscriptions. */
  async placeTenant(): Promise<number> {
    if (!this.sharded) return 0;
    const loads = await this.currentLoads();
    const limit = tenantRulesPerShard(this.settings.rulesPerShard);
    const open = loads.flatMap((load, shard) => ((load.rules ?? 0) < limit ? [shard] : []));
    const weight = (shard: number) => (loads[shard]?.rules ?? 0) + (loads[shard]?.tenants ?? 0);
    const best = open.reduce<number | undefined>(
      (chosen, shard) => (chosen === undefined || weight(shard) < weight(chosen) ? shard : chosen),
      undefined,
    );
    if (best === undefined) {
      throw new ConflictError(
        'shard_full',
        `every bus shard holds ${limit} tenant rules (rulesPerShard ${this.settings.rulesPerShard}, less the operator reserve): raise the busShards setting and redeploy`,
      );
    }
    await this.loads.addTenant(best);
    return best;
  }

  /** Counts the rules `subscription` will have, or refuses it with a 409 `shard_full`. */
  async reserve(subscription: Pick<Subscription, 'tenantId' | 'shard'>): Promise<void> {
    if (!this.sharded) return;
    await this.currentLoads();
    const operator = subscription.tenantId === undefined;
    const limit = operator
      ? this.settings.rulesPerShard
      : tenantRulesPerShard(this.settings.rulesPerShard);
    const full = await this.loads.reserve(
      shardsOfSubscription(subscription, this.settings.shards),
      limit,
    );
    if (full === undefined) return;
    throw new ConflictError(
      'shard_full',
      operator
        ? `bus shard ${full} holds ${limit} rules (rulesPerShard) and an operator subscription needs a rule on every shard: raise rulesPerShard (within the EventBridge rules-per-bus quota) or remove an operator subscription`
        : `bus shard ${full} of tenant ${subscription.tenantId} holds ${limit} tenant rules (rulesPerShard ${this.settings.rulesPerShard}, less the operator reserve): a tenant never moves, so raise rulesPerShard (within the EventBridge rules-per-bus quota) or remove a subscription of a tenant on that shard`,
    );
  }

  /** Gives back the rules of a removed subscription. */
  async release(subscription: Pick<Subscription, 'tenantId' | 'shard'>): Promise<void> {
    if (!this.sharded) return;
    await this.loads.release(shardsOfSubscription(subscription, this.settings.shards));
  }

  /**
   * Sets every counter to what the stored subscriptions need; answers the shards corrected.
   * A creation racing the recount can be lost from it; the next pass counts it again.
   */
  async recount(): Promise<{ shard: number; was: number | undefined; now: number }[]> {
    if (!this.sharded) return [];
    const shards = this.settings.shards;
    const counted = countRules(await this.source.subscriptions(), shards);
    const tenants = new Array<number>(shards).fill(0);
    for (const tenant of await this.source.tenants()) {
      const shard = shardOf(tenant);
      if (shard < shards) tenants[shard] = (tenants[shard] ?? 0) + 1;
    }
    const stored = await this.loads.read(shards);
    const fixed: { shard: number; was: number | undefined; now: number }[] = [];
    for (const [shard, rules] of counted.entries()) {
      const was = stored[shard];
      if (was?.rules === rules && was.tenants === tenants[shard]) continue;
      await this.loads.set(shard, { rules, tenants: tenants[shard] ?? 0 });
      fixed.push({ shard, was: was?.rules, now: rules });
    }
    return fixed;
  }

  /** The counters; shards without one yet (just deployed) are counted from the store first. */
  private async currentLoads(): Promise<ShardLoad[]> {
    const stored = await this.loads.read(this.settings.shards);
    if (stored.every((load) => load.rules !== undefined)) return stored;
    await this.recount();
    return this.loads.read(this.settings.shards);
  }
}
