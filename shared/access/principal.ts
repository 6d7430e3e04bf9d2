import { ForbiddenError, NotFoundError, UnauthorizedError } from '../errors.js';
import type { HttpRequest } from '../http/api-gateway.js';
import { isTenantId } from '../tenants/tenant.js';
import { type ApiKeyScope, CAPABILITIES, type Capability } from './access-types.js';
import { routeAccess } from './route-access.js';

/**
 * Who is calling: the operator (the IAM-authorized API, or the local runtime without a bearer
 * credential), an API key, a tenant token, or an operator's console session (the web
 * console's credential: what a `manage` key may do, until it expires), as the Lambda
 * authorizer of the second API described it in `requestContext.authorizer.lambda`.
 */
export type Principal =
  | { readonly kind: 'operator' }
  | {
      readonly kind: 'api-key';
      readonly credentialId: string;
      readonly scope: ApiKeyScope;
      readonly tenantId?: string;
    }
  | {
      readonly kind: 'token';
      readonly credentialId: string;
      readonly tenantId: string;
      readonly capabilities: readonly Capability[];
      readonly expiresAt: string;
    }
  | { readonly kind: 'console'; readonly credentialId: string; readonly expiresAt: string };

/** What the authorizer puts in its simple response's `context` (strings only). */
export interface AuthorizerContext {
  readonly kind: 'token' | 'api-key' | 'console';
  readonly credentialId: string;
  readonly tenantId?: string;
  /** A token's capabilities, comma-joined. */
  readonly capabilities?: string;
  readonly scope?: ApiKeyScope;
  /** A token's or console session's expiry, ISO 8601. */
  readonly expiresAt?: string;
}

/**
 * The principal of a request. No authorizer context means the IAM-authorized API (or the
 * local runtime without a bearer credential): the operator. A context that is present but not
 * one the authorizer writes is refused (403) rather than read as anything: never the operator.
 */
export function principalOf(request: HttpRequest): Principal {
  const context = (request.requestContext as { authorizer?: { lambda?: unknown } }).authorizer
    ?.lambda;
  if (context === undefined || context === null) return { kind: 'operator' };
  const c = context as Record<string, unknown>;
  const text = (name: string) => (typeof c[name] === 'string' ? (c[name] as string) : undefined);
  const credentialId = text('credentialId');
  const tenantId = text('tenantId');
  // A tenant that is not a tenant id (an empty string) must not read as "no tenant".
  if (c.tenantId !== undefined && !isTenantId(tenantId))
    throw new ForbiddenError('the request carries an authorization this API does not recognise');
  if (c.kind === 'api-key' && credentialId) {
    const scope = text('scope');
    if (scope === 'manage' && tenantId === undefined)
      return { kind: 'api-key', credentialId, scope };
    if (scope === 'publish')
      return { kind: 'api-key', credentialId, scope, ...(tenantId !== undefined && { tenantId }) };
  }
  // A session is no tenant's and has no scope to narrow it: a context saying so is not one.
  const bound = c.tenantId !== undefined || c.scope !== undefined || c.capabilities !== undefined;
  if (c.kind === 'console' && credentialId && !bound) {
    const expiresAt = text('expiresAt');
    if (expiresAt && !Number.isNaN(Date.parse(expiresAt)))
      return { kind: 'console', credentialId, expiresAt };
  }
  if (c.kind === 'token' && credentialId && tenantId) {
    const capabilities = (text('capabilities') ?? '').split(',').filter(Boolean);
    const expiresAt = text('expiresAt');
    const known = capabilities.every((x) => (CAPABILITIES as readonly string[]).includes(x));
    if (known && expiresAt && !Number.isNaN(Date.parse(expiresAt)))
      return {
        kind: 'token',
        credentialId,
        tenantId,
        capabilities: capabilities as Capability[],
        expiresAt,
      };
  }
  throw new ForbiddenError('the request carries an authorization this API does not recognise');
}

/**
 * Whether `principal` may call `routeKey` with path tenant `pathTenantId`; throws otherwise.
 * A token reaches only its own tenant's routes that its capabilities allow: another tenant's
 * `{tenantId}` answers a 404 whose message is the same whether that tenant (or anything under
 * it) exists; a route it may never call, or a missing capability, a 403. A console session
 * reaches what a `manage` key does. A token or session past its expiry is refused (401) here
 * too, since API Gateway may answer from a cached authorization.
 */
export function authorizeRoute(
  principal: Principal,
  routeKey: string,
  pathTenantId: string | undefined,
  now: Date = new Date(),
): void {
  if (principal.kind === 'operator') return;
  const access = routeAccess(routeKey);
  if (!access) throw new NotFoundError(`no route for ${routeKey}`);
  if (principal.kind === 'api-key') {
    const allowed =
      principal.scope === 'manage' ? access.kind !== 'operator' : access.kind === 'ingest';
    if (allowed) return;
    throw new ForbiddenError(`an API key of scope ${principal.scope} cannot call ${routeKey}`);
  }
  if (principal.kind === 'console') {
    if (Date.parse(principal.expiresAt) <= now.getTime())
      throw new UnauthorizedError('session_expired', 'the console session has expired');
    if (access.kind !== 'operator') return;
    throw new ForbiddenError(`a console session cannot call ${routeKey}`);
  }
  if (Date.parse(principal.expiresAt) <= now.getTime())
    throw new UnauthorizedError('token_expired', 'the token has expired');
  if (access.kind !== 'tenant') throw new ForbiddenError(`a tenant token cannot call ${routeKey}`);
  if (pathTenantId !== principal.tenantId) throw new NotFoundError('no such resource');
  if (!principal.capabilities.includes(access.capability)) {
    throw new ForbiddenError(
      `the token lacks the ${access.capability} capability`,
      [{ field: 'capabilities', message: `needs ${access.capability}` }],
      'insufficient_capability',
    );
  }
}

/**
 * Refuses (403, nothing published) a request of a tenant-bound publish key whose events do not
 * all name exactly its tenant: an event without a tenant, of another tenant, or a broadcast
 * (`*`). The fields are named as the request wrote them: `tenantId`, or `events[3].tenantId`.
 */
export function assertMayPublish(
  principal: Principal,
  events: readonly { readonly tenantId?: unknown }[],
  batch: boolean,
): void {
  if (principal.kind !== 'api-key' || principal.tenantId === undefined) {
    if (principal.kind === 'token') throw new ForbiddenError('a tenant token cannot publish');
    return;
  }
  const bound = principal.tenantId;
  const details = events.flatMap((event, index) =>
    event.tenantId === bound
      ? []
      : [
          {
            field: batch ? `events[${index}].tenantId` : 'tenantId',
            message:
              event.tenantId === undefined
                ? `is required: this API key publishes for tenant ${bound} only`
                : `must be ${bound}: this API key publishes for that tenant only`,
          },
        ],
  );
  if (details.length === 0) return;
  throw new ForbiddenError(
    `${details
      .slice(0, 10)
      .map((d) => `${d.field}: ${d.message}`)
      .join('; ')}${details.length > 10 ? ` (and ${details.length - 10} more)` : ''}`,
    details.slice(0, 10),
  );
}
