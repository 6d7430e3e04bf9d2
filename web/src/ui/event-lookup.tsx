import { useState } from 'preact/hooks';
import { ApiError } from '../api/api-error.js';
import type { EventDetail } from '../api/types.js';
import { EventView } from './event-view.js';
import { ErrorNotice } from './notice.js';

/** A form to find one event by id, and what the message API knows of it. */
export function EventLookup(props: {
  getEvent(id: string): Promise<EventDetail>;
  initialId?: string | undefined;
}) {
  const [id, setId] = useState(props.initialId ?? '');
  const [found, setFound] = useState<EventDetail>();
  const [error, setError] = useState<unknown>();
  const [missing, setMissing] = useState<string>();

  async function look(event: Event) {
    event.preventDefault();
    setFound(undefined);
    setError(undefined);
    setMissing(undefined);
    const wanted = id.trim();
    if (!wanted) {
      setError(new Error('Enter an event id (evt_…).'));
      return;
    }
    try {
      setFound(await props.getEvent(wanted));
    } catch (problem) {
      if (problem instanceof ApiError && problem.status === 404) setMissing(wanted);
      else setError(problem);
    }
  }

  return (
    <>
      <form class="inline-form" onSubmit={look} aria-label="Find an event">
        <label for="event-id">Event id</label>
        <input
          id="event-id"
          class="mono"
          value={id}
          placeholder="evt_…"
          onInput={(e) => setId(e.currentTarget.value)}
        />
        <button type="submit">Find event</button>
      </form>
      {missing !== undefined && (
        <p class="notice" role="status">
          Event not found: no event <code class="break">{missing}</code> is visible here.
        </p>
      )}
      <ErrorNotice error={error} />
      {found && <EventView event={found} />}
    </>
  );
}
