import type { DeliveryAttempt } from '../api/types.js';

/** Attempts counted per time bucket, as the chart draws them (uPlot's column arrays). */
export interface DeliverySeries {
  /** Start of each bucket, Unix seconds. */
  readonly times: number[];
  readonly delivered: number[];
  readonly failed: number[];
  /** Latency percentiles of the bucket's attempts, ms; null where it had none. */
  readonly p50: (number | null)[];
  readonly p99: (number | null)[];
  readonly bucketSeconds: number;
}

const BUCKETS = [60, 300, 900, 3600, 4 * 3600, 86_400];

/**
 * Buckets attempts by time, for the endpoint chart: per bucket the delivered and the failed
 * attempts (every result but `delivered`), and p50/p99 of their durations (nearest rank). The
 * bucket width is the smallest of 1 min … 1 day that keeps the span within `maxBuckets`.
 */
export function deliverySeries(
  attempts: readonly DeliveryAttempt[],
  maxBuckets = 60,
): DeliverySeries {
  const stamped = attempts
    .map((attempt) => ({ attempt, at: Date.parse(attempt.attemptedAt) / 1000 }))
    .filter(({ at }) => Number.isFinite(at));
  if (stamped.length === 0)
    return { times: [], delivered: [], failed: [], p50: [], p99: [], bucketSeconds: 60 };
  const first = Math.min(...stamped.map((s) => s.at));
  const last = Math.max(...stamped.map((s) => s.at));
  const bucketSeconds =
    BUCKETS.find((size) => Math.floor(last / size) - Math.floor(first / size) < maxBuckets) ??
    86_400;
  const start = Math.floor(first / bucketSeconds) * bucketSeconds;
  const count = Math.floor((last - start) / bucketSeconds) + 1;
  const durations: number[][] = Array.from({ length: count }, () => []);
  const delivered = new Array<number>(count).fill(0);
  const failed = new Array<number>(count).fill(0);
  for (const { attempt, at } of stamped) {
    const index = Math.floor((at - start) / bucketSeconds);
    if (attempt.result === 'delivered') delivered[index] = (delivered[index] ?? 0) + 1;
    else failed[index] = (failed[index] ?? 0) + 1;
    durations[index]?.push(attempt.durationMs);
  }
  return {
    times: Array.from({ length: count }, (_, i) => start + i * bucketSeconds),
    delivered,
    failed,
    p50: durations.map((values) => percentile(values, 50)),
    p99: durations.map((values) => percentile(values, 99)),
    bucketSeconds,
  };
}

/** The nearest-rank percentile `p` (0–100] of `values`, or null for none. */
export function percentile(values: readonly number[], p: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1] ?? null;
}
