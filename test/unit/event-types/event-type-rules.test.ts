import { describe, expect, it } from 'vitest';
import type { ApiError } from '../../../shared/errors.js';
import { EventTypeRules, type RuleReader } from '../../../shared/event-types/event-type-rules.js';
import { compileDataCheck } from '../../../shared/event-types/schema-validator.js';

const amountCheck = compileDataCheck({
  type: 'object',
  properties: { amount: { type: 'integer' } },
});

function world(ttlMs = 30_000) {
  let now = 0;
  const reads: string[] = [];
  let failNext = false;
  const read: RuleReader = async (name) => {
    reads.push(name);
    if (failNext) {
      failNext = false;
      throw new Error('throttled');
    }
    return name.startsWith('checked.') ? { check: amountCheck } : {};
  };
  const rules = new EventTypeRules(read, { ttlMs, now: () => now, maxEntries: 3 });
  return {
    rules,
    reads,
    advance: (ms: number) => {
      now += ms;
    },
    failOnce: () => {
      failNext = true;
    },
  };
}

const event = (type: string, data: Record<string, unknown> = { amount: 1 }) => ({ type, data });

async function refusal(promise: Promise<void>): Promise<ApiError> {
  try {
    await promise;
  } catch (error) {
    return error as ApiError;
  }
  throw new Error('expected a refusal');
}

describe('ingest’s catalog cache', () => {
  it('reads each distinct type once per cold entry, not per event, and again after the TTL', async () => {
    const w = world();
    const batch = [event('checked.a'), event('checked.a'), event('free.b'), event('checked.a')];
    await w.rules.assertValid(batch, true);
    expect(w.reads.sort()).toEqual(['checked.a', 'free.b']);
    await w.rules.assertValid(batch, true);
    w.advance(29_999);
    await w.rules.assertValid([event('checked.a')], false);
    expect(w.reads).toHaveLength(2);
    w.advance(1);
    await w.rules.assertValid([event('checked.a')], false);
    expect(w.reads).toHaveLength(3);
  });

  it('shares one read between concurrent requests', async () => {
    const w = world();
    await Promise.all([1, 2, 3].map(() => w.rules.assertValid([event('checked.x')], false)));
    expect(w.reads).toEqual(['checked.x']);
  });

  it('refuses failing data with 422 naming the path, in a batch by index', async () => {
    const w = world();
    const single = await refusal(w.rules.assertValid([event('checked.a', { amount: 'x' })], false));
    expect([single.status, single.code]).toEqual([422, 'schema_validation_failed']);
    expect(single.details?.map((d) => d.field)).toEqual(['data.amount']);
    const batch = await refusal(
      w.rules.assertValid(
        [event('checked.a'), event('free.b', { amount: 'x' }), event('checked.a', { amount: 'x' })],
        true,
      ),
    );
    expect(batch.details?.map((d) => d.field)).toEqual(['events[2].data.amount']);
  });

  it('answers 503 when the catalog cannot be read, and does not keep the failure', async () => {
    const w = world();
    w.failOnce();
    const failed = await refusal(w.rules.assertValid([event('checked.a')], false));
    expect([failed.status, failed.code]).toEqual([503, 'catalog_unavailable']);
    await expect(w.rules.assertValid([event('checked.a')], false)).resolves.toBeUndefined();
    expect(w.reads).toEqual(['checked.a', 'checked.a']);
  });

  it('keeps at most maxEntries types, so random type names cannot grow the memory', async () => {
    const w = world();
    for (const name of ['a', 'b', 'c', 'd']) await w.rules.assertValid([event(name)], false);
    await w.rules.assertValid([event('a')], false);
    expect(w.reads).toEqual(['a', 'b', 'c', 'd', 'a']);
  });
});
