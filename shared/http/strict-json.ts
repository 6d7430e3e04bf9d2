import { type ErrorDetail, ValidationError } from '../errors.js';
import { duplicateKeyPaths, formatPath, pathPastDepth } from './json-text-paths.js';

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
 * well-formed Unicode (lone surrogates), `__proto__` keys (an object copy drops them), a key
 * written twice in one object (JSON.parse keeps the last), and numbers a double cannot hold
 * (`1e400`, `2**53 + 1`, `1e-400`, too many decimals).
 * Numbers are otherwise delivered in their shortest form: `1.0` as `1`, `1E2` as `100`.
 */
export function parseStrictJson(text: string): unknown {
  const scan = scanText(text);
  if (scan.depth > MAX_BODY_DEPTH) {
    const field = clip(pathPastDepth(text, MAX_BODY_DEPTH), 200);
    const message = `nests objects and arrays deeper than the ${MAX_BODY_DEPTH} levels a body may have`;
    throw new ValidationError(`${field}: ${message}`, [{ field, message }]);
  }
  let value: unknown;
  try {
    // The reviver costs 10–30× the parse: it only runs to find the paths of a body refused anyway.
    value = scan.inexact ? JSON.parse(text, keepExactNumbers) : JSON.parse(text);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new ValidationError(
      `the request body is not valid JSON: ${reason}`,
      undefined,
      'invalid_json',
    );
  }
  // Without an escape, a `__proto__`, a lone surrogate in the text or an inexact number, the
  // parsed value cannot hold anything the walk refuses.
  const suspect =
    scan.inexact || scan.escapes || text.includes('__proto__') || !text.isWellFormed();
  const details = suspect ? problems(value) : [];
  // JSON.parse keeps the last of two equal keys; fewer keys parsed than written means one was
  // dropped. Paths are only looked for then.
  if (details.length === 0 && countKeys(value) !== scan.keys) {
    for (const field of duplicateKeyPaths(text, MAX_DETAILS))
      details.push({
        field,
        message: 'the key appears twice in its object (JSON.parse would keep only the last)',
      });
  }
  if (details.length > 0) {
    const shown = details.map((d) => `${d.field}: ${d.message}`).join('; ');
    throw new ValidationError(
      details.length >= MAX_DETAILS ? `${shown} (and more)` : shown,
      details,
    );
  }
  return value;
}

interface TextScan {
  /** The deepest nesting of `{` and `[` outside strings. */
  readonly depth: number;
  /** A number a double cannot hold exactly (only those of 16+ digits or exponents beyond ±290 are checked). */
  readonly inexact: boolean;
  /** A `\u` escape in a string (it can spell a lone surrogate or `__proto__`). */
  readonly escapes: boolean;
  /** Colons outside strings: in JSON text, one per key. */
  readonly keys: number;
}

/**
 * One pass over the text, without recursion. Malformed text is the parser's business: the
 * scan only has to be right for text that parses. Any decimal of at most 15 significant
 * digits within ±1e290 round-trips through a double, so shorter numbers need no check.
 */
function scanText(text: string): TextScan {
  let depth = 0;
  let deepest = 0;
  let inexact = false;
  let keys = 0;
  // Outside a string, `\u` is not JSON at all, so looking at the whole text is enough.
  const escapes = text.includes('\\u');
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22) {
      // Skip the string: to the next quote that an even number of backslashes precedes.
      for (let from = i + 1; ; ) {
        const quote = text.indexOf('"', from);
        if (quote === -1) return { depth: deepest, inexact, escapes, keys };
        let backslash = quote - 1;
        while (text.charCodeAt(backslash) === 0x5c) backslash--;
        if ((quote - 1 - backslash) % 2 === 0) {
          i = quote;
          break;
        }
        from = quote + 1;
      }
    } else if (c === 0x7b || c === 0x5b) {
      depth++;
      if (depth > deepest) deepest = depth;
    } else if (c === 0x7d || c === 0x5d) {
      depth--;
    } else if (c === 0x3a) {
      keys++;
    } else if (c === 0x2d || (c >= 0x30 && c <= 0x39)) {
      const start = i;
      let digits = 0;
      let exponent = 0;
      let inExponent = false;
      for (; i < text.length; i++) {
        const n = text.charCodeAt(i);
        if (n >= 0x30 && n <= 0x39) {
          if (inExponent) exponent = Math.min(exponent * 10 + (n - 0x30), 1e6);
          else digits++;
        } else if (n === 0x65 || n === 0x45) inExponent = true;
        else if (n !== 0x2e && n !== 0x2b && n !== 0x2d) break;
      }
      i--; // the loop's i++ comes back to the character that ended the number
      if ((digits > 15 || exponent > 290) && !inexact) {
        const token = text.slice(start, i + 1);
        inexact = !sameDecimal(token, String(Number(token)));
      }
    }
  }
  return { depth: deepest, inexact, escapes, keys };
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

/** The number of keys of every object in the value, counted without recursion. */
function countKeys(root: unknown): number {
  let count = 0;
  const stack: unknown[] = [root];
  while (stack.length > 0) {
    const value = stack.pop();
    if (value === null || typeof value !== 'object') continue;
    if (Array.isArray(value)) {
      for (const item of value) if (item !== null && typeof item === 'object') stack.push(item);
    } else {
      for (const key in value) {
        count++;
        const child = (value as Record<string, unknown>)[key];
        if (child !== null && typeof child === 'object') stack.push(child);
      }
    }
  }
  return count;
}

/** A value met by the walk and how it was reached; its path is only spelled out for a problem. */
interface Visit {
  readonly value: unknown;
  readonly parent: Visit | undefined;
  readonly key: string | number | undefined;
}

/** Walks the parsed value with an explicit stack (no recursion) and lists what it refuses. */
function problems(root: unknown): ErrorDetail[] {
  const details: ErrorDetail[] = [];
  const stack: Visit[] = [{ value: root, parent: undefined, key: undefined }];
  while (stack.length > 0 && details.length < MAX_DETAILS) {
    const visit = stack.pop() as Visit;
    const { value } = visit;
    if (typeof value === 'string') {
      if (!value.isWellFormed()) {
        details.push({
          field: pathOf(visit),
          message: 'is not well-formed Unicode (it holds a lone surrogate)',
        });
      }
    } else if (value instanceof InexactNumber) {
      details.push({
        field: pathOf(visit),
        message: `the number ${clip(value.source)} cannot be held exactly as an IEEE 754 double (out of range or too many digits); send it as a string`,
      });
    } else if (Array.isArray(value)) {
      for (let i = value.length - 1; i >= 0; i--)
        stack.push({ value: value[i], parent: visit, key: i });
    } else if (value !== null && typeof value === 'object') {
      const children: Visit[] = [];
      for (const key of Object.keys(value)) {
        const child = { value: (value as Record<string, unknown>)[key], parent: visit, key };
        if (!key.isWellFormed()) {
          details.push({ field: pathOf(child), message: 'the key is not well-formed Unicode' });
        } else if (key === '__proto__') {
          details.push({ field: pathOf(child), message: '"__proto__" is not allowed as a key' });
        } else {
          children.push(child);
        }
      }
      // In reverse, so problems are listed in the order of the text; a loop, not a spread:
      // an object may have more keys than a call has arguments.
      for (let i = children.length - 1; i >= 0; i--) stack.push(children[i] as Visit);
    }
  }
  return details.slice(0, MAX_DETAILS);
}

/** `events[1].data.name`, or `body` for the root. Lone surrogates in keys show as U+FFFD. */
function pathOf(visit: Visit): string {
  const keys: (string | number)[] = [];
  for (let v: Visit | undefined = visit; v?.key !== undefined; v = v.parent) keys.push(v.key);
  return formatPath(keys.reverse());
}

function clip(text: string, length = 40): string {
  return text.length > length ? `${text.slice(0, length - 1)}…` : text;
}
