import type { ErrorDetail } from '../errors.js';
import { jsonDepth } from '../json-depth.js';
import { checkGuardedKeyword, GUARDED_KEYWORDS } from './guarded-keywords.js';

/** The only `$schema` accepted: the catalog's schemas are draft 2020-12. */
export const DRAFT_2020_12 = 'https://json-schema.org/draft/2020-12/schema';

/** A schema's JSON text may be this long; the item also holds the example (DynamoDB: 400 KB). */
export const MAX_SCHEMA_BYTES = 32_768;
/** How deep a schema's JSON may nest. */
export const MAX_SCHEMA_DEPTH = 32;
/**
 * How many subschemas a schema may count with every `$ref` inlined. Validation applies each
 * of them at most once per value of `data`, so this bounds its cost; without it, a chain of
 * `anyOf`s over `$defs` doubles the work at every link.
 */
export const MAX_EXPANDED_SUBSCHEMAS = 1000;

const ANNOTATIONS = [
  'title',
  'description',
  'default',
  'examples',
  'deprecated',
  'readOnly',
  'writeOnly',
  '$comment',
];
/** Keywords whose value is one subschema. */
export const ONE_SCHEMA = [
  'not',
  'if',
  'then',
  'else',
  'items',
  'contains',
  'additionalProperties',
  'propertyNames',
  'unevaluatedItems',
  'unevaluatedProperties',
];
/** Keywords whose value is a list of subschemas. */
export const SCHEMA_LISTS = ['allOf', 'anyOf', 'oneOf', 'prefixItems'];
/** Keywords whose value maps names to subschemas (`$defs` too, at the top). */
export const SCHEMA_MAPS = ['properties', 'dependentSchemas'];
const COUNTS = [
  'minLength',
  'maxLength',
  'minItems',
  'maxItems',
  'minProperties',
  'maxProperties',
  'minContains',
  'maxContains',
];
const NUMBERS = ['minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum'];
const TYPES = new Set(['array', 'boolean', 'integer', 'null', 'number', 'object', 'string']);
/** The names `$ref` may point to in `$defs`: nothing that needs escaping in a JSON pointer or URI. */
const DEF_NAME = /^[A-Za-z0-9_.-]{1,100}$/;
/** Formats whose checks are fixed expressions of bounded cost; others would pass unchecked. */
const FORMATS = new Set([
  'date-time',
  'date',
  'time',
  'email',
  'uuid',
  'uri',
  'ipv4',
  'ipv6',
  'hostname',
]);
/** Keywords that would make the validator resolve or fetch something other than this document. */
const REFUSED: Record<string, string> = {
  $id: 'is not supported: a catalog schema is one document, without identifiers',
  $anchor: 'is not supported: refer to "#/$defs/<name>" instead',
  $dynamicAnchor: 'is not supported',
  $dynamicRef: 'is not supported: refer to "#/$defs/<name>" instead',
  $recursiveRef: 'is not supported (draft 2019-09)',
  $recursiveAnchor: 'is not supported (draft 2019-09)',
  $vocabulary: 'is not supported',
  patternProperties:
    'is not supported: property names cannot be bounded in length before a pattern runs on them; use propertyNames with maxLength and pattern',
  dependencies: 'is not draft 2020-12: use dependentRequired or dependentSchemas',
  additionalItems: 'is not draft 2020-12: use items with prefixItems',
};

/**
 * The problems of a catalog schema, each naming its place (`schema.properties.amount.type`);
 * empty when it is usable. The subset is draft 2020-12 as one self-contained document: known
 * keywords only (a misspelt one would silently check nothing), `$ref` only to
 * `#/$defs/<name>` and never in a cycle (nothing is fetched or resolved elsewhere, and
 * validation always ends), `pattern` and `uniqueItems` only beside a small bound (see
 * guarded-keywords.ts), and size limits on the text, its depth and its expansion.
 */
export function schemaProblems(schema: unknown, field = 'schema'): ErrorDetail[] {
  if (typeof schema !== 'object' || schema === null || Array.isArray(schema)) {
    return [{ field, message: 'must be a JSON Schema object' }];
  }
  // Depth first: it is counted without recursion, and JSON.stringify recurses.
  if (jsonDepth(schema, MAX_SCHEMA_DEPTH) > MAX_SCHEMA_DEPTH) {
    return [{ field, message: `must nest at most ${MAX_SCHEMA_DEPTH} levels deep` }];
  }
  const bytes = Buffer.byteLength(JSON.stringify(schema));
  if (bytes > MAX_SCHEMA_BYTES) {
    return [{ field, message: `must be at most ${MAX_SCHEMA_BYTES} bytes as JSON (got ${bytes})` }];
  }
  const root = schema as Record<string, unknown>;
  const problems: ErrorDetail[] = [];
  if (root.$schema !== undefined && root.$schema !== DRAFT_2020_12) {
    problems.push({ field: `${field}.$schema`, message: `must be "${DRAFT_2020_12}" when given` });
  }
  const defs = isPlainObject(root.$defs) ? root.$defs : {};
  const walk = new SchemaWalk(defs, problems);
  walk.check(root, field, true);
  if (problems.length === 0) {
    const size = walk.expandedSize(root);
    if (size > MAX_EXPANDED_SUBSCHEMAS) {
      problems.push({
        field,
        message: `must count at most ${MAX_EXPANDED_SUBSCHEMAS} subschemas with every $ref inlined (got more than ${MAX_EXPANDED_SUBSCHEMAS})`,
      });
    }
  }
  return problems;
}

class SchemaWalk {
  private readonly sizes = new Map<string, number>();
  private readonly visiting = new Set<string>();

  constructor(
    private readonly defs: Record<string, unknown>,
    private readonly problems: ErrorDetail[],
  ) {}

  check(node: unknown, at: string, isRoot = false): void {
    if (typeof node === 'boolean') return;
    if (!isPlainObject(node)) {
      this.problems.push({ field: at, message: 'must be a schema (an object or a boolean)' });
      return;
    }
    for (const [keyword, value] of Object.entries(node)) {
      const place = `${at}.${keyword}`;
      const refused = REFUSED[keyword];
      if (refused) this.problems.push({ field: place, message: refused });
      else if (keyword === '$schema' || keyword === '$defs') {
        if (!isRoot)
          this.problems.push({ field: place, message: 'is allowed at the top level only' });
        else if (keyword === '$defs') this.eachOf(value, place, 'an object of schemas');
      } else if (keyword === '$ref') this.checkRef(value, place);
      else if (ANNOTATIONS.includes(keyword)) continue;
      else if (ONE_SCHEMA.includes(keyword)) this.check(value, place);
      else if (SCHEMA_MAPS.includes(keyword)) this.eachOf(value, place, 'an object of schemas');
      else if (SCHEMA_LISTS.includes(keyword)) this.eachOfList(value, place);
      else if (COUNTS.includes(keyword))
        this.expect(isCount(value), place, 'must be a non-negative integer');
      else if (NUMBERS.includes(keyword))
        this.expect(isFiniteNumber(value), place, 'must be a number');
      else if (keyword === 'multipleOf')
        this.expect(isFiniteNumber(value) && value > 0, place, 'must be a number greater than 0');
      else if (keyword === 'type') this.checkType(value, place);
      else if (keyword === 'enum')
        this.expect(Array.isArray(value) && value.length > 0, place, 'must be a non-empty array');
      else if (keyword === 'const') continue;
      else if (keyword === 'required')
        this.expect(isStringList(value), place, 'must be an array of strings');
      else if (keyword === 'dependentRequired')
        this.expect(
          isPlainObject(value) && Object.values(value).every(isStringList),
          place,
          'must map property names to arrays of strings',
        );
      else if (keyword === 'format')
        this.expect(
          typeof value === 'string' && FORMATS.has(value),
          place,
          `must be one of ${[...FORMATS].join(', ')}`,
        );
      else if (GUARDED_KEYWORDS.includes(keyword)) {
        const problem = checkGuardedKeyword(keyword, value, node);
        if (problem) this.problems.push({ field: place, message: problem });
      } else
        this.problems.push({
          field: place,
          message: 'is not a keyword of the supported JSON Schema subset',
        });
    }
  }

  /** The number of subschemas of `node` with every `$ref` inlined (refs are acyclic by now). */
  expandedSize(node: unknown): number {
    if (!isPlainObject(node)) return 1;
    let size = 1;
    for (const [keyword, value] of Object.entries(node)) {
      if (
        keyword === '$defs' ||
        ANNOTATIONS.includes(keyword) ||
        keyword === 'const' ||
        keyword === 'enum'
      )
        continue;
      if (keyword === '$ref' && typeof value === 'string')
        size += this.defSize(value.slice('#/$defs/'.length));
      else if (ONE_SCHEMA.includes(keyword)) size += this.expandedSize(value);
      else if (SCHEMA_LISTS.includes(keyword) && Array.isArray(value))
        for (const v of value) size += this.expandedSize(v);
      else if (SCHEMA_MAPS.includes(keyword) && isPlainObject(value))
        for (const v of Object.values(value)) size += this.expandedSize(v);
      if (size > MAX_EXPANDED_SUBSCHEMAS) return size;
    }
    return size;
  }

  private defSize(name: string): number {
    const known = this.sizes.get(name);
    if (known !== undefined) return known;
    const size = this.expandedSize(this.defs[name]);
    this.sizes.set(name, size);
    return size;
  }

  private checkRef(value: unknown, at: string): void {
    const name =
      typeof value === 'string' && value.startsWith('#/$defs/') ? value.slice(8) : undefined;
    if (name === undefined || !DEF_NAME.test(name)) {
      this.problems.push({
        field: at,
        message:
          'must be "#/$defs/<name>" (a name of letters, digits, "_", "." and "-"): nothing outside this schema is resolved or fetched',
      });
    } else if (!Object.hasOwn(this.defs, name)) {
      this.problems.push({
        field: at,
        message: `names no schema in $defs ("${name.slice(0, 100)}")`,
      });
    } else if (this.refCycle(name)) {
      this.problems.push({
        field: at,
        message: `is part of a $ref cycle through "${name.slice(0, 100)}": recursive schemas are not supported`,
      });
    }
  }

  /** Whether following refs from the definition `name` comes back to it. */
  private refCycle(name: string, seen = new Set<string>()): boolean {
    if (this.visiting.has(name)) return true;
    if (seen.has(name)) return false;
    seen.add(name);
    this.visiting.add(name);
    const cycle = refsIn(this.defs[name]).some(
      (next) => Object.hasOwn(this.defs, next) && this.refCycle(next, seen),
    );
    this.visiting.delete(name);
    return cycle;
  }

  private checkType(value: unknown, at: string): void {
    const list = Array.isArray(value) ? value : [value];
    const ok = list.length > 0 && list.every((t) => typeof t === 'string' && TYPES.has(t));
    this.expect(ok, at, `must be one of ${[...TYPES].join(', ')} or an array of them`);
  }

  private eachOf(value: unknown, at: string, what: string): void {
    if (!isPlainObject(value)) {
      this.problems.push({ field: at, message: `must be ${what}` });
      return;
    }
    for (const [key, child] of Object.entries(value)) this.check(child, `${at}.${key}`);
  }

  private eachOfList(value: unknown, at: string): void {
    if (!Array.isArray(value) || value.length === 0) {
      this.problems.push({ field: at, message: 'must be a non-empty array of schemas' });
      return;
    }
    for (const [index, child] of value.entries()) this.check(child, `${at}[${index}]`);
  }

  private expect(ok: boolean, at: string, message: string): void {
    if (!ok) this.problems.push({ field: at, message });
  }
}

/** Every `#/$defs/<name>` referred to anywhere inside `node`. */
function refsIn(node: unknown): string[] {
  const out: string[] = [];
  const stack = [node];
  while (stack.length > 0) {
    const top = stack.pop();
    if (typeof top !== 'object' || top === null) continue;
    for (const [key, value] of Object.entries(top)) {
      if (key === '$ref' && typeof value === 'string' && value.startsWith('#/$defs/'))
        out.push(value.slice(8));
      else stack.push(value);
    }
  }
  return out;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isCount(value: unknown): value is number {
  return Number.isSafeInteger(value) && (value as number) >= 0;
}

function isFiniteNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

function isStringList(value: unknown): boolean {
  return Array.isArray(value) && value.every((v) => typeof v === 'string');
}
