import { Validator } from '@cfworker/json-schema';
import type { ErrorDetail } from '../errors.js';
import { ONE_SCHEMA, SCHEMA_LISTS, SCHEMA_MAPS } from './json-schema-subset.js';

/** At most this many failures are named in one answer. */
const MAX_FAILURES = 10;

/** Checks `data` against one catalog schema; the failures name their place under `field`. */
export type DataCheck = (data: unknown, field: string) => ErrorDetail[];

/**
 * Compiles a catalog schema (already accepted by schemaProblems) into a check of event data.
 * The validator is @cfworker/json-schema, draft 2020-12, which interprets the schema (no
 * generated code) and resolves `$ref` only within the document; the schema is first rewritten
 * so that each `pattern` and `uniqueItems` runs only within its bound (guarded-keywords.ts).
 * A failure names the value's path (`data.amount`, `data.items[2]`).
 */
export function compileDataCheck(schema: Record<string, unknown>): DataCheck {
  const validator = new Validator(
    guardedSchema(schema) as Record<string, unknown>,
    '2020-12',
    false,
  );
  return (data, field) => {
    const result = validator.validate(data);
    if (result.valid) return [];
    // The leaves: a parent's "Property … does not match schema" adds nothing to its cause.
    // And not `if`'s "does not match then": the `then` failure beneath says why.
    const leaves = result.errors.filter(
      (error) =>
        error.keyword !== 'if' &&
        !result.errors.some(
          (other) =>
            other !== error && other.keywordLocation.startsWith(`${error.keywordLocation}/`),
        ),
    );
    const seen = new Set<string>();
    const details: ErrorDetail[] = [];
    for (const error of leaves.length > 0 ? leaves : result.errors) {
      const detail = { field: pathOf(field, error.instanceLocation), message: error.error };
      const key = `${detail.field} ${detail.message}`;
      if (seen.has(key)) continue;
      seen.add(key);
      details.push(detail);
      if (details.length === MAX_FAILURES) break;
    }
    return details;
  };
}

/** `#/amount/0` under `data` → `data.amount[0]` (numeric segments as indexes). */
function pathOf(field: string, instanceLocation: string): string {
  const segments = instanceLocation
    .replace(/^#\/?/, '')
    .split('/')
    .filter((s) => s !== '');
  let out = field;
  for (const raw of segments) {
    const segment = decodeURIComponent(raw).replace(/~1/g, '/').replace(/~0/g, '~');
    out += /^\d+$/.test(segment) ? `[${segment}]` : `.${segment}`;
  }
  return out;
}

/**
 * A copy of a schema in which each `pattern` and `uniqueItems` applies only once its bound
 * holds (`if: {maxLength}`, `then: {pattern}`): the validator evaluates every keyword of a
 * schema even after another failed, so the bound alone would not keep a 256 KB string from a
 * pattern. The bound's own keyword still fails such a value.
 */
export function guardedSchema(node: unknown): unknown {
  if (typeof node !== 'object' || node === null || Array.isArray(node)) return node;
  const source = node as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  const guards: Record<string, unknown>[] = [];
  for (const [keyword, value] of Object.entries(source)) {
    if (keyword === 'pattern') {
      guards.push(ifThen({ maxLength: source.maxLength }, { pattern: value }));
    } else if (keyword === 'uniqueItems' && value === true) {
      guards.push(ifThen({ maxItems: source.maxItems }, { uniqueItems: true }));
    } else if (ONE_SCHEMA.includes(keyword)) {
      out[keyword] = guardedSchema(value);
    } else if (SCHEMA_LISTS.includes(keyword) && Array.isArray(value)) {
      out[keyword] = value.map(guardedSchema);
    } else if (
      (SCHEMA_MAPS.includes(keyword) || keyword === '$defs') &&
      typeof value === 'object' &&
      value
    ) {
      out[keyword] = Object.fromEntries(
        Object.entries(value).map(([k, v]) => [k, guardedSchema(v)]),
      );
    } else {
      out[keyword] = value;
    }
  }
  if (guards.length > 0) out.allOf = [...((out.allOf as unknown[] | undefined) ?? []), ...guards];
  return out;
}

/** A JSON Schema `if`/`then` pair (a schema, never awaited: its `then` is a keyword). */
function ifThen(condition: Record<string, unknown>, consequence: Record<string, unknown>) {
  return Object.fromEntries([
    ['if', condition],
    ['then', consequence],
  ]);
}
