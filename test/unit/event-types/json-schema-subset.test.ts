import { describe, expect, it } from 'vitest';
import {
  MAX_EXPANDED_SUBSCHEMAS,
  schemaProblems,
} from '../../../shared/event-types/json-schema-subset.js';
import { compileDataCheck } from '../../../shared/event-types/schema-validator.js';

const fields = (schema: unknown) => schemaProblems(schema).map((p) => p.field);

describe('the catalog’s JSON Schema subset', () => {
  it('accepts an ordinary draft 2020-12 schema with local $defs', () => {
    expect(
      schemaProblems({
        $schema: 'https://json-schema.org/draft/2020-12/schema',
        type: 'object',
        required: ['id'],
        additionalProperties: false,
        properties: {
          id: { type: 'string', maxLength: 40, pattern: '^inv_[a-z0-9]+$' },
          at: { type: 'string', format: 'date-time' },
          tags: { type: 'array', maxItems: 10, uniqueItems: true, items: { type: 'string' } },
          total: { $ref: '#/$defs/money' },
          kind: { enum: ['a', 'b'] },
        },
        $defs: { money: { type: 'integer', minimum: 0 } },
      }),
    ).toEqual([]);
  });

  it('names each misspelt or unknown keyword, and wrong keyword values', () => {
    expect(fields({ type: 'objekt' })).toEqual(['schema.type']);
    expect(fields({ properties: { a: { requried: ['x'] } } })).toEqual([
      'schema.properties.a.requried',
    ]);
    expect(fields({ minLength: -1, required: 'a', allOf: [] })).toEqual([
      'schema.minLength',
      'schema.required',
      'schema.allOf',
    ]);
    expect(fields({ $schema: 'http://json-schema.org/draft-07/schema#' })).toEqual([
      'schema.$schema',
    ]);
    expect(fields({ properties: { a: { $defs: {} } } })).toEqual(['schema.properties.a.$defs']);
  });

  it('refuses every reference outside the document, so nothing is fetched', () => {
    for (const $ref of [
      'https://evil.example/schema.json',
      'http://169.254.169.254/latest/meta-data/',
      'file:///etc/passwd',
      'other.json#/x',
      '#/properties/a',
      '#/$defs/a/properties/b',
      '#/$defs/%61',
      '#/$defs/a b',
      '#/$defs/é',
    ]) {
      expect(fields({ $ref, $defs: { a: {}, 'a b': {}, é: {} } }), $ref).toEqual(['schema.$ref']);
    }
    expect(fields({ $id: 'https://evil.example/', $anchor: 'x' })).toEqual([
      'schema.$id',
      'schema.$anchor',
    ]);
    expect(fields({ $dynamicRef: '#meta' })).toEqual(['schema.$dynamicRef']);
    expect(fields({ $ref: '#/$defs/missing' })).toEqual(['schema.$ref']);
  });

  it('refuses $ref cycles, which would never end', () => {
    expect(fields({ $ref: '#/$defs/a', $defs: { a: { $ref: '#/$defs/a' } } })).toContain(
      'schema.$ref',
    );
    expect(
      fields({
        $defs: {
          node: { type: 'object', properties: { children: { items: { $ref: '#/$defs/node' } } } },
        },
      }),
    ).toEqual(['schema.$defs.node.properties.children.items.$ref']);
  });

  it('refuses a schema that expands beyond its bound through $defs (exponential anyOf chains)', () => {
    const defs: Record<string, unknown> = { d30: { type: 'string' } };
    for (let i = 0; i < 30; i++) {
      defs[`d${i}`] = { anyOf: [{ $ref: `#/$defs/d${i + 1}` }, { $ref: `#/$defs/d${i + 1}` }] };
    }
    const problems = schemaProblems({ $ref: '#/$defs/d0', $defs: defs });
    expect(problems).toHaveLength(1);
    expect(problems[0]?.message).toContain(String(MAX_EXPANDED_SUBSCHEMAS));
  });

  it('refuses schemas too large or too deep, before walking them', () => {
    const huge = { enum: Array.from({ length: 10_000 }, (_, i) => `value-${i}`) };
    expect(schemaProblems(huge)[0]?.message).toMatch(/bytes/);
    let deep: Record<string, unknown> = { type: 'string' };
    for (let i = 0; i < 10_000; i++) deep = { not: deep };
    expect(schemaProblems(deep)[0]?.message).toMatch(/levels deep/);
  });

  it('takes a pattern only beside a small maxLength and in a shape of bounded cost', () => {
    const pattern = (p: string, maxLength: number | null = 64) =>
      schemaProblems({ type: 'string', pattern: p, ...(maxLength !== null && { maxLength }) });
    expect(pattern('^[A-Z]{3}$')).toEqual([]);
    expect(pattern('^[a-z]+-[0-9]+$')).toEqual([]);
    expect(pattern('[a-z]+', null)[0]?.message).toMatch(/maxLength/);
    expect(pattern('[a-z]+', 10_000)[0]?.message).toMatch(/maxLength/);
    for (const evil of [
      '(a+)+$',
      '(a|aa)*$',
      '([a-z]+)*$',
      '(.*a){12}',
      '^(\\w+\\s?)*$',
      '(a*)*b',
    ]) {
      expect(pattern(evil)[0]?.message, evil).toMatch(/repeat a group/);
    }
    expect(pattern('a*a*b')[0]?.message).toMatch(/at most 1/);
    expect(pattern('^a*a*a*b')[0]?.message).toMatch(/at most 2/);
    expect(pattern('(a)\\1')[0]?.message).toMatch(/backreferences/);
    expect(pattern('(?=a)a')[0]?.message).toMatch(/lookahead/);
    expect(pattern('(')[0]?.message).toMatch(/not a valid regular expression/);
    expect(fields({ patternProperties: { '^a': {} } })).toEqual(['schema.patternProperties']);
    expect(fields({ type: 'array', uniqueItems: true })).toEqual(['schema.uniqueItems']);
  });
});

describe('the compiled data check', () => {
  const check = compileDataCheck({
    type: 'object',
    required: ['amount'],
    properties: {
      amount: { type: 'integer' },
      code: { type: 'string', maxLength: 8, pattern: '^[A-Z]+$' },
      'a/b': { type: 'string' },
      lines: { type: 'array', items: { $ref: '#/$defs/line' } },
      tags: { type: 'array', maxItems: 5, uniqueItems: true },
    },
    $defs: { line: { type: 'object', required: ['sku'] } },
  });

  it('names each failing value by its path under the field', () => {
    expect(check({ amount: 1 }, 'data')).toEqual([]);
    const failures = check({ amount: 'x', 'a/b': 1, lines: [{ sku: 1 }, {}] }, 'events[2].data');
    expect(failures.map((f) => f.field).sort()).toEqual([
      'events[2].data.a/b',
      'events[2].data.amount',
      'events[2].data.lines[1]',
    ]);
    expect(check({}, 'data')).toEqual([
      { field: 'data', message: expect.stringContaining('"amount"') },
    ]);
  });

  it('never runs a pattern on a string past its maxLength, nor uniqueness past maxItems', () => {
    // A backtracking-prone shape that the subset refuses is not needed: any pattern on 5 MB
    // would be slow; the guard must keep the string away from it, and maxLength still fails it.
    const failures = check({ amount: 1, code: 'a'.repeat(5_000_000) }, 'data');
    expect(failures).toEqual([{ field: 'data.code', message: expect.stringMatching(/too long/) }]);
    const many = check({ amount: 1, tags: Array.from({ length: 200_000 }, () => 0) }, 'data');
    expect(many.map((f) => f.field)).toEqual(['data.tags']);
    expect(check({ amount: 1, code: 'ab' }, 'data').map((f) => f.field)).toEqual(['data.code']);
    expect(check({ amount: 1, tags: [1, 1] }, 'data').map((f) => f.field)).toEqual(['data.tags']);
  });

  it('answers at most ten failures', () => {
    const wide = compileDataCheck({ type: 'array', items: { type: 'string' } });
    expect(
      wide(
        Array.from({ length: 1000 }, () => 1),
        'data',
      ),
    ).toHaveLength(10);
  });
});
