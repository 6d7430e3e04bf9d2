import type { Random } from './seeded-random.js';

/**
 * Random JSON text for property tests of the strict body parser, written the many ways JSON
 * allows (whitespace, escapes, number spellings), with the paths of everything the parser
 * must refuse (lone surrogates, `__proto__` keys, repeated keys, numbers a double cannot
 * hold) listed beside it, so a test can check the parser against what was meant.
 */
export interface RandomDocument {
  readonly text: string;
  /** The paths (as the parser names them) of the parts the parser must refuse. */
  readonly flaws: readonly string[];
}

export interface RandomJsonOptions {
  /** How deep objects and arrays may nest. */
  readonly maxDepth: number;
  /** Whether to put in things the parser must refuse. */
  readonly flawed: boolean;
}

const WHITESPACE = ['', '', '', ' ', '\t', '\n', '\r\n', '  '];
const SHORT_ESCAPES: Record<string, string> = {
  '"': '\\"',
  '\\': '\\\\',
  '/': '\\/',
  '\b': '\\b',
  '\f': '\\f',
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
};
const CHARACTERS = [
  'a',
  'Z',
  '0',
  ' ',
  '.',
  '[',
  ']',
  '{',
  '}',
  ':',
  ',',
  '"',
  '\\',
  '/',
  '\n',
  '\t',
  '\u0000',
  '\u001f',
  '\u007f',
  'é',
  '中',
  '\u2028',
  '\ufeff',
  '\uffff',
  '😀',
  '𝄞',
  '\u{10ffff}',
  '_',
  'proto',
  '__proto__',
];
const LONE_SURROGATES = ['\ud800', '\udbff', '\udc00', '\udfff'];

/** The path the parser reports: `a.b[2].c`, `body` for the root. */
export function pathText(keys: readonly (string | number)[]): string {
  let path = '';
  for (const key of keys) {
    if (typeof key === 'number') path += `[${key}]`;
    else path += path ? `.${key.toWellFormed()}` : key.toWellFormed();
  }
  return path || 'body';
}

/**
 * Whether the decimal a JSON number text denotes is the one its double prints as, computed
 * with BigInt arithmetic (the exact value, not a double's).
 */
export function numberRoundTrips(text: string): boolean {
  const value = Number(text);
  if (!Number.isFinite(value)) return false;
  return exactDecimal(text) === exactDecimal(String(value));
}

function exactDecimal(text: string): string {
  const match = /^-?(\d+)(?:\.(\d+))?(?:[eE]([+-]?\d+))?$/.exec(text);
  if (!match) throw new Error(`not a number: ${text}`);
  const [, whole = '', fraction = '', exponent = '0'] = match;
  let significand = BigInt(`${whole}${fraction}`);
  if (significand === 0n) return '0';
  let power = BigInt(exponent) - BigInt(fraction.length);
  while (significand % 10n === 0n) {
    significand /= 10n;
    power += 1n;
  }
  return `${text.startsWith('-') ? '-' : ''}${significand}e${power}`;
}

/** A random document per the options. */
export function randomJson(random: Random, options: RandomJsonOptions): RandomDocument {
  const flaws: string[] = [];
  const space = () => random.pick(WHITESPACE);

  const stringText = (): { text: string; value: string; lone: boolean } => {
    let value = '';
    let text = '"';
    const length = random.chance(0.1) ? 0 : random.int(1, 12);
    for (let n = 0; n < length; n++) {
      const char =
        options.flawed && random.chance(0.02)
          ? random.pick(LONE_SURROGATES)
          : random.pick(CHARACTERS);
      value += char;
      text += writeUnit(char);
    }
    // Two lone halves side by side make a pair, so the whole string is what counts.
    return { text: `${text}"`, value, lone: !value.isWellFormed() };
  };

  // Characters that must be escaped are; the others are written raw or as \u escapes.
  const writeUnit = (unit: string): string => {
    const code = unit.charCodeAt(0);
    const unicodeEscape = () => {
      const hex = code.toString(16).padStart(4, '0');
      return `\\u${random.chance(0.5) ? hex : hex.toUpperCase()}`;
    };
    // An astral character is two code units: written raw, or as two \u escapes.
    if (unit.length > 1) return random.chance(0.3) ? unit.split('').map(writeUnit).join('') : unit;
    const short = SHORT_ESCAPES[unit];
    if (code < 0x20 || unit === '"' || unit === '\\') {
      return short && random.chance(0.6) ? short : unicodeEscape();
    }
    if (short && random.chance(0.5)) return short;
    return random.chance(0.2) ? unicodeEscape() : unit;
  };

  const numberText = (): string => {
    const digits = (n: number) => Array.from({ length: n }, () => random.int(0, 9)).join('');
    const sign = random.chance(0.3) ? '-' : '';
    const whole = random.chance(0.3)
      ? '0'
      : `${random.int(1, 9)}${digits(random.int(0, random.chance(0.2) ? 24 : 8))}`;
    const fraction = random.chance(0.4)
      ? `.${digits(random.int(1, random.chance(0.2) ? 24 : 6))}`
      : '';
    const exponentDigits = random.chance(0.1)
      ? String(random.int(280, 420))
      : String(random.int(0, random.chance(0.5) ? 9 : 330)).padStart(random.int(1, 3), '0');
    const exponent = random.chance(0.3)
      ? `${random.pick(['e', 'E'])}${random.pick(['', '+', '-'])}${exponentDigits}`
      : '';
    return `${sign}${whole}${fraction}${exponent}`;
  };

  const value = (keys: (string | number)[], depth: number): string => {
    const kind = depth >= options.maxDepth ? random.int(0, 5) : random.int(0, 7);
    switch (kind) {
      case 0:
        return random.pick(['true', 'false', 'null']);
      case 1:
      case 2: {
        const text = numberText();
        if (!numberRoundTrips(text)) {
          if (!options.flawed) return String(random.int(-1000, 1000));
          flaws.push(pathText(keys));
        }
        return text;
      }
      case 3:
      case 4:
      case 5: {
        const string = stringText();
        if (string.lone) flaws.push(pathText(keys));
        return string.text;
      }
      case 6: {
        const items: string[] = [];
        const count = random.int(0, 5);
        for (let i = 0; i < count; i++)
          items.push(`${space()}${value([...keys, i], depth + 1)}${space()}`);
        return `[${items.join(',') || space()}]`;
      }
      default: {
        const members: string[] = [];
        const seen = new Set<string>();
        const count = random.int(0, 5);
        for (let i = 0; i < count; i++) {
          let key = stringText();
          const roll = options.flawed ? random.next() : 1;
          if (roll < 0.05) {
            key = {
              text: random.pick(['"__proto__"', '"\\u005f_proto__"', '"__pr\\u006fto__"']),
              value: '__proto__',
              lone: false,
            };
          } else if (seen.size > 0 && roll < 0.1) {
            const again = random.pick([...seen]);
            key = { text: JSON.stringify(again), value: again, lone: false };
          }
          if (!options.flawed && (seen.has(key.value) || key.value === '__proto__')) continue;
          const path = [...keys, key.value];
          if (key.lone || key.value === '__proto__' || seen.has(key.value))
            flaws.push(pathText(path));
          seen.add(key.value);
          members.push(
            `${space()}${key.text}${space()}:${space()}${value(path, depth + 1)}${space()}`,
          );
        }
        return `{${members.join(',') || space()}}`;
      }
    }
  };

  const text = `${space()}${value([], 0)}${space()}`;
  return { text, flaws };
}
