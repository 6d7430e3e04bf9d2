/**
 * Tenants: the customers of a Hookbridge operator. A tenant's id is chosen by the caller (their
 * own customer id), so its alphabet is narrow enough to be safe verbatim in an EventBridge
 * pattern (no quotes, no `*`, no `$`), a DynamoDB key and a URL path segment (no `/`, `%`, `?`).
 */

/** The key of a tenant's item in the subscriptions table: `tenant#<tenantId>`. */
export const TENANT_KEY_PREFIX = 'tenant#';

/** 1–64 characters: an ASCII letter or digit first, then letters, digits, `_`, `.` and `-`. */
export const TENANT_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;

/**
 * The reserved `tenantId` of an event meant for every tenant. It can never be a tenant id
 * (`*` is outside TENANT_ID_PATTERN), so no tenant can be named so as to receive broadcasts only.
 */
export const BROADCAST_TENANT = '*';

export const TENANT_STATUSES = ['active', 'deleting'] as const;

/** `active`; `deleting` (its subscriptions are being removed; the reconciler finishes). */
export type TenantStatus = (typeof TENANT_STATUSES)[number];

/** A tenant as stored. */
export interface Tenant {
  readonly id: string;
  readonly name: string;
  readonly metadata?: Record<string, string>;
  readonly status: TenantStatus;
  readonly createdAt: string;
  readonly updatedAt: string;
  /**
   * When every token of the tenant was last revoked at once (ISO 8601): a token created at or
   * before it is refused. One attribute, so revoking all takes one write however many exist.
   */
  readonly tokensRevokedBefore?: string;
  /**
   * The bus shard its subscriptions' rules live on, chosen at creation and never changed;
   * absent (a tenant made before shards) means shard 0.
   */
  readonly shard?: number;
  /** Optimistic-locking version, incremented on every write. */
  readonly version: number;
}

/** What the API shows of a tenant. */
export type TenantView = Omit<Tenant, 'version' | 'tokensRevokedBefore' | 'shard'>;

/** Whether a string is a valid tenant id (exact ASCII; case matters: `acme` is not `Acme`). */
export function isTenantId(value: unknown): value is string {
  return typeof value === 'string' && TENANT_ID_PATTERN.test(value);
}

/** The public view of a tenant. */
export function toTenantView(tenant: Tenant): TenantView {
  const { version: _version, tokensRevokedBefore: _revoked, shard: _shard, ...rest } = tenant;
  return rest;
}

/**
 * Whether an event addressed to `eventTenant` (undefined: no tenant; `*`: broadcast) may be
 * delivered to a subscription of `subscriptionTenant` (undefined: an operator subscription,
 * which receives every tenant's events). The rule pattern enforces the same; the deliverer
 * asks again before any POST.
 */
export function tenantMayReceive(
  subscriptionTenant: string | undefined,
  eventTenant: unknown,
): boolean {
  if (subscriptionTenant === undefined) return true;
  return eventTenant === subscriptionTenant || eventTenant === BROADCAST_TENANT;
}
