import type { Random } from './seeded-random.js';

/**
 * Random subscription filters built from the documented grammar (EventBridge patterns applied
 * to `data`), for property tests of the filter validator: every one it builds is valid.
 */

const FIELD_NAMES = [
  'a',
  'amount',
  'customer',
  'état',
  '😀',
  'x-y_z',
  'with space',
  'constructor',
  'toString',
  'hasOwnProperty',
  'valueOf',
  'length',
  '0',
  '$',
  '$and',
  'prototype',
];
/** Operator words: ordinary field names outside `$or`, reserved inside it. */
const OPERATOR_WORDS = ['prefix', 'numeric', 'exists', 'wildcard', 'anything-but', 'cidr'];
const STRINGS = ['', 'x', 'paid', 'Zoë', '東京', '😀', 'a*b', '\\', '"', 'null', '5'];

/** The deepest a generated filter nests objects (the validator allows 10 below the root). */
const MAX_OBJECT_DEPTH = 10;

export function randomFilter(random: Random, maxDepth = MAX_OBJECT_DEPTH): Record<string, unknown> {
  return object(random, 0, false, maxDepth);
}

function object(
  random: Random,
  depth: number,
  insideOr: boolean,
  maxDepth: number,
): Record<string, unknown> {
  const result: Record<string, unknown> = {};
  const count = random.int(1, 3);
  for (let i = 0; i < count; i++) {
    const names = insideOr ? FIELD_NAMES : [...FIELD_NAMES, ...OPERATOR_WORDS];
    const name = random.pick(names);
    const kind = random.next();
    if (kind < 0.08 && depth + 1 <= maxDepth) {
      result.$or = Array.from({ length: random.int(2, 3) }, () =>
        object(random, depth + 1, true, maxDepth),
      );
    } else if (kind < 0.3 && depth + 1 <= maxDepth) {
      result[name] = object(random, depth + 1, insideOr, maxDepth);
    } else {
      result[name] = Array.from({ length: random.int(1, 4) }, () => matcher(random));
    }
  }
  return result;
}

/** A number EventBridge can compare: within ±5e9, at most six decimals. */
function comparable(random: Random): number {
  if (random.chance(0.1)) return random.pick([5e9, -5e9, 0, 0.000001, -4999999999.999999]);
  return random.int(-999_999_999, 999_999_999) / 10 ** random.int(0, 6);
}

function wildcard(random: Random): string {
  let text = '';
  let star = false;
  for (let i = random.int(0, 6); i > 0; i--) {
    const part = random.pick(['a', 'é', '*', '\\*', '\\\\', '/', '.']);
    // `**` is refused; an escaped `\*` is a literal and may be followed by a wildcard.
    if (part === '*' && star) continue;
    star = part === '*';
    text += part;
  }
  return text;
}

function cidr(random: Random): string {
  if (random.chance(0.5)) {
    const octets = Array.from({ length: 4 }, () => random.int(0, 255));
    return `${octets.join('.')}/${random.int(0, 31)}`;
  }
  const group = () => random.int(0, 0xffff).toString(16);
  const groups = (n: number) => Array.from({ length: n }, group).join(':');
  const head = random.int(0, 3);
  const address = random.chance(0.5)
    ? groups(8)
    : `${groups(head)}::${groups(random.int(0, 6 - head))}`;
  return `${address}/${random.int(0, 127)}`;
}

function nonEmpty(random: Random): string {
  return random.pick(STRINGS.filter((s) => s !== ''));
}

function matcher(random: Random): unknown {
  switch (random.int(0, 12)) {
    case 0:
      return random.pick(STRINGS);
    case 1:
      return random.chance(0.5)
        ? comparable(random)
        : random.pick([1e300, -1e-300, Number('12345678901234567890'), 0.1]);
    case 2:
      return random.pick([true, false, null]);
    case 3:
      return {
        prefix: random.chance(0.7)
          ? random.pick(STRINGS)
          : { 'equals-ignore-case': random.pick(STRINGS) },
      };
    case 4:
      return {
        suffix: random.chance(0.7)
          ? random.pick(STRINGS)
          : { 'equals-ignore-case': random.pick(STRINGS) },
      };
    case 5:
      return { 'equals-ignore-case': random.pick(STRINGS) };
    case 6:
      return { wildcard: wildcard(random) };
    case 7:
      return { exists: random.chance(0.5) };
    case 8:
      return { cidr: cidr(random) };
    case 9: {
      const op = random.pick(['<', '<=', '=', '>', '>=']);
      const [low, high] = [comparable(random), comparable(random)].sort((x, y) => x - y) as [
        number,
        number,
      ];
      if (random.chance(0.5) || low === high) return { numeric: [op, low] };
      return { numeric: [random.pick(['>', '>=']), low, random.pick(['<', '<=']), high] };
    }
    default:
      return { 'anything-but': anythingBut(random) };
  }
}

function anythingBut(random: Random): unknown {
  const several = <T>(make: () => T) => Array.from({ length: random.int(1, 3) }, make);
  switch (random.int(0, 7)) {
    case 0:
      return random.pick(STRINGS);
    case 1:
      return comparable(random);
    case 2:
      return several(() => random.pick(STRINGS));
    case 3:
      return several(() => comparable(random));
    case 4:
      return { prefix: random.chance(0.5) ? nonEmpty(random) : several(() => nonEmpty(random)) };
    case 5:
      return { suffix: random.chance(0.5) ? nonEmpty(random) : several(() => nonEmpty(random)) };
    case 6:
      return {
        'equals-ignore-case': random.chance(0.5)
          ? random.pick(STRINGS)
          : several(() => random.pick(STRINGS)),
      };
    default:
      return { wildcard: random.chance(0.5) ? wildcard(random) : several(() => wildcard(random)) };
  }
}
