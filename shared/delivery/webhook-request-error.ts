/** What went wrong with an attempt that got no HTTP response. */
export type RequestFailureKind = 'timeout' | 'dns' | 'connection' | 'tls' | 'other';

/** An attempt that got no HTTP response; `kind` says why, `cause` holds the low-level error. */
export class WebhookRequestError extends Error {
  override readonly name = 'WebhookRequestError';

  constructor(
    readonly kind: RequestFailureKind,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

const TIMEOUT_CODES = new Set([
  'ETIMEDOUT',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
]);
const DNS_CODES = new Set(['ENOTFOUND', 'EAI_AGAIN', 'EAI_FAIL', 'EAI_NODATA', 'ENODATA']);
const CONNECTION_PHRASES: Readonly<Record<string, string>> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset by the receiver',
  ECONNABORTED: 'connection aborted',
  EPIPE: 'connection closed by the receiver while sending',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  UND_ERR_SOCKET: 'connection closed by the receiver',
  UND_ERR_CLOSED: 'connection closed',
};
const TLS_CODE = /^(ERR_TLS_|ERR_SSL_|ERR_OSSL_|CERT_|UNABLE_TO_|DEPTH_ZERO_|SELF_SIGNED_)/;

/**
 * Names the failure of an attempt that got no response, from the error codes node and undici
 * use (looking through `cause` and AggregateError, which wrap the useful code), so the attempt
 * log says "connection refused" rather than "fetch failed".
 */
export function describeRequestFailure(
  error: unknown,
  host?: string,
): { readonly kind: RequestFailureKind; readonly message: string } {
  for (const link of errorChain(error)) {
    const code = typeof link.code === 'string' ? link.code : undefined;
    if (code === undefined) continue;
    if (TIMEOUT_CODES.has(code)) return { kind: 'timeout', message: `timed out (${code})` };
    if (DNS_CODES.has(code)) {
      const name = typeof link.hostname === 'string' ? link.hostname : (host ?? 'the host');
      return { kind: 'dns', message: `DNS lookup failed for ${name} (${code})` };
    }
    const phrase = CONNECTION_PHRASES[code];
    if (phrase !== undefined) return { kind: 'connection', message: `${phrase} (${code})` };
    if (TLS_CODE.test(code))
      return { kind: 'tls', message: `TLS failure: ${link.message} (${code})` };
  }
  const message = error instanceof Error ? error.message : String(error);
  return { kind: 'other', message: `request failed: ${message}` };
}

interface ErrorLink {
  readonly code?: unknown;
  readonly hostname?: unknown;
  readonly message: string;
}

/** The error, its causes and, for an AggregateError, its first member, outermost first. */
export function errorChain(error: unknown): ErrorLink[] {
  const chain: ErrorLink[] = [];
  let current: unknown = error;
  while (current instanceof Error && chain.length < 8) {
    chain.push(current as ErrorLink);
    current =
      current instanceof AggregateError && current.errors.length > 0
        ? current.errors[0]
        : current.cause;
  }
  return chain;
}
