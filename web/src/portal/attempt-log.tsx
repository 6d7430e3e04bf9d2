import { useState } from 'preact/hooks';
import type { AttemptResult, DeliveryAttempt } from '../api/types.js';
import { formatMs, formatTime } from '../ui/format.js';
import { ErrorNotice, Status } from '../ui/notice.js';
import { StatusBadge } from '../ui/status-badge.js';
import { useLoad } from '../ui/use-load.js';
import { AttemptDetail } from './attempt-detail.js';
import type { PortalContext } from './portal-context.js';

/** Test events go straight to the queue, not through ingest: the store has none to resend. */
const TEST_EVENT_TYPE = 'hookbridge.test';

const OUTCOMES: readonly (AttemptResult | '')[] = ['', 'delivered', 'failed', 'gone', 'refused'];

/**
 * The endpoint's attempt log, newest first, filtered by outcome: per attempt its status,
 * duration and the start of the response, and a disclosure button that shows it in full (the
 * request sent, the response); with `resend`, each event can be sent again.
 */
export function AttemptLog(props: { context: PortalContext; id: string; version: number }) {
  const { api, can } = props.context;
  const [result, setResult] = useState<AttemptResult | ''>('');
  const [more, setMore] = useState<DeliveryAttempt[]>([]);
  const [cursor, setCursor] = useState<string>();
  const [notice, setNotice] = useState<string>();
  const [error, setError] = useState<unknown>();
  const [open, setOpen] = useState<ReadonlySet<string>>(new Set());
  const page = useLoad(async () => {
    const first = await api.listAttempts(props.id, {
      ...(result && { result }),
      limit: 25,
    });
    setMore([]);
    setCursor(first.nextCursor);
    return first;
  }, [api, props.id, result, props.version]);
  const rows = [...(page.data?.data ?? []), ...more];
  const retentionDays = page.data?.eventRetentionDays ?? 0;
  const columns = can('resend') ? 7 : 6;

  function toggle(key: string) {
    const next = new Set(open);
    if (!next.delete(key)) next.add(key);
    setOpen(next);
  }

  async function loadMore() {
    if (!cursor) return;
    try {
      const next = await api.listAttempts(props.id, {
        ...(result && { result }),
        cursor,
        limit: 25,
      });
      setMore([...more, ...next.data]);
      setCursor(next.nextCursor);
    } catch (problem) {
      setError(problem);
    }
  }

  async function resend(eventId: string) {
    setError(undefined);
    setNotice(undefined);
    try {
      await api.resend(props.id, eventId);
      setNotice(`Event ${eventId} queued again; its new attempt will appear here.`);
    } catch (problem) {
      setError(problem);
    }
  }

  return (
    <section aria-labelledby="log-heading">
      <h2 id="log-heading">Attempt log</h2>
      <div class="inline-form">
        <label for="outcome-filter">Outcome</label>
        <select
          id="outcome-filter"
          value={result}
          onChange={(event) => setResult(event.currentTarget.value as AttemptResult | '')}
        >
          {OUTCOMES.map((outcome) => (
            <option key={outcome} value={outcome}>
              {outcome || 'All outcomes'}
            </option>
          ))}
        </select>
        <button type="button" class="secondary" onClick={page.reload}>
          Refresh
        </button>
      </div>
      {notice && <Status>{notice}</Status>}
      <ErrorNotice error={page.error ?? error} />
      {page.data && rows.length === 0 && <p>No attempts{result && ` with outcome ${result}`}.</p>}
      {rows.length > 0 && (
        <div class="table-wrap">
          <table>
            <caption class="visually-hidden">Delivery attempts, newest first</caption>
            <thead>
              <tr>
                <th scope="col">Time</th>
                <th scope="col">Event</th>
                <th scope="col">Outcome</th>
                <th scope="col">Status</th>
                <th scope="col">Duration</th>
                <th scope="col">Response</th>
                {can('resend') && <th scope="col">Action</th>}
              </tr>
            </thead>
            {/* One tbody per attempt: its row and its detail row move together when rows are added. */}
            {rows.map((attempt, index) => {
              const key = `${attempt.eventId}-${attempt.attempt}-${attempt.attemptedAt}`;
              const detailId = `attempt-detail-${index}`;
              const expanded = open.has(key);
              return (
                <tbody key={key}>
                  <tr>
                    <td>
                      <button
                        type="button"
                        class="secondary disclosure"
                        aria-expanded={expanded}
                        aria-controls={detailId}
                        onClick={() => toggle(key)}
                      >
                        {expanded ? '▾' : '▸'} Details
                        <span class="visually-hidden">
                          {' '}
                          of attempt {attempt.attempt} of {attempt.eventId}
                        </span>
                      </button>
                      <div>{formatTime(attempt.attemptedAt)}</div>
                    </td>
                    <td>
                      {attempt.eventType}
                      <div class="muted mono break">
                        {attempt.eventId} · #{attempt.attempt}
                      </div>
                    </td>
                    <td>
                      <StatusBadge status={attempt.result} />
                    </td>
                    <td>{attempt.statusCode ?? '—'}</td>
                    <td>{formatMs(attempt.durationMs)}</td>
                    <td class="break">
                      {attempt.error && <div>{attempt.error}</div>}
                      {attempt.responseBody ? (
                        <details>
                          <summary>{attempt.responseBody.slice(0, 40) || '(empty)'}</summary>
                          <pre>{attempt.responseBody}</pre>
                        </details>
                      ) : (
                        <span class="muted">(no body)</span>
                      )}
                    </td>
                    {can('resend') && (
                      <td>
                        {attempt.eventType !== TEST_EVENT_TYPE && (
                          <button
                            type="button"
                            class="secondary"
                            aria-label={`Resend event ${attempt.eventId}`}
                            onClick={() => resend(attempt.eventId)}
                          >
                            Resend
                          </button>
                        )}
                      </td>
                    )}
                  </tr>
                  <tr id={detailId} hidden={!expanded} class="detail-row">
                    <td colSpan={columns}>
                      {expanded && (
                        <AttemptDetail
                          context={props.context}
                          attempt={attempt}
                          retentionDays={retentionDays}
                        />
                      )}
                    </td>
                  </tr>
                </tbody>
              );
            })}
          </table>
        </div>
      )}
      {cursor && (
        <button type="button" class="secondary" onClick={loadMore}>
          Load older attempts
        </button>
      )}
    </section>
  );
}
