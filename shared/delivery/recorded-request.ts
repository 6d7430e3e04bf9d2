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
  /** Headers past MAX_RECORDED_HEADER_BYTES were left out (or a value cut short). */
  readonly requestHeadersTruncated?: true;
}

/**
 * At most this many bytes of header names and values per attempt item. The headers actually
 * sent are ~300 bytes (five of ours, one signature per live secret); the custom ones may reach
 * ~21 KB (20 values of 1024 characters), which would make every attempt 21 write units and, with
 * the response excerpt, a much larger item than the log needs to explain an attempt.
 */
export const MAX_RECORDED_HEADER_BYTES = 4096;

/** What a redacted value is replaced with. */
export const REDACTED = '[redacted: a Hookbridge secret]';

/** Hookbridge's own credentials (`hbt_`/`hbk_` + 24 hex + `.` + 43 base64url), anywhere in a value. */
const CREDENTIAL = /hb[tk]_[0-9a-f]{24}\.[A-Za-z0-9_-]{43}/;

/** Headers Hookbridge sets on every delivery (custom headers may not use these names). */
function isOurs(name: string): boolean {
  return name === 'content-type' || name === 'user-agent' || name.startsWith('webhook-');
}

/**
 * The request of one attempt as the log records it: the URL, the headers in the order sent
 * (`sent`, what the HTTP client writes: see `requestHeaders`), and the body's size. A value that
 * carries one of our secrets is replaced by REDACTED: a subscription's signing secret (whole,
 * or its base64 key alone) or a Hookbridge token or API key, which a custom header could hold
 * (the log is readable with `read` alone, the secret only with `secrets`). The signature is an
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
  const secretTexts = input.secrets.flatMap((secret) => {
    const key = secret.startsWith('whsec_') ? secret.slice('whsec_'.length) : secret;
    // A key's base64 without its padding is still the key; so is any long enough part of it.
    return [secret, key.replace(/=+$/, '')].filter((text) => text.length >= 16);
  });
  const carriesSecret = (value: string) =>
    CREDENTIAL.test(value) || secretTexts.some((text) => value.includes(text));
  const entries = Object.entries(input.sent).map(([name, raw]) => ({
    name,
    value: carriesSecret(raw) ? REDACTED : raw,
    ours: isOurs(name),
  }));
  const size = (header: RecordedHeader) =>
    Buffer.byteLength(header.name) + Buffer.byteLength(header.value);
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
    requestUrl: input.url,
    requestHeaders: headers,
    requestBodyBytes: Buffer.byteLength(input.body),
    ...(truncated && { requestHeadersTruncated: true }),
  };
}
