import type { Subscription } from '../subscriptions/subscription.js';

/**
 * The status reason of a subscription whose lane could not be made yet because AWS throttled
 * the calls (a burst of creations): it stays `provisioning`, never `failed`, and the
 * reconciler's next pass makes its lane.
 */
export const DEFERRED_REASON =
  'waiting for AWS control-plane capacity (throttled); the reconciler finishes the lane within minutes';

/** Whether provisioning was deferred by throttling, for the reconciler to finish at once. */
export function isDeferred(subscription: Pick<Subscription, 'status' | 'statusReason'>): boolean {
  return subscription.status === 'provisioning' && subscription.statusReason === DEFERRED_REASON;
}
