/** One request header as the attempt log keeps it, in the order it was sent. */
export interface RecordedHeader {
  readonly name: string;
  readonly value: string;
}

/** What the attempt log keeps of the request an attempt sent (never the body: see below). */
export interface RecordedRequest {
  readonly requestUrl: string;
  readonly requestHeaders: RecordedHeader[];
  /** The body's size in UTF-8 bytes; the body itself is the event, kept once in the event store. */
  readonly requestBodyBytes: number;
  /** Custom headers past MAX_RECORDED_HEADER_BYTES were sent but left out of the record. */
  readonly requestHeadersTruncated?: true;
}

/**
 * At most this many bytes of header names and values per attempt item. Ours are ~190 bytes
 * (five headers, 48 more per extra live secret's signature); the custom ones may reach
 * ~21 KB (20 values of 1024 characters), which would make every attempt 21 write units and, with
 * the response excerpt, a much larger item than the log needs to explain an attempt.
 */
export const MAX_RECORDED_HEADER_BYTES = 4096;

/** What a redacted value is replaced with. */
export const REDACTED = '[redacted: a Hookbridge secret]';

/** Hookbridge's own credentials (`hbt_`/`hbk_` + 24 hex + `.` + 43 base64url), anywhere in a value. */
const CREDENTIAL = /hb[tk]_[0-9a-f]{24}\.[A-Za-z0-9_-]{43}/;

/**
 * Whether a text carries a Hookbridge secret: one of `secrets` (whole, or its key in base64,
 * base64url or percent-encoded, with or without padding) or a tenant token or API key, as is
 * or percent-encoded. Found anywhere in the text, so a `Bearer `, a `key=` or a query string
 * around it does not hide it.
 */
function secretFinder(secrets: readonly string[]): (text: string) => boolean {
  const found = (text: string) =>
    CREDENTIAL.test(text) ||
    secrets.some((secret) => secretVariants(secret).some((variant) => text.includes(variant)));
  return (text) => found(text) || (text.includes('%') && found(percentDecoded(text)));
}

/** The spellings of a secret looked for, by secret: every delivery repeats the same few. */
const variantsBySecret = new Map<string, readonly string[]>();
const MAX_CACHED_SECRETS = 1000;

function secretVariants(secret: string): readonly string[] {
  let variants = variantsBySecret.get(secret);
  if (!variants) {
    const key = (secret.startsWith('whsec_') ? secret.slice('whsec_'.length) : secret).replace(
      /=+$/,
      '',
    );
    variants = [secret, key, key.replace(/\+/g, '-').replace(/\//g, '_')].filter(
      (text) => text.length >= 16,
    );
    if (variantsBySecret.size >= MAX_CACHED_SECRETS) variantsBySecret.clear();
    variantsBySecret.set(secret, variants);
  }
  return variants;
}

function percentDecoded(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    // A lone `%` is not an escape: decode what can be, escape by escape.
    return text.replace(/%[0-9A-Fa-f]{2}/g, (code) =>
      String.fromCharCode(Number.parseInt(code.slice(1), 16)),
    );
  }
}

/** Headers Hookbridge sets on every delivery (custom headers may not use these names). */
function isOurs(name: string): boolean {
  return name === 'content-type' || name === 'user-agent' || name.startsWith('webhook-');
}

/**
 * The request of one attempt as the log records it: the URL, the headers in the order sent
 * (`sent`, what the HTTP client writes: see `requestHeaders`), and the body's size. A URL, name
 * or value that carries one of our secrets is replaced by REDACTED (see `secretFinder`), which
 * a custom header or the URL could hold: the log is readable with `read` alone, a signing
 * secret only with `secrets`. The signature is an
 * HMAC, what the receiver saw, and is kept. Past MAX_RECORDED_HEADER_BYTES the custom headers that
 * do not fit are left out (ours never are) and the record says so.
 */
export function recordedRequest(input: {
  readonly url: string;
  readonly sent: Readonly<Record<string, string>>;
  readonly body: string;
  /** Every signing secret of the subscription, live or expired (`whsec_…`). */
  readonly secrets: readonly string[];
}): RecordedRequest {
  const carriesSecret = secretFinder(input.secrets);
  // Ours are made by Hookbridge (the event id, a time, HMACs, constants): only the custom
  // headers and the URL come from a subscription's settings and need looking through.
  const entries = Object.entries(input.sent).map(([name, raw]) => {
    const ours = isOurs(name);
    const hidden = !ours && (carriesSecret(name) || carriesSecret(raw));
    return {
      name: hidden && carriesSecret(name) ? REDACTED : name,
      value: hidden ? REDACTED : raw,
      ours,
    };
  });
  // Header names and values are visible ASCII (the subscription schema refuses anything else,
  // and ours are ASCII): one byte per character.
  const size = (header: RecordedHeader) => header.name.length + header.value.length;
  // Ours are what the receiver verifies and always fit; the custom ones share what is left.
  let budget = MAX_RECORDED_HEADER_BYTES;
  for (const header of entries) if (header.ours) budget -= size(header);
  const headers: RecordedHeader[] = [];
  let truncated = false;
  for (const { name, value, ours } of entries) {
    if (!ours) {
      const bytes = size({ name, value });
      if (truncated || bytes > budget) {
        truncated = true;
        continue;
      }
      budget -= bytes;
    }
    headers.push({ name, value });
  }
  return {
    requestUrl: carriesSecret(input.url) ? REDACTED : input.url,
    requestHeaders: headers,
    requestBodyBytes: Buffer.byteLength(input.body),
    ...(truncated && { requestHeadersTruncated: true }),
  };
}
