import type { Subscription } from '../subscriptions/subscription.js';
import type { SubscriptionStore } from '../subscriptions/subscription-store.js';
import type { SubscriptionSource } from './deliverer.js';

/**
 * The subscription reads of one SQS batch: each subscription is read from the store (a
 * strongly consistent GetItem) when the first record of the batch asks for it, and the other
 * records share that read. Nothing outlives the batch, so a change the API answered 2xx is
 * seen by the next batch in every warm environment; there is no TTL to wait out.
 */
export class BatchSubscriptions implements SubscriptionSource {
  private readonly reads = new Map<string, Promise<Subscription | undefined>>();

  constructor(private readonly store: Pick<SubscriptionStore, 'get'>) {}

  get(id: string): Promise<Subscription | undefined> {
    let read = this.reads.get(id);
    if (!read) {
      read = this.store.get(id);
      this.reads.set(id, read);
    }
    return read;
  }
}
