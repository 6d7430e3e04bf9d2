import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../../shared/errors.js';
import {
  buildEventPattern,
  filterUsesWildcard,
  MAX_PATTERN_LENGTH,
  validateFilter,
} from '../../../shared/subscriptions/event-pattern.js';
import {
  assertPatternFits,
  createSubscriptionSchema,
  parseBody,
} from '../../../shared/subscriptions/subscription-schema.js';

const base = { url: 'https://hooks.example.test/x', eventTypes: ['order.created'] };

describe('buildEventPattern', () => {
  it('matches exact types, `prefix.*` as a prefix keeping its dot, and `*` by source alone', () => {
    expect(buildEventPattern('hb', ['order.created', 'invoice.*'])).toEqual({
      source: ['hb'],
      'detail-type': ['order.created', { prefix: 'invoice.' }],
    });
    expect(buildEventPattern('hb', ['*', 'order.created'])).toEqual({ source: ['hb'] });
    expect(buildEventPattern('hb', ['a.b'], { x: ['1'] })).toEqual({
      source: ['hb'],
      'detail-type': ['a.b'],
      detail: { data: { x: ['1'] } },
    });
  });

  it('never compiles event types to a wildcard (EventBridge allows few wildcard rules per bus)', () => {
    const types = ['*', 'a.*', 'a.b.*', 'a.b', 'x-y_z.*'];
    for (const type of types) {
      const pattern = buildEventPattern('hb', [type]);
      expect(JSON.stringify(pattern)).not.toContain('wildcard');
      expect(filterUsesWildcard(pattern)).toBe(false);
    }
  });
});

describe('filterUsesWildcard', () => {
  it.each([
    [{ a: [{ wildcard: 'x*' }] }],
    [{ a: ['y', { 'anything-but': { wildcard: ['*/lib/*'] } }] }],
    [{ n: { m: [{ wildcard: '*' }] } }],
    [{ $or: [{ a: ['1'] }, { b: { $or: [{ c: ['2'] }, { d: [{ wildcard: '*d' }] }] } }] }],
  ])('sees the wildcard operator in %j', (filter) => {
    expect(filterUsesWildcard(filter)).toBe(true);
  });

  it.each([
    [undefined],
    [{ wildcard: ['a field named wildcard'] }],
    [{ a: [{ prefix: 'x*' }, 'literal*'] }],
    [{ a: [{ 'anything-but': { prefix: 'wildcard' } }] }],
    [{ a: { wildcard: { wildcard: ['x'] } } }],
  ])('sees none in %j', (filter) => {
    expect(filterUsesWildcard(filter)).toBe(false);
  });
});

describe('the whole rule pattern is at most 2048 characters', () => {
  // `{"source":["hookbridge"],"detail-type":["t.x"],"detail":{"data":{"k":["…"]}}}`
  const overhead = JSON.stringify(buildEventPattern('hookbridge', ['t.x'], { k: [''] })).length;
  const filterOf = (length: number) => ({ k: ['v'.repeat(length - overhead)] });

  it('accepts a pattern of exactly 2048 and refuses 2049, counting source and event types', () => {
    expect(MAX_PATTERN_LENGTH).toBe(2048);
    expect(() => assertPatternFits('hookbridge', ['t.x'], filterOf(2048))).not.toThrow();
    const error = (() => {
      try {
        assertPatternFits('hookbridge', ['t.x'], filterOf(2049));
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).status).toBe(400);
    expect((error as ValidationError).message).toMatch(/^filter: .*2049.*2048/);
  });

  it('counts the event types the code adds around the filter', () => {
    const filter = filterOf(2048);
    expect(() => assertPatternFits('hookbridge', ['t.x'], filter)).not.toThrow();
    expect(() => assertPatternFits('hookbridge', ['t.x', 't.y'], filter)).toThrow(ValidationError);
    // `*` drops the detail-type condition, so the same filter fits with room to spare.
    expect(() => assertPatternFits('hookbridge', ['*'], filterOf(2048 + 20))).not.toThrow();
  });
});

describe('operators named after Object.prototype members', () => {
  // Every name an object inherits (hasOwnProperty, __proto__, valueOf, …), in every place
  // an operator name is read: a matcher, anything-but's inner operator, prefix's inner one.
  const inherited = Object.getOwnPropertyNames(Object.prototype);
  const places = (name: string) => [
    `{"a":[{"${name}":"x"}]}`,
    `{"a":[{"${name}":["x"]}]}`,
    `{"a":[{"${name}":{"prefix":"x"}}]}`,
    `{"a":[{"anything-but":{"${name}":"x"}}]}`,
    `{"a":[{"prefix":{"${name}":"x"}}]}`,
    `{"a":[{"suffix":{"${name}":"x"}}]}`,
    `{"$or":[{"a":[{"${name}":1}]},{"b":["y"]}]}`,
  ];

  it('has the names to try', () => {
    expect(inherited).toEqual(
      expect.arrayContaining(['__proto__', 'hasOwnProperty', 'isPrototypeOf', 'constructor']),
    );
  });

  it.each(inherited)('%s is refused with a 400 naming its place, never a 500', (name) => {
    for (const json of places(name)) {
      const filter = JSON.parse(json);
      expect(validateFilter(filter), json).not.toEqual([]);
      let error: unknown;
      try {
        parseBody(createSubscriptionSchema, { ...base, filter });
      } catch (e) {
        error = e;
      }
      expect(error, json).toBeInstanceOf(ValidationError);
      expect((error as ValidationError).message, json).toMatch(/^filter: (a|\$or\[0\]\.a)\[0\]/);
    }
  });

  it('are ordinary field names', () => {
    const filter = Object.fromEntries(
      inherited.filter((n) => n !== '__proto__').map((n) => [n, [n]]),
    );
    expect(validateFilter(filter)).toEqual([]);
    expect(parseBody(createSubscriptionSchema, { ...base, filter }).filter).toEqual(filter);
  });
});

describe('validateFilter', () => {
  it('reports every problem, each at its own path', () => {
    expect(
      validateFilter({
        a: [{ numeric: ['>', 5, '<', 1] }, { wildcard: '**' }],
        b: { c: [] },
        $or: [{ prefix: ['x'] }, { d: [{ cidr: '1.2.3.4/40' }] }],
      }),
    ).toEqual([
      expect.stringMatching(/^filter\.a\[0\]\.numeric: /),
      expect.stringMatching(/^filter\.a\[1\]\.wildcard: /),
      expect.stringMatching(/^filter\.b\.c: /),
      expect.stringMatching(/^filter\.\$or\[0\]\.prefix: /),
      expect.stringMatching(/^filter\.\$or\[1\]\.d\[0\]\.cidr: /),
    ]);
  });

  it('says why a numeric range is refused', () => {
    expect(validateFilter({ a: [{ numeric: ['>', 30, '<', 1] }] })).toEqual([
      'filter.a[0].numeric: the lower bound 30 must be less than the upper bound 1',
    ]);
    expect(validateFilter({ a: [{ numeric: ['>', 1, '>', 5] }] })).toEqual([
      'filter.a[0].numeric: a range has one lower bound (> or >=) first, then one upper bound (< or <=)',
    ]);
  });

  it('refuses numbers too large for a double rather than sending them as null', () => {
    const filter = JSON.parse(
      '{"a":[1e400],"b":[{"numeric":[">",-1e400]}],"c":[{"anything-but":[1e999]}]}',
    );
    expect(validateFilter(filter)).toEqual([
      expect.stringMatching(/^filter\.a\[0\]: /),
      expect.stringMatching(/^filter\.b\[0\]\.numeric: /),
      expect.stringMatching(/^filter\.c\[0\]\.anything-but: /),
    ]);
  });

  it('counts decimals of numbers JSON writes with an exponent', () => {
    expect(validateFilter({ a: [{ numeric: ['>', 1.5e-6] }] })).toHaveLength(1);
    expect(validateFilter({ a: [{ numeric: ['>', 1e-6] }] })).toEqual([]);
    expect(validateFilter({ a: [{ numeric: ['<', 4.5e9] }] })).toEqual([]);
  });
});
