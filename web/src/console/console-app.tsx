import { useMemo, useState } from 'preact/hooks';
import { operatorApi, requester, tenantApi } from '../api/client.js';
import { formatTime } from '../ui/format.js';
import type { SessionProblem } from '../ui/fragment-session.js';
import { Link, usePath } from '../ui/router.js';
import { useExpiry } from '../ui/use-expiry.js';
import { type ConsoleSession, endConsoleSession } from './console-session.js';
import { EventTypeForm } from './event-type-form.js';
import { EventTypesScreen } from './event-types-screen.js';
import { EventsScreen } from './events-screen.js';
import { SubscriptionsScreen } from './subscriptions-screen.js';
import { TenantScreen } from './tenant-screen.js';
import { TenantsScreen } from './tenants-screen.js';

/** What the console screens call: the operator's routes, and one tenant's. */
export interface ConsoleContext {
  readonly api: ReturnType<typeof operatorApi>;
  tenant(tenantId: string): ReturnType<typeof tenantApi>;
}

const NEW_LINK = 'hookbridge console';

/**
 * The operator console. Locally the API takes a request without credentials as the
 * operator's, so it needs no session. Deployed (`deployed`: `/config.json` named the token
 * API), it works with the console session of a `hookbridge console` link, sent as a Bearer
 * credential on every call; without one it says how to get a link, and a session that expires
 * or that the gateway refuses ends on a screen saying so.
 */
export function ConsoleApp(props: {
  opened?: ConsoleSession | SessionProblem | undefined;
  deployed?: boolean;
}) {
  const session = typeof props.opened === 'object' ? props.opened : undefined;
  const [ended, setEnded] = useState<string | undefined>(
    typeof props.opened === 'string' ? problemReason(props.opened) : undefined,
  );
  const finish = (reason: string) => {
    endConsoleSession(sessionStorage);
    setEnded(reason);
  };

  const context = useMemo<ConsoleContext>(() => {
    const request = requester(
      session
        ? {
            token: session.session,
            onSessionEnded: () =>
              finish(
                'The API no longer accepts this console session: it was revoked or has expired.',
              ),
          }
        : {},
    );
    return { api: operatorApi(request), tenant: (id) => tenantApi(request, id) };
  }, [session]);

  useExpiry(session?.expiresAt, () =>
    finish('This console session reached the end of its lifetime.'),
  );

  if (ended) return <ConsoleSessionEnded reason={ended} />;
  if (!session && props.deployed) return <ConsoleNeedsLink />;
  return (
    <ConsoleShell
      context={context}
      session={session}
      onEnd={() => finish('You ended this console session.')}
    />
  );
}

function ConsoleShell(props: {
  context: ConsoleContext;
  session: ConsoleSession | undefined;
  onEnd(): void;
}) {
  const { context, session } = props;
  const path = usePath();
  const [section, id] = path.replace(/\/+$/, '').split('/').slice(2);
  return (
    <>
      <header class="top">
        <p class="brand">
          <Link href="/console">Hookbridge console</Link>
        </p>
        <nav aria-label="Console">
          <Link href="/console">Tenants</Link>
          <Link href="/console/subscriptions">Subscriptions</Link>
          <Link href="/console/events">Events</Link>
          <Link href="/console/event-types">Event types</Link>
        </nav>
        {session && (
          <p class="session">
            <span class="muted">Session until {formatTime(session.expiresAt)}</span>
            <button type="button" class="secondary" onClick={props.onEnd}>
              End session
            </button>
          </p>
        )}
      </header>
      <main>
        {section === undefined && <TenantsScreen context={context} />}
        {section === 'tenants' && id && <TenantScreen context={context} tenantId={id} />}
        {section === 'subscriptions' && <SubscriptionsScreen context={context} />}
        {section === 'events' && <EventsScreen context={context} />}
        {section === 'event-types' && !id && <EventTypesScreen context={context} />}
        {section === 'event-types' && id && (
          <EventTypeForm key={id} context={context} name={decodeSegment(id)} />
        )}
        {section !== undefined &&
          !['tenants', 'subscriptions', 'events', 'event-types'].includes(section) && (
            <h1>Page not found</h1>
          )}
      </main>
    </>
  );
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/** The screen a console session ends on: none of the operator's data stays on it. */
function ConsoleSessionEnded(props: { reason: string }) {
  return (
    <main class="narrow">
      <h1>Your console session has ended</h1>
      <p role="alert">{props.reason}</p>
      <p>
        Ask for a new link: <code>{NEW_LINK}</code>
      </p>
      <p class="muted">For your security the session was removed from this tab.</p>
    </main>
  );
}

/** Deployed without a session: the console needs a link, minted with AWS credentials. */
function ConsoleNeedsLink() {
  return (
    <main class="narrow">
      <h1>Open the console with a link</h1>
      <p>
        The deployed console works with a short-lived link. With your AWS credentials, run{' '}
        <code>{NEW_LINK}</code> and open the link it prints.
      </p>
      <p class="muted">
        The link is yours alone: it opens the console until it expires (1 hour by default, at most
        12 hours, <code>--lifetime 2h</code>) or you revoke it (
        <code>hookbridge console revoke --all</code>).
      </p>
    </main>
  );
}

function problemReason(problem: SessionProblem): string {
  return problem === 'expired'
    ? 'This console link has expired.'
    : 'This console link is incomplete or malformed.';
}
