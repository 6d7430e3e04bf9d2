/**
 * Slow passes over JSON text that track where they are (the key or index in each enclosing
 * object and array), for naming the path of a problem in a body that is refused anyway.
 * They assume text that JSON.parse accepted, or at least balanced brackets.
 */

interface Position {
  key: string | number;
  expectKey: boolean;
  readonly array: boolean;
  readonly seen: Set<string> | undefined;
}

interface PathVisitor {
  /** Called as an object or array opens, with the stack of its parents; true stops the pass. */
  open?(parents: readonly Position[]): boolean;
  /** Called for each key of an object, with the stack down to that object; true stops. */
  key?(stack: readonly Position[], key: string): boolean;
}

/**
 * The path of the first object or array that starts past `limit` levels, e.g.
 * `events[0].data.a.a…`, or `body` when there is none.
 */
export function pathPastDepth(text: string, limit: number): string {
  let path = 'body';
  trackPositions(text, false, {
    open(parents) {
      if (parents.length < limit) return false;
      path = formatPath(parents.map((p) => p.key));
      return true;
    },
  });
  return path;
}

/** The paths of keys that appear a second time in their object, at most `max` of them. */
export function duplicateKeyPaths(text: string, max: number): string[] {
  const paths: string[] = [];
  trackPositions(text, true, {
    key(stack, key) {
      const top = stack[stack.length - 1] as Position;
      if (top.seen?.has(key))
        paths.push(formatPath([...stack.map((p) => p.key).slice(0, -1), key]));
      top.seen?.add(key);
      return paths.length >= max;
    },
  });
  return paths;
}

/** `events[1].data.name` from `['events', 1, 'data', 'name']`; `body` for none. */
export function formatPath(keys: readonly (string | number)[]): string {
  let path = '';
  for (const key of keys) {
    if (typeof key === 'number') path += `[${key}]`;
    else path += path ? `.${key.toWellFormed()}` : key.toWellFormed();
  }
  return path || 'body';
}

function trackPositions(text: string, withSeen: boolean, visitor: PathVisitor): void {
  const stack: Position[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    const top = stack[stack.length - 1];
    if (c === 0x22) {
      const start = i;
      for (i++; i < text.length && text.charCodeAt(i) !== 0x22; i++) {
        if (text.charCodeAt(i) === 0x5c) i++;
      }
      if (top && !top.array && top.expectKey) {
        top.key = decodeKey(text.slice(start, i + 1));
        top.expectKey = false;
        if (visitor.key?.(stack, top.key)) return;
      }
    } else if (c === 0x2c && top) {
      if (top.array) top.key = (top.key as number) + 1;
      else top.expectKey = true;
    } else if (c === 0x7b || c === 0x5b) {
      if (visitor.open?.(stack)) return;
      const array = c === 0x5b;
      stack.push({
        key: array ? 0 : '',
        expectKey: !array,
        array,
        seen: withSeen && !array ? new Set() : undefined,
      });
    } else if (c === 0x7d || c === 0x5d) {
      stack.pop();
    }
  }
}

function decodeKey(quoted: string): string {
  try {
    return JSON.parse(quoted) as string;
  } catch {
    return quoted.slice(1, -1);
  }
}
