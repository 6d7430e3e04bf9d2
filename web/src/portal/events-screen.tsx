import { EventLookup } from '../ui/event-lookup.js';
import { ScreenTitle } from '../ui/screen-title.js';
import type { PortalContext } from './portal-context.js';

/** Finding one of the tenant's events by id (the `webhook-id` a receiver got). */
export function EventsScreen(props: { context: PortalContext; eventId?: string | undefined }) {
  return (
    <>
      <ScreenTitle>Find an event</ScreenTitle>
      <p>Paste the webhook-id of a delivery you received to see where it went.</p>
      <EventLookup getEvent={props.context.api.getEvent} initialId={props.eventId} />
    </>
  );
}
