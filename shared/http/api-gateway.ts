import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { type ApiError, UnsupportedMediaTypeError, ValidationError } from '../errors.js';
import { parseStrictJson } from './strict-json.js';

export type HttpRequest = APIGatewayProxyEventV2;
export type HttpResponse = APIGatewayProxyStructuredResultV2;

const JSON_MEDIA_TYPE = /^application\/(?:[\w.+-]+\+)?json$/i;

/** A JSON response with the given status. */
export function jsonResponse(statusCode: number, body: unknown): HttpResponse {
  return {
    statusCode,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  };
}

/** The `{ "error": { code, message, details? } }` answer for an ApiError. */
export function errorResponse(error: ApiError): HttpResponse {
  const details = error.details?.length ? { details: error.details } : {};
  return jsonResponse(error.status, {
    error: { code: error.code, message: error.message, ...details },
  });
}

/** A header's value; API Gateway (payload v2) lower-cases header names, the local gateway too. */
export function header(request: HttpRequest, name: string): string | undefined {
  return request.headers?.[name.toLowerCase()];
}

/** Refuses bytes that are not UTF-8 rather than replacing them with U+FFFD. */
const UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * The request body parsed as JSON. Answers 415 unless the content type is JSON
 * (`application/json` or `application/…+json`), and 400 for a missing or malformed body,
 * one that is not UTF-8, or one `parseStrictJson` refuses (too deep, lone surrogates,
 * `__proto__` keys, numbers a double cannot hold), naming the path.
 */
export function readJsonBody(request: HttpRequest): unknown {
  const contentType = header(request, 'content-type');
  const mediaType = contentType?.split(';')[0]?.trim() ?? '';
  if (!JSON_MEDIA_TYPE.test(mediaType)) {
    throw new UnsupportedMediaTypeError(
      `Content-Type must be application/json${contentType ? ` (got "${contentType}")` : ''}`,
    );
  }
  const charset = charsetOf(contentType ?? '');
  if (charset !== undefined && !/^(?:utf-?8|us-ascii)$/i.test(charset)) {
    // The body is read as UTF-8 whatever the label says (RFC 8259 §8.1): another charset's
    // bytes would be read as other characters, or refused as not UTF-8. ASCII is UTF-8.
    throw new UnsupportedMediaTypeError(
      `Content-Type: the charset must be UTF-8 (got "${charset}"); JSON is sent as UTF-8`,
    );
  }
  const raw = request.isBase64Encoded ? decodeUtf8(request.body ?? '') : (request.body ?? '');
  if (raw.trim() === '')
    throw new ValidationError('the request body is required', undefined, 'invalid_json');
  return parseStrictJson(raw);
}

/** The `charset` parameter of a Content-Type, unquoted; undefined when there is none. */
function charsetOf(contentType: string): string | undefined {
  for (const parameter of contentType.split(';').slice(1)) {
    const [name = '', ...value] = parameter.split('=');
    if (name.trim().toLowerCase() === 'charset')
      return value
        .join('=')
        .trim()
        .replace(/^"(.*)"$/, '$1');
  }
  return undefined;
}

function decodeUtf8(base64: string): string {
  try {
    return UTF8.decode(Buffer.from(base64, 'base64'));
  } catch {
    throw new ValidationError('the request body is not valid UTF-8', undefined, 'invalid_json');
  }
}

/**
 * Throws a 400 naming `field` when a value taken from the request line or headers (a query
 * parameter, the Idempotency-Key) is not well-formed Unicode: DynamoDB would refuse it.
 */
export function assertWellFormed(field: string, value: string): void {
  if (!value.isWellFormed()) {
    throw new ValidationError(`${field}: is not well-formed Unicode`, [
      { field, message: 'is not well-formed Unicode' },
    ]);
  }
}
