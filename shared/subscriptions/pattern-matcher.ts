import { isIPv4, isIPv6 } from 'node:net';
import { isPlainObject, onlyKey } from './filter-operators.js';

/**
 * An in-process matcher of EventBridge event patterns, following aws/event-ruler's semantics
 * for every operator a subscription's pattern may hold (see filter-operators.ts): it tells the
 * message API which subscriptions an event was routed to, without asking EventBridge.
 *
 * - A field matches when any of its matchers matches any of its leaf values; the fields of a
 *   pattern (and the branches of `$or` with them) must all match.
 * - Arrays in the event are flattened into their leaves; objects inside an array are matched
 *   one element at a time ("array consistency": two fields never match in different elements).
 * - `exists` looks at leaves only: an object or an empty array is not a value.
 * - Values are typed: `"5"` is not `5`, `true` is not `"true"`; numbers compare numerically.
 * - `anything-but` matches any leaf value outside the excluded ones, whatever its type (a
 *   string is "anything but" the number 444), and never an absent field.
 */
export function matchesPattern(pattern: Record<string, unknown>, event: unknown): boolean {
  return matchElement(pattern, event);
}

/** An object pattern against a value: an array matches when one of its elements does. */
function matchElement(pattern: Record<string, unknown>, value: unknown): boolean {
  if (Array.isArray(value)) {
    const elements = flatten(value);
    // An array without objects holds no fields: the pattern sees them all as absent.
    if (!elements.some(isPlainObject)) return matchObject(pattern, {});
    return elements.some((element) => isPlainObject(element) && matchObject(pattern, element));
  }
  return matchObject(pattern, isPlainObject(value) ? value : {});
}

function matchObject(pattern: Record<string, unknown>, value: Record<string, unknown>): boolean {
  for (const [key, condition] of Object.entries(pattern)) {
    if (key === '$or' && isOr(condition)) {
      if (!condition.some((branch) => matchElement(branch, value))) return false;
      continue;
    }
    const field = Object.hasOwn(value, key) ? value[key] : undefined;
    if (Array.isArray(condition)) {
      const leaves = leavesOf(field);
      if (!condition.some((matcher) => matchLeaves(matcher, leaves))) return false;
    } else if (isPlainObject(condition)) {
      if (!matchElement(condition, field)) return false;
    } else {
      return false;
    }
  }
  return true;
}

/** `$or` is an operator only as an array of at least two objects (event-ruler's rule). */
function isOr(condition: unknown): condition is Record<string, unknown>[] {
  return Array.isArray(condition) && condition.length >= 2 && condition.every(isPlainObject);
}

function flatten(values: readonly unknown[]): unknown[] {
  const out: unknown[] = [];
  const stack = [...values].reverse();
  while (stack.length > 0) {
    const next = stack.pop();
    if (Array.isArray(next)) for (let i = next.length - 1; i >= 0; i--) stack.push(next[i]);
    else out.push(next);
  }
  return out;
}

/** The leaf values of a field: itself, or its array's non-object members; none when absent. */
function leavesOf(field: unknown): unknown[] {
  if (field === undefined) return [];
  const values = Array.isArray(field) ? flatten(field) : [field];
  return values.filter((v) => !isPlainObject(v));
}

function matchLeaves(matcher: unknown, leaves: readonly unknown[]): boolean {
  if (isPlainObject(matcher) && onlyKey(matcher) === 'exists') {
    return matcher.exists === true ? leaves.length > 0 : leaves.length === 0;
  }
  return leaves.some((leaf) => matchValue(matcher, leaf));
}

function matchValue(matcher: unknown, value: unknown): boolean {
  if (!isPlainObject(matcher)) return sameValue(matcher, value);
  const operator = onlyKey(matcher);
  const operand = operator === undefined ? undefined : matcher[operator];
  switch (operator) {
    case 'prefix':
      return stringTest(operand, value, (v, o) => v.startsWith(o));
    case 'suffix':
      return stringTest(operand, value, (v, o) => v.endsWith(o));
    case 'equals-ignore-case':
      return (
        typeof operand === 'string' && typeof value === 'string' && fold(value) === fold(operand)
      );
    case 'wildcard':
      return (
        typeof operand === 'string' && typeof value === 'string' && wildcard(operand).test(value)
      );
    case 'numeric':
      return Array.isArray(operand) && typeof value === 'number' && inRange(operand, value);
    case 'cidr':
      return typeof operand === 'string' && typeof value === 'string' && inCidr(operand, value);
    case 'anything-but':
      return !excluded(operand, value);
    default:
      return false;
  }
}

/** Exact match: same type and value; numbers by value (300 is 3.0e2). */
function sameValue(expected: unknown, value: unknown): boolean {
  if (expected === null) return value === null;
  return typeof expected === typeof value && expected === value;
}

/** `prefix`/`suffix`: a string, or `{ "equals-ignore-case": string }` for the folded test. */
function stringTest(
  operand: unknown,
  value: unknown,
  test: (value: string, operand: string) => boolean,
): boolean {
  if (typeof value !== 'string') return false;
  if (typeof operand === 'string') return test(value, operand);
  if (isPlainObject(operand) && typeof operand['equals-ignore-case'] === 'string') {
    return test(fold(value), fold(operand['equals-ignore-case']));
  }
  return false;
}

function fold(text: string): string {
  return text.toLowerCase();
}

/** A wildcard pattern as a regular expression: `*` any run, `\*` and `\\` literals. */
function wildcard(pattern: string): RegExp {
  let source = '';
  for (let i = 0; i < pattern.length; i++) {
    const char = pattern[i] as string;
    if (char === '\\' && i + 1 < pattern.length) {
      source += escapeRegExp(pattern[++i] as string);
    } else if (char === '*') {
      source += '[\\s\\S]*';
    } else {
      source += escapeRegExp(char);
    }
  }
  return new RegExp(`^${source}$`);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
}

/** Whether `anything-but`'s operand excludes `value`. */
function excluded(operand: unknown, value: unknown): boolean {
  if (Array.isArray(operand)) return operand.some((o) => sameValue(o, value));
  if (!isPlainObject(operand)) return sameValue(operand, value);
  const inner = onlyKey(operand);
  if (inner === undefined || typeof value !== 'string') return false;
  const raw = operand[inner];
  const operands = (Array.isArray(raw) ? raw : [raw]).filter((o) => typeof o === 'string');
  return operands.some((o) => {
    if (inner === 'prefix') return value.startsWith(o);
    if (inner === 'suffix') return value.endsWith(o);
    if (inner === 'equals-ignore-case') return fold(value) === fold(o);
    if (inner === 'wildcard') return wildcard(o).test(value);
    return false;
  });
}

function inRange(conditions: readonly unknown[], value: number): boolean {
  for (let i = 0; i + 1 < conditions.length; i += 2) {
    const bound = conditions[i + 1];
    if (typeof bound !== 'number') return false;
    const ok =
      (conditions[i] === '<' && value < bound) ||
      (conditions[i] === '<=' && value <= bound) ||
      (conditions[i] === '=' && value === bound) ||
      (conditions[i] === '>' && value > bound) ||
      (conditions[i] === '>=' && value >= bound);
    if (!ok) return false;
  }
  return true;
}

function inCidr(block: string, address: string): boolean {
  const [network = '', bitsText = ''] = block.split('/');
  const bits = Number(bitsText.replace(/^\+/, ''));
  const net = ipBits(network);
  const ip = ipBits(address);
  if (!net || !ip || net.width !== ip.width) return false;
  const shift = BigInt(net.width - bits);
  return net.value >> shift === ip.value >> shift;
}

/** An address as a number and its width in bits (32 or 128); undefined when not an address. */
function ipBits(address: string): { value: bigint; width: number } | undefined {
  if (isIPv4(address)) {
    const value = address.split('.').reduce((acc, part) => (acc << 8n) | BigInt(Number(part)), 0n);
    return { value, width: 32 };
  }
  if (!isIPv6(address) || address.includes('.') || address.includes('%')) return undefined;
  const [head = '', tail] = address.split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const groups =
    tail === undefined
      ? left
      : [...left, ...Array(8 - left.length - right.length).fill('0'), ...right];
  const value = groups.reduce(
    (acc, group) => (acc << 16n) | BigInt(Number.parseInt(group, 16)),
    0n,
  );
  return { value, width: 128 };
}
