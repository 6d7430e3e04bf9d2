import { portalFragment } from '../../../shared/access/session-links.js';
import { CAPABILITIES, type Capability } from '../api/types.js';

/** A portal session: the token, and what the link said it may do, until `expiresAt`. */
export interface PortalSession {
  readonly token: string;
  readonly tenantId: string;
  readonly capabilities: readonly Capability[];
  readonly expiresAt: string;
}

/** The part of the Web Storage API a session is kept in (sessionStorage in the browser). */
export interface SessionStore {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

const KEY = 'hookbridge.portal-session';
const TOKEN = /^hbt_[0-9a-f]{24}\.[A-Za-z0-9_-]{43}$/;
const TENANT = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;

/** Why a link or a stored session is refused, in words for the person holding it. */
export type SessionProblem = 'incomplete-link' | 'expired';

/**
 * The portal link's fragment: `#token=hbt_…&tenant=…&caps=read,write&expires=<ISO time>`, as
 * the console writes it. A fragment never reaches a server; the capabilities only decide which
 * controls are shown (the API enforces them).
 */
export function parseFragment(hash: string): PortalSession | 'incomplete-link' | undefined {
  const params = new URLSearchParams(hash.replace(/^#/, ''));
  if (!params.has('token')) return undefined;
  const token = params.get('token') ?? '';
  const tenantId = params.get('tenant') ?? '';
  const expiresAt = params.get('expires') ?? '';
  const capabilities = (params.get('caps') ?? 'read').split(',').filter(Boolean);
  const known = capabilities.every((cap) => (CAPABILITIES as readonly string[]).includes(cap));
  if (!TOKEN.test(token) || !TENANT.test(tenantId) || !known || Number.isNaN(Date.parse(expiresAt)))
    return 'incomplete-link';
  return { token, tenantId, capabilities: capabilities as Capability[], expiresAt };
}

/** The fragment of a portal link for a minted token (the inverse of parseFragment). */
export { portalFragment };

/** Whether the session has run past its token's expiry at `now`. */
export function isExpired(session: PortalSession, now = Date.now()): boolean {
  return Date.parse(session.expiresAt) <= now;
}

/**
 * Starts or resumes a session: a token in the fragment replaces any stored session (and is
 * stored, for a reload of this tab only); without one, the stored session, unless it expired.
 * `clearFragment` runs before anything else, so the token leaves the address bar at once.
 */
export function openSession(
  hash: string,
  store: SessionStore,
  clearFragment: () => void,
  now = Date.now(),
): PortalSession | SessionProblem | undefined {
  const fromLink = parseFragment(hash);
  if (fromLink !== undefined) clearFragment();
  if (typeof fromLink === 'string') return fromLink;
  if (fromLink) {
    if (isExpired(fromLink, now)) return 'expired';
    store.setItem(KEY, JSON.stringify(fromLink));
    return fromLink;
  }
  const stored = readStored(store);
  if (!stored) return undefined;
  if (isExpired(stored, now)) {
    store.removeItem(KEY);
    return 'expired';
  }
  return stored;
}

/** Forgets the session (the token is then only in the operator's hands). */
export function endSession(store: SessionStore): void {
  store.removeItem(KEY);
}

function readStored(store: SessionStore): PortalSession | undefined {
  const text = store.getItem(KEY);
  if (!text) return undefined;
  try {
    const value = JSON.parse(text) as Partial<PortalSession>;
    const again = parseFragment(
      portalFragment({
        token: String(value.token),
        tenantId: String(value.tenantId),
        capabilities: Array.isArray(value.capabilities) ? value.capabilities : [],
        expiresAt: String(value.expiresAt),
      }),
    );
    return typeof again === 'object' ? again : undefined;
  } catch {
    return undefined;
  }
}
