/**
 * Splits items into consecutive chunks of at most `maxItems` items and at most `maxBytes` in
 * total (by `sizeOf`), keeping their order. An item larger than `maxBytes` on its own gets a
 * chunk of its own: rejecting it is the caller's business, not the chunker's. Returns the
 * indices of the items in each chunk, so callers can map results back.
 */
export function chunkIndices<T>(
  items: readonly T[],
  sizeOf: (item: T) => number,
  limits: { readonly maxItems: number; readonly maxBytes: number },
): number[][] {
  const chunks: number[][] = [];
  let current: number[] = [];
  let currentBytes = 0;
  items.forEach((item, index) => {
    const bytes = sizeOf(item);
    const full = current.length >= limits.maxItems || currentBytes + bytes > limits.maxBytes;
    if (current.length > 0 && full) {
      chunks.push(current);
      current = [];
      currentBytes = 0;
    }
    current.push(index);
    currentBytes += bytes;
  });
  if (current.length > 0) chunks.push(current);
  return chunks;
}
