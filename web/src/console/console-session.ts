import {
  type ConsoleLinkSession,
  consoleFragment,
  parseConsoleFragment,
} from '../../../shared/access/session-links.js';
import {
  openFragmentSession,
  type SessionKind,
  type SessionProblem,
  type SessionStore,
} from '../ui/fragment-session.js';

/** An operator's console session: the `hbc_` credential every call carries, until `expiresAt`. */
export type ConsoleSession = ConsoleLinkSession;

const CONSOLE: SessionKind<ConsoleSession> = {
  key: 'hookbridge.console-session',
  parse: parseConsoleFragment,
  fragment: (session) =>
    consoleFragment({ session: String(session.session), expiresAt: String(session.expiresAt) }),
};

/**
 * Starts or resumes a console session from `/console#session=hbc_…&expires=…` (what
 * `hookbridge console` prints), as the portal does its token: the fragment is removed first,
 * and the session kept in this tab's sessionStorage only.
 */
export function openConsoleSession(
  hash: string,
  store: SessionStore,
  clearFragment: () => void,
  now = Date.now(),
): ConsoleSession | SessionProblem | undefined {
  return openFragmentSession(CONSOLE, hash, store, clearFragment, now);
}

/** Forgets the console session. */
export function endConsoleSession(store: SessionStore): void {
  store.removeItem(CONSOLE.key);
}
