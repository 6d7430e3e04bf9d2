/**
 * How deep event `data` may nest objects and arrays, `data` itself being level 1. (A
 * subscription `filter` has its own, tighter limit in event-pattern.ts.) A producer's payload deeper than this is almost surely a bug, and
 * every consumer that walks it recursively (EventBridge, a subscriber's parser) has a limit.
 */
export const MAX_FIELD_DEPTH = 32;

/**
 * The nesting depth of a JSON value: 0 for a primitive, 1 for a flat object or array, and so
 * on. Computed with an explicit stack, so a hostile value cannot overflow the call stack; it
 * stops counting past `stopAfter` (the caller only needs to know it is too deep).
 */
export function jsonDepth(value: unknown, stopAfter = Number.POSITIVE_INFINITY): number {
  let deepest = 0;
  const stack: { value: unknown; depth: number }[] = [{ value, depth: 0 }];
  while (stack.length > 0) {
    const top = stack.pop() as { value: unknown; depth: number };
    if (top.value === null || typeof top.value !== 'object') continue;
    const depth = top.depth + 1;
    if (depth > deepest) deepest = depth;
    if (deepest > stopAfter) return deepest;
    for (const child of Object.values(top.value)) stack.push({ value: child, depth });
  }
  return deepest;
}
