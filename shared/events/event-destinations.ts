import type { AttemptLog, DeliveryAttempt } from '../delivery/attempt-log.js';
import { buildEventPattern } from '../subscriptions/event-pattern.js';
import { matchesPattern } from '../subscriptions/pattern-matcher.js';
import type { Subscription } from '../subscriptions/subscription.js';
import type { EventSummary } from './stored-event.js';

export const DELIVERY_STATES = ['delivered', 'failing', 'dead-lettered', 'pending'] as const;

/** Where one subscription's delivery of an event stands. */
export type DeliveryState = (typeof DELIVERY_STATES)[number];

/** An attempt as the event view shows it (the request and response are in the deliveries route). */
export type AttemptView = Omit<
  DeliveryAttempt,
  | 'subscriptionId'
  | 'eventId'
  | 'eventType'
  | 'responseBody'
  | 'requestUrl'
  | 'requestHeaders'
  | 'requestBodyBytes'
  | 'requestHeadersTruncated'
>;

/** One destination of an event. */
export interface EventDelivery {
  readonly subscriptionId: string;
  readonly tenantId?: string;
  readonly state: DeliveryState;
  /** Oldest first. */
  readonly attempts: AttemptView[];
  /** More attempts were made than MAX_ATTEMPTS_SHOWN (the newest are shown). */
  readonly attemptsTruncated?: boolean;
}

/** At most this many destinations per answer, their attempt logs read this many at a time. */
export const MAX_DESTINATIONS = 100;
export const ATTEMPT_READ_CONCURRENCY = 16;
export const MAX_ATTEMPTS_SHOWN = 50;

/**
 * The state of a delivery from its attempts (any order): the last attempt delivered →
 * `delivered`; a final attempt that did not deliver (retries exhausted, destination refused,
 * 410 Gone) → `dead-lettered`; a failure with retries left → `failing`; none yet → `pending`.
 */
export function deliveryState(
  attempts: readonly Pick<DeliveryAttempt, 'attemptedAt' | 'attempt' | 'result' | 'final'>[],
): DeliveryState {
  const last = [...attempts].sort(byTime).at(-1);
  if (!last) return 'pending';
  if (last.result === 'delivered') return 'delivered';
  return last.final ? 'dead-lettered' : 'failing';
}

function byTime(
  a: Pick<DeliveryAttempt, 'attemptedAt' | 'attempt'>,
  b: Pick<DeliveryAttempt, 'attemptedAt' | 'attempt'>,
): number {
  if (a.attemptedAt !== b.attemptedAt) return a.attemptedAt < b.attemptedAt ? -1 : 1;
  return a.attempt - b.attempt;
}

/** The event a rule sees: the envelope as detail, under our source and its type. */
export interface RoutedEvent {
  readonly summary: EventSummary;
  /** The published envelope, or undefined when its payload was not retained. */
  readonly envelope: Record<string, unknown> | undefined;
}

/**
 * The destinations of an event among `candidates` (the subscriptions that could have received
 * it, by tenant), each with its attempts and state. A subscription is a destination when its
 * current rule pattern matches the event and it existed when the event was published; one that
 * did not exist yet, or whose data filter cannot be evaluated because the payload was not
 * retained, is listed only if it has attempts for the event. At most MAX_DESTINATIONS are
 * answered (by subscription id), with `truncated` when more would be.
 */
export async function eventDestinations(
  event: RoutedEvent,
  candidates: readonly Subscription[],
  attempts: Pick<AttemptLog, 'list'>,
  source: string,
): Promise<{ deliveries: EventDelivery[]; truncated: boolean }> {
  const { summary, envelope } = event;
  const detail = envelope ?? { ...summary };
  const routed = { source, 'detail-type': summary.type, detail };
  const sure: Subscription[] = [];
  const maybe: Subscription[] = [];
  for (const subscription of [...candidates].sort((a, b) => (a.id < b.id ? -1 : 1))) {
    const filter = envelope ? subscription.filter : undefined;
    const pattern = buildEventPattern(
      source,
      subscription.eventTypes,
      filter,
      subscription.tenantId,
    );
    if (!matchesPattern(pattern, routed)) continue;
    const unknownFilter =
      !envelope && subscription.filter && Object.keys(subscription.filter).length > 0;
    if (unknownFilter || subscription.createdAt > summary.timestamp) maybe.push(subscription);
    else sure.push(subscription);
  }
  const chosen = [...sure, ...maybe];
  const examined = chosen.slice(0, MAX_DESTINATIONS);
  const maybeIds = new Set(maybe.map((s) => s.id));
  const found = await mapBounded(examined, ATTEMPT_READ_CONCURRENCY, async (subscription) => {
    const page = await attempts.list(subscription.id, {
      eventId: summary.id,
      limit: MAX_ATTEMPTS_SHOWN,
    });
    if (page.items.length === 0 && maybeIds.has(subscription.id)) return undefined;
    const shown = page.items.map(toAttemptView).sort(byTime);
    const delivery: EventDelivery = {
      subscriptionId: subscription.id,
      ...(subscription.tenantId !== undefined && { tenantId: subscription.tenantId }),
      state: deliveryState(shown),
      attempts: shown,
      ...(page.nextCursor !== undefined && { attemptsTruncated: true }),
    };
    return delivery;
  });
  const deliveries = found
    .filter((d): d is EventDelivery => d !== undefined)
    .sort((a, b) => (a.subscriptionId < b.subscriptionId ? -1 : 1));
  return { deliveries, truncated: chosen.length > MAX_DESTINATIONS };
}

function toAttemptView(attempt: DeliveryAttempt): AttemptView {
  // The request and response details are in the deliveries route; the event view stays small.
  const {
    subscriptionId: _s,
    eventId: _e,
    eventType: _t,
    responseBody: _r,
    requestUrl: _u,
    requestHeaders: _h,
    requestBodyBytes: _b,
    requestHeadersTruncated: _x,
    ...view
  } = attempt;
  return view;
}

/** `work` over `items`, at most `concurrency` at a time, results in the items' order. */
async function mapBounded<T, R>(
  items: readonly T[],
  concurrency: number,
  work: (item: T) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
  return results;
}
