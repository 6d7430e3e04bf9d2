import { useMemo, useState } from 'preact/hooks';
import { requester, tenantApi } from '../api/client.js';
import { formatTime } from '../ui/format.js';
import { ErrorNotice } from '../ui/notice.js';
import { Link, usePath } from '../ui/router.js';
import { useExpiry } from '../ui/use-expiry.js';
import { useLoad } from '../ui/use-load.js';
import { EndpointForm } from './endpoint-form.js';
import { EndpointScreen } from './endpoint-screen.js';
import { EndpointsScreen } from './endpoints-screen.js';
import { EventTypesScreen } from './event-types-screen.js';
import { EventsScreen } from './events-screen.js';
import type { PortalContext } from './portal-context.js';
import { endSession, type PortalSession, type SessionProblem } from './portal-session.js';
import { SessionEnded } from './session-ended.js';

/** The tenant's portal: a session from the link's token, and the endpoint screens. */
export function PortalApp(props: { opened: PortalSession | SessionProblem | undefined }) {
  const [ended, setEnded] = useState<string | undefined>(
    typeof props.opened === 'string' || props.opened === undefined
      ? endedReason(props.opened)
      : undefined,
  );
  const session = typeof props.opened === 'object' ? props.opened : undefined;
  const finish = (reason: string) => {
    endSession(sessionStorage);
    setEnded(reason);
  };

  const context = useMemo<PortalContext | undefined>(() => {
    if (!session) return undefined;
    const request = requester({
      token: session.token,
      onSessionEnded: () =>
        finish('The portal no longer accepts this link: it was revoked or has expired.'),
    });
    return {
      api: tenantApi(request, session.tenantId),
      session,
      can: (capability) => session.capabilities.includes(capability),
    };
  }, [session]);

  useExpiry(session?.expiresAt, () =>
    finish('This session reached the end of its link’s lifetime.'),
  );

  if (ended || !context) return <SessionEnded reason={ended ?? endedReason(undefined)} />;
  return <PortalShell context={context} onEnd={() => finish('You ended this session.')} />;
}

function PortalShell(props: { context: PortalContext; onEnd(): void }) {
  const { context } = props;
  const tenant = useLoad(() => context.api.getTenant(), []);
  const path = usePath();
  return (
    <>
      <header class="top">
        <p class="brand">
          <Link href="/portal">{tenant.data?.name ?? context.session.tenantId}</Link>
          <span class="muted"> · webhooks portal</span>
        </p>
        <nav aria-label="Portal">
          <Link href="/portal">Endpoints</Link>
          <Link href="/portal/events">Events</Link>
          <Link href="/portal/event-types">Event types</Link>
        </nav>
        <p class="session">
          <span class="muted">Session until {formatTime(context.session.expiresAt)}</span>
          <button type="button" class="secondary" onClick={props.onEnd}>
            End session
          </button>
        </p>
      </header>
      <main>
        <ErrorNotice error={tenant.error} />
        <PortalRoute path={path} context={context} />
      </main>
    </>
  );
}

function PortalRoute(props: { path: string; context: PortalContext }) {
  const parts = props.path.replace(/\/+$/, '').split('/').slice(2);
  const [section, id, action] = parts;
  if (section === undefined) return <EndpointsScreen context={props.context} />;
  if (section === 'events') return <EventsScreen context={props.context} eventId={id} />;
  if (section === 'event-types' && action === undefined)
    return <EventTypesScreen context={props.context} name={id && decodeSegment(id)} />;
  if (section === 'endpoints' && id === 'new') return <EndpointForm context={props.context} />;
  if (section === 'endpoints' && id && action === 'edit')
    return <EndpointForm context={props.context} id={id} />;
  if (section === 'endpoints' && id && action === undefined)
    return <EndpointScreen context={props.context} id={id} />;
  return (
    <>
      <h1>Page not found</h1>
      <p>
        <Link href="/portal">Back to your endpoints</Link>
      </p>
    </>
  );
}

function endedReason(problem: SessionProblem | undefined): string {
  if (problem === 'incomplete-link')
    return 'This portal link is incomplete or malformed. Ask for a new one.';
  if (problem === 'expired') return 'This portal link has expired. Ask for a new one.';
  return 'Open the portal with the link you were given: it carries your access.';
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
