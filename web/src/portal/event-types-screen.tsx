import { useMemo, useState } from 'preact/hooks';
import { readCatalog } from '../api/client.js';
import type { EventType } from '../api/types.js';
import { EventTypeDocument } from '../ui/event-type-document.js';
import { ErrorNotice } from '../ui/notice.js';
import { Link } from '../ui/router.js';
import { ScreenTitle } from '../ui/screen-title.js';
import { useLoad } from '../ui/use-load.js';
import type { PortalContext } from './portal-context.js';

/** The event type catalog as a tenant reads it: the list, or one entry (`name`). */
export function EventTypesScreen(props: { context: PortalContext; name?: string | undefined }) {
  return props.name ? (
    <EventTypeScreen context={props.context} name={props.name} />
  ) : (
    <CatalogList context={props.context} />
  );
}

function CatalogList(props: { context: PortalContext }) {
  const { api } = props.context;
  const catalog = useLoad(() => readCatalog(api.listEventTypes), [api]);
  const [query, setQuery] = useState('');
  const shown = useMemo(() => matching(catalog.data ?? [], query), [catalog.data, query]);
  return (
    <>
      <ScreenTitle>Event types</ScreenTitle>
      <p>The events this service sends, what each means, and the shape of its data.</p>
      <ErrorNotice error={catalog.error} />
      {catalog.data?.length === 0 && <p>No event types are described yet.</p>}
      {catalog.data && catalog.data.length > 0 && (
        <>
          <div class="field">
            <label for="catalog-filter">Filter</label>
            <input
              id="catalog-filter"
              type="search"
              value={query}
              onInput={(e) => setQuery(e.currentTarget.value)}
              aria-describedby="catalog-count"
            />
            <p class="hint" id="catalog-count" aria-live="polite">
              {shown.length} of {catalog.data.length} types
            </p>
          </div>
          <div class="table-wrap">
            <table>
              <caption class="visually-hidden">Event types</caption>
              <thead>
                <tr>
                  <th scope="col">Name</th>
                  <th scope="col">Description</th>
                </tr>
              </thead>
              <tbody>
                {shown.map((entry) => (
                  <tr key={entry.name}>
                    <td class="break">
                      <Link href={`/portal/event-types/${encodeURIComponent(entry.name)}`}>
                        {entry.name}
                      </Link>{' '}
                      {entry.deprecated && <span class="badge neutral">deprecated</span>}
                    </td>
                    <td>{entry.description ?? <span class="muted">—</span>}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
    </>
  );
}

function EventTypeScreen(props: { context: PortalContext; name: string }) {
  const { api } = props.context;
  const entry = useLoad(() => api.getEventType(props.name), [api, props.name]);
  return (
    <>
      <p>
        <Link href="/portal/event-types">← Event types</Link>
      </p>
      <ScreenTitle>
        <span class="break">{props.name}</span>
      </ScreenTitle>
      <ErrorNotice error={entry.error} />
      {entry.data && (
        <>
          {entry.data.deprecated && (
            <p class="notice">
              Deprecated: events of this type may stop; do not build on it for new endpoints.
            </p>
          )}
          <p>{entry.data.description ?? <span class="muted">No description.</span>}</p>
          {entry.data.validate && (
            <p class="muted">Every event of this type is checked against its schema when sent.</p>
          )}
          <EventTypeDocument entry={entry.data} />
        </>
      )}
    </>
  );
}

function matching(entries: readonly EventType[], query: string): readonly EventType[] {
  const needle = query.trim().toLowerCase();
  if (!needle) return entries;
  return entries.filter(
    (entry) =>
      entry.name.toLowerCase().includes(needle) ||
      (entry.description?.toLowerCase().includes(needle) ?? false),
  );
}
