import { useCallback, useEffect, useState } from 'preact/hooks';
import { ApiError } from '../api/api-error.js';
import type { DeliveryAttempt } from '../api/types.js';
import { describeQueue, hasLane } from '../ui/backlog.js';
import { formatTime } from '../ui/format.js';
import { ErrorNotice } from '../ui/notice.js';
import { Link, navigate } from '../ui/router.js';
import { ScreenTitle } from '../ui/screen-title.js';
import { StatusBadge } from '../ui/status-badge.js';
import { useLoad } from '../ui/use-load.js';
import { AttemptLog } from './attempt-log.js';
import { DeliveryChart } from './delivery-chart.js';
import type { PortalContext } from './portal-context.js';
import { RecoveryPanel } from './recovery-panel.js';
import { SecretPanel } from './secret-panel.js';
import { TestEventPanel } from './test-event-panel.js';

/** How many attempts the chart reads at most (four pages of the log). */
const CHART_PAGES = 4;
const SETTLE_POLL_MS = 1000;

/** One endpoint: its settings and state, and everything done to it, as the session allows. */
export function EndpointScreen(props: { context: PortalContext; id: string }) {
  const { api, can } = props.context;
  const [version, setVersion] = useState(0);
  const [confirming, setConfirming] = useState(false);
  const [error, setError] = useState<unknown>();
  const endpoint = useLoad(() => api.getSubscription(props.id), [api, props.id]);
  const history = useLoad(async () => {
    const attempts: DeliveryAttempt[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < CHART_PAGES; page++) {
      const next = await api.listAttempts(props.id, { limit: 100, ...(cursor && { cursor }) });
      attempts.push(...next.data);
      cursor = next.nextCursor;
      if (!cursor) break;
    }
    return attempts;
  }, [api, props.id, version]);
  const lane = endpoint.data !== undefined && hasLane(endpoint.data.status);
  const depth = useLoad(
    () => (lane ? api.getBacklog(props.id) : Promise.resolve(undefined)),
    [api, props.id, lane, version],
  );
  const refresh = useCallback(() => setVersion((n) => n + 1), []);
  const settling = endpoint.data?.status === 'provisioning' || endpoint.data?.status === 'deleting';
  // A new endpoint is provisioned in the background: follow it until it is active.
  useEffect(() => {
    if (!settling || endpoint.loading) return;
    const timer = setTimeout(endpoint.reload, SETTLE_POLL_MS);
    return () => clearTimeout(timer);
  }, [settling, endpoint.loading, endpoint.reload]);

  if (endpoint.error instanceof ApiError && endpoint.error.status === 404) {
    return (
      <>
        <ScreenTitle>Endpoint not found</ScreenTitle>
        <p>No endpoint of yours has the id {props.id}.</p>
        <p>
          <Link href="/portal">Back to your endpoints</Link>
        </p>
      </>
    );
  }
  const sub = endpoint.data;
  if (!sub) return <ErrorNotice error={endpoint.error} />;

  async function act(action: () => Promise<unknown>) {
    setError(undefined);
    try {
      await action();
      endpoint.reload();
    } catch (problem) {
      setError(problem);
    }
  }

  return (
    <>
      <p>
        <Link href="/portal">← Endpoints</Link>
      </p>
      <ScreenTitle>
        <span class="break">{sub.url}</span>
      </ScreenTitle>
      <dl class="facts">
        <dt>Status</dt>
        <dd>
          <StatusBadge status={sub.status} />
          {sub.statusReason && <span class="muted"> {sub.statusReason}</span>}
        </dd>
        <dt>Event types</dt>
        <dd>{sub.eventTypes.join(', ')}</dd>
        {sub.description && (
          <>
            <dt>Description</dt>
            <dd>{sub.description}</dd>
          </>
        )}
        {sub.filter && (
          <>
            <dt>Filter</dt>
            <dd>
              <code class="break">{JSON.stringify(sub.filter)}</code>
            </dd>
          </>
        )}
        {depth.data && (
          <>
            <dt>Queue</dt>
            <dd>{describeQueue(depth.data)}</dd>
            <dt>Dead letters</dt>
            <dd>
              {depth.data.deadLettered}
              {depth.data.deadLettered > 0 && can('resend') && (
                <span class="muted"> (redrive them under Recover missed events)</span>
              )}
            </dd>
          </>
        )}
        {sub.failingSince && (
          <>
            <dt>Failing since</dt>
            <dd>{formatTime(sub.failingSince)}</dd>
          </>
        )}
        <dt>Id</dt>
        <dd class="mono">{sub.id}</dd>
      </dl>
      {can('write') && (
        <div class="actions">
          <Link href={`/portal/endpoints/${sub.id}/edit`} class="button secondary">
            Edit
          </Link>
          {(sub.status === 'active' || sub.status === 'paused') && (
            <button
              type="button"
              class="secondary"
              onClick={() =>
                act(() =>
                  api.updateSubscription(sub.id, {
                    status: sub.status === 'active' ? 'paused' : 'active',
                  }),
                )
              }
            >
              {sub.status === 'active' ? 'Pause' : 'Resume'}
            </button>
          )}
          {!confirming && (
            <button type="button" class="danger" onClick={() => setConfirming(true)}>
              Delete
            </button>
          )}
          {confirming && (
            <fieldset class="confirm">
              <legend class="visually-hidden">Confirm deletion</legend>
              <button
                type="button"
                class="danger"
                onClick={() =>
                  act(async () => {
                    await api.deleteSubscription(sub.id);
                    navigate('/portal');
                  })
                }
              >
                Delete for good
              </button>
              <button type="button" class="secondary" onClick={() => setConfirming(false)}>
                Keep it
              </button>
            </fieldset>
          )}
        </div>
      )}
      <ErrorNotice error={error} />
      {can('secrets') && <SecretPanel context={props.context} id={sub.id} />}
      {can('write') && <TestEventPanel context={props.context} id={sub.id} onAttempt={refresh} />}
      <section aria-labelledby="chart-heading">
        <h2 id="chart-heading">Deliveries over time</h2>
        <ErrorNotice error={history.error} />
        {history.data && <DeliveryChart attempts={history.data} />}
      </section>
      <AttemptLog context={props.context} id={sub.id} version={version} />
      {can('resend') && <RecoveryPanel context={props.context} id={sub.id} onRedrive={refresh} />}
    </>
  );
}
