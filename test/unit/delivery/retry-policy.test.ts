import { describe, expect, it } from 'vitest';
import {
  DEFAULT_RETRY_SCHEDULE,
  MAX_ATTEMPTS,
  MAX_RETRY_DELAY_SECONDS,
  maxAttempts,
  parseRetryAfter,
  retryDelaySeconds,
  validateRetrySchedule,
} from '../../../shared/delivery/retry-policy.js';

const schedule = DEFAULT_RETRY_SCHEDULE;
const almostOne = () => 1 - Number.EPSILON;

/** A seeded generator so the many draws are the same on every run. */
function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1_664_525) + 1_013_904_223) >>> 0;
    return state / 2 ** 32;
  };
}

describe('the default schedule', () => {
  it('is 8 attempts over about 27.6 hours, and valid', () => {
    expect(schedule).toEqual([5, 300, 1800, 7200, 18000, 36000, 36000]);
    expect(maxAttempts(schedule)).toBe(8);
    expect(schedule.reduce((sum, delay) => sum + delay, 0) / 3600).toBeCloseTo(27.6, 1);
    expect(validateRetrySchedule(schedule)).toBeUndefined();
  });
});

describe('retryDelaySeconds', () => {
  it.each(schedule.map((delay, index) => [index + 1, delay] as const))(
    'after attempt %i stays within ±20 %% of %i s',
    (attempt, delay) => {
      const low = retryDelaySeconds({ schedule, attempt, random: () => 0 });
      const high = retryDelaySeconds({ schedule, attempt, random: almostOne });
      expect(low).toBe(Math.ceil(delay * 0.8));
      expect(high).toBe(Math.min(Math.floor(delay * 1.2), MAX_RETRY_DELAY_SECONDS));
      const random = seeded(attempt);
      const draws = new Set<number>();
      for (let i = 0; i < 2000; i++) {
        const drawn = retryDelaySeconds({ schedule, attempt, random }) ?? Number.NaN;
        expect(Number.isInteger(drawn)).toBe(true);
        expect(drawn).toBeGreaterThanOrEqual(delay * 0.8);
        expect(drawn).toBeLessThanOrEqual(Math.min(delay * 1.2, MAX_RETRY_DELAY_SECONDS));
        draws.add(drawn);
      }
      // Jitter actually spreads retries rather than returning the scheduled value.
      expect(draws.size).toBeGreaterThan(2);
    },
  );

  it('never schedules past what an SQS visibility timeout can hold', () => {
    const delay = retryDelaySeconds({ schedule: [43_190], attempt: 1, random: almostOne });
    expect(delay).toBe(MAX_RETRY_DELAY_SECONDS);
  });

  it('keeps small delays inside the band after rounding', () => {
    for (const random of [() => 0, () => 0.5, almostOne]) {
      expect(retryDelaySeconds({ schedule: [1, 3], attempt: 1, random })).toBe(1);
      const three = retryDelaySeconds({ schedule: [1, 3], attempt: 2, random }) ?? -1;
      expect(three).toBeGreaterThanOrEqual(2.4);
      expect(three).toBeLessThanOrEqual(3.6);
    }
  });

  it('is exhausted after schedule.length + 1 attempts', () => {
    expect(retryDelaySeconds({ schedule, attempt: 7 })).toBeDefined();
    expect(retryDelaySeconds({ schedule, attempt: 8 })).toBeUndefined();
    expect(retryDelaySeconds({ schedule: [60], attempt: 1 })).toBeDefined();
    expect(retryDelaySeconds({ schedule: [60], attempt: 2 })).toBeUndefined();
  });

  it('refuses an attempt number that is not 1-based', () => {
    expect(() => retryDelaySeconds({ schedule, attempt: 0 })).toThrow(RangeError);
  });

  it('honours Retry-After in place of the schedule, without jitter', () => {
    for (const random of [() => 0, almostOne]) {
      expect(retryDelaySeconds({ schedule, attempt: 1, retryAfterSeconds: 120, random })).toBe(120);
      expect(retryDelaySeconds({ schedule, attempt: 6, retryAfterSeconds: 60, random })).toBe(60);
    }
  });

  it("clamps Retry-After to the schedule's smallest and largest delay", () => {
    expect(retryDelaySeconds({ schedule, attempt: 3, retryAfterSeconds: 0 })).toBe(5);
    expect(retryDelaySeconds({ schedule: [30, 600], attempt: 2, retryAfterSeconds: 1 })).toBe(30);
    expect(retryDelaySeconds({ schedule, attempt: 1, retryAfterSeconds: 86_400 })).toBe(36_000);
    expect(retryDelaySeconds({ schedule: [30, 600], attempt: 1, retryAfterSeconds: 5_000 })).toBe(
      600,
    );
  });

  it('does not let Retry-After extend a message past its last attempt', () => {
    expect(retryDelaySeconds({ schedule, attempt: 8, retryAfterSeconds: 10 })).toBeUndefined();
  });
});

describe('validateRetrySchedule', () => {
  it.each([
    [[], /at least one/],
    [Array.from({ length: MAX_ATTEMPTS }, () => 60), /at most 19/],
    [[5, 1.5], /delay 2 \(1\.5\) is not a whole number/],
    [[5, -1], /negative/],
    [[5, Number.NaN], /not a whole number/],
    [[5, 43_191], /exceeds 43190 s/],
  ])('refuses %j', (candidate, reason) => {
    expect(validateRetrySchedule(candidate)).toMatch(reason);
  });

  it('accepts the longest schedule allowed', () => {
    const longest = Array.from({ length: MAX_ATTEMPTS - 1 }, () => MAX_RETRY_DELAY_SECONDS);
    expect(validateRetrySchedule(longest)).toBeUndefined();
    expect(maxAttempts(longest)).toBe(MAX_ATTEMPTS);
  });
});

describe('parseRetryAfter', () => {
  const now = new Date('2025-03-01T12:00:00Z');

  it('reads delta-seconds', () => {
    expect(parseRetryAfter('120', now)).toBe(120);
    expect(parseRetryAfter(' 0 ', now)).toBe(0);
  });

  it('reads an HTTP-date in all three forms as seconds from now', () => {
    expect(parseRetryAfter('Sat, 01 Mar 2025 12:01:30 GMT', now)).toBe(90);
    expect(parseRetryAfter('Saturday, 01-Mar-25 12:10:00 GMT', now)).toBe(600);
    expect(parseRetryAfter('Sat Mar  1 13:00:00 2025', now)).toBe(3600);
  });

  it('gives 0 for a date in the past', () => {
    expect(parseRetryAfter('Sat, 01 Mar 2025 11:00:00 GMT', now)).toBe(0);
  });

  it.each([
    undefined,
    '',
    'soon',
    '-5',
    '1.5',
    '2025-03-01T12:05:00Z',
    'Sat, 31 Feb 2025 12:00:00 GMT',
  ])('ignores %j', (value) => {
    expect(parseRetryAfter(value, now)).toBeUndefined();
  });
});
