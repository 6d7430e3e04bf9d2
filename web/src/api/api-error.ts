import type { FieldProblem } from './types.js';

/**
 * A refusal or failure of the API. `gateway` marks API Gateway's own answers (`{message}`, from
 * the authorizer): a portal session that gets a 401/403 of that kind has ended.
 */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: readonly FieldProblem[] = [],
    readonly gateway = false,
  ) {
    super(message);
  }

  /**
   * The credential was refused (revoked, expired, or not for this route): by the gateway, or
   * by the API itself for a token or console session past its expiry (an authorization the
   * gateway may still have cached).
   */
  get sessionEnded(): boolean {
    if (this.status === 401 && (this.code === 'token_expired' || this.code === 'session_expired'))
      return true;
    return this.gateway && (this.status === 401 || this.status === 403);
  }

  /**
   * What the API said about one field of the request body: its `details` naming the field or a
   * path inside it (`eventTypes[0]`, `filter.k`), or a message that starts with the field's name
   * (`url: …`, as the address check answers). With `paths`, a problem inside the field is
   * prefixed by its path (`schema.properties.n.typ: …`): for fields holding documents.
   */
  forField(field: string, options: { paths?: boolean } = {}): string | undefined {
    const found = this.details.filter((problem) => fieldOf(problem.field) === field);
    if (found.length > 0)
      return found
        .map((problem) =>
          options.paths && problem.field !== field
            ? `${problem.field}: ${problem.message}`
            : problem.message,
        )
        .join('; ');
    if (this.details.length === 0 && this.message.startsWith(`${field}: `)) return this.message;
    return undefined;
  }
}

/** The top-level field of a path: `eventTypes[0]` and `filter.k` → `eventTypes`, `filter`. */
export function fieldOf(path: string): string {
  return path.split(/[.[]/, 1)[0] ?? path;
}

/** Turns a non-2xx answer into an ApiError, whatever shape its body has. */
export function toApiError(status: number, body: unknown): ApiError {
  const envelope = body as { error?: unknown; message?: unknown } | undefined;
  const error = envelope?.error as
    | { code?: unknown; message?: unknown; details?: unknown }
    | undefined;
  if (error && typeof error === 'object') {
    const details = Array.isArray(error.details)
      ? error.details.filter(
          (d): d is FieldProblem => typeof d?.field === 'string' && typeof d?.message === 'string',
        )
      : [];
    return new ApiError(
      status,
      typeof error.code === 'string' ? error.code : 'error',
      typeof error.message === 'string' ? error.message : `HTTP ${status}`,
      details,
    );
  }
  if (typeof envelope?.message === 'string') {
    return new ApiError(status, 'gateway', envelope.message, [], true);
  }
  return new ApiError(status, 'http_error', `The API answered HTTP ${status}`);
}
