/** The part of the Web Storage API a session is kept in (sessionStorage in the browser). */
export interface SessionStore {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

/** Why a link or a stored session is refused, in words for the person holding it. */
export type SessionProblem = 'incomplete-link' | 'expired';

/** How one kind of session is read from its link and kept in a tab. */
export interface SessionKind<T extends { readonly expiresAt: string }> {
  /** The storage key. */
  readonly key: string;
  /** The link's fragment: undefined without a credential, `'incomplete-link'` for a bad one. */
  parse(hash: string): T | 'incomplete-link' | undefined;
  /** The fragment that parse reads back as `session` (a stored session is checked so too). */
  fragment(session: T): string;
}

/**
 * Starts or resumes a session: a credential in the fragment replaces any stored session (and
 * is stored, for a reload of this tab only); without one, the stored session, unless it
 * expired. `clearFragment` runs before anything else, so the credential leaves the address bar
 * (and the history entry) at once.
 */
export function openFragmentSession<T extends { readonly expiresAt: string }>(
  kind: SessionKind<T>,
  hash: string,
  store: SessionStore,
  clearFragment: () => void,
  now = Date.now(),
): T | SessionProblem | undefined {
  const fromLink = kind.parse(hash);
  if (fromLink !== undefined) clearFragment();
  if (typeof fromLink === 'string') return fromLink;
  if (fromLink) {
    if (isPast(fromLink.expiresAt, now)) return 'expired';
    store.setItem(kind.key, JSON.stringify(fromLink));
    return fromLink;
  }
  const stored = readStored(kind, store);
  if (!stored) return undefined;
  if (isPast(stored.expiresAt, now)) {
    store.removeItem(kind.key);
    return 'expired';
  }
  return stored;
}

/** Whether an expiry (ISO 8601) is reached at `now`. */
export function isPast(expiresAt: string, now = Date.now()): boolean {
  return Date.parse(expiresAt) <= now;
}

function readStored<T extends { readonly expiresAt: string }>(
  kind: SessionKind<T>,
  store: SessionStore,
): T | undefined {
  const text = store.getItem(kind.key);
  if (!text) return undefined;
  try {
    // Whatever the tab holds is read back through the link's own checks.
    const again = kind.parse(kind.fragment(JSON.parse(text) as T));
    return typeof again === 'object' ? again : undefined;
  } catch {
    return undefined;
  }
}
