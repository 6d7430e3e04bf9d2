import { describe, expect, it } from 'vitest';
import { concurrencyLimit, describeQueue, hasLane } from '../../../web/src/ui/backlog.js';

describe('the console’s lane counts', () => {
  it('never runs more than `max` tasks at once, and runs every one', async () => {
    const limit = concurrencyLimit(2);
    let running = 0;
    let most = 0;
    const task = (ms: number) =>
      limit(async () => {
        running++;
        most = Math.max(most, running);
        await new Promise((resolve) => setTimeout(resolve, ms));
        running--;
        return ms;
      });
    const first = [task(5), task(5), task(5), task(5)];
    // Two more, arriving while the first are running or handing their places on.
    const late = new Promise<number[]>((resolve) =>
      setTimeout(() => void Promise.all([task(1), task(1)]).then(resolve), 5),
    );
    expect(await Promise.all(first)).toEqual([5, 5, 5, 5]);
    expect(await late).toEqual([1, 1]);
    expect(most).toBe(2);
    expect(running).toBe(0);
  });

  it('keeps going after a task that fails', async () => {
    const limit = concurrencyLimit(1);
    await expect(limit(async () => Promise.reject(new Error('no')))).rejects.toThrow('no');
    expect(await limit(async () => 'next')).toBe('next');
  });

  it('says what a queue holds, and which lanes can be counted', () => {
    expect(describeQueue({ queued: 0, inFlight: 0, delayed: 0, deadLettered: 3 })).toBe('Empty');
    expect(describeQueue({ queued: 2, inFlight: 1, delayed: 1, deadLettered: 0 })).toBe(
      '3 waiting, 1 being delivered or retried',
    );
    expect(
      ['active', 'paused', 'disabled', 'provisioning', 'failed', 'deleting'].map((s) =>
        hasLane(s as never),
      ),
    ).toEqual([true, true, true, false, false, false]);
  });
});
