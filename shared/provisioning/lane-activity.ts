import type { Log } from '../observability.js';
import type { SubscriptionStore } from '../subscriptions/subscription-store.js';

/** How often one container notes a lane's activity at most: once an hour per subscription. */
export const ACTIVITY_NOTE_EVERY_MS = 60 * 60_000;

export interface LaneActivityOptions {
  readonly store: Pick<SubscriptionStore, 'markActive'>;
  readonly logger: Log;
  /** @default ACTIVITY_NOTE_EVERY_MS */
  readonly everyMs?: number;
  readonly now?: () => Date;
}

/**
 * The delivery function's notes that a lane is in use (`lastActiveAt`), from which the
 * reconciler tells an idle lane. Throttled in memory to one write per subscription per hour per
 * container, so a delivery costs nothing more on average; the idle period is many hours, so a
 * note up to an hour late (or one container's notes lost with it) never makes a busy lane cold.
 * A failed write is logged and forgotten: it must never fail a delivery.
 */
export class LaneActivity {
  private readonly noted = new Map<string, number>();
  private readonly everyMs: number;
  private readonly now: () => Date;

  constructor(private readonly options: LaneActivityOptions) {
    this.everyMs = options.everyMs ?? ACTIVITY_NOTE_EVERY_MS;
    this.now = options.now ?? (() => new Date());
  }

  /** Notes a delivery for subscription `id`, unless this container noted one within the hour. */
  async note(id: string): Promise<void> {
    const now = this.now();
    const last = this.noted.get(id);
    if (last !== undefined && now.getTime() - last < this.everyMs) return;
    // Set before the write: concurrent records of one batch write once, and a failing table is
    // not retried on every record.
    this.noted.set(id, now.getTime());
    try {
      await this.options.store.markActive(id, now.toISOString());
    } catch (error) {
      this.options.logger.warn('could not note lane activity', {
        subscriptionId: id,
        error: error instanceof Error ? error.message : String(error),
      });
    }
  }
}
