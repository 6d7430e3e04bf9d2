import { createHmac, createSecretKey, type KeyObject, randomBytes } from 'node:crypto';

/** Standard Webhooks secrets carry this prefix; the key is the base64 text after it. */
const SECRET_PREFIX = 'whsec_';
const MIN_SECRET_BYTES = 24;
const MAX_SECRET_BYTES = 64;

export interface SigningInput {
  /** The event id (`evt_…`), stable across retries. */
  readonly id: string;
  /** Unix seconds of this attempt. */
  readonly timestamp: number;
  /** The exact bytes that are sent; any re-serialization breaks the signature. */
  readonly body: string;
  /** Current secret first; during a rotation the previous one too. */
  readonly secrets: readonly string[];
}

/**
 * Creates a subscription's signing secret: `whsec_` followed by the base64 of `bytes` random
 * bytes (32 by default). DESIGN §3 allows 24–64 bytes; anything else throws a RangeError.
 */
export function newSigningSecret(bytes = 32): string {
  if (!Number.isInteger(bytes) || bytes < MIN_SECRET_BYTES || bytes > MAX_SECRET_BYTES) {
    throw new RangeError(
      `a signing secret has ${MIN_SECRET_BYTES}–${MAX_SECRET_BYTES} random bytes, not ${bytes}`,
    );
  }
  return SECRET_PREFIX + randomBytes(bytes).toString('base64');
}

/**
 * The `webhook-signature` header value of the Standard Webhooks scheme: one `v1,<base64>` per
 * secret, space separated, each the HMAC-SHA256 of `${id}.${timestamp}.${body}` keyed with the
 * base64-decoded secret. Receivers accept the delivery if any one signature matches, which is
 * what lets a secret rotate without a window where deliveries fail.
 */
export function signatureHeader(input: SigningInput): string {
  if (input.secrets.length === 0) throw new RangeError('at least one signing secret is required');
  if (!Number.isSafeInteger(input.timestamp) || input.timestamp < 0) {
    throw new RangeError(`the timestamp must be whole unix seconds, not ${input.timestamp}`);
  }
  const prefix = `${input.id}.${input.timestamp}.`;
  return input.secrets
    .map(
      (secret) =>
        // Fed in two parts: no copy of the (possibly large) body into a new string.
        `v1,${createHmac('sha256', secretKey(secret)).update(prefix).update(input.body).digest('base64')}`,
    )
    .join(' ');
}

/**
 * The three Standard Webhooks headers of one delivery attempt: `webhook-id`,
 * `webhook-timestamp` and `webhook-signature` (see {@link signatureHeader}).
 */
export function webhookHeaders(input: SigningInput): Record<string, string> {
  return {
    'webhook-id': input.id,
    'webhook-timestamp': String(input.timestamp),
    'webhook-signature': signatureHeader(input),
  };
}

/** Decoded keys by secret: a secret is decoded and checked once, not on every delivery. */
const keys = new Map<string, KeyObject>();
const MAX_CACHED_KEYS = 1000;

function secretKey(secret: string): KeyObject {
  let key = keys.get(secret);
  if (!key) {
    key = createSecretKey(decodeSecret(secret));
    if (keys.size >= MAX_CACHED_KEYS) keys.clear();
    keys.set(secret, key);
  }
  return key;
}

function decodeSecret(secret: string): Buffer {
  const encoded = secret.startsWith(SECRET_PREFIX) ? secret.slice(SECRET_PREFIX.length) : secret;
  const key = Buffer.from(encoded, 'base64');
  // Buffer.from ignores characters outside the alphabet, so a mangled secret would silently
  // become a different key; refuse anything that does not round-trip.
  if (
    key.length === 0 ||
    key.toString('base64').replace(/=+$/, '') !== encoded.replace(/=+$/, '')
  ) {
    throw new RangeError('a signing secret must be whsec_ followed by base64');
  }
  return key;
}
