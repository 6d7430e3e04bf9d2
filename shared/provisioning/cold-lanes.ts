import type { Subscription } from '../subscriptions/subscription.js';

/** The id of a cold lane's second rule target, the one into the shared wake queue. */
export const WAKE_TARGET_ID = 'wake';

/** What the wake target puts on the wake queue: which lane to wake, and when its event was. */
export interface WakeMessage {
  readonly wake: string;
  readonly eventTime?: string;
}

/**
 * The wake target's input: a constant subscription id and the event's time (for the wake
 * latency). An input transformer rather than a constant `Input`, because the local endpoint
 * ignores `Input` but applies transformers; EventBridge applies both alike.
 */
export function wakeInput(subscriptionId: string) {
  return {
    InputPathsMap: { time: '$.time' },
    InputTemplate: `{"wake":${JSON.stringify(subscriptionId)},"eventTime":"<time>"}`,
  };
}

/** The wake message in an SQS body, if it is one (anything else on the queue is dropped). */
export function parseWakeMessage(body: string): WakeMessage | undefined {
  try {
    const parsed = JSON.parse(body) as Partial<WakeMessage> | null;
    if (typeof parsed?.wake !== 'string') return undefined;
    return typeof parsed.eventTime === 'string'
      ? { wake: parsed.wake, eventTime: parsed.eventTime }
      : { wake: parsed.wake };
  } catch {
    return undefined;
  }
}

/** Whether the subscription's lane sleeps. */
export function isCold(subscription: Pick<Subscription, 'lane'>): boolean {
  return subscription.lane === 'cold';
}

/**
 * Whether the lane's event source mapping should be enabled: the subscription takes deliveries
 * (active, or being made) and its lane is not asleep.
 */
export function mappingEnabled(subscription: Pick<Subscription, 'status' | 'lane'>): boolean {
  const live = subscription.status === 'active' || subscription.status === 'provisioning';
  return live && !isCold(subscription);
}

/** When the lane was last known to be in use: its last noted delivery, else its creation. */
export function lastActive(subscription: Pick<Subscription, 'lastActiveAt' | 'createdAt'>): number {
  return Date.parse(subscription.lastActiveAt ?? subscription.createdAt);
}

/**
 * Whether the reconciler may put a lane to sleep (its queue still has to be found empty):
 * cold lanes are on (`idleMs` > 0), the subscription is active (a paused or disabled one is
 * not a lane to wake, and polls nothing anyway), hot, made, and idle for `idleMs`.
 */
export function mayGoCold(subscription: Subscription, now: number, idleMs: number): boolean {
  return (
    idleMs > 0 &&
    subscription.status === 'active' &&
    !isCold(subscription) &&
    subscription.resources?.queueUrl !== undefined &&
    now - lastActive(subscription) >= idleMs
  );
}

/** What a wake message for a subscription (as now stored) comes to. */
export type WakeDecision = 'wake' | 'already-hot' | 'drop';

/**
 * A cold active lane is woken; a hot one was woken already (a burst of events sends one wake
 * message each); a paused, disabled, deleted or unmade subscription is not a lane to wake, and
 * its message is dropped (its events wait in its queue, as a paused lane's always do).
 */
export function wakeDecision(subscription: Subscription | undefined): WakeDecision {
  if (subscription?.status !== 'active') return 'drop';
  return isCold(subscription) ? 'wake' : 'already-hot';
}

/**
 * Whether a cold lane must be woken by the reconciler rather than by its wake message: cold
 * lanes are off (every cold lane wakes), or a message waits in its queue (one that came while
 * the waker failed, or just before the wake target was in place). Only active lanes wake.
 */
export function mustWake(subscription: Subscription, depth: number, idleMs: number): boolean {
  return subscription.status === 'active' && isCold(subscription) && (idleMs === 0 || depth > 0);
}

/**
 * How often a delivery container notes a lane's activity: hourly, or twice per idle period
 * when that is shorter (a local test's few seconds), so a busy lane is never seen as idle.
 */
export function activityNoteEveryMs(idleMs: number): number {
  const hour = 60 * 60_000;
  return idleMs > 0 ? Math.min(hour, Math.floor(idleMs / 2)) : hour;
}
