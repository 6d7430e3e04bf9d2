import { describe, expect, it } from 'vitest';
import {
  ApiError,
  PayloadTooLargeError,
  UnsupportedMediaTypeError,
  ValidationError,
} from '../../../shared/errors.js';
import {
  assertWellFormed,
  errorResponse,
  header,
  jsonResponse,
  readJsonBody,
} from '../../../shared/http/api-gateway.js';
import { apiGatewayEvent, type RequestOptions } from '../../support/api-gateway-event.js';

const post = (options: RequestOptions) => apiGatewayEvent('POST /v1/events', options);

function thrown(fn: () => unknown): ApiError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(ApiError);
    return error as ApiError;
  }
  throw new Error('expected the call to throw');
}

describe('readJsonBody', () => {
  const body = { type: 'order.created', data: { id: 1 } };

  it.each([
    'application/json',
    'application/json; charset=utf-8',
    'Application/JSON',
    'application/cloudevents+json',
    'application/vnd.api+json; charset=UTF-8',
    'application/json; charset="utf-8"',
    'application/json;charset=utf8',
    'application/json; foo=bar',
    'application/json; charset=US-ASCII',
  ])('parses a body sent as %s', (contentType) => {
    expect(readJsonBody(post({ contentType, body }))).toEqual(body);
  });

  it('answers 415 when there is no content type, saying what is expected', () => {
    const error = thrown(() => readJsonBody(post({ contentType: null, body })));
    expect(error).toBeInstanceOf(UnsupportedMediaTypeError);
    expect(error.status).toBe(415);
    expect(error.code).toBe('unsupported_media_type');
    expect(error.message).toContain('application/json');
  });

  it.each([
    'text/plain',
    'application/x-www-form-urlencoded',
    'text/json',
    'application/jsonp',
    'application/json-patch',
    'multipart/form-data; boundary=x',
    '',
  ])('answers 415 for the content type %j', (contentType) => {
    const error = thrown(() => readJsonBody(post({ contentType, body: JSON.stringify(body) })));
    expect(error.status).toBe(415);
    expect(error.code).toBe('unsupported_media_type');
  });

  it.each([
    'application/json; charset=iso-8859-1',
    'application/json; charset=latin1',
    'application/json; charset="utf-16"',
    'application/json; CHARSET=windows-1252',
    'application/json; charset=',
  ])('answers 415 for a charset other than UTF-8: %s', (contentType) => {
    // The body is read as UTF-8 whatever the charset says: Latin-1 "Ã©" (C3 A9) would be
    // stored as "é", changed without a word.
    const error = thrown(() => readJsonBody(post({ contentType, body })));
    expect(error.status).toBe(415);
    expect(error.message).toMatch(/UTF-8/);
  });

  it('quotes the content type it refused', () => {
    const error = thrown(() => readJsonBody(post({ contentType: 'text/plain', body: '{}' })));
    expect(error.message).toContain('"text/plain"');
  });

  it('decodes a base64-encoded body, non-ASCII text included', () => {
    const data = { type: 'greeting.sent', data: { text: 'Grüße, 東京 😀' } };
    const request = post({ body: data, base64: true });
    expect(request.body).not.toContain('{');
    expect(readJsonBody(request)).toEqual(data);
  });

  it.each([
    ['truncated JSON', '{"type": "a"'],
    ['a trailing comma', '{"type": "a",}'],
    ['single quotes', "{'type': 'a'}"],
    ['plain text', 'hello'],
  ])('answers 400 invalid_json for %s', (_, text) => {
    const error = thrown(() => readJsonBody(post({ body: text })));
    expect(error).toBeInstanceOf(ValidationError);
    expect(error.status).toBe(400);
    expect(error.code).toBe('invalid_json');
    expect(error.message).toMatch(/not valid JSON/);
  });

  it('answers 400 invalid_json for invalid JSON that was base64-encoded', () => {
    const error = thrown(() => readJsonBody(post({ body: '{nope', base64: true })));
    expect(error.status).toBe(400);
    expect(error.code).toBe('invalid_json');
  });

  it.each([
    ['missing', undefined],
    ['empty', ''],
    ['only whitespace', ' \n\t '],
  ])('answers 400 invalid_json when the body is %s', (_, text) => {
    const error = thrown(() => readJsonBody(post({ body: text })));
    expect(error.status).toBe(400);
    expect(error.code).toBe('invalid_json');
    expect(error.message).toContain('required');
  });

  it('answers 400 for an empty base64 body', () => {
    const error = thrown(() => readJsonBody(post({ body: '', base64: true })));
    expect(error.code).toBe('invalid_json');
  });

  it('checks the content type before the body', () => {
    const error = thrown(() => readJsonBody(post({ contentType: 'text/plain', body: '{nope' })));
    expect(error.status).toBe(415);
  });

  it.each([
    ['a lone continuation byte', [0x80]],
    ['a truncated 2-byte sequence', [0xc3]],
    ['an overlong encoding of "/"', [0xc0, 0xaf]],
    ['an encoded surrogate (CESU-8)', [0xed, 0xa0, 0x80]],
    ['a code point past U+10FFFF', [0xf4, 0x90, 0x80, 0x80]],
    ['a Latin-1 é', [0xe9]],
  ])('answers 400 invalid_json for a base64 body holding %s, not U+FFFD', (_, bytes) => {
    const text = Buffer.concat([
      Buffer.from('{"type":"a","data":{"s":"x'),
      Buffer.from(bytes),
      Buffer.from('"}}'),
    ]);
    const request = { ...post({}), body: text.toString('base64'), isBase64Encoded: true };
    const error = thrown(() => readJsonBody(request));
    expect(error.status).toBe(400);
    expect(error.code).toBe('invalid_json');
    expect(error.message).toMatch(/UTF-8/);
  });

  it('refuses what parseStrictJson refuses, naming the path', () => {
    const error = thrown(() => readJsonBody(post({ body: '{"type":"a","data":{"n":1e400}}' })));
    expect(error.status).toBe(400);
    expect(error.details).toEqual([{ field: 'data.n', message: expect.any(String) }]);
  });

  it('returns JSON values that are not objects as they are, for the schema to judge', () => {
    expect(readJsonBody(post({ body: '[1,2]' }))).toEqual([1, 2]);
    expect(readJsonBody(post({ body: 'null' }))).toBeNull();
  });
});

describe('assertWellFormed', () => {
  it('passes well-formed text and refuses a lone surrogate, naming the field', () => {
    expect(() => assertWellFormed('Idempotency-Key', 'k-😀')).not.toThrow();
    const error = thrown(() => assertWellFormed('Idempotency-Key', 'k-\ud83d'));
    expect(error.status).toBe(400);
    expect(error.details).toEqual([{ field: 'Idempotency-Key', message: expect.any(String) }]);
  });
});

describe('header', () => {
  it('finds a header whatever the case of the name asked for', () => {
    const request = post({ headers: { 'Idempotency-Key': 'k-1' } });
    expect(header(request, 'Idempotency-Key')).toBe('k-1');
    expect(header(request, 'idempotency-key')).toBe('k-1');
  });

  it('is undefined for an absent header or a request without headers', () => {
    const request = post({});
    expect(header(request, 'idempotency-key')).toBeUndefined();
    expect(header({ ...request, headers: undefined } as never, 'content-type')).toBeUndefined();
  });
});

describe('jsonResponse', () => {
  it('serializes the body with a JSON content type and the given status', () => {
    const response = jsonResponse(202, { id: 'evt_1' });
    expect(response.statusCode).toBe(202);
    expect(response.headers).toEqual({ 'content-type': 'application/json' });
    expect(JSON.parse(response.body ?? '')).toEqual({ id: 'evt_1' });
  });
});

describe('errorResponse', () => {
  it('answers { error: { code, message } } with the error status and no details key', () => {
    const response = errorResponse(new ValidationError('type: must not be empty'));
    expect(response.statusCode).toBe(400);
    expect(response.headers).toEqual({ 'content-type': 'application/json' });
    expect(JSON.parse(response.body ?? '')).toEqual({
      error: { code: 'validation_error', message: 'type: must not be empty' },
    });
  });

  it('includes details when the error has some', () => {
    const details = [
      { field: 'events[0].type', message: 'must not be empty' },
      { field: 'events[2].data', message: 'must be a JSON object' },
    ];
    const response = errorResponse(new ValidationError('two problems', details));
    expect(JSON.parse(response.body ?? '')).toEqual({
      error: { code: 'validation_error', message: 'two problems', details },
    });
  });

  it('leaves out an empty details list', () => {
    const response = errorResponse(new PayloadTooLargeError('too big', []));
    expect(response.statusCode).toBe(413);
    expect(JSON.parse(response.body ?? '')).toEqual({
      error: { code: 'payload_too_large', message: 'too big' },
    });
  });

  it('does not leak the stack or the cause', () => {
    const error = new ApiError(409, 'conflict', 'key reused', undefined, {
      cause: new Error('secret internals'),
    });
    const body = errorResponse(error).body ?? '';
    expect(body).not.toContain('secret internals');
    expect(Object.keys(JSON.parse(body).error)).toEqual(['code', 'message']);
  });
});
