import { describe, expect, it } from 'vitest';
import { attemptNumber } from '../../../shared/delivery/attempt-number.js';

const history = (earlierAttempts: number, thisMessageAttempts: number) => ({
  delivered: false,
  earlierAttempts,
  thisMessageAttempts,
});

describe('attemptNumber', () => {
  it('is the receive count for a message with no earlier life', () => {
    expect(attemptNumber(history(0, 0), 1)).toBe(1);
    expect(attemptNumber(history(0, 2), 3)).toBe(3);
  });

  it('adds the attempts of the messages before a redrive to the new receive count', () => {
    expect(attemptNumber(history(8, 0), 1)).toBe(9);
    expect(attemptNumber(history(8, 1), 2)).toBe(10);
  });

  it('never goes below the receive count when the log misses an attempt of this message', () => {
    expect(attemptNumber(history(3, 0), 4)).toBe(7);
  });

  it("follows this message's log when the receive count restarts under the same message id", () => {
    expect(attemptNumber(history(0, 8), 1)).toBe(9);
    expect(attemptNumber(history(2, 8), 1)).toBe(11);
  });
});
