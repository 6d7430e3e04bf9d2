import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../../shared/errors.js';
import { errorResponse } from '../../../shared/http/api-gateway.js';
import { parseStrictJson } from '../../../shared/http/strict-json.js';
import {
  buildEventPattern,
  MAX_PATTERN_LENGTH,
  validateFilter,
} from '../../../shared/subscriptions/event-pattern.js';
import { FILTER_OPERATORS } from '../../../shared/subscriptions/filter-operators.js';
import {
  assertPatternFits,
  createSubscriptionSchema,
  parseBody,
} from '../../../shared/subscriptions/subscription-schema.js';
import { randomFilter } from '../../support/random-filter.js';
import { type Random, seededRandom } from '../../support/seeded-random.js';

// Property tests of the filter validator: filters built from the documented grammar are
// accepted; mutations of them are answered with problems that each name a path present in the
// filter (never an exception), and those that break a rule EventBridge enforces are refused.

const base = { url: 'https://hooks.example.test/x', eventTypes: ['order.created', 'invoice.*'] };
const PROTOTYPE_NAMES = [
  '__proto__',
  'constructor',
  'toString',
  'hasOwnProperty',
  'valueOf',
  'isPrototypeOf',
  '__defineGetter__',
  'propertyIsEnumerable',
];
const UNKNOWN_OPERATORS = [
  ...PROTOTYPE_NAMES,
  '',
  'Prefix',
  'prefix ',
  'regex',
  'exactly',
  'not-wildcard',
  '$or',
  '<',
  'numeric-range',
];

type Kind = 'pattern' | 'matchers' | 'matcher' | 'operand' | 'or';
interface Node {
  readonly value: unknown;
  readonly path: string;
  readonly kind: Kind;
  readonly holder: Record<string, unknown> | unknown[] | undefined;
  readonly key: string | number | undefined;
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** Every node of a filter, with the path the validator would name, found without recursion. */
function nodes(filter: Record<string, unknown>): Node[] {
  const found: Node[] = [];
  const stack: Node[] = [
    { value: filter, path: 'filter', kind: 'pattern', holder: undefined, key: undefined },
  ];
  while (stack.length > 0) {
    const node = stack.pop() as Node;
    found.push(node);
    const { value, path, kind } = node;
    if (Array.isArray(value)) {
      const childKind: Kind =
        kind === 'or' ? 'pattern' : kind === 'matchers' ? 'matcher' : 'operand';
      for (const [i, child] of value.entries())
        stack.push({ value: child, path: `${path}[${i}]`, kind: childKind, holder: value, key: i });
    } else if (isObject(value)) {
      for (const [key, child] of Object.entries(value)) {
        let childKind: Kind = 'operand';
        if (kind === 'pattern')
          childKind = key === '$or' ? 'or' : Array.isArray(child) ? 'matchers' : 'pattern';
        stack.push({ value: child, path: `${path}.${key}`, kind: childKind, holder: value, key });
      }
    }
  }
  return found;
}

/** Sets a key as an own data property, so `__proto__` stays a key as JSON.parse leaves it. */
function put(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, {
    value,
    enumerable: true,
    writable: true,
    configurable: true,
  });
}

/** The object with one key renamed, keeping the order of the others. */
function renamed(
  object: Record<string, unknown>,
  from: string,
  to: string,
): Record<string, unknown> {
  const result: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(object)) put(result, key === from ? to : key, value);
  return result;
}

function replace(node: Node, value: unknown): void {
  if (Array.isArray(node.holder)) node.holder[node.key as number] = value;
  else if (node.holder) put(node.holder, node.key as string, value);
}

function replaceHolder(
  root: Record<string, unknown>,
  holder: object,
  value: Record<string, unknown>,
): Record<string, unknown> {
  if (holder === root) return value;
  const owner = nodes(root).find((n) => n.value === holder);
  if (owner) replace(owner, value);
  return root;
}

interface Mutation {
  readonly name: string;
  /** How many filters to mutate (fewer for the costly giant ones). @default 60 */
  readonly cases?: number;
  /** The mutated filter, and whether EventBridge's rules say it must now be refused. */
  apply(
    random: Random,
    filter: Record<string, unknown>,
  ): { filter: Record<string, unknown>; refuse: boolean } | undefined;
}

const ofKind = (filter: Record<string, unknown>, kind: Kind) =>
  nodes(filter).filter((n) => n.kind === kind);

const MUTATIONS: Mutation[] = [
  {
    name: 'rename an operator',
    apply(random, filter) {
      const matchers = ofKind(filter, 'matcher').filter((n) => isObject(n.value));
      if (matchers.length === 0) return undefined;
      const node = random.pick(matchers);
      const object = node.value as Record<string, unknown>;
      const from = Object.keys(object)[0] as string;
      const to = random.pick([...UNKNOWN_OPERATORS, ...FILTER_OPERATORS.keys()]);
      replace(node, renamed(object, from, to));
      return { filter, refuse: !FILTER_OPERATORS.has(to) };
    },
  },
  {
    name: 'add a second operator',
    apply(random, filter) {
      const matchers = ofKind(filter, 'matcher').filter((n) => isObject(n.value));
      if (matchers.length === 0) return undefined;
      const object = random.pick(matchers).value as Record<string, unknown>;
      const name = random.pick([...PROTOTYPE_NAMES, ...FILTER_OPERATORS.keys()]);
      if (Object.hasOwn(object, name)) return undefined;
      put(object, name, random.pick(['x', 1, true, ['>', 1]]));
      return { filter, refuse: true };
    },
  },
  {
    name: 'break a numeric bound',
    apply(random, filter) {
      const bounds = nodes(filter).filter(
        (n) => typeof n.value === 'number' && n.kind === 'operand' && n.path.includes('.numeric['),
      );
      if (bounds.length === 0) return undefined;
      replace(
        random.pick(bounds),
        random.pick([5000000001, -5e9 - 1, 1.1234567, 1e-7, 1e300, '5', null, true, [], {}]),
      );
      return { filter, refuse: true };
    },
  },
  {
    name: 'break an operand',
    apply(random, filter) {
      const operands = nodes(filter).filter((n) => n.kind === 'operand');
      if (operands.length === 0) return undefined;
      replace(
        random.pick(operands),
        random.pick([
          null,
          0,
          -0,
          '',
          [],
          {},
          [[]],
          [{}],
          'x',
          true,
          6e9,
          1e-9,
          ['>'],
          ['=', 1, '<', 2],
          '10.0.0.0/32',
          '**',
          '\\x',
        ]),
      );
      return { filter, refuse: false };
    },
  },
  {
    name: 'rename a field',
    apply(random, filter) {
      const patterns = nodes(filter).filter((n) => n.kind === 'pattern' && isObject(n.value));
      const node = random.pick(patterns);
      const object = node.value as Record<string, unknown>;
      const from = random.pick(Object.keys(object));
      const to = random.pick(['', '__proto__', ...PROTOTYPE_NAMES, 'prefix', '$or']);
      const next = renamed(object, from, to);
      return {
        filter: replaceHolder(filter, object, next),
        refuse: to === '' || to === '__proto__',
      };
    },
  },
  {
    name: 'nest too deep',
    apply(random, filter) {
      const patterns = nodes(filter).filter((n) => n.kind === 'pattern' && isObject(n.value));
      const object = random.pick(patterns).value as Record<string, unknown>;
      const key = random.pick(Object.keys(object));
      let value: unknown = object[key];
      for (let i = random.int(11, 60); i > 0; i--)
        value = { [random.pick(['n', 'constructor', '😀'])]: value };
      put(object, key, value);
      return { filter, refuse: true };
    },
  },
  {
    name: 'a giant array',
    cases: 12,
    apply(random, filter) {
      const lists = ofKind(filter, 'matchers');
      if (lists.length === 0) return undefined;
      const junk = random.chance(0.5);
      const giant = Array.from({ length: random.int(5_000, 20_000) }, (_, i): unknown =>
        junk && i % 7 === 3
          ? random.pick<unknown>([{}, [], { hasOwnProperty: 1 }, { numeric: ['>', 6e9] }])
          : i,
      );
      replace(random.pick(lists), giant);
      return { filter, refuse: junk };
    },
  },
  {
    name: 'a giant $or',
    cases: 12,
    apply(random, filter) {
      const alternatives = Array.from({ length: random.int(2_000, 5_000) }, (_, i) =>
        i % 11 === 5 ? { prefix: ['x'] } : { [`f${i}`]: [i] },
      );
      put(filter, '$or', alternatives);
      return { filter, refuse: true };
    },
  },
];

/** The path a problem names: the text before its first `: `. */
const namedPath = (problem: string) => problem.slice(0, problem.indexOf(': '));

describe('validateFilter on filters built from the grammar', () => {
  it('accepts every one, keeps it as sent, and refuses only patterns longer than EventBridge allows', () => {
    const random = seededRandom(41);
    const lengths = { fits: 0, tooLong: 0 };
    for (let n = 0; n < 300; n++) {
      const filter = randomFilter(random);
      // As a request brings it: JSON text through the strict body parser.
      const body = parseStrictJson(JSON.stringify({ ...base, filter })) as typeof base & {
        filter: unknown;
      };
      expect(validateFilter(body.filter), JSON.stringify(filter).slice(0, 300)).toEqual([]);
      const parsed = parseBody(createSubscriptionSchema, body);
      expect(parsed.filter).toEqual(filter);
      const pattern = buildEventPattern('hookbridge', base.eventTypes, parsed.filter);
      expect((pattern.detail as { data: unknown }).data).toEqual(filter);
      const length = JSON.stringify(pattern).length;
      if (length <= MAX_PATTERN_LENGTH) {
        lengths.fits++;
        expect(() => assertPatternFits('hookbridge', base.eventTypes, parsed.filter)).not.toThrow();
      } else {
        lengths.tooLong++;
        expect(() => assertPatternFits('hookbridge', base.eventTypes, parsed.filter)).toThrow(
          ValidationError,
        );
      }
    }
    expect(lengths.fits).toBeGreaterThan(100);
    expect(lengths.tooLong).toBeGreaterThan(0);
  });
});

describe('validateFilter on mutated filters', () => {
  it.each(MUTATIONS.map((m) => [m.name, m] as const))(
    '%s: problems name paths in the filter, never an exception',
    (_name, mutation) => {
      const random = seededRandom(42 + MUTATIONS.indexOf(mutation));
      let applied = 0;
      const cases = mutation.cases ?? 60;
      for (let n = 0; n < 150 && applied < cases; n++) {
        const mutated = mutation.apply(random, randomFilter(random, 4));
        if (!mutated) continue;
        applied++;
        // As a request brings it; JSON.parse keeps `__proto__` an own key, as the parser sees it.
        const filter = JSON.parse(JSON.stringify(mutated.filter)) as Record<string, unknown>;
        const context = JSON.stringify(filter).slice(0, 500);
        const problems = validateFilter(filter);
        if (mutated.refuse) expect(problems.length, context).toBeGreaterThan(0);
        const paths = new Set(nodes(filter).map((node) => node.path));
        for (const problem of problems)
          expect(paths, `${problem}\n${context}`).toContain(namedPath(problem));
        expect(problems.join('; ').length, 'the answer stays small').toBeLessThan(4000);
        // The whole request as the API reads it: the strict parser refuses `__proto__` keys and
        // nesting past 64 levels before the schema sees the body.
        let body: unknown;
        try {
          body = parseStrictJson(JSON.stringify({ ...base, filter }));
        } catch (error) {
          expect(error).toBeInstanceOf(ValidationError);
          continue;
        }
        try {
          const parsed = parseBody(createSubscriptionSchema, body);
          expect(problems, context).toEqual([]);
          const length = JSON.stringify(
            buildEventPattern('hookbridge', base.eventTypes, parsed.filter),
          ).length;
          if (length <= MAX_PATTERN_LENGTH)
            assertPatternFits('hookbridge', base.eventTypes, parsed.filter);
          else
            expect(() => assertPatternFits('hookbridge', base.eventTypes, parsed.filter)).toThrow(
              ValidationError,
            );
        } catch (error) {
          if (!(error instanceof ValidationError)) throw error;
          expect(problems.length, context).toBeGreaterThan(0);
          expect(error.details?.every((d) => d.field === 'filter')).toBe(true);
          expect(JSON.stringify(error.details).length, 'the answer stays small').toBeLessThan(8000);
        }
      }
      expect(applied).toBeGreaterThanOrEqual(Math.min(cases, 20));
    },
  );

  it('stops at the depth limit on a 100k-deep filter instead of recursing', () => {
    let filter: Record<string, unknown> = { a: ['x'] };
    for (let i = 0; i < 100_000; i++) filter = { n: filter };
    const problems = validateFilter(filter);
    expect(problems).toEqual([`filter${'.n'.repeat(11)}: nests deeper than 10 levels`]);
    expect(() => parseBody(createSubscriptionSchema, { ...base, filter })).toThrow(ValidationError);
  });

  // Regression: every problem was listed, so a 1 MB body of bad matchers got a ~40 MB answer,
  // past the 6 MB a Lambda response may be (API Gateway then answers 500, not 400).
  it.each([
    ['300k bad matchers', { a: Array.from({ length: 300_000 }, () => ({})) }],
    [
      'a 500k-character field name over many bad matchers',
      {
        ['k'.repeat(500_000)]: Object.fromEntries(
          Array.from({ length: 20 }, (_, i) => [`f${i}`, [{ hasOwnProperty: 1 }]]),
        ),
      },
    ],
  ])('answers %s with a small 400 naming the first problems', (_name, filter) => {
    const body = parseStrictJson(JSON.stringify({ ...base, filter }));
    let error: unknown;
    try {
      parseBody(createSubscriptionSchema, body);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ValidationError);
    const response = errorResponse(error as ValidationError);
    expect(response.statusCode).toBe(400);
    expect(String(response.body).length).toBeLessThan(20_000);
    const problems = validateFilter(filter);
    expect(problems).toHaveLength(11);
    expect(problems[10]).toMatch(/^filter: and \d+ more problems$/);
  });
});
