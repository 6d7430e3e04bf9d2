/**
 * The links that open the web app with a credential: a tenant's portal
 * (`<web app>portal#token=…&tenant=…&caps=…&expires=…`) and the operator's console
 * (`<web app>console#session=…&expires=…`). The credential rides in the fragment, which a
 * browser never sends to a server nor in a Referer. Shared by the CLI, which writes the links,
 * and the web app, which reads them; no Node or DOM API beyond URLSearchParams.
 */

/** What a portal link carries: the token and what it said the token may do, until when. */
export interface PortalLinkSession {
  readonly token: string;
  readonly tenantId: string;
  readonly capabilities: readonly string[];
  readonly expiresAt: string;
}

/** What a console link carries: the console session's credential and its expiry. */
export interface ConsoleLinkSession {
  readonly session: string;
  readonly expiresAt: string;
}

const CONSOLE_SESSION = /^hbc_[0-9a-f]{24}\.[A-Za-z0-9_-]{43}$/;

/** The fragment of a portal link for a minted token, `#token=…&tenant=…&caps=…&expires=…`. */
export function portalFragment(session: PortalLinkSession): string {
  const params = new URLSearchParams({
    token: session.token,
    tenant: session.tenantId,
    caps: session.capabilities.join(','),
    expires: session.expiresAt,
  });
  return `#${params}`;
}

/** The fragment of a console link for a minted console session, `#session=hbc_…&expires=…`. */
export function consoleFragment(session: ConsoleLinkSession): string {
  return `#${new URLSearchParams({ session: session.session, expires: session.expiresAt })}`;
}

/**
 * Reads a console link's fragment: undefined when it carries no `session` at all, the string
 * `'incomplete-link'` when it does but the credential is not exactly an `hbc_` one or the
 * expiry is not a time (a link cut short when pasted, for instance).
 */
export function parseConsoleFragment(
  hash: string,
): ConsoleLinkSession | 'incomplete-link' | undefined {
  const params = new URLSearchParams(hash.replace(/^#/, ''));
  if (!params.has('session')) return undefined;
  const session = params.get('session') ?? '';
  const expiresAt = params.get('expires') ?? '';
  if (!CONSOLE_SESSION.test(session) || Number.isNaN(Date.parse(expiresAt)))
    return 'incomplete-link';
  return { session, expiresAt };
}

/**
 * A page of the web app: `base` (the stack's `WebAppUrl`, or an origin) joined to `page`
 * (`console`, `portal`) and a fragment, with exactly one `/` between base and page.
 */
export function webAppLink(base: string, page: string, fragment: string): string {
  return `${base.replace(/\/+$/, '')}/${page}${fragment}`;
}
