import type { Backlog, SubscriptionStatus } from '../api/types.js';

/** Statuses whose lane exists, so its queues can be counted (others answer 409). */
export function hasLane(status: SubscriptionStatus): boolean {
  return status === 'active' || status === 'paused' || status === 'disabled';
}

/** What a lane's queue holds, in words: "3 waiting, 1 being delivered or retried". */
export function describeQueue(backlog: Backlog): string {
  const waiting = backlog.queued + backlog.delayed;
  if (waiting === 0 && backlog.inFlight === 0) return 'Empty';
  const parts: string[] = [];
  if (waiting > 0) parts.push(`${waiting} waiting`);
  if (backlog.inFlight > 0) parts.push(`${backlog.inFlight} being delivered or retried`);
  return parts.join(', ');
}

/**
 * Runs at most `max` of the given tasks at once, in the order they were handed in: a table's
 * rows each load their own counts without sending a hundred requests together.
 */
export function concurrencyLimit(max: number) {
  let running = 0;
  const waiting: (() => void)[] = [];
  return async <T>(task: () => Promise<T>): Promise<T> => {
    // A finished task hands its place straight to the next in line (`running` unchanged), so a
    // caller arriving in between cannot take it too.
    if (running >= max) await new Promise<void>((resolve) => waiting.push(resolve));
    else running++;
    try {
      return await task();
    } finally {
      const next = waiting.shift();
      if (next) next();
      else running--;
    }
  };
}
