/**
 * The headers of a webhook POST as the HTTP client sends them: the deliverer's (custom headers,
 * then the Standard Webhooks three) and ours last, because the content type and user agent are
 * part of the delivery contract and no custom header may replace them. The key order is the
 * order on the wire (undici writes an object's headers in insertion order), which is what the
 * attempt log records.
 */
export function requestHeaders(
  headers: Readonly<Record<string, string>>,
  userAgent: string,
): Record<string, string> {
  return { ...headers, 'content-type': 'application/json', 'user-agent': userAgent };
}
