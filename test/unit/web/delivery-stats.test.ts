import { describe, expect, it } from 'vitest';
import type { DeliveryAttempt } from '../../../web/src/api/types.js';
import { deliverySeries, percentile } from '../../../web/src/portal/delivery-stats.js';

function attempt(
  at: string,
  result: DeliveryAttempt['result'],
  durationMs: number,
): DeliveryAttempt {
  return {
    subscriptionId: 'sub_01JD5Z8Q4X9V2M7K3T6N0R1B8C',
    eventId: 'evt_01JD5Z8Q4X9V2M7K3T6N0R1B8C',
    eventType: 'order.created',
    attempt: 1,
    attemptedAt: at,
    result,
    final: result !== 'failed',
    durationMs,
  };
}

describe('the endpoint chart series', () => {
  it('counts deliveries and failures per minute, with p50 and p99 of each minute', () => {
    const series = deliverySeries([
      attempt('2026-12-03T12:00:05Z', 'delivered', 10),
      attempt('2026-12-03T12:00:40Z', 'failed', 30),
      attempt('2026-12-03T12:00:50Z', 'delivered', 20),
      attempt('2026-12-03T12:02:10Z', 'refused', 1),
    ]);
    expect(series.bucketSeconds).toBe(60);
    expect(series.times).toEqual(
      [0, 60, 120].map((s) => Date.parse('2026-12-03T12:00:00Z') / 1000 + s),
    );
    expect(series.delivered).toEqual([2, 0, 0]);
    expect(series.failed).toEqual([1, 0, 1]);
    expect(series.p50).toEqual([20, null, 1]);
    expect(series.p99).toEqual([30, null, 1]);
  });

  it('widens the buckets to keep a long span within the limit', () => {
    const series = deliverySeries(
      [attempt('2026-12-01T00:00:00Z', 'delivered', 5), attempt('2026-12-03T00:00:00Z', 'gone', 5)],
      60,
    );
    expect(series.bucketSeconds).toBe(3600);
    expect(series.times.length).toBeLessThanOrEqual(60);
    expect(series.delivered.reduce((a, b) => a + b)).toBe(1);
    expect(series.failed.reduce((a, b) => a + b)).toBe(1);
  });

  it('is empty without attempts, and skips a time it cannot read', () => {
    expect(deliverySeries([]).times).toEqual([]);
    expect(deliverySeries([attempt('not a time', 'delivered', 1)]).times).toEqual([]);
  });
});

describe('percentile (nearest rank)', () => {
  it('answers a value of the set', () => {
    const values = Array.from({ length: 100 }, (_, i) => 100 - i);
    expect(percentile(values, 50)).toBe(50);
    expect(percentile(values, 99)).toBe(99);
    expect(percentile(values, 100)).toBe(100);
    expect(percentile([7], 99)).toBe(7);
    expect(percentile([], 50)).toBeNull();
  });
});
