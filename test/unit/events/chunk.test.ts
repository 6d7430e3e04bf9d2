import { describe, expect, it } from 'vitest';
import { chunkIndices } from '../../../shared/events/chunk.js';

const identity = (n: number) => n;
const range = (n: number) => Array.from({ length: n }, (_, i) => i);

/** mulberry32: a small seeded generator, so a failing case can be reproduced. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('chunkIndices', () => {
  it('splits 25 items into 10, 10 and 5, in order', () => {
    const chunks = chunkIndices(range(25), () => 1, { maxItems: 10, maxBytes: 1_000 });
    expect(chunks).toEqual([range(10), range(10).map((i) => i + 10), [20, 21, 22, 23, 24]]);
  });

  it('splits earlier when the byte limit is reached first', () => {
    const sizes = [30, 30, 30, 30, 30, 30, 30];
    const chunks = chunkIndices(sizes, identity, { maxItems: 10, maxBytes: 100 });
    expect(chunks).toEqual([[0, 1, 2], [3, 4, 5], [6]]);
  });

  it('fills a chunk up to exactly the byte limit', () => {
    const chunks = chunkIndices([40, 60, 1], identity, { maxItems: 10, maxBytes: 100 });
    expect(chunks).toEqual([[0, 1], [2]]);
  });

  it('gives an item larger than the limit a chunk of its own', () => {
    const chunks = chunkIndices([10, 500, 10, 10], identity, { maxItems: 10, maxBytes: 100 });
    expect(chunks).toEqual([[0], [1], [2, 3]]);
  });

  it('gives consecutive oversize items one chunk each', () => {
    const chunks = chunkIndices([500, 600, 700], identity, { maxItems: 10, maxBytes: 100 });
    expect(chunks).toEqual([[0], [1], [2]]);
  });

  it('returns no chunks for no items', () => {
    expect(chunkIndices([], identity, { maxItems: 10, maxBytes: 100 })).toEqual([]);
  });

  it('keeps every index exactly once, in order, within both limits (random sizes)', () => {
    const random = seeded(20240601);
    for (let run = 0; run < 500; run++) {
      const maxItems = 1 + Math.floor(random() * 12);
      const maxBytes = 1 + Math.floor(random() * 1_000);
      const count = Math.floor(random() * 60);
      // Mostly items that fit, now and then one larger than the limit.
      const sizes = Array.from({ length: count }, () =>
        random() < 0.05
          ? maxBytes + 1 + Math.floor(random() * 500)
          : Math.floor(random() * maxBytes * 0.6),
      );
      const chunks = chunkIndices(sizes, identity, { maxItems, maxBytes });
      const context = JSON.stringify({ run, maxItems, maxBytes, sizes });

      expect(chunks.flat(), context).toEqual(range(count));
      for (const [position, chunk] of chunks.entries()) {
        expect(chunk.length, context).toBeGreaterThan(0);
        expect(chunk.length, context).toBeLessThanOrEqual(maxItems);
        const bytes = chunk.reduce((sum, i) => sum + (sizes[i] as number), 0);
        if (chunk.length > 1) expect(bytes, context).toBeLessThanOrEqual(maxBytes);
        // A chunk is closed only when the next item would not have fitted.
        const next = chunks[position + 1]?.[0];
        if (next !== undefined) {
          const wouldFit = chunk.length < maxItems && bytes + (sizes[next] as number) <= maxBytes;
          expect(wouldFit, context).toBe(false);
        }
      }
    }
  });
});
