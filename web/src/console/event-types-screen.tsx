import { readCatalog } from '../api/client.js';
import { ErrorNotice } from '../ui/notice.js';
import { Link } from '../ui/router.js';
import { ScreenTitle } from '../ui/screen-title.js';
import { useLoad } from '../ui/use-load.js';
import type { ConsoleContext } from './console-app.js';
import { EventTypeForm } from './event-type-form.js';

/** The event type catalog the operator keeps: every entry, and a form to add one. */
export function EventTypesScreen(props: { context: ConsoleContext }) {
  const { api } = props.context;
  const catalog = useLoad(() => readCatalog(api.listEventTypes), [api]);
  return (
    <>
      <ScreenTitle>Event types</ScreenTitle>
      <ErrorNotice error={catalog.error} />
      {catalog.data?.length === 0 && <p>The catalog is empty.</p>}
      {catalog.data && catalog.data.length > 0 && (
        <div class="table-wrap">
          <table>
            <caption class="visually-hidden">Event type catalog</caption>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Description</th>
                <th scope="col">Schema</th>
              </tr>
            </thead>
            <tbody>
              {catalog.data.map((entry) => (
                <tr key={entry.name}>
                  <td class="break">
                    <Link href={`/console/event-types/${encodeURIComponent(entry.name)}`}>
                      {entry.name}
                    </Link>{' '}
                    {entry.deprecated && <span class="badge neutral">deprecated</span>}
                  </td>
                  <td>{entry.description ?? '—'}</td>
                  <td>{entry.schema ? (entry.validate ? 'validated' : 'documented') : '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <EventTypeForm context={props.context} onCreated={catalog.reload} />
    </>
  );
}
