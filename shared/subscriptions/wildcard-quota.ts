import { ConflictError } from '../errors.js';
import { filterUsesWildcard } from './event-pattern.js';
import type { Subscription } from './subscription.js';
import type { SubscriptionStore } from './subscription-store.js';

/**
 * EventBridge's hard quota of rules whose pattern uses `wildcard` on one event bus. Only
 * subscription filters can use it (event types compile to prefix matches), so counting the
 * subscriptions whose filter does counts the bus's wildcard rules.
 */
export const MAX_WILDCARD_RULES_PER_BUS = 30;

/**
 * Refuses (409 `wildcard_quota_exceeded`) a filter that uses `wildcard` when the bus already
 * has {@link MAX_WILDCARD_RULES_PER_BUS} subscriptions whose filter does, not counting the
 * subscription `ownId` being changed. Without this check PutRule would fail on AWS and leave
 * the subscription `failed`, retried by the reconciler forever. Reads the store only when the
 * filter uses `wildcard`. Two creations racing past the check can still overshoot by one each:
 * the last of them then ends `failed`, as it would without the check.
 */
export async function assertWildcardQuota(
  store: Pick<SubscriptionStore, 'all'>,
  filter: Record<string, unknown> | undefined,
  ownId?: string,
): Promise<void> {
  if (!filterUsesWildcard(filter)) return;
  const others = (await store.all()).filter(
    (s: Subscription) => s.id !== ownId && filterUsesWildcard(s.filter),
  );
  if (others.length >= MAX_WILDCARD_RULES_PER_BUS) {
    throw new ConflictError(
      'wildcard_quota_exceeded',
      `filter: uses the wildcard operator, but ${others.length} subscriptions already do and EventBridge allows at most ${MAX_WILDCARD_RULES_PER_BUS} rules with wildcards per event bus; use prefix or suffix instead, or remove wildcard from another subscription's filter`,
    );
  }
}
