/**
 * Errors a client can act on carry an HTTP status and a stable machine-readable code; the
 * API answers them as `{ "error": { "code", "message", "details"? } }`. Anything else is an
 * internal error: logged with context, answered with a generic 500.
 */
export class ApiError extends Error {
  override readonly name: string = 'ApiError';

  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: readonly ErrorDetail[],
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/** One problem among several, e.g. one invalid event of a batch. */
export interface ErrorDetail {
  readonly field: string;
  readonly message: string;
}

export class ValidationError extends ApiError {
  override readonly name = 'ValidationError';
  constructor(message: string, details?: readonly ErrorDetail[], code = 'validation_error') {
    super(400, code, message, details);
  }
}

export class UnsupportedMediaTypeError extends ApiError {
  override readonly name = 'UnsupportedMediaTypeError';
  constructor(message: string) {
    super(415, 'unsupported_media_type', message);
  }
}

export class PayloadTooLargeError extends ApiError {
  override readonly name = 'PayloadTooLargeError';
  constructor(message: string, details?: readonly ErrorDetail[]) {
    super(413, 'payload_too_large', message, details);
  }
}

/** A credential that is no longer valid (a token past its expiry, seen through a cached authorization). */
export class UnauthorizedError extends ApiError {
  override readonly name = 'UnauthorizedError';
  constructor(code: string, message: string) {
    super(401, code, message);
  }
}

/** A caller whose credential does not allow the route (or the data) it asked for. */
export class ForbiddenError extends ApiError {
  override readonly name = 'ForbiddenError';
  constructor(message: string, details?: readonly ErrorDetail[], code = 'forbidden') {
    super(403, code, message, details);
  }
}

export class NotFoundError extends ApiError {
  override readonly name = 'NotFoundError';
  constructor(message: string) {
    super(404, 'not_found', message);
  }
}

export class ConflictError extends ApiError {
  override readonly name = 'ConflictError';
  constructor(code: string, message: string, options?: ErrorOptions) {
    super(409, code, message, undefined, options);
  }
}

export class UnprocessableError extends ApiError {
  override readonly name = 'UnprocessableError';
  constructor(code: string, message: string, options?: ErrorOptions) {
    super(422, code, message, undefined, options);
  }
}

export class ServiceUnavailableError extends ApiError {
  override readonly name = 'ServiceUnavailableError';
  constructor(code: string, message: string, options?: ErrorOptions) {
    super(503, code, message, undefined, options);
  }
}

/** Configuration that is missing or malformed; thrown at module load so INIT fails. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}
