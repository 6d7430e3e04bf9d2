/**
 * EventBridge event patterns for subscriptions: the rule pattern built from a subscription's
 * event types and `data` filter, and a validator for that filter. The local AWS endpoint
 * validates patterns only shallowly and real EventBridge answers a bad one with an opaque
 * error at PutRule time (leaving the subscription `failed`), so a filter is checked here
 * against EventBridge's own rules and refused with a message that says where it is wrong.
 */
import { BROADCAST_TENANT } from '../tenants/tenant.js';
import { FILTER_OPERATORS, isPlainObject, onlyKey, RESERVED_IN_OR } from './filter-operators.js';

/**
 * The rule pattern: our source, the event types (exact, `prefix.*`, or `*`), the tenant
 * condition, the data filter. Event types never compile to `wildcard` (EventBridge allows few
 * wildcard rules per bus): `*` drops the detail-type condition and `prefix.*` becomes a prefix
 * match. A tenant subscription's pattern requires `detail.tenantId` to be its tenant or the
 * broadcast marker (exact string matches: no other case, no look-alike, no array member
 * other than these); the user's filter only ever sits under `detail.data`, so it cannot
 * loosen that condition. `excludeBroadcasts` (an operator subscription's rule on bus shards
 * 1..N-1) requires a tenant other than the broadcast marker: a broadcast reaches those shards
 * forwarded from shard 0, where the same subscription's shard-0 rule has already taken it.
 */
export function buildEventPattern(
  source: string,
  eventTypes: readonly string[],
  filter?: Record<string, unknown>,
  tenantId?: string,
  excludeBroadcasts = false,
): Record<string, unknown> {
  const pattern: Record<string, unknown> = { source: [source] };
  if (!eventTypes.includes('*')) {
    pattern['detail-type'] = eventTypes.map((type) =>
      // `invoice.*` keeps its dot: it matches invoice.paid, never invoices.x.
      type.endsWith('.*') ? { prefix: type.slice(0, -1) } : type,
    );
  }
  const detail: Record<string, unknown> = {};
  if (tenantId !== undefined) detail.tenantId = [tenantId, BROADCAST_TENANT];
  else if (excludeBroadcasts) detail.tenantId = [{ 'anything-but': BROADCAST_TENANT }];
  if (filter && Object.keys(filter).length > 0) detail.data = filter;
  if (Object.keys(detail).length > 0) pattern.detail = detail;
  return pattern;
}

/** EventBridge's limit on the length of a rule's whole event pattern (a quota, not adjustable). */
export const MAX_PATTERN_LENGTH = 2048;

/** Hookbridge's own bound on nesting, so validation and storage stay shallow. */
const MAX_DEPTH = 10;

/**
 * At most this many problems are listed, each at most MAX_PROBLEM_LENGTH characters: a body
 * of thousands of bad matchers (or one huge field name) must still get a small 400, not an
 * answer larger than a Lambda response may be (6 MB), which API Gateway turns into a 500.
 */
const MAX_PROBLEMS = 10;
const MAX_PROBLEM_LENGTH = 500;

/**
 * Checks that `filter` is a valid EventBridge pattern (to be applied to `data`), by the rules
 * EventBridge applies at PutRule. Returns the problems found, each naming its path (e.g.
 * `filter.amount[0].numeric`), at most MAX_PROBLEMS of them and then how many more; an
 * empty list means valid. The whole pattern's length is checked separately, once the event
 * types are known.
 */
export function validateFilter(filter: unknown, path = 'filter'): string[] {
  if (!isPlainObject(filter)) return [`${path}: must be a JSON object`];
  const problems = validateObject(filter, path, 0, false);
  const listed = problems
    .slice(0, MAX_PROBLEMS)
    .map((p) => (p.length > MAX_PROBLEM_LENGTH ? `${p.slice(0, MAX_PROBLEM_LENGTH - 1)}…` : p));
  if (problems.length > MAX_PROBLEMS)
    listed.push(`${path}: and ${problems.length - MAX_PROBLEMS} more problems`);
  return listed;
}

/**
 * True when the filter uses the `wildcard` operator anywhere (also inside `anything-but`):
 * its rule then counts against EventBridge's quota of rules with wildcards per bus.
 */
export function filterUsesWildcard(filter: unknown): boolean {
  if (!isPlainObject(filter)) return false;
  return Object.entries(filter).some(([key, child]) => {
    if (key === '$or') return Array.isArray(child) && child.some(filterUsesWildcard);
    if (Array.isArray(child)) return child.some(matcherUsesWildcard);
    return filterUsesWildcard(child);
  });
}

function matcherUsesWildcard(matcher: unknown): boolean {
  if (!isPlainObject(matcher)) return false;
  if (Object.hasOwn(matcher, 'wildcard')) return true;
  const negated = Object.hasOwn(matcher, 'anything-but') ? matcher['anything-but'] : undefined;
  return isPlainObject(negated) && Object.hasOwn(negated, 'wildcard');
}

function validateObject(
  value: Record<string, unknown>,
  path: string,
  depth: number,
  insideOr: boolean,
): string[] {
  if (depth > MAX_DEPTH) return [`${path}: nests deeper than ${MAX_DEPTH} levels`];
  // A `__proto__` key turns into the object's prototype when the filter is copied (request
  // parsing, DynamoDB), so the condition would vanish; it is refused rather than dropped.
  if (!isBareObject(value)) return [`${path}: the field name "__proto__" is not supported`];
  const entries = Object.entries(value);
  if (entries.length === 0) return [`${path}: must not be empty`];
  const problems: string[] = [];
  // Appended one by one: a spread of a list of 100k+ problems exceeds the call stack.
  const add = (found: string[]) => {
    for (const problem of found) problems.push(problem);
  };
  for (const [key, child] of entries) {
    const childPath = `${path}.${key}`;
    if (key === '$or') {
      add(validateOr(child, childPath, depth));
    } else if (key === '__proto__') {
      problems.push(`${childPath}: the field name "__proto__" is not supported`);
    } else if (key === '') {
      // The filter is stored as a DynamoDB map, which refuses an empty name at any depth.
      problems.push(`${path}: a field name must not be empty`);
    } else if (insideOr && RESERVED_IN_OR.has(key)) {
      problems.push(`${childPath}: "${key}" is a reserved word and cannot be a field name in $or`);
    } else if (Array.isArray(child)) {
      add(validateMatchers(child, childPath));
    } else if (isPlainObject(child)) {
      add(validateObject(child, childPath, depth + 1, insideOr));
    } else {
      problems.push(`${childPath}: must be an array of values or matchers, or a nested object`);
    }
  }
  return problems;
}

function validateOr(value: unknown, path: string, depth: number): string[] {
  if (!Array.isArray(value) || value.length < 2) {
    return [`${path}: must be an array of at least two patterns`];
  }
  return value.flatMap((alternative, i) =>
    isPlainObject(alternative)
      ? validateObject(alternative, `${path}[${i}]`, depth + 1, true)
      : [`${path}[${i}]: must be a JSON object`],
  );
}

function validateMatchers(matchers: unknown[], path: string): string[] {
  if (matchers.length === 0) return [`${path}: must hold at least one value or matcher`];
  return matchers.flatMap((matcher, i) => {
    const at = `${path}[${i}]`;
    // JSON.parse reads 1e400 as Infinity, which JSON.stringify would send to EventBridge as null.
    if (typeof matcher === 'number' && !Number.isFinite(matcher))
      return [`${at}: must be a number a double can hold`];
    if (matcher === null || ['string', 'number', 'boolean'].includes(typeof matcher)) return [];
    if (!isPlainObject(matcher))
      return [`${at}: must be a string, number, boolean, null or a matcher object`];
    const operator = onlyKey(matcher);
    if (operator === undefined) return [`${at}: a matcher object has exactly one operator`];
    const check = FILTER_OPERATORS.get(operator);
    if (!check) {
      const known = [...FILTER_OPERATORS.keys()].join(', ');
      return [`${at}: unknown operator "${operator}" (use one of ${known})`];
    }
    const problem = check(matcher[operator]);
    return problem ? [`${at}.${operator}: ${problem}`] : [];
  });
}

/** True for an object whose prototype is Object.prototype or null (nothing smuggled in). */
function isBareObject(value: object): boolean {
  const prototype = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}
