import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../../shared/errors.js';
import { MAX_BODY_DEPTH, parseStrictJson } from '../../../shared/http/strict-json.js';
import { numberRoundTrips, pathText, randomJson } from '../../support/random-json.js';
import { seededRandom } from '../../support/seeded-random.js';

// Property tests: JSON.parse is the oracle for what a document means, the generator's list of
// flaws for what must be refused. Seeds are fixed, so a failure reproduces.

type Outcome = { accepted: true; value: unknown } | { accepted: false; error: ValidationError };

/** Runs the parser; anything thrown but a 400 ValidationError fails the test. */
function outcome(text: string): Outcome {
  try {
    return { accepted: true, value: parseStrictJson(text) };
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    expect(error.status).toBe(400);
    return { accepted: false, error };
  }
}

describe('parseStrictJson on random documents', () => {
  it('accepts every clean document, with the value and serialization of JSON.parse', () => {
    const random = seededRandom(11);
    for (let n = 0; n < 400; n++) {
      const { text } = randomJson(random, { maxDepth: 5, flawed: false });
      const result = outcome(text);
      if (!result.accepted) throw new Error(`case ${n} refused: ${result.error.message}\n${text}`);
      const expected = JSON.parse(text);
      expect(result.value).toEqual(expected);
      expect(JSON.stringify(result.value)).toBe(JSON.stringify(expected));
    }
  });

  it('refuses exactly the flawed documents, naming only paths of their flaws', () => {
    const random = seededRandom(12);
    let refused = 0;
    const kinds = new Set<string>();
    for (let n = 0; n < 600; n++) {
      const { text, flaws } = randomJson(random, { maxDepth: 5, flawed: true });
      const result = outcome(text);
      const context = `case ${n}: ${text}\nflaws: ${JSON.stringify(flaws)}`;
      if (flaws.length === 0) {
        expect(result.accepted, context).toBe(true);
        if (result.accepted) expect(result.value).toEqual(JSON.parse(text));
        continue;
      }
      refused++;
      expect(result.accepted, context).toBe(false);
      if (result.accepted) continue;
      const fields = (result.error.details ?? []).map((d) => d.field);
      expect(fields.length, context).toBeGreaterThan(0);
      for (const { message } of result.error.details ?? [])
        kinds.add(/Unicode|__proto__|twice|number/.exec(message)?.[0] ?? message);
      for (const field of fields) {
        expect(flaws, context).toContain(field);
        expect(result.error.message).toContain(`${field}: `);
      }
    }
    // The generator must actually produce flaws, or this property says nothing.
    expect(refused).toBeGreaterThan(60);
    expect([...kinds].sort()).toEqual(['Unicode', '__proto__', 'number', 'twice']);
  });

  it('treats every number spelling as JSON.parse does, refusing only those a double cannot hold', () => {
    const random = seededRandom(13);
    const digits = (n: number) => Array.from({ length: n }, () => random.int(0, 9)).join('');
    for (let n = 0; n < 2000; n++) {
      const whole = random.chance(0.3) ? '0' : `${random.int(1, 9)}${digits(random.int(0, 22))}`;
      const fraction = random.chance(0.5) ? `.${digits(random.int(1, 22))}` : '';
      const exponent = random.chance(0.6)
        ? `${random.pick(['e', 'E'])}${random.pick(['', '+', '-'])}${random.int(0, 340)}`
        : '';
      const text = `${random.chance(0.4) ? '-' : ''}${whole}${fraction}${exponent}`;
      const result = outcome(`{"n":[${text}]}`);
      if (numberRoundTrips(text)) {
        expect(result.accepted, text).toBe(true);
        if (result.accepted) expect(result.value).toEqual({ n: [Number(text)] });
      } else {
        expect(result.accepted, text).toBe(false);
        if (!result.accepted) expect(result.error.details?.map((d) => d.field)).toEqual(['n[0]']);
      }
    }
  });
});

describe('parseStrictJson on hostile text', () => {
  const N = 100_000;
  it.each([
    ['100k open arrays', '['.repeat(N)],
    ['100k nested arrays', `${'['.repeat(N)}${']'.repeat(N)}`],
    ['100k nested objects', `${'{"a":'.repeat(N)}1${'}'.repeat(N)}`],
    ['100k nested mixed', `${'{"k":['.repeat(N / 2)}0${']}'.repeat(N / 2)}`],
    ['closing before opening', `${']'.repeat(N)}${'['.repeat(N)}`],
    ['an unterminated string', `["${'['.repeat(N)}`],
    ['backslashes before quotes', `["${'\\"'.repeat(N)}`],
    ['1M brackets side by side', '[]'.repeat(500_000)],
    ['a 1M-character key list', `{${'"a":1,'.repeat(N)}"a":1}`],
  ])('refuses %s with a 400 and a short answer', (_name, text) => {
    const result = outcome(text);
    expect(result.accepted).toBe(false);
    if (result.accepted) return;
    expect(result.error.message.length).toBeLessThan(2000);
    for (const detail of result.error.details ?? [])
      expect(detail.field.length).toBeLessThanOrEqual(200);
  });

  it('names the path of the first level too deep, for any mix of containers and keys', () => {
    const random = seededRandom(21);
    for (let n = 0; n < 200; n++) {
      const depth = random.int(MAX_BODY_DEPTH - 2, MAX_BODY_DEPTH + 3);
      const keys: (string | number)[] = [];
      let open = '';
      let close = '';
      for (let level = 0; level < depth; level++) {
        if (random.chance(0.5)) {
          const index = random.int(0, 2);
          open += `[${'0,'.repeat(index)}`;
          close = `]${close}`;
          keys.push(index);
        } else {
          const key = random.pick(['a', 'b.c', 'é', '😀', 'x y']);
          open += `{"z":1, ${JSON.stringify(key)}:`;
          close = `}${close}`;
          keys.push(key);
        }
      }
      const text = `${open}null${close}`;
      const result = outcome(text);
      if (depth <= MAX_BODY_DEPTH) {
        expect(result.accepted, text).toBe(true);
        continue;
      }
      expect(result.accepted, text).toBe(false);
      if (result.accepted) continue;
      // The object or array that opens at level MAX_BODY_DEPTH + 1 is reached by these keys.
      const field = pathText(keys.slice(0, MAX_BODY_DEPTH));
      expect(result.error.details).toEqual([
        {
          field: field.length > 200 ? `${field.slice(0, 199)}…` : field,
          message: expect.any(String),
        },
      ]);
    }
  });

  it('answers random garbage, truncations and one-character edits like JSON.parse, or with a 400', () => {
    const random = seededRandom(22);
    const tokens = [
      '[',
      ']',
      '{',
      '}',
      ',',
      ':',
      '"',
      '\\',
      '\\u',
      'd800',
      '0',
      '-',
      '1e400',
      'e',
      '.',
      'true',
      'nul',
      ' ',
      '"__proto__"',
      '\ud800',
      '😀',
      '\u0000',
    ];
    const cases: string[] = [];
    for (let n = 0; n < 300; n++) {
      const length = random.int(0, 60);
      cases.push(Array.from({ length }, () => random.pick(tokens)).join(''));
    }
    for (let n = 0; n < 300; n++) {
      const { text } = randomJson(random, { maxDepth: 4, flawed: random.chance(0.3) });
      const at = random.int(0, text.length);
      cases.push(text.slice(0, at));
      cases.push(`${text.slice(0, at)}${random.pick(tokens)}${text.slice(at + 1)}`);
    }
    for (let n = 0; n < 100; n++) {
      cases.push(
        String.fromCharCode(
          ...Array.from({ length: random.int(0, 40) }, () => random.int(0, 0xffff)),
        ),
      );
    }
    for (const text of cases) {
      const result = outcome(text);
      let parsed: { ok: true; value: unknown } | { ok: false };
      try {
        parsed = { ok: true, value: JSON.parse(text) };
      } catch {
        parsed = { ok: false };
      }
      if (result.accepted) {
        expect(parsed.ok, text).toBe(true);
        if (parsed.ok) expect(JSON.stringify(result.value)).toBe(JSON.stringify(parsed.value));
      } else if (!parsed.ok) {
        expect(['invalid_json', 'validation_error']).toContain(result.error.code);
      } else {
        // Valid JSON refused: it must say where.
        expect(result.error.details?.length ?? 0, text).toBeGreaterThan(0);
      }
    }
  });

  it('keeps deep nesting within MAX_BODY_DEPTH and names nothing deeper', () => {
    expect(outcome(`${'['.repeat(MAX_BODY_DEPTH)}${']'.repeat(MAX_BODY_DEPTH)}`).accepted).toBe(
      true,
    );
    expect(
      outcome(`${'['.repeat(MAX_BODY_DEPTH + 1)}${']'.repeat(MAX_BODY_DEPTH + 1)}`).accepted,
    ).toBe(false);
  });
});
