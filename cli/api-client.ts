import { ApiResponseError, CliError, ExitCode, UnreachableError } from './cli-error.js';
import { type BearerCredential, describeCredential, redact } from './credentials.js';
import type { RequestSigner } from './sigv4-signer.js';

export interface ApiClientOptions {
  /** The API's base URL, e.g. `http://127.0.0.1:4000` or a stage URL of API Gateway. */
  readonly endpoint: string;
  /** Signs each request (a deployed stack); none for the local runtime. */
  readonly sign?: RequestSigner;
  /** Sent as `Authorization: Bearer …` instead of a signature (tenant tokens, API keys). */
  readonly bearer?: BearerCredential;
  /** Aborts every request: the first Ctrl-C. */
  readonly signal?: AbortSignal;
  /** Per-request limit; API Gateway's own integration timeout is 30 s. @default 35000 */
  readonly timeoutMs?: number;
  /** @default 'hookbridge-cli' */
  readonly userAgent?: string;
}

export interface RequestOptions {
  readonly body?: unknown;
  readonly query?: Readonly<Record<string, string | number | undefined>>;
  readonly headers?: Readonly<Record<string, string>>;
}

/** A 2xx answer: its status (201 vs 200, 202 vs 204 mean different things) and its JSON. */
export interface ApiAnswer<T> {
  readonly status: number;
  readonly body: T;
}

const NETWORK_REASONS: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'host name lookup failed',
  ECONNRESET: 'connection reset',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  ETIMEDOUT: 'connection timed out',
  UND_ERR_CONNECT_TIMEOUT: 'connection timed out',
  UND_ERR_SOCKET: 'connection closed',
};

/**
 * A small client for the Hookbridge HTTP API. It turns every outcome into what the CLI
 * reports: the parsed JSON of a 2xx, an ApiResponseError for an answered error, an
 * UnreachableError when nothing answered.
 */
export class ApiClient {
  private readonly base: URL;

  constructor(private readonly options: ApiClientOptions) {
    this.base = new URL(options.endpoint);
  }

  get endpoint(): string {
    return this.options.endpoint;
  }

  /** Sends one request and returns the JSON of a 2xx answer (undefined for 204). */
  async request<T>(
    method: string,
    path: string,
    options: RequestOptions = {},
  ): Promise<ApiAnswer<T>> {
    const url = this.url(path, options.query);
    const body = options.body === undefined ? undefined : JSON.stringify(options.body);
    let headers: Record<string, string> = {
      accept: 'application/json',
      'user-agent': this.options.userAgent ?? 'hookbridge-cli',
      ...(body !== undefined && { 'content-type': 'application/json' }),
      ...options.headers,
      ...(this.options.bearer && { authorization: `Bearer ${this.options.bearer.value}` }),
    };
    if (this.options.sign) headers = await this.options.sign({ method, url, headers, body });

    const timeout = AbortSignal.timeout(this.options.timeoutMs ?? 35_000);
    const signal = this.options.signal ? AbortSignal.any([this.options.signal, timeout]) : timeout;
    let response: Response;
    let text: string;
    try {
      // The API never redirects; a key or token must not follow one to another host.
      const redirect = this.options.bearer ? 'error' : 'follow';
      response = await fetch(url, { method, headers, body, signal, redirect });
      text = await response.text();
    } catch (error) {
      throw this.networkError(error, timeout);
    }
    const json = parseJson(text);
    if (response.ok) {
      if (response.status !== 204 && json === undefined) {
        throw new CliError(
          ExitCode.failed,
          `${this.options.endpoint} answered ${response.status} with something that is not JSON: ${this.scrub(text.slice(0, 200))} — is --endpoint the Hookbridge API?`,
        );
      }
      return { status: response.status, body: json as T };
    }
    throw this.errorFromAnswer(response.status, json, text);
  }

  /** The API's `{error: {code, message, details?}}`, API Gateway's `{message}`, or raw text. */
  private errorFromAnswer(status: number, json: unknown, text: string): ApiResponseError {
    const body = json as
      | { error?: { code?: unknown; message?: unknown; details?: unknown }; message?: unknown }
      | undefined;
    const error = body?.error;
    if (error && typeof error.code === 'string' && typeof error.message === 'string') {
      const details = Array.isArray(error.details)
        ? (error.details as { field: string; message: string }[])
        : undefined;
      const hint =
        status === 403 && this.options.bearer
          ? `${describeCredential(this.options.bearer)} does not allow this`
          : undefined;
      return new ApiResponseError(status, error.code, this.scrub(error.message), details, hint);
    }
    const message =
      typeof body?.message === 'string' ? body.message : text.trim().slice(0, 200) || 'no details';
    return new ApiResponseError(
      status,
      `http_${status}`,
      this.scrub(message),
      undefined,
      this.gatewayHint(status, message),
    );
  }

  /**
   * What an answer of API Gateway itself (or the local gateway standing in for it) means for
   * the caller: 401 when no credential reached the authorizer, 403 when it refused the one
   * given, 404 for a route this API does not have (the IAM API and the API for token and key
   * callers do not carry the same routes).
   */
  private gatewayHint(status: number, message: string): string | undefined {
    const bearer = this.options.bearer;
    const remote = !isLoopback(this.base.hostname);
    if (status === 401) {
      return bearer
        ? `no credential reached the API; check ${bearer.source}`
        : 'this API takes a tenant token or an API key: pass --token or --api-key';
    }
    if (status === 403 && bearer) {
      return `the API refused ${describeCredential(bearer)}: it is unknown, expired or revoked, its tenant is gone, or it was cut short when copied${remote ? " (with a token or key, --endpoint must be the stack's TokenApiUrl, not its ApiUrl)" : ''}`;
    }
    if (status === 403 && remote && message === 'Forbidden' && !this.options.sign) {
      return 'this API may need a tenant token or an API key (--token, --api-key)';
    }
    if (status === 404) return `no such route at ${this.options.endpoint}`;
    return undefined;
  }

  /** Never echo the credential, whatever an answer or an error message contains. */
  private scrub(text: string): string {
    return this.options.bearer ? redact(text, [this.options.bearer.value]) : text;
  }

  /** The base URL may carry a stage path (`…/prod`): API paths are appended to it. */
  private url(path: string, query: RequestOptions['query']): URL {
    const url = new URL(this.base);
    url.pathname = `${url.pathname.replace(/\/+$/, '')}${path}`;
    for (const [name, value] of Object.entries(query ?? {})) {
      if (value !== undefined) url.searchParams.set(name, String(value));
    }
    return url;
  }

  private networkError(error: unknown, timeout: AbortSignal): CliError {
    if (this.options.signal?.aborted) {
      return new CliError(ExitCode.interrupted, 'interrupted', { cause: error });
    }
    const reason = timeout.aborted
      ? `no answer within ${Math.round((this.options.timeoutMs ?? 35_000) / 1000)} s`
      : networkReason(error);
    if (reason === 'unexpected redirect') {
      return new CliError(
        ExitCode.failed,
        `${this.options.endpoint} answered with a redirect, which the CLI does not follow with ${this.options.bearer ? describeCredential(this.options.bearer) : 'a credential'} — is --endpoint the Hookbridge API?`,
        { cause: error },
      );
    }
    const hint = isLoopback(this.base.hostname)
      ? ' — is `hookbridge dev` running?'
      : ' — check --endpoint (or HOOKBRIDGE_ENDPOINT)';
    return new UnreachableError(
      `cannot reach the Hookbridge API at ${this.options.endpoint}: ${this.scrub(reason)}${hint}`,
      { cause: error },
    );
  }
}

/** Node's fetch wraps the socket error in `cause`, an AggregateError when both ::1 and 127.0.0.1 were tried. */
function networkReason(error: unknown): string {
  let cause: unknown = error instanceof Error ? (error.cause ?? error) : error;
  if (cause instanceof AggregateError && cause.errors.length > 0) cause = cause.errors[0];
  const code = (cause as { code?: unknown } | undefined)?.code;
  if (typeof code === 'string') return NETWORK_REASONS[code] ?? `${code}`;
  return cause instanceof Error ? cause.message : String(cause);
}

function parseJson(text: string): unknown {
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** Whether a host name is this machine: requests to it go to the local runtime, unsigned. */
export function isLoopback(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  return (
    host === 'localhost' ||
    host.endsWith('.localhost') ||
    host === '::1' ||
    /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host) ||
    /^::ffff:127\./.test(host)
  );
}
