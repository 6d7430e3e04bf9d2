import { EventLookup } from '../ui/event-lookup.js';
import { ScreenTitle } from '../ui/screen-title.js';
import type { ConsoleContext } from './console-app.js';

/** Any event by id, with every subscription it was routed to (the message API). */
export function EventsScreen(props: { context: ConsoleContext }) {
  return (
    <>
      <ScreenTitle>Event lookup</ScreenTitle>
      <EventLookup getEvent={props.context.api.getEvent} />
    </>
  );
}
