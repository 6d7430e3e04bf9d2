/**
 * Tenant tokens, API keys and console sessions as stored in the access table (`token#<id>`,
 * `apikey#<id>`, `console#<id>`), and what the API shows of them: never the secret, nor its
 * hash.
 */

/** What a tenant token may do on its tenant's routes (see route-access.ts for the routes). */
export const CAPABILITIES = ['read', 'write', 'secrets', 'resend'] as const;
export type Capability = (typeof CAPABILITIES)[number];

/** `publish`: the ingest routes (optionally for one tenant); `manage`: every route but API keys'. */
export const API_KEY_SCOPES = ['publish', 'manage'] as const;
export type ApiKeyScope = (typeof API_KEY_SCOPES)[number];

export const TOKEN_KEY_PREFIX = 'token#';
export const API_KEY_KEY_PREFIX = 'apikey#';
export const CONSOLE_SESSION_KEY_PREFIX = 'console#';
/**
 * The one item holding `revokedBefore`, set by revoking every console session at once: a
 * session created at or before it is refused. Not under `console#`, so no list reads it as a
 * session.
 */
export const CONSOLE_REVOCATION_KEY = 'console-revocation';

/** A tenant token as stored. */
export interface TenantToken {
  readonly id: string;
  readonly tenantId: string;
  readonly capabilities: readonly Capability[];
  readonly description?: string;
  readonly createdAt: string;
  readonly expiresAt: string;
  readonly revokedAt?: string;
  readonly secretHash: string;
}

/** An API key as stored. */
export interface ApiKey {
  readonly id: string;
  readonly name: string;
  readonly scope: ApiKeyScope;
  /** Only with `publish`: the one tenant the key publishes for. */
  readonly tenantId?: string;
  readonly createdAt: string;
  readonly revokedAt?: string;
  readonly lastUsedAt?: string;
  readonly secretHash: string;
}

/** An operator's console session as stored: a credential for the web console, no more. */
export interface ConsoleSession {
  readonly id: string;
  readonly createdAt: string;
  readonly expiresAt: string;
  readonly revokedAt?: string;
  readonly secretHash: string;
}

/** What the API shows of a token: its state, computed at `now`. */
export interface TenantTokenView extends Omit<TenantToken, 'secretHash'> {
  readonly status: 'active' | 'expired' | 'revoked';
}

export interface ApiKeyView extends Omit<ApiKey, 'secretHash'> {
  readonly status: 'active' | 'revoked';
}

export interface ConsoleSessionView extends Omit<ConsoleSession, 'secretHash'> {
  readonly status: 'active' | 'expired' | 'revoked';
}

/**
 * The public view of a token at `now`: `revoked` when revoked one by one, by a tenant-wide
 * revocation at or after its creation (`tenant.tokensRevokedBefore`), or when it predates its
 * tenant (minted for an earlier tenant of the same id); `expired` past its expiry.
 */
export function toTokenView(
  token: TenantToken,
  now: Date,
  tenant?: { readonly createdAt: string; readonly tokensRevokedBefore?: string | undefined },
): TenantTokenView {
  const { secretHash: _hash, ...rest } = token;
  const revokedBefore = tenant?.tokensRevokedBefore;
  const revoked =
    token.revokedAt !== undefined ||
    (revokedBefore !== undefined && token.createdAt <= revokedBefore) ||
    (tenant !== undefined && token.createdAt < tenant.createdAt);
  const expired = Date.parse(token.expiresAt) <= now.getTime();
  return { ...rest, status: revoked ? 'revoked' : expired ? 'expired' : 'active' };
}

/** The public view of an API key. */
export function toApiKeyView(key: ApiKey): ApiKeyView {
  const { secretHash: _hash, ...rest } = key;
  return { ...rest, status: key.revokedAt === undefined ? 'active' : 'revoked' };
}

/**
 * The public view of a console session at `now`: `revoked` when revoked on its own or by a
 * revocation of all sessions at or after its creation (`revokedBefore`), `expired` past its
 * expiry.
 */
export function toConsoleSessionView(
  session: ConsoleSession,
  now: Date,
  revokedBefore: string | undefined,
): ConsoleSessionView {
  const { secretHash: _hash, ...rest } = session;
  const revoked =
    session.revokedAt !== undefined ||
    (revokedBefore !== undefined && session.createdAt <= revokedBefore);
  const expired = Date.parse(session.expiresAt) <= now.getTime();
  return { ...rest, status: revoked ? 'revoked' : expired ? 'expired' : 'active' };
}
