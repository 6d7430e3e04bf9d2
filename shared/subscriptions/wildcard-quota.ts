import { ConflictError } from '../errors.js';
import { shardsOfSubscription } from '../shards/shard-placement.js';
import { filterUsesWildcard } from './event-pattern.js';
import type { Subscription } from './subscription.js';
import type { SubscriptionStore } from './subscription-store.js';

/**
 * EventBridge's hard quota of rules whose pattern uses `wildcard` on one event bus. Only
 * subscription filters can use it (event types compile to prefix matches), so counting the
 * subscriptions whose filter does counts the bus's wildcard rules.
 */
export const MAX_WILDCARD_RULES_PER_BUS = 30;

/** The subscription being checked: where its rules go, and its id when it is being changed. */
export interface WildcardCandidate {
  readonly tenantId?: string;
  readonly shard?: number;
  readonly id?: string;
}

/**
 * Refuses (409 `wildcard_quota_exceeded`) a filter that uses `wildcard` when a bus shard the
 * subscription has a rule on already holds {@link MAX_WILDCARD_RULES_PER_BUS} rules whose
 * filter does, not counting the subscription `candidate.id` being changed. The quota is per
 * bus, so it is counted per shard: a tenant subscription counts on its tenant's shard, an
 * operator subscription on every shard (it has a rule on each). With one shard that is every
 * subscription, as before shards. Without this check PutRule would fail on AWS and leave the
 * subscription `failed`, retried by the reconciler forever. Reads the store only when the
 * filter uses `wildcard`. Two creations racing past the check can still overshoot by one each:
 * the last of them then ends `failed`, as it would without the check.
 */
export async function assertWildcardQuota(
  store: Pick<SubscriptionStore, 'all'>,
  filter: Record<string, unknown> | undefined,
  candidate: WildcardCandidate = {},
  shards = 1,
): Promise<void> {
  if (!filterUsesWildcard(filter)) return;
  const perShard = new Array<number>(shards).fill(0);
  for (const other of await store.all()) {
    if (other.id === candidate.id || !filterUsesWildcard(other.filter)) continue;
    for (const shard of shardsOfSubscription(other, shards)) {
      if (shard < shards) perShard[shard] = (perShard[shard] ?? 0) + 1;
    }
  }
  const own = shardsOfSubscription(candidate as Pick<Subscription, 'tenantId' | 'shard'>, shards);
  const fullest = own.reduce((a, b) => ((perShard[b] ?? 0) > (perShard[a] ?? 0) ? b : a));
  const count = perShard[fullest] ?? 0;
  if (count >= MAX_WILDCARD_RULES_PER_BUS) {
    const where = shards > 1 ? ` on bus shard ${fullest}` : '';
    throw new ConflictError(
      'wildcard_quota_exceeded',
      `filter: uses the wildcard operator, but ${count} subscriptions${where} already do and EventBridge allows at most ${MAX_WILDCARD_RULES_PER_BUS} rules with wildcards per event bus; use prefix or suffix instead, or remove wildcard from another subscription's filter`,
    );
  }
}
