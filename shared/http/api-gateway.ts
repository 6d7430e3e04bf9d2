import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { type ApiError, UnsupportedMediaTypeError, ValidationError } from '../errors.js';

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

/**
 * The request body parsed as JSON. Answers 415 unless the content type is JSON
 * (`application/json` or `application/…+json`), and 400 for a missing or malformed body.
 */
export function readJsonBody(request: HttpRequest): unknown {
  const contentType = header(request, 'content-type');
  const mediaType = contentType?.split(';')[0]?.trim() ?? '';
  if (!JSON_MEDIA_TYPE.test(mediaType)) {
    throw new UnsupportedMediaTypeError(
      `Content-Type must be application/json${contentType ? ` (got "${contentType}")` : ''}`,
    );
  }
  const raw = request.isBase64Encoded
    ? Buffer.from(request.body ?? '', 'base64').toString('utf8')
    : (request.body ?? '');
  if (raw.trim() === '')
    throw new ValidationError('the request body is required', undefined, 'invalid_json');
  try {
    return JSON.parse(raw);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new ValidationError(
      `the request body is not valid JSON: ${reason}`,
      undefined,
      'invalid_json',
    );
  }
}
