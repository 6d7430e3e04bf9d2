import { describe, expect, it } from 'vitest';
import { type ErrorDetail, ValidationError } from '../../../shared/errors.js';
import { MAX_BODY_DEPTH, parseStrictJson } from '../../../shared/http/strict-json.js';

function refusal(text: string): ValidationError {
  try {
    parseStrictJson(text);
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationError);
    return error as ValidationError;
  }
  throw new Error(`expected ${text.slice(0, 60)} to be refused`);
}

const fields = (text: string) => (refusal(text).details ?? []).map((d: ErrorDetail) => d.field);
const nested = (depth: number, open = '[', close = ']') =>
  `${open.repeat(depth)}${close.repeat(depth)}`;

describe('parseStrictJson: numbers', () => {
  it.each([
    ['1e400', 'overflows to Infinity (delivered as null)'],
    ['-1e400', 'overflows to -Infinity'],
    ['9007199254740993', 'is 2^53 + 1 (loses its last digit)'],
    ['18446744073709551615', 'is a uint64 id'],
    ['123456789012345678901234567890', 'has 30 digits'],
    ['1e-400', 'underflows to 0'],
    ['0.1000000000000000000001', 'has more decimals than a double holds'],
    ['2.0000000000000001', 'rounds to 2'],
  ])('refuses %s, which %s, naming its path', (number) => {
    const error = refusal(`{"data":{"list":[1,{"n":${number}}]}}`);
    expect(error.status).toBe(400);
    expect(error.details).toEqual([{ field: 'data.list[1].n', message: expect.any(String) }]);
    expect(error.message).toContain(number);
  });

  it.each([
    ['9007199254740992', 9007199254740992],
    ['-9007199254740991', -9007199254740991],
    ['0.1', 0.1],
    ['0.30000000000000004', 0.30000000000000004],
    ['1.7976931348623157e308', Number.MAX_VALUE],
    ['5e-324', Number.MIN_VALUE],
    ['1e21', 1e21],
    ['100000000000000000000000', 1e23],
    ['1.0', 1],
    ['1E2', 100],
    ['0.000', 0],
    ['-0', -0],
    ['00.5e1', undefined],
  ])('accepts %s, which a double holds exactly', (text, value) => {
    if (value === undefined) {
      // Not JSON at all: the parser's own error, still a 400.
      expect(refusal(`[${text}]`).code).toBe('invalid_json');
      return;
    }
    expect(parseStrictJson(`[${text}]`)).toEqual([value]);
  });

  it('refuses a lossy number at the root, naming the body', () => {
    expect(fields('1e999')).toEqual(['body']);
  });

  it('checks every number however it is spelled: signs, exponents, leading zeros', () => {
    expect(
      fields('[1E+400, -1e+309, 0.00000000000000000000001e-400, 1e290, -12345678901234567]'),
    ).toEqual(['[0]', '[1]', '[2]', '[4]']);
    expect(
      parseStrictJson('[123456789012345, 0.000000000000001, 999999999999999e290, 1e-290]'),
    ).toEqual([123456789012345, 1e-15, 999999999999999e290, 1e-290]);
  });
});

describe('parseStrictJson: Unicode', () => {
  it.each([
    ['a lone high surrogate', '"\\ud800"'],
    ['a lone low surrogate', '"\\udc00"'],
    ['a reversed pair', '"\\ude00\\ud83d"'],
    ['a high surrogate at the end', '"abc\\udbff"'],
  ])('refuses %s in a value, naming the path', (_, string) => {
    expect(fields(`{"events":[{"type":"a","data":{}},{"type":${string},"data":{}}]}`)).toEqual([
      'events[1].type',
    ]);
  });

  it('refuses a lone surrogate in a key, and one sent raw rather than escaped', () => {
    expect(fields('{"data":{"\\ud800x":1}}')).toEqual(['data.\ufffdx']);
    expect(fields(`{"url":"https://x/${'\ud800'}"}`)).toEqual(['url']);
  });

  it('accepts surrogate pairs and non-ASCII text, escaped or raw', () => {
    expect(parseStrictJson('{"e":"\\ud83d\\ude00","f":"😀 Grüße 東京"}')).toEqual({
      e: '😀',
      f: '😀 Grüße 東京',
    });
  });
});

describe('parseStrictJson: keys', () => {
  it('refuses __proto__ at any depth, naming the path, rather than dropping it', () => {
    expect(fields('{"data":{"__proto__":{"admin":true},"k":1}}')).toEqual(['data.__proto__']);
    expect(fields('{"a":[{"b":{"__proto__":1}}]}')).toEqual(['a[0].b.__proto__']);
    expect(fields('{"__proto__":null}')).toEqual(['__proto__']);
  });

  it('refuses __proto__ spelled with escapes, and lists bad keys in the order of the text', () => {
    expect(fields('{"data":{"\\u005f_proto__":1}}')).toEqual(['data.__proto__']);
    expect(fields('{"\\u005F\\u005Fproto\\u005F\\u005F":1}')).toEqual(['__proto__']);
    expect(fields('{"a":{"__proto__":1,"\\ud800":2,"b":"\\udfff"}}')).toEqual([
      'a.__proto__',
      'a.\ufffd',
      'a.b',
    ]);
  });

  it('does not take digits, brackets or "__proto__" inside strings for what they spell', () => {
    const text = '{"a":"9007199254740993","b":"1e400","c":"__proto__","d":"[[[["}';
    expect(parseStrictJson(text)).toEqual(JSON.parse(text));
  });

  it('keeps other keys that name Object.prototype members as plain data', () => {
    const value = parseStrictJson(
      '{"constructor":1,"toString":"x","prototype":{"hasOwnProperty":2}}',
    );
    expect(value).toEqual({ constructor: 1, toString: 'x', prototype: { hasOwnProperty: 2 } });
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
  });

  it('lists at most 10 problems however many there are', () => {
    const many = JSON.stringify(Array.from({ length: 500 }, () => '\ud800'));
    const error = refusal(many);
    expect(error.details).toHaveLength(10);
    expect(error.details?.[0]?.field).toBe('[0]');
    expect(error.message).toContain('and more');
  });
});

describe('parseStrictJson: duplicate keys', () => {
  it('refuses a key written twice in one object, naming it, rather than keeping the last', () => {
    expect(fields('{"a":1,"a":2}')).toEqual(['a']);
    expect(fields('{"data":{"list":[{},{"k":1,"j":2,"k":3}]}}')).toEqual(['data.list[1].k']);
    expect(fields('{"x":{"a":1},"x":{"a":1}}')).toEqual(['x']);
  });

  it('sees keys that are equal once unescaped', () => {
    expect(fields('{"data":{"a":1,"\\u0061":2}}')).toEqual(['data.a']);
    expect(fields('{"é":1,"\\u00e9":2}')).toEqual(['é']);
  });

  it('lists each duplicate, in the order of the text', () => {
    expect(fields('{"a":1,"b":{"c":1,"c":2},"a":3}')).toEqual(['b.c', 'a']);
  });

  it('accepts the same key in different objects, and colons inside strings', () => {
    const text = '{"a":{"k":1},"b":{"k":1},"c":[{"k":":"},{"k":"a:b"}],"d":"x:y:z"}';
    expect(parseStrictJson(text)).toEqual(JSON.parse(text));
  });
});

describe('parseStrictJson: depth', () => {
  it(`accepts ${MAX_BODY_DEPTH} levels and refuses one more, naming where it goes too deep`, () => {
    expect(() => parseStrictJson(nested(MAX_BODY_DEPTH))).not.toThrow();
    expect(fields(nested(MAX_BODY_DEPTH + 1))).toEqual(['[0]'.repeat(MAX_BODY_DEPTH)]);
    const objects = `{"a":${nested(MAX_BODY_DEPTH, '{"b":', '}').replace(/:\}/, ':1}')}}`;
    expect(fields(objects)).toEqual([`a${'.b'.repeat(MAX_BODY_DEPTH - 1)}`]);
  });

  it('names the path through keys, indices and escaped keys that come before the deep part', () => {
    const deep = nested(MAX_BODY_DEPTH);
    const text = `{"events":[{"type":"a","data":{}},{"type":"x,[{","data":{"l":[1,"]",{"k\\"\\u00e9":${deep}}]}}]}`;
    expect(fields(text)).toEqual([`events[1].data.l[2].k"é${'[0]'.repeat(MAX_BODY_DEPTH - 6)}`]);
  });

  it('refuses 10,000 and 1,000,000 levels with a 400, not a stack overflow', () => {
    for (const depth of [10_000, 1_000_000]) {
      const error = refusal(`{"type":"a","data":{"x":${nested(depth)}}}`);
      expect(error.status).toBe(400);
      expect(error.message).toContain(`${MAX_BODY_DEPTH} levels`);
      const field = error.details?.[0]?.field ?? '';
      expect(field.startsWith('data.x[0][0]')).toBe(true);
      expect(field.length).toBeLessThanOrEqual(200);
    }
  });

  it('counts brackets inside strings, escaped quotes included, as text', () => {
    const text = JSON.stringify({ s: `\\"${'['.repeat(1000)}`, t: '{{{{' });
    expect(parseStrictJson(text)).toEqual(JSON.parse(text));
  });

  it('refuses deep but unbalanced text too (it is not JSON anyway)', () => {
    expect(refusal('['.repeat(100)).status).toBe(400);
    expect(refusal(`${'['.repeat(10)}`).code).toBe('invalid_json');
  });
});
