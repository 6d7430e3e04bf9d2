import { portalFragment } from '../../../shared/access/session-links.js';
import { CAPABILITIES, type Capability } from '../api/types.js';
import {
  isPast,
  openFragmentSession,
  type SessionKind,
  type SessionProblem,
  type SessionStore,
} from '../ui/fragment-session.js';

export type { SessionProblem, SessionStore };

/** A portal session: the token, and what the link said it may do, until `expiresAt`. */
export interface PortalSession {
  readonly token: string;
  readonly tenantId: string;
  readonly capabilities: readonly Capability[];
  readonly expiresAt: string;
}

const KEY = 'hookbridge.portal-session';
const TOKEN = /^hbt_[0-9a-f]{24}\.[A-Za-z0-9_-]{43}$/;
const TENANT = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;

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

const PORTAL: SessionKind<PortalSession> = {
  key: KEY,
  parse: parseFragment,
  fragment: (session) =>
    portalFragment({
      token: String(session.token),
      tenantId: String(session.tenantId),
      capabilities: Array.isArray(session.capabilities) ? session.capabilities : [],
      expiresAt: String(session.expiresAt),
    }),
};

/** Whether the session has run past its token's expiry at `now`. */
export function isExpired(session: PortalSession, now = Date.now()): boolean {
  return isPast(session.expiresAt, now);
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
  return openFragmentSession(PORTAL, hash, store, clearFragment, now);
}

/** Forgets the session (the token is then only in the operator's hands). */
export function endSession(store: SessionStore): void {
  store.removeItem(KEY);
}
