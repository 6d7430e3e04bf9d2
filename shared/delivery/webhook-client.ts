import { isIP } from 'node:net';
import { performance } from 'node:perf_hooks';
import type { Dispatcher } from 'undici';
import { type AddressPolicy, DestinationRefusedError } from '../net/address-policy.js';
import { requestHeaders } from './request-headers.js';
import { Agent } from './undici-agent.js';
import {
  describeRequestFailure,
  errorChain,
  WebhookRequestError,
} from './webhook-request-error.js';

export { type RequestFailureKind, WebhookRequestError } from './webhook-request-error.js';

export interface WebhookClientOptions {
  /** The SSRF guard; checked before sending and again on every new connection. */
  readonly policy: AddressPolicy;
  /** Per-attempt limit covering connect, headers and body. @default 15000 (at most 30000) */
  readonly timeoutMs?: number;
  /** Sent as `user-agent`, e.g. `Hookbridge/0.1.0`. */
  readonly userAgent: string;
  /** How much of a response body is kept for the attempt log. @default 4096 */
  readonly maxResponseBytes?: number;
  /** Keep-alive connections per origin. @default 64 */
  readonly connections?: number;
}

export interface WebhookResponse {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  /** The first maxResponseBytes of the body, decoded as UTF-8. */
  readonly body: string;
  readonly durationMs: number;
}

const MAX_TIMEOUT_MS = 30_000;
const MAX_CACHED_TARGETS = 1000;

interface Target {
  readonly origin: string;
  readonly path: string;
  readonly host: string;
  readonly refusal: string | undefined;
}
const MAX_RESPONSE_BYTES_LIMIT = 1024 * 1024;
/**
 * A body up to this size is read to its end so the keep-alive connection can be reused; past
 * it the connection is dropped, which is cheaper than downloading the rest.
 */
const DRAIN_LIMIT_BYTES = 64 * 1024;

/**
 * The outbound HTTP client of the delivery function: one keep-alive undici Agent whose every
 * new connection goes through the address policy's connect-time lookup, so a name that starts
 * resolving to a private address (DNS rebinding) is refused. It never follows redirects (a
 * plain Agent has no redirect interceptor) and keeps only the start of each response body.
 */
export class WebhookClient {
  private readonly agent: Agent;
  private readonly policy: AddressPolicy;
  private readonly timeoutMs: number;
  private readonly userAgent: string;
  private readonly maxResponseBytes: number;
  private readonly targets = new Map<string, Target>();

  constructor(options: WebhookClientOptions) {
    this.policy = options.policy;
    this.timeoutMs = checkTimeout(options.timeoutMs ?? 15_000);
    this.userAgent = options.userAgent;
    this.maxResponseBytes = options.maxResponseBytes ?? 4096;
    if (
      !Number.isInteger(this.maxResponseBytes) ||
      this.maxResponseBytes < 0 ||
      this.maxResponseBytes > MAX_RESPONSE_BYTES_LIMIT
    ) {
      throw new RangeError(`maxResponseBytes must be 0–${MAX_RESPONSE_BYTES_LIMIT}`);
    }
    this.agent = new Agent({
      connections: options.connections ?? 64,
      // Our own abort timer enforces the per-attempt limit; undici's must not fire first.
      headersTimeout: MAX_TIMEOUT_MS,
      bodyTimeout: MAX_TIMEOUT_MS,
      connect: { lookup: this.policy.connectLookup, timeout: MAX_TIMEOUT_MS },
      // HTTP/1.1 only (undici 8 offers h2 over ALPN by default): one request per connection is
      // what `connections` and a subscription's maxConcurrency mean, and it is the path tested.
      allowH2: false,
    });
  }

  /** POSTs body to url with content-type application/json, user-agent, and the given headers; never follows redirects; aborts at the timeout; reads at most maxResponseBytes of the body and discards the rest. Throws (DestinationRefusedError, or a WebhookRequestError with a `kind`: 'timeout'|'dns'|'connection'|'tls'|'other' and cause) on failure. */
  async post(
    url: string,
    body: string,
    headers: Record<string, string>,
    timeoutMs: number = this.timeoutMs,
  ): Promise<WebhookResponse> {
    checkTimeout(timeoutMs);
    const { origin, path, host, refusal } = this.target(url);
    if (refusal !== undefined) throw new DestinationRefusedError(refusal);
    return new Promise((resolve, reject) => {
      const exchange = new Exchange(
        { host, timeoutMs, maxResponseBytes: this.maxResponseBytes },
        resolve,
        reject,
      );
      this.agent.dispatch(
        {
          origin,
          path,
          method: 'POST',
          headers: requestHeaders(headers, this.userAgent),
          body,
        },
        exchange,
      );
    });
  }

  /** The headers `post` sends with `headers` (see {@link requestHeaders}), for the attempt log. */
  requestHeaders(headers: Record<string, string>): Record<string, string> {
    return requestHeaders(headers, this.userAgent);
  }

  /**
   * The parsed destination of a URL and, for a literal IP (connected to without any lookup, so
   * connectLookup never sees it), the policy's verdict. Both depend only on the URL and the
   * immutable policy, and every delivery to a subscriber repeats its URL: keep them.
   */
  private target(url: string): Target {
    let target = this.targets.get(url);
    if (!target) {
      const parsed = this.policy.parseUrl(url);
      const host = parsed.hostname.replace(/^\[(.*)\]$/, '$1');
      target = {
        origin: parsed.origin,
        path: `${parsed.pathname}${parsed.search}`,
        host,
        refusal: isIP(host) !== 0 ? this.policy.refusalReason(host) : undefined,
      };
      if (this.targets.size >= MAX_CACHED_TARGETS) this.targets.clear();
      this.targets.set(url, target);
    }
    return target;
  }

  /** Closes the keep-alive connections once in-flight requests finish. */
  async close(): Promise<void> {
    await this.agent.close();
  }
}

function checkTimeout(timeoutMs: number): number {
  if (!Number.isInteger(timeoutMs) || timeoutMs < 1 || timeoutMs > MAX_TIMEOUT_MS) {
    throw new RangeError(`timeoutMs must be 1–${MAX_TIMEOUT_MS}, not ${timeoutMs}`);
  }
  return timeoutMs;
}

/**
 * One attempt as an undici dispatch handler: undici's lowest-level API, without the response
 * stream, abort signal and promise layers of `request()`, which cost the delivery hot path
 * more CPU than signing did (bench/delivery.md). It keeps the first `maxResponseBytes` of the
 * body, decoded as UTF-8 (a multi-byte character cut at the limit is left out).
 *
 * The status line decides the outcome: a body that breaks off or stalls past the timeout after
 * it must not turn an accepted delivery into a retry (the receiver would get it twice), so
 * what was read is kept and the connection dropped. A body up to DRAIN_LIMIT_BYTES is read to
 * its end so the keep-alive connection can be reused; past it the connection is dropped, which
 * is cheaper than downloading the rest.
 */
class Exchange implements Dispatcher.DispatchHandler {
  private readonly started = performance.now();
  private readonly timer: NodeJS.Timeout;
  private controller: Dispatcher.DispatchController | undefined;
  private settled = false;
  private timedOut = false;
  private status = 0;
  private headers: Record<string, string | string[] | undefined> = {};
  private declared = Number.NaN;
  private readonly chunks: Buffer[] = [];
  private kept = 0;
  private seen = 0;

  constructor(
    private readonly options: { host: string; timeoutMs: number; maxResponseBytes: number },
    private readonly resolve: (response: WebhookResponse) => void,
    private readonly reject: (error: Error) => void,
  ) {
    this.timer = setTimeout(() => this.onTimeout(), options.timeoutMs);
  }

  onRequestStart(controller: Dispatcher.DispatchController): void {
    this.controller = controller;
    // Timed out while waiting for a connection: the caller has its answer already.
    if (this.timedOut) controller.abort(new Error('the attempt timed out before it was sent'));
  }

  onResponseStart(
    _controller: Dispatcher.DispatchController,
    statusCode: number,
    headers: Record<string, string | string[] | undefined>,
  ): void {
    this.status = statusCode;
    this.headers = headers;
    this.declared = Number(headers['content-length'] ?? Number.NaN);
  }

  onResponseData(controller: Dispatcher.DispatchController, chunk: Buffer): void {
    const { maxResponseBytes } = this.options;
    if (this.kept < maxResponseBytes) {
      const part = chunk.subarray(0, maxResponseBytes - this.kept);
      this.chunks.push(part);
      this.kept += part.length;
    }
    this.seen += chunk.length;
    if (
      this.seen >= maxResponseBytes &&
      (this.seen > DRAIN_LIMIT_BYTES || this.declared > DRAIN_LIMIT_BYTES)
    ) {
      this.answer();
      controller.abort(new Error('the rest of the response body is not needed'));
    }
  }

  onResponseEnd(): void {
    this.answer();
  }

  onResponseError(_controller: Dispatcher.DispatchController, error: Error): void {
    // An answer already given (or a failure already reported) ends with this abort.
    if (this.settled) return;
    if (this.status !== 0) this.answer();
    else this.fail(error);
  }

  private onTimeout(): void {
    if (this.settled) return;
    this.timedOut = true;
    if (this.status !== 0) this.answer();
    else this.fail(new Error(`no response within ${this.options.timeoutMs} ms`));
    this.controller?.abort(new Error('the attempt timed out'));
  }

  private answer(): void {
    if (this.settled) return;
    this.settled = true;
    clearTimeout(this.timer);
    this.resolve({
      status: this.status,
      headers: this.headers,
      body: decodeStart(this.chunks, this.kept < this.seen),
      durationMs: Math.round(performance.now() - this.started),
    });
  }

  private fail(error: Error): void {
    this.settled = true;
    clearTimeout(this.timer);
    this.reject(this.failure(error));
  }

  /** What the caller is told: the refusal itself, or a WebhookRequestError with its kind. */
  private failure(error: Error): Error {
    const refused = errorChain(error).find((link) => link instanceof DestinationRefusedError);
    if (refused !== undefined) return refused as DestinationRefusedError;
    if (this.timedOut) {
      return new WebhookRequestError('timeout', `timed out after ${this.options.timeoutMs} ms`, {
        cause: error,
      });
    }
    const { kind, message } = describeRequestFailure(error, this.options.host);
    return new WebhookRequestError(kind, message, { cause: error });
  }
}

/**
 * The kept bytes as UTF-8. A body cut at the limit may end inside a multi-byte character,
 * which is left out rather than turned into U+FFFD; a whole body is decoded as is.
 */
function decodeStart(chunks: readonly Buffer[], cut: boolean): string {
  const bytes = chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks);
  if (!cut) return bytes.toString('utf8');
  return new TextDecoder().decode(bytes, { stream: true });
}
