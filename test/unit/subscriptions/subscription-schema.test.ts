import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../../shared/errors.js';
import {
  createSubscriptionSchema,
  deliveriesQuerySchema,
  listQuerySchema,
  parseBody,
  parseQuery,
  updateSubscriptionSchema,
} from '../../../shared/subscriptions/subscription-schema.js';

const base = { url: 'https://example.com/hook', eventTypes: ['order.created'] };

function refusal(fn: () => unknown): ValidationError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationError);
    return error as ValidationError;
  }
  throw new Error('expected a ValidationError');
}

const createWith = (headers: Record<string, string>) =>
  parseBody(createSubscriptionSchema, { ...base, headers });
const patchWith = (headers: Record<string, string>) =>
  parseBody(updateSubscriptionSchema, { headers });

describe('subscription headers', () => {
  it.each([
    ['a control character', 'a\u0001b'],
    ['a NUL', 'a\u0000b'],
    ['CR LF', 'a\r\nInjected: yes'],
    ['a lone LF', 'a\nb'],
    ['DEL', 'a\u007fb'],
    ['an escape', '\u001b[31m'],
    ['Latin-1 (obs-text)', 'café'],
    ['non-Latin text', '東京'],
    ['an emoji', 'ok 😀'],
    ['a leading space', ' token'],
    ['a trailing tab', 'token\t'],
    ['only a space', ' '],
    ['a vertical tab', 'a\u000bb'],
    ['a form feed', 'a\u000cb'],
    ['U+2028', 'a\u2028b'],
  ])('refuses a value with %s, at create and at PATCH', (_, value) => {
    for (const parse of [createWith, patchWith]) {
      const error = refusal(() => parse({ 'X-Custom': value }));
      expect(error.details).toEqual([
        { field: 'headers', message: expect.stringContaining('"X-Custom"') },
      ]);
    }
  });

  it.each([
    ['a token', 'abc123'],
    ['inner spaces and tabs', 'Bearer abc\tdef ghi'],
    ['every visible ASCII character', '!"#$%&\'()*+,-./09:;<=>?@AZ[\\]^_`az{|}~'],
    ['an empty value', ''],
  ])('accepts a value with %s', (_, value) => {
    expect(createWith({ 'X-Custom': value }).headers).toEqual({ 'X-Custom': value });
    expect(patchWith({ 'X-Custom': value }).headers).toEqual({ 'X-Custom': value });
  });

  it.each([
    'X Custom',
    'X-Custom:',
    'X-Ünicode',
    'X-(comment)',
    'X-"q"',
    'X/Slash',
    '',
    'X-Tab\t',
    ':authority',
  ])('refuses the name %j, which is not an RFC 9110 token', (name) => {
    const error = refusal(() => createWith({ [name]: 'v' }));
    expect(error.message).toMatch(/not a valid header name/);
  });

  it.each([
    'Webhook-Id',
    'webhook-timestamp',
    'WEBHOOK-SIGNATURE',
    'Content-Type',
    'content-length',
    'Host',
    'User-Agent',
    'Transfer-Encoding',
    'Connection',
    'TE',
    'Upgrade',
    'Webhook-Version',
    'webhook-signature-v2',
  ])('refuses %s, which Hookbridge or the HTTP client sets', (name) => {
    expect(refusal(() => patchWith({ [name]: 'x' })).message).toMatch(/reserved/);
  });

  it('accepts names that only resemble reserved ones', () => {
    const headers = { 'X-Webhook-Id': 'a', Webhook: 'b', 'Content-Typo': 'c', Hosts: 'd' };
    expect(createWith(headers).headers).toEqual(headers);
  });

  it('refuses a name given twice in different cases, which would be sent twice', () => {
    const error = refusal(() => createWith({ 'X-Team': 'a', 'x-team': 'b' }));
    expect(error.message).toMatch(/given twice/);
  });

  it('still caps the value at 1024 characters', () => {
    expect(createWith({ 'X-A': 'a'.repeat(1024) }).headers).toBeDefined();
    expect(refusal(() => createWith({ 'X-A': 'a'.repeat(1025) })).message).toMatch(/1024/);
  });
});

describe('subscription filter and metadata nesting', () => {
  function deepFilter(levels: number): Record<string, unknown> {
    let value: unknown = ['x'];
    for (let level = levels; level > 2; level--) value = { k: value };
    return { k: value };
  }

  it('refuses a filter nested 50,000 levels deep with a 400 naming filter, not a stack overflow', () => {
    const error = refusal(() =>
      parseBody(updateSubscriptionSchema, { filter: deepFilter(50_000) }),
    );
    expect(error.details?.map((d) => d.field)).toEqual(['filter']);
    expect(error.message).toMatch(/nests deeper/);
  });

  it('refuses nested metadata: values are strings', () => {
    const error = refusal(() =>
      parseBody(createSubscriptionSchema, { ...base, metadata: { a: { b: 'c' } } }),
    );
    expect(error.details?.[0]?.field).toBe('metadata.a');
  });
});

describe('empty names, which DynamoDB refuses at any depth of a map', () => {
  // DynamoDB answers "Empty attribute name" for a map key "" (on AWS the write failed: a
  // 500); moto stored the item garbled, and every later read of the table failed.
  it.each([
    ['a metadata key', { metadata: { '': 'v' } }, 'metadata'],
    ['a top-level filter field', { filter: { '': ['x'] } }, 'filter'],
    ['a nested filter field', { filter: { a: { '': ['x'] } } }, 'filter'],
    ['a filter field inside $or', { filter: { $or: [{ '': ['x'] }, { b: ['y'] }] } }, 'filter'],
  ])('refuses %s at create and at PATCH, naming the field', (_, body, field) => {
    for (const parse of [
      () => parseBody(createSubscriptionSchema, { ...base, ...body }),
      () => parseBody(updateSubscriptionSchema, body),
    ]) {
      const error = refusal(parse);
      // The path of an empty key ends in the dot before it: `metadata.`.
      expect(error.details?.map((d) => d.field.replace(/\.$/, ''))).toContain(field);
      expect(error.message).toMatch(/empty/);
    }
  });

  it('still accepts a one-space metadata key and filter field', () => {
    const parsed = parseBody(createSubscriptionSchema, {
      ...base,
      metadata: { ' ': 'v' },
      filter: { ' ': ['x'] },
    });
    expect(parsed.metadata).toEqual({ ' ': 'v' });
  });

  it('names an over-long metadata key as a key problem, not as a wrong type', () => {
    const error = refusal(() =>
      parseBody(createSubscriptionSchema, { ...base, metadata: { ['k'.repeat(65)]: 'v' } }),
    );
    expect(error.message).toMatch(/at most 64 characters/);
  });
});

describe('parseQuery', () => {
  it('names an unknown query parameter, not the body', () => {
    const error = refusal(() => parseQuery(listQuerySchema, { limit: '5', colour: 'red' }));
    expect(error.details).toEqual([{ field: 'colour', message: 'unknown query parameter' }]);
    expect(error.message).toBe('colour: unknown query parameter');
  });

  it('names each of several unknown parameters, and a bad known one', () => {
    const error = refusal(() =>
      parseQuery(deliveriesQuerySchema, { a: '1', b: '2', result: 'maybe' }),
    );
    expect(error.details?.map((d) => d.field).sort()).toEqual(['a', 'b', 'result']);
  });

  it('refuses a value or a name that is not well-formed Unicode, naming it', () => {
    expect(refusal(() => parseQuery(listQuerySchema, { cursor: 'x\ud800' })).details).toEqual([
      { field: 'cursor', message: 'is not well-formed Unicode' },
    ]);
    expect(refusal(() => parseQuery(listQuerySchema, { '\udc00': 'x' })).details).toEqual([
      { field: '\ufffd', message: 'is not well-formed Unicode' },
    ]);
  });

  it.each(['0x10', ' 5', '5 ', '1e1', '5.0', '+5', '-1', '', 'Infinity', '0', '101'])(
    'refuses the limit %j, reading only plain digits as a number',
    (limit) => {
      for (const schema of [listQuerySchema, deliveriesQuerySchema]) {
        expect(refusal(() => parseQuery(schema, { limit })).details).toEqual([
          { field: 'limit', message: 'must be an integer from 1 to 100' },
        ]);
      }
    },
  );

  it('parses a good query, and no query at all', () => {
    expect(parseQuery(deliveriesQuerySchema, { limit: '100' })).toMatchObject({ limit: 100 });
    expect(parseQuery(listQuerySchema, { limit: '5', cursor: 'abc' })).toEqual({
      limit: 5,
      cursor: 'abc',
    });
    expect(parseQuery(listQuerySchema, undefined)).toEqual({ limit: 50 });
  });
});
