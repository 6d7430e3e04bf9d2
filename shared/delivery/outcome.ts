import { DestinationRefusedError } from '../net/address-policy.js';
import { parseRetryAfter } from './retry-policy.js';
import {
  describeRequestFailure,
  errorChain,
  WebhookRequestError,
} from './webhook-request-error.js';

/** What one delivery attempt means for the message and the subscription. */
export type AttemptOutcome =
  | { kind: 'delivered' }
  | { kind: 'retry'; reason: string; retryAfterSeconds?: number }
  /** 410: disable the subscription now. */
  | { kind: 'gone'; reason: string }
  /** SSRF refusal etc.: retrying cannot help. */
  | { kind: 'refused'; reason: string };

/** A Location is echoed into the attempt log; keep a hostile one from bloating it. */
const MAX_LOCATION_CHARS = 200;

/**
 * Classifies a received HTTP response by DESIGN §3: 2xx is delivered; 3xx is a failure to
 * retry (redirects are never followed, so a moved endpoint must be updated by its owner); 410
 * disables the subscription; 429 and 503 are retried after their Retry-After if they give one;
 * anything else is retried on the schedule.
 */
export function classifyResponse(
  status: number,
  headers: Record<string, string | string[] | undefined>,
): AttemptOutcome {
  if (status >= 200 && status < 300) return { kind: 'delivered' };
  if (status >= 300 && status < 400) {
    const location = header(headers, 'location');
    const target =
      location === undefined ? '' : ` to ${truncate(location.trim(), MAX_LOCATION_CHARS)}`;
    return {
      kind: 'retry',
      reason: `HTTP ${status} redirect${target}: redirects are not followed`,
    };
  }
  if (status === 410) {
    return { kind: 'gone', reason: 'HTTP 410 Gone: the receiver asked for no more deliveries' };
  }
  if (status === 429 || status === 503) {
    const retryAfterSeconds = parseRetryAfter(header(headers, 'retry-after'));
    const reason = `HTTP ${status}`;
    return retryAfterSeconds === undefined
      ? { kind: 'retry', reason }
      : {
          kind: 'retry',
          reason: `${reason}, Retry-After ${retryAfterSeconds} s`,
          retryAfterSeconds,
        };
  }
  return { kind: 'retry', reason: `HTTP ${status}` };
}

/**
 * Classifies an attempt that got no response: a DestinationRefusedError (anywhere in the
 * cause chain) is refused, since the same address will be refused again; timeouts, DNS and
 * connection failures, and anything unforeseen, are retried with a reason fit for the log.
 */
export function classifyError(error: unknown): AttemptOutcome {
  for (const link of errorChain(error)) {
    if (link instanceof DestinationRefusedError) return { kind: 'refused', reason: link.reason };
  }
  if (error instanceof WebhookRequestError) return { kind: 'retry', reason: error.message };
  return { kind: 'retry', reason: describeRequestFailure(error).message };
}

function header(
  headers: Record<string, string | string[] | undefined>,
  name: string,
): string | undefined {
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() === name) return Array.isArray(value) ? value[0] : value;
  }
  return undefined;
}

function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max)}…`;
}
