import { UsageError } from './cli-error.js';

/**
 * An id as one URL path segment. `.`, `..` and the empty string are refused rather than sent:
 * a URL resolves dot segments before the request leaves, so `subscriptions delete ..
 * --tenant acme` would become `DELETE /v1/tenants/acme/` — another resource than the one named.
 * Everything else is percent-encoded, so `/`, `?` and `#` stay inside the segment.
 */
export function pathSegment(value: string, what: string): string {
  if (value === '' || value === '.' || value === '..') {
    throw new UsageError(`${what}: "${value}" cannot be an id`);
  }
  return encodeURIComponent(value);
}
