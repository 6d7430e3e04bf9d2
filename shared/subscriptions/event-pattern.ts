/**
 * EventBridge event patterns for subscriptions: the rule pattern built from a subscription's
 * event types and `data` filter, and a structural validator for that filter. The local AWS
 * endpoint validates patterns only shallowly and real EventBridge answers a bad one with an
 * opaque error at PutRule time, so a filter is checked here and refused with a message that
 * says where it is wrong.
 */

/** The rule pattern: our source, the event types (exact, `prefix.*`, or `*`), the data filter. */
export function buildEventPattern(
  source: string,
  eventTypes: readonly string[],
  filter?: Record<string, unknown>,
): Record<string, unknown> {
  const pattern: Record<string, unknown> = { source: [source] };
  if (!eventTypes.includes('*')) {
    pattern['detail-type'] = eventTypes.map((type) =>
      // `invoice.*` keeps its dot: it matches invoice.paid, never invoices.x.
      type.endsWith('.*') ? { prefix: type.slice(0, -1) } : type,
    );
  }
  if (filter && Object.keys(filter).length > 0) pattern.detail = { data: filter };
  return pattern;
}

/** EventBridge's limit on the length of a rule's event pattern. */
export const MAX_PATTERN_LENGTH = 4096;

const MAX_DEPTH = 10;

/**
 * Checks that `filter` is a structurally valid EventBridge pattern (to be applied to `data`).
 * Returns the problems found, each naming its path (e.g. `filter.amount[0].numeric`); an
 * empty list means valid.
 */
export function validateFilter(filter: unknown, path = 'filter'): string[] {
  if (!isPlainObject(filter)) return [`${path}: must be a JSON object`];
  return validateObject(filter, path, 0);
}

function validateObject(value: Record<string, unknown>, path: string, depth: number): string[] {
  if (depth > MAX_DEPTH) return [`${path}: nests deeper than ${MAX_DEPTH} levels`];
  const entries = Object.entries(value);
  if (entries.length === 0) return [`${path}: must not be empty`];
  const problems: string[] = [];
  for (const [key, child] of entries) {
    const childPath = `${path}.${key}`;
    if (key === '$or') problems.push(...validateOr(child, childPath, depth));
    else if (Array.isArray(child)) problems.push(...validateMatchers(child, childPath));
    else if (isPlainObject(child)) problems.push(...validateObject(child, childPath, depth + 1));
    else problems.push(`${childPath}: must be an array of values or matchers, or a nested object`);
  }
  return problems;
}

function validateOr(value: unknown, path: string, depth: number): string[] {
  if (!Array.isArray(value) || value.length < 2) {
    return [`${path}: must be an array of at least two patterns`];
  }
  return value.flatMap((alternative, i) =>
    isPlainObject(alternative)
      ? validateObject(alternative, `${path}[${i}]`, depth + 1)
      : [`${path}[${i}]: must be a JSON object`],
  );
}

function validateMatchers(matchers: unknown[], path: string): string[] {
  if (matchers.length === 0) return [`${path}: must hold at least one value or matcher`];
  return matchers.flatMap((matcher, i) => {
    const at = `${path}[${i}]`;
    if (matcher === null || ['string', 'number', 'boolean'].includes(typeof matcher)) return [];
    if (!isPlainObject(matcher))
      return [`${at}: must be a string, number, boolean, null or a matcher object`];
    const keys = Object.keys(matcher);
    if (keys.length !== 1) return [`${at}: a matcher object has exactly one operator`];
    const operator = keys[0] as string;
    const check = OPERATORS[operator];
    if (!check)
      return [
        `${at}: unknown operator "${operator}" (use one of ${Object.keys(OPERATORS).join(', ')})`,
      ];
    const problem = check(matcher[operator]);
    return problem ? [`${at}.${operator}: ${problem}`] : [];
  });
}

type OperandCheck = (operand: unknown) => string | undefined;

const stringOrIgnoreCase: OperandCheck = (operand) => {
  if (typeof operand === 'string') return undefined;
  if (
    isPlainObject(operand) &&
    Object.keys(operand).length === 1 &&
    typeof operand['equals-ignore-case'] === 'string'
  ) {
    return undefined;
  }
  return 'must be a string or { "equals-ignore-case": string }';
};

const NUMERIC_OPERATORS = new Set(['<', '<=', '=', '>', '>=']);

const numeric: OperandCheck = (operand) => {
  if (!Array.isArray(operand) || (operand.length !== 2 && operand.length !== 4)) {
    return 'must be [op, number] or [op, number, op, number] with op one of <, <=, =, >, >=';
  }
  for (let i = 0; i < operand.length; i += 2) {
    if (!NUMERIC_OPERATORS.has(operand[i] as string))
      return `"${String(operand[i])}" is not a numeric operator`;
    if (typeof operand[i + 1] !== 'number' || !Number.isFinite(operand[i + 1]))
      return 'each operator must be followed by a number';
  }
  return undefined;
};

const anythingBut: OperandCheck = (operand) => {
  if (['string', 'number'].includes(typeof operand)) return undefined;
  if (Array.isArray(operand)) {
    const same =
      operand.length > 0 &&
      operand.every(
        (v) => typeof v === typeof operand[0] && ['string', 'number'].includes(typeof v),
      );
    return same ? undefined : 'an array must hold strings only or numbers only';
  }
  if (isPlainObject(operand) && Object.keys(operand).length === 1) {
    const [inner] = Object.keys(operand);
    if (
      (inner === 'prefix' ||
        inner === 'suffix' ||
        inner === 'wildcard' ||
        inner === 'equals-ignore-case') &&
      typeof operand[inner as string] === 'string'
    ) {
      return undefined;
    }
  }
  return 'must be a string, a number, an array of them, or { prefix | suffix | wildcard | equals-ignore-case: string }';
};

const OPERATORS: Record<string, OperandCheck> = {
  prefix: stringOrIgnoreCase,
  suffix: stringOrIgnoreCase,
  'equals-ignore-case': (o) => (typeof o === 'string' ? undefined : 'must be a string'),
  wildcard: (o) => (typeof o === 'string' ? undefined : 'must be a string'),
  'anything-but': anythingBut,
  numeric,
  exists: (o) => (typeof o === 'boolean' ? undefined : 'must be true or false'),
  cidr: (o) =>
    typeof o === 'string' && /^[0-9a-fA-F:.]+\/\d{1,3}$/.test(o)
      ? undefined
      : 'must be a CIDR block such as 10.0.0.0/24',
};

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
