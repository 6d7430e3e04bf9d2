import { type ErrorDetail, ValidationError } from '../errors.js';

declare global {
  interface String {
    /** ES2024, in Node 22: false when the string holds a lone surrogate. */
    isWellFormed(): boolean;
    /** ES2024: the string with each lone surrogate replaced by U+FFFD. */
    toWellFormed(): string;
  }
}

/**
 * The deepest a request body may nest objects and arrays. Field limits (event `data`,
 * subscription `filter`) are tighter; this one bounds the parser and every walk after it.
 */
export const MAX_BODY_DEPTH = 64;

/** At most this many problems are listed, so a hostile body cannot make a huge answer. */
const MAX_DETAILS = 10;

/** A number the parser could not hold exactly; the walk reports it with its path. */
class InexactNumber {
  constructor(readonly source: string) {}
}

/**
 * Parses a JSON request body and refuses, with a 400 naming the path, anything that would
 * not reach DynamoDB or a subscriber exactly as sent: nesting deeper than MAX_BODY_DEPTH
 * (checked on the text, without recursion, before parsing), strings and keys that are not
 * well-formed Unicode (lone surrogates), `__proto__` keys (an object copy drops them), and
 * numbers a double cannot hold (`1e400`, `2**53 + 1`, `1e-400`, too many decimals).
 * Numbers are otherwise delivered in their shortest form: `1.0` as `1`, `1E2` as `100`.
 */
export function parseStrictJson(text: string): unknown {
  const depth = maxDepth(text);
  if (depth > MAX_BODY_DEPTH) {
    throw new ValidationError(
      `body: nests objects and arrays deeper than ${MAX_BODY_DEPTH} levels`,
      [{ field: 'body', message: `must nest at most ${MAX_BODY_DEPTH} levels` }],
    );
  }
  let value: unknown;
  try {
    value = JSON.parse(text, keepExactNumbers);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new ValidationError(
      `the request body is not valid JSON: ${reason}`,
      undefined,
      'invalid_json',
    );
  }
  const details = problems(value);
  if (details.length > 0) {
    const shown = details.map((d) => `${d.field}: ${d.message}`).join('; ');
    throw new ValidationError(
      details.length >= MAX_DETAILS ? `${shown} (and more)` : shown,
      details,
    );
  }
  return value;
}

/** The deepest nesting of `{` and `[` outside strings; malformed text is the parser's business. */
function maxDepth(text: string): number {
  let depth = 0;
  let deepest = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22) {
      // Skip the string: up to the next quote not escaped by a backslash.
      for (i++; i < text.length; i++) {
        const s = text.charCodeAt(i);
        if (s === 0x5c) i++;
        else if (s === 0x22) break;
      }
    } else if (c === 0x7b || c === 0x5b) {
      depth++;
      if (depth > deepest) deepest = depth;
    } else if (c === 0x7d || c === 0x5d) {
      depth--;
    }
  }
  return deepest;
}

/** Node 22 passes a primitive's source text to the reviver (the JSON.parse source text proposal). */
function keepExactNumbers(_key: string, value: unknown, context?: { source?: string }): unknown {
  if (typeof value !== 'number' || context?.source === undefined) return value;
  return sameDecimal(context.source, String(value)) ? value : new InexactNumber(context.source);
}

/** Whether two JSON number texts denote the same decimal value (`-0` and `0` are one). */
function sameDecimal(a: string, b: string): boolean {
  const left = canonicalDecimal(a);
  return left !== undefined && left === canonicalDecimal(b);
}

function canonicalDecimal(text: string): string | undefined {
  const match = /^(-?)(\d+)(?:\.(\d+))?(?:[eE]([+-]?\d+))?$/.exec(text);
  if (!match) return undefined; // Infinity or NaN: what JSON cannot say
  const [, sign = '', whole = '', fraction = '', exponent = '0'] = match;
  const digits = `${whole}${fraction}`.replace(/^0+/, '');
  if (digits === '') return '0';
  const significant = digits.replace(/0+$/, '');
  const power = Number(exponent) - fraction.length + (digits.length - significant.length);
  return `${sign}${significant}e${power}`;
}

/** Walks the parsed value with an explicit stack (no recursion) and lists what it refuses. */
function problems(root: unknown): ErrorDetail[] {
  const details: ErrorDetail[] = [];
  const stack: { value: unknown; path: string }[] = [{ value: root, path: '' }];
  while (stack.length > 0 && details.length < MAX_DETAILS) {
    const { value, path } = stack.pop() as { value: unknown; path: string };
    const field = path || 'body';
    if (typeof value === 'string') {
      if (!value.isWellFormed()) {
        details.push({ field, message: 'is not well-formed Unicode (it holds a lone surrogate)' });
      }
    } else if (value instanceof InexactNumber) {
      details.push({
        field,
        message: `the number ${clip(value.source)} cannot be held exactly as an IEEE 754 double (out of range or too many digits); send it as a string`,
      });
    } else if (Array.isArray(value)) {
      for (let i = value.length - 1; i >= 0; i--)
        stack.push({ value: value[i], path: `${path}[${i}]` });
    } else if (value !== null && typeof value === 'object') {
      const children: { value: unknown; path: string }[] = [];
      for (const key of Object.keys(value)) {
        const child = path ? `${path}.${key.toWellFormed()}` : key.toWellFormed();
        if (!key.isWellFormed()) {
          details.push({ field: child, message: 'the key is not well-formed Unicode' });
        } else if (key === '__proto__') {
          details.push({ field: child, message: '"__proto__" is not allowed as a key' });
        } else {
          children.push({ value: (value as Record<string, unknown>)[key], path: child });
        }
      }
      // A loop, not a spread: an object may have more keys than a call has arguments.
      for (let i = children.length - 1; i >= 0; i--)
        stack.push(children[i] as (typeof children)[0]);
    }
  }
  return details.slice(0, MAX_DETAILS);
}

function clip(text: string): string {
  return text.length > 40 ? `${text.slice(0, 37)}...` : text;
}
