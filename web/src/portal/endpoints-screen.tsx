import { ErrorNotice } from '../ui/notice.js';
import { Link } from '../ui/router.js';
import { ScreenTitle } from '../ui/screen-title.js';
import { StatusBadge } from '../ui/status-badge.js';
import { useLoad } from '../ui/use-load.js';
import type { PortalContext } from './portal-context.js';

/** The tenant's endpoints: where each one delivers, for which types, and its state. */
export function EndpointsScreen(props: { context: PortalContext }) {
  const { api, can } = props.context;
  const list = useLoad(() => api.listSubscriptions(), []);
  return (
    <>
      <ScreenTitle>Endpoints</ScreenTitle>
      {can('write') && (
        <p>
          <Link href="/portal/endpoints/new" class="button">
            Add endpoint
          </Link>
        </p>
      )}
      <ErrorNotice error={list.error} />
      {list.data && list.data.data.length === 0 && (
        <p>No endpoints yet. {can('write') ? 'Add one to start receiving webhooks.' : ''}</p>
      )}
      {list.data && list.data.data.length > 0 && (
        <div class="table-wrap">
          <table>
            <caption class="visually-hidden">Your endpoints</caption>
            <thead>
              <tr>
                <th scope="col">URL</th>
                <th scope="col">Status</th>
                <th scope="col">Event types</th>
              </tr>
            </thead>
            <tbody>
              {list.data.data.map((endpoint) => (
                <tr key={endpoint.id}>
                  <td class="break">
                    <Link href={`/portal/endpoints/${endpoint.id}`}>{endpoint.url}</Link>
                    {endpoint.description && <div class="muted">{endpoint.description}</div>}
                  </td>
                  <td>
                    <StatusBadge status={endpoint.status} />
                  </td>
                  <td>{endpoint.eventTypes.join(', ')}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}
