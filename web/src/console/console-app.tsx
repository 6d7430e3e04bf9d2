import { useMemo } from 'preact/hooks';
import { operatorApi, requester, tenantApi } from '../api/client.js';
import { Link, usePath } from '../ui/router.js';
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

/**
 * The operator console. Locally the API takes a request without credentials as the
 * operator's, so there is no login; deployed, the console is not served yet.
 */
export function ConsoleApp() {
  const path = usePath();
  const context = useMemo<ConsoleContext>(() => {
    const request = requester();
    return { api: operatorApi(request), tenant: (id) => tenantApi(request, id) };
  }, []);
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
