import type { AuthorizerHandler, AuthorizerResult } from '../functions/authorizer/app.js';

/** What the local gateway does with a request's `Authorization`, as API Gateway would. */
export type GatewayAuthorization =
  | { readonly outcome: 'operator' }
  | { readonly outcome: 'authorized'; readonly context: Record<string, string> }
  | { readonly outcome: 'refused'; readonly status: 401 | 403; readonly message: string };

/**
 * The deployed token/key API's Lambda authorizer, run in process: a `Bearer` credential goes
 * through the same authorizer code, and its result is cached by the header's value for
 * `cacheSeconds` (API Gateway's authorizer result TTL; 0 = no cache), allowed and refused
 * alike, as API Gateway caches. Anything else (no header, the CLI's SigV4 signature) is the
 * operator: locally the IAM check is skipped. A `Bearer` with no value is answered 401, as
 * API Gateway answers a request whose identity source is missing.
 */
export function localAuthorizer(
  authorizer: AuthorizerHandler,
  options: { cacheSeconds: number; now?: () => number },
): (authorization: string | undefined) => Promise<GatewayAuthorization> {
  const now = options.now ?? Date.now;
  const cache = new Map<string, { result: AuthorizerResult; until: number }>();
  return async (authorization) => {
    if (authorization === undefined || !/^bearer(\s|$)/i.test(authorization))
      return { outcome: 'operator' };
    if (/^bearer\s*$/i.test(authorization))
      return { outcome: 'refused', status: 401, message: 'Unauthorized' };
    const cached = cache.get(authorization);
    let result = cached && cached.until > now() ? cached.result : undefined;
    if (!result) {
      result = await authorizer({ headers: { authorization } });
      if (options.cacheSeconds > 0) {
        for (const [key, entry] of cache) if (entry.until <= now()) cache.delete(key);
        cache.set(authorization, { result, until: now() + options.cacheSeconds * 1000 });
      }
    }
    if (!result.isAuthorized) return { outcome: 'refused', status: 403, message: 'Forbidden' };
    return { outcome: 'authorized', context: { ...result.context } as Record<string, string> };
  };
}
