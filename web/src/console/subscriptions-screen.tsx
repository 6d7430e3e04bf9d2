import type { Subscription } from '../api/types.js';
import { concurrencyLimit, describeQueue, hasLane } from '../ui/backlog.js';
import { formatTime } from '../ui/format.js';
import { ErrorNotice } from '../ui/notice.js';
import { Link } from '../ui/router.js';
import { ScreenTitle } from '../ui/screen-title.js';
import { StatusBadge } from '../ui/status-badge.js';
import { useLoad } from '../ui/use-load.js';
import type { ConsoleContext } from './console-app.js';

/** Six lanes counted at once: each count is four SQS calls behind the API. */
const countLane = concurrencyLimit(6);

/** A subscription's dead letters and queue, loaded for its row alone. */
function LaneDepthCell(props: { context: ConsoleContext; subscription: Subscription }) {
  const { id, status } = props.subscription;
  const lane = hasLane(status);
  const depth = useLoad(
    () => (lane ? countLane(() => props.context.api.getBacklog(id)) : Promise.resolve(undefined)),
    [id, lane],
  );
  if (!lane) return <td class="muted">—</td>;
  if (depth.error) return <td class="muted">unknown</td>;
  if (!depth.data) return <td class="muted">…</td>;
  const { deadLettered } = depth.data;
  return (
    <td>
      <span class={deadLettered > 0 ? 'dead-letters' : undefined}>{deadLettered}</span>
      <div class="muted">{describeQueue(depth.data)}</div>
    </td>
  );
}

/** Every subscription, operator's and tenants', with its state and its lane's depth. */
export function SubscriptionsScreen(props: { context: ConsoleContext }) {
  const list = useLoad(() => props.context.api.listSubscriptions(), []);
  return (
    <>
      <ScreenTitle>Subscriptions</ScreenTitle>
      <ErrorNotice error={list.error} />
      {list.data && list.data.data.length === 0 && <p>No subscriptions yet.</p>}
      {list.data && list.data.data.length > 0 && (
        <div class="table-wrap">
          <table>
            <caption class="visually-hidden">All subscriptions</caption>
            <thead>
              <tr>
                <th scope="col">URL</th>
                <th scope="col">Tenant</th>
                <th scope="col">Status</th>
                <th scope="col">Event types</th>
                <th scope="col">Failing since</th>
                <th scope="col">Dead letters</th>
              </tr>
            </thead>
            <tbody>
              {list.data.data.map((sub) => (
                <tr key={sub.id}>
                  <td class="break">
                    {sub.url}
                    <div class="muted mono">{sub.id}</div>
                  </td>
                  <td>
                    {sub.tenantId ? (
                      <Link href={`/console/tenants/${encodeURIComponent(sub.tenantId)}`}>
                        {sub.tenantId}
                      </Link>
                    ) : (
                      <span class="muted">operator</span>
                    )}
                  </td>
                  <td>
                    <StatusBadge status={sub.status} />
                  </td>
                  <td>{sub.eventTypes.join(', ')}</td>
                  <td>{sub.failingSince ? formatTime(sub.failingSince) : '—'}</td>
                  <LaneDepthCell context={props.context} subscription={sub} />
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {list.data?.nextCursor && <p class="muted">Showing the first 100.</p>}
    </>
  );
}
