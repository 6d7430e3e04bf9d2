import { describe, expect, it } from 'vitest';
import { LaneActivity } from '../../../shared/provisioning/lane-activity.js';

function logger() {
  const warnings: unknown[] = [];
  return {
    warnings,
    log: {
      info: () => undefined,
      warn: (...args: unknown[]) => warnings.push(args),
      error: () => undefined,
      debug: () => undefined,
    } as never,
  };
}

describe('LaneActivity', () => {
  it('writes a lane’s activity once per interval per container, each lane on its own', async () => {
    const writes: [string, string][] = [];
    let now = Date.parse('2026-12-03T12:00:00Z');
    const activity = new LaneActivity({
      store: { markActive: async (id, at) => void writes.push([id, at]) },
      logger: logger().log,
      everyMs: 60_000,
      now: () => new Date(now),
    });
    await Promise.all([activity.note('a'), activity.note('a'), activity.note('b')]);
    now += 59_999;
    await activity.note('a');
    expect(writes).toEqual([
      ['a', '2026-12-03T12:00:00.000Z'],
      ['b', '2026-12-03T12:00:00.000Z'],
    ]);
    now += 1;
    await activity.note('a');
    expect(writes.at(-1)).toEqual(['a', '2026-12-03T12:01:00.000Z']);
  });

  it('logs a failed write and never throws (a delivery must not fail on it)', async () => {
    const { warnings, log } = logger();
    let calls = 0;
    const activity = new LaneActivity({
      store: {
        markActive: async () => {
          calls++;
          throw new Error('throttled');
        },
      },
      logger: log,
    });
    await expect(activity.note('a')).resolves.toBeUndefined();
    // Not retried on every record while the table fails.
    await activity.note('a');
    expect(calls).toBe(1);
    expect(warnings).toHaveLength(1);
  });
});
