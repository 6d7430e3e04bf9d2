import { isIPv4, isIPv6 } from 'node:net';

/**
 * The operators a filter's matcher object may use, and the check of each operand, following
 * the rules EventBridge's engine (aws/event-ruler) applies when a rule is put: a pattern it
 * would refuse at PutRule must be refused here, with a message saying why.
 */

/** Checks one operand; answers what is wrong with it, or undefined when it is valid. */
type OperandCheck = (operand: unknown) => string | undefined;

/**
 * Field names event-ruler reserves inside `$or`: a field so named there is read as an
 * operator, so the rule is refused. Outside `$or` they are ordinary field names.
 */
export const RESERVED_IN_OR: ReadonlySet<string> = new Set([
  'exactly',
  'equals-ignore-case',
  'prefix',
  'suffix',
  'anything-but',
  'exists',
  'wildcard',
  'numeric',
  'cidr',
  '=',
  '<',
  '<=',
  '>',
  '>=',
  'regex',
  'not-wildcard',
  'not-equals-ignore-case',
  'date-after',
  'date-on-or-after',
  'date-before',
  'date-on-or-before',
  'in-date-range',
  'ip-address-in-range',
  'ip-address-not-in-range',
]);

/**
 * EventBridge's documented range for numbers it compares (numeric ranges, `numeric` `=`,
 * numbers in `anything-but`): ±5.0e9 inclusive, at most six digits after the decimal point.
 * Plain numeric values (`"amount": [5]`) are not compared this way and may be any number.
 */
const NUMERIC_LIMIT = 5e9;
const NUMERIC_DECIMALS = 6;

/** Answers why `value` cannot be compared as a number by EventBridge, or undefined. */
function comparableNumberProblem(value: number): string | undefined {
  if (Math.abs(value) > NUMERIC_LIMIT) return `${value} is outside -5e9..5e9`;
  if (decimalPlaces(value) > NUMERIC_DECIMALS)
    return `${value} has more than ${NUMERIC_DECIMALS} digits after the decimal point`;
  return undefined;
}

/** Digits after the decimal point of the number as JSON writes it (`1.5e-7` has 8). */
function decimalPlaces(value: number): number {
  const [mantissa = '', exponent = '0'] = String(value).split('e');
  const fraction = mantissa.split('.')[1] ?? '';
  return Math.max(0, fraction.length - Number(exponent));
}

const isNumber = (value: unknown): value is number =>
  typeof value === 'number' && Number.isFinite(value);

const isString = (value: unknown): value is string => typeof value === 'string';

/** True when `value` is a JSON object (not an array, not null). */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The single own key of `value`, or undefined when it has none or several. */
export function onlyKey(value: Record<string, unknown>): string | undefined {
  const keys = Object.keys(value);
  return keys.length === 1 ? keys[0] : undefined;
}

const LOWER = new Set(['>', '>=']);
const UPPER = new Set(['<', '<=']);

const numeric: OperandCheck = (operand) => {
  const shape =
    'must be [op, number] with op one of <, <=, =, >, >=, or a range [">" or ">=", number, "<" or "<=", number]';
  if (!Array.isArray(operand) || (operand.length !== 2 && operand.length !== 4)) return shape;
  for (let i = 0; i < operand.length; i += 2) {
    const op = operand[i];
    const bound = operand[i + 1];
    if (!isString(op) || !(LOWER.has(op) || UPPER.has(op) || op === '='))
      return `"${String(op)}" is not a numeric operator (use <, <=, =, >, >=)`;
    if (!isNumber(bound)) return `"${op}" must be followed by a number`;
    const problem = comparableNumberProblem(bound);
    if (problem) return problem;
  }
  if (operand.length === 4) {
    const [low, bottom, high, top] = operand as [string, number, string, number];
    if (!LOWER.has(low) || !UPPER.has(high))
      return 'a range has one lower bound (> or >=) first, then one upper bound (< or <=)';
    if (!(bottom < top))
      return `the lower bound ${bottom} must be less than the upper bound ${top}`;
  }
  return undefined;
};

/**
 * A `wildcard` value: `*` matches any run of characters, `\*` a literal asterisk, `\\` a
 * backslash. Two `*` in a row, or a backslash before anything else, are refused by EventBridge.
 */
function wildcardProblem(value: unknown): string | undefined {
  if (!isString(value)) return 'must be a string';
  for (let i = 0; i < value.length; i++) {
    const char = value[i];
    if (char === '*' && value[i + 1] === '*') return `consecutive wildcards ("**") at ${i}`;
    if (char === '\\') {
      if (value[i + 1] !== '*' && value[i + 1] !== '\\')
        return `invalid escape at ${i}: a backslash may only precede * or \\`;
      i++;
    }
  }
  return undefined;
}

/** `address/bits`: IPv4 with 0–31 mask bits or IPv6 with 0–127, as EventBridge accepts them. */
function cidrProblem(value: unknown): string | undefined {
  const example = 'must be a CIDR block such as 10.0.0.0/24 or 2001:db8::/32';
  if (!isString(value)) return example;
  const match = /^([^/]*)\/\+?(\d{1,10})$/.exec(value);
  if (!match) return example;
  const [, address = '', bitsText = ''] = match;
  const bits = Number(bitsText);
  // A dotted address must be four decimal octets; leading zeros are refused as ambiguous.
  if (/^\d+\.\d+\.\d+\.\d+$/.test(address)) {
    if (!isIPv4(address)) return `"${address}" is not a valid IPv4 address`;
    return bits <= 31 ? undefined : 'IPv4 mask bits must be at most 31 (use the address for /32)';
  }
  // Only hexadecimal groups: an embedded IPv4 tail or a zone id is not accepted.
  if (/^[0-9a-fA-F:]*:[0-9a-fA-F:]*$/.test(address) && isIPv6(address)) {
    return bits <= 127 ? undefined : 'IPv6 mask bits must be at most 127';
  }
  return `"${address}" is not a valid IPv4 or IPv6 address`;
}

const stringOrIgnoreCase =
  (what: string): OperandCheck =>
  (operand) => {
    if (isString(operand)) return undefined;
    if (isPlainObject(operand) && onlyKey(operand) === 'equals-ignore-case') {
      return isString(operand['equals-ignore-case'])
        ? undefined
        : 'equals-ignore-case must be a string';
    }
    return `must be a ${what} string or { "equals-ignore-case": string }`;
  };

/** The operators `anything-but` may wrap, each with its check of one string. */
const ANYTHING_BUT_INNER = new Map<string, (value: string) => string | undefined>([
  ['prefix', (v) => (v === '' ? 'an empty prefix is not allowed' : undefined)],
  ['suffix', (v) => (v === '' ? 'an empty suffix is not allowed' : undefined)],
  ['equals-ignore-case', () => undefined],
  ['wildcard', wildcardProblem],
]);

const anythingBut: OperandCheck = (operand) => {
  if (isString(operand)) return undefined;
  if (isNumber(operand)) return comparableNumberProblem(operand);
  if (Array.isArray(operand)) {
    if (operand.length === 0) return 'must not be an empty array';
    if (operand.every(isString)) return undefined;
    if (!operand.every(isNumber)) return 'an array must hold strings only or numbers only';
    for (const value of operand) {
      const problem = comparableNumberProblem(value);
      if (problem) return problem;
    }
    return undefined;
  }
  const inner = isPlainObject(operand) ? onlyKey(operand) : undefined;
  const check = inner === undefined ? undefined : ANYTHING_BUT_INNER.get(inner);
  if (!isPlainObject(operand) || inner === undefined || !check) {
    return 'must be a string, a number, an array of strings or of numbers, or an object with one of prefix, suffix, equals-ignore-case, wildcard';
  }
  const value = operand[inner];
  const values = Array.isArray(value) ? value : [value];
  if (values.length === 0) return `${inner} must not be an empty array`;
  for (const v of values) {
    if (!isString(v)) return `${inner} must be a string or an array of strings`;
    const problem = check(v);
    if (problem) return `${inner}: ${problem}`;
  }
  return undefined;
};

/** Each operator a matcher object may name (looked up by own key only), with its check. */
export const FILTER_OPERATORS: ReadonlyMap<string, OperandCheck> = new Map([
  ['prefix', stringOrIgnoreCase('prefix')],
  ['suffix', stringOrIgnoreCase('suffix')],
  ['equals-ignore-case', (o: unknown) => (isString(o) ? undefined : 'must be a string')],
  ['wildcard', wildcardProblem],
  ['anything-but', anythingBut],
  ['numeric', numeric],
  ['exists', (o: unknown) => (typeof o === 'boolean' ? undefined : 'must be true or false')],
  ['cidr', cidrProblem],
]);
