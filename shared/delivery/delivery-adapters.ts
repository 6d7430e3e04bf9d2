import type { Subscription } from '../subscriptions/subscription.js';
import type { SubscriptionStore } from '../subscriptions/subscription-store.js';
import type { SubscriptionSource } from './deliverer.js';

/**
 * Subscriptions read through a short cache: a batch of ten records for one subscriber reads it
 * once, and a change made through the API reaches deliveries within `ttlMs`.
 */
export class CachedSubscriptions implements SubscriptionSource {
  private readonly entries = new Map<
    string,
    { at: number; value: Promise<Subscription | undefined> }
  >();

  constructor(
    private readonly store: Pick<SubscriptionStore, 'get'>,
    private readonly ttlMs = 30_000,
    private readonly clock: () => number = Date.now,
  ) {}

  get(id: string): Promise<Subscription | undefined> {
    const cached = this.entries.get(id);
    if (cached && this.clock() - cached.at < this.ttlMs) return cached.value;
    const value = this.store.get(id);
    value.catch(() => this.entries.delete(id));
    this.entries.set(id, { at: this.clock(), value });
    return value;
  }

  forget(id: string): void {
    this.entries.delete(id);
  }
}
