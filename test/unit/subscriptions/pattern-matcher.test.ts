import { describe, expect, it } from 'vitest';
import { buildEventPattern } from '../../../shared/subscriptions/event-pattern.js';
import { matchesPattern } from '../../../shared/subscriptions/pattern-matcher.js';

// Cases taken from aws/event-ruler's own tests (RulerTest.java: exists, really simple rules,
// anything-but, equals-ignore-case, wildcard, arrays), restated as data; then the operators
// Hookbridge accepts that those tests do not cover, from event-ruler's README.

const complexArrays = {
  employees: [
    [
      { firstName: 'John', lastName: 'Doe', ids: [1234, 1000, 9999] },
      { firstName: 'Anna', lastName: 'Smith' },
    ],
    [{ firstName: 'Peter', lastName: 'Jones', ids: [] }],
  ],
};

describe('matchesPattern, against event-ruler’s test cases', () => {
  it('exists (WHEN_WeTryToMatchExistsRules_THEN_TheyWork)', () => {
    const rules = [
      { a: [{ exists: true }] },
      { b: [{ exists: false }] },
      { x: [{ exists: true }] },
      { x: [{ exists: false }] },
    ];
    const expected = [
      [{ a: 1 }, [true, true, false, true]],
      [{ b: 2 }, [false, false, false, true]],
      [{ x: 'X' }, [false, true, true, false]],
    ] as const;
    for (const [event, results] of expected) {
      expect(rules.map((rule) => matchesPattern(rule, event))).toEqual(results);
    }
  });

  it('really simple rules: typed exact values (WHEN_WeTryReallySimpleRules_THEN_TheyWork)', () => {
    expect(matchesPattern({ a: [1] }, { a: 1 })).toBe(true);
    expect(matchesPattern({ b: [2] }, { b: 2 })).toBe(true);
    expect(matchesPattern({ x: ['X'] }, { x: 'X' })).toBe(true);
    for (const rule of [{ a: [1] }, { b: [2] }, { x: ['X'] }]) {
      expect(matchesPattern(rule, { x: true })).toBe(false);
    }
  });

  it('anything-but of every kind (WHEN_WeTryAnythingButRules_THEN_Theywork)', () => {
    const rule = {
      a: [{ 'anything-but': ['dad0', 'dad1', 'dad2'] }],
      b: [{ 'anything-but': [111, 222, 333] }],
      c: [{ 'anything-but': 'zdd' }],
      d: [{ 'anything-but': 444 }],
      z: [{ numeric: ['>', 0, '<', 1] }],
      w: [{ 'anything-but': { prefix: 'zax' } }],
      n: [{ 'anything-but': { suffix: 'ing' } }],
      o: [{ 'anything-but': { 'equals-ignore-case': 'CamelCase' } }],
      p: [{ 'anything-but': { 'equals-ignore-case': ['CamelCase', 'AbC'] } }],
    };
    const base = {
      a: 'child1',
      b: '444',
      c: 'child1',
      d: 123,
      w: 'xaz',
      z: 0.001,
      n: 'nomatch',
      o: 'nomatch',
      p: 'nomatch',
    };
    const events = [
      base,
      { ...base, a: 'dad789', b: 789, c: 'zdd' },
      { ...base, a: 'dad789', b: 789, z: 1.01 },
      { ...base, a: 'dad1', b: 345 },
      { ...base, a: 'abc', b: 111 },
      { ...base, a: 'dad1', b: 333 },
      { ...base, a: 'abc', b: 0, d: 444, z: 0.999999 },
      { ...base, w: 'zaxonie' },
      { ...base, n: 'matching' },
      { ...base, o: 'camelcase' },
      { ...base, p: 'abc' },
    ];
    expect(events.map((event) => matchesPattern(rule, event))).toEqual([
      true,
      false,
      false,
      false,
      false,
      false,
      false,
      false,
      false,
      false,
      false,
    ]);
  });

  it('equals-ignore-case (WHEN_WeTryEqualsIgnoreCaseRules_THEN_TheyWork)', () => {
    const rule = {
      a: [{ 'equals-ignore-case': 'aBc' }],
      b: [{ 'equals-ignore-case': 'Def' }],
      c: [{ 'equals-ignore-case': 'xyZ' }],
    };
    const events = [
      { a: 'ABC', b: 'defx', c: 'xYz', d: 'rst' },
      { a: 'ABC', c: 'xYz', d: 'rst' },
      { a: 'ABC', b: 'xYz', c: 'def', d: 'rst' },
      { a: 'ABC', b: 'def', c: 'xYz', d: 'rst' },
    ];
    expect(events.map((event) => matchesPattern(rule, event))).toEqual([false, false, false, true]);
  });

  it('wildcard (WHEN_WeTryWildcardRules_THEN_TheyWork)', () => {
    const rule = {
      a: [{ wildcard: '*bc' }],
      b: [{ wildcard: 'd*f' }],
      c: [{ wildcard: 'xy*' }],
      d: [{ wildcard: 'xy*' }],
    };
    const events = [
      { a: 'abcbc', b: 'deeeefx', c: 'xy', d: 'xyzzz' },
      { a: 'abcbc', b: 'deeeef', d: 'xyzzz' },
      { a: 'abcbc', b: 'xy', c: 'deeeef', d: 'xyzzz' },
      { a: 'abcbc', b: 'deeeef', c: 'xy', d: 'xyzzz' },
    ];
    expect(events.map((event) => matchesPattern(rule, event))).toEqual([false, false, false, true]);
    expect(matchesPattern({ a: [{ wildcard: 'a\\*b' }] }, { a: 'a*b' })).toBe(true);
    expect(matchesPattern({ a: [{ wildcard: 'a\\*b' }] }, { a: 'axb' })).toBe(false);
    expect(matchesPattern({ a: [{ wildcard: 'a.c' }] }, { a: 'abc' })).toBe(false);
  });

  it('arrays: flattened, and consistent within one element (WHEN_JSONContainsArrays_THEN_RulerNoCompileMatchesWork)', () => {
    const matching = [
      { employees: { firstName: ['Anna'] } },
      { employees: { firstName: ['John'], ids: [1000] } },
      { employees: { firstName: ['Anna'], ids: [{ exists: false }] } },
    ];
    const nonMatching = [
      { employees: { firstName: ['Alice'] } },
      { employees: { firstName: ['Anna'], lastName: ['Jones'] } },
      { employees: { firstName: ['Alice'], lastName: ['Bob'] } },
      { a: ['b'] },
      { employees: ['b'] },
      { employees: { firstName: ['Anna'], ids: [1000] } },
      { employees: { firstName: ['Anna'], ids: [{ exists: true }] } },
    ];
    for (const rule of matching)
      expect(matchesPattern(rule, complexArrays), JSON.stringify(rule)).toBe(true);
    for (const rule of nonMatching)
      expect(matchesPattern(rule, complexArrays), JSON.stringify(rule)).toBe(false);
  });

  it('exists looks at leaves only: an object field is absent (README, Exists matching)', () => {
    const event = { detail: { state: ['initializing', 'running'], 'c-count': { c1: 100 } } };
    expect(matchesPattern({ detail: { 'c-count': [{ exists: false }] } }, event)).toBe(true);
    expect(matchesPattern({ detail: { 'c-count': [{ exists: true }] } }, event)).toBe(false);
    expect(matchesPattern({ detail: { state: [{ exists: true }] } }, event)).toBe(true);
  });
});

describe('matchesPattern, the other operators Hookbridge accepts', () => {
  it('prefix and suffix, plain and ignoring case, on strings only', () => {
    expect(matchesPattern({ t: [{ prefix: '2017-10-02' }] }, { t: '2017-10-02T10:00:00Z' })).toBe(
      true,
    );
    expect(matchesPattern({ t: [{ prefix: '2017' }] }, { t: 2017 })).toBe(false);
    expect(matchesPattern({ f: [{ suffix: '.png' }] }, { f: 'a.PNG' })).toBe(false);
    expect(
      matchesPattern({ f: [{ suffix: { 'equals-ignore-case': '.png' } }] }, { f: 'a.PNG' }),
    ).toBe(true);
    expect(
      matchesPattern({ f: [{ prefix: { 'equals-ignore-case': 'ALPHA' } }] }, { f: 'alphabet' }),
    ).toBe(true);
  });

  it('numeric ranges and equality on numbers only, exact numbers by value', () => {
    const rule = { c: [{ numeric: ['>', 0, '<=', 5] }] };
    expect([0, 0.0001, 5, 5.0001, '3'].map((c) => matchesPattern(rule, { c }))).toEqual([
      false,
      true,
      true,
      false,
      false,
    ]);
    expect(matchesPattern({ x: [{ numeric: ['=', 3.018e2] }] }, { x: 301.8 })).toBe(true);
    expect(matchesPattern({ x: [300] }, { x: 3.0e2 })).toBe(true);
    expect(matchesPattern({ x: [300] }, { x: '300' })).toBe(false);
  });

  it('null, booleans and the empty string are values of their own', () => {
    expect(matchesPattern({ f: [null] }, { f: null })).toBe(true);
    expect(matchesPattern({ f: [null] }, {})).toBe(false);
    expect(matchesPattern({ f: [true] }, { f: 'true' })).toBe(false);
    expect(matchesPattern({ f: [''] }, { f: '' })).toBe(true);
    expect(matchesPattern({ f: [{ exists: true }] }, { f: null })).toBe(true);
  });

  it('anything-but never matches an absent field, and matches a value of another type', () => {
    expect(matchesPattern({ s: [{ 'anything-but': 'x' }] }, {})).toBe(false);
    expect(matchesPattern({ s: [{ 'anything-but': 'x' }] }, { s: 5 })).toBe(true);
    expect(matchesPattern({ s: [{ 'anything-but': { prefix: 'ab' } }] }, { s: 'abc' })).toBe(false);
    expect(
      matchesPattern({ s: [{ 'anything-but': { wildcard: '*.jar' } }] }, { s: 'x/bin/a.jar' }),
    ).toBe(false);
    expect(
      matchesPattern({ s: [{ 'anything-but': { wildcard: '*.jar' } }] }, { s: 'a.class' }),
    ).toBe(true);
  });

  it('cidr, IPv4 and IPv6', () => {
    const v4 = { ip: [{ cidr: '10.0.0.0/24' }] };
    expect(
      ['10.0.0.255', '10.0.1.0', 'not an ip', 10].map((ip) => matchesPattern(v4, { ip })),
    ).toEqual([true, false, false, false]);
    const v6 = { ip: [{ cidr: '2001:db8::/32' }] };
    expect(matchesPattern(v6, { ip: '2001:db8:ffff::1' })).toBe(true);
    expect(matchesPattern(v6, { ip: '2001:db9::1' })).toBe(false);
    expect(matchesPattern(v6, { ip: '10.0.0.1' })).toBe(false);
  });

  it('$or: one branch must match, alongside the other fields', () => {
    const rule = { source: ['s'], $or: [{ a: [1] }, { b: [{ prefix: 'x' }] }] };
    expect(matchesPattern(rule, { source: 's', a: 1 })).toBe(true);
    expect(matchesPattern(rule, { source: 's', b: 'xy' })).toBe(true);
    expect(matchesPattern(rule, { source: 's', a: 2, b: 'y' })).toBe(false);
    expect(matchesPattern(rule, { source: 't', a: 1 })).toBe(false);
  });

  it('never reads inherited properties of the event', () => {
    expect(matchesPattern({ constructor: [{ exists: true }] }, {})).toBe(false);
    expect(matchesPattern({ toString: [{ exists: false }] }, {})).toBe(true);
  });
});

describe('subscription patterns, matched in process', () => {
  const routed = (type: string, tenantId: string | undefined, data: Record<string, unknown>) => ({
    source: 'hookbridge',
    'detail-type': type,
    detail: {
      id: 'evt_x',
      type,
      ...(tenantId !== undefined && { tenantId }),
      timestamp: 't',
      data,
    },
  });

  it('holds a tenant subscription to its own tenant and broadcasts', () => {
    const pattern = buildEventPattern('hookbridge', ['order.*'], undefined, 'acme');
    expect(matchesPattern(pattern, routed('order.paid', 'acme', {}))).toBe(true);
    expect(matchesPattern(pattern, routed('order.paid', '*', {}))).toBe(true);
    expect(matchesPattern(pattern, routed('order.paid', 'globex', {}))).toBe(false);
    expect(matchesPattern(pattern, routed('order.paid', 'ACME', {}))).toBe(false);
    expect(matchesPattern(pattern, routed('order.paid', undefined, {}))).toBe(false);
    expect(matchesPattern(pattern, routed('orders.paid', 'acme', {}))).toBe(false);
  });

  it('lets an operator subscription see every tenant, under its types and filter', () => {
    const pattern = buildEventPattern('hookbridge', ['a.b', 'c'], {
      amount: [{ numeric: ['>=', 10] }],
    });
    expect(matchesPattern(pattern, routed('a.b', 'acme', { amount: 10 }))).toBe(true);
    expect(matchesPattern(pattern, routed('c', undefined, { amount: 11 }))).toBe(true);
    expect(matchesPattern(pattern, routed('c', undefined, { amount: 9 }))).toBe(false);
    expect(matchesPattern(pattern, routed('a.bc', undefined, { amount: 11 }))).toBe(false);
    expect(
      matchesPattern(buildEventPattern('hookbridge', ['*']), {
        ...routed('x', undefined, {}),
        source: 'other',
      }),
    ).toBe(false);
  });
});
