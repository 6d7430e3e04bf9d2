import type { EventDetail } from '../api/types.js';
import { formatMs, formatTime } from './format.js';
import { StatusBadge } from './status-badge.js';

/** A stored event (the message API's answer): its payload and where it went. */
export function EventView(props: { event: EventDetail }) {
  const { event } = props;
  return (
    <article aria-labelledby="event-heading">
      <h2 id="event-heading" class="mono break">
        {event.id}
      </h2>
      <dl class="facts">
        <dt>Type</dt>
        <dd>{event.type}</dd>
        <dt>Accepted</dt>
        <dd>{formatTime(event.timestamp)}</dd>
        {event.tenantId && (
          <>
            <dt>Tenant</dt>
            <dd>{event.tenantId}</dd>
          </>
        )}
      </dl>
      {event.data ? (
        <pre class="payload">{JSON.stringify(event.data, null, 2)}</pre>
      ) : (
        <p class="muted">The payload was not kept.</p>
      )}
      <h3>Deliveries</h3>
      {event.deliveries.length === 0 && <p>It was routed to no subscription.</p>}
      <ul class="plain">
        {event.deliveries.map((delivery) => (
          <li key={delivery.subscriptionId}>
            <span class="mono">{delivery.subscriptionId}</span>{' '}
            <StatusBadge status={delivery.state} />
            <ol>
              {delivery.attempts.map((attempt) => (
                <li key={attempt.attempt}>
                  {formatTime(attempt.attemptedAt)}: {attempt.result}
                  {attempt.statusCode !== undefined && ` (HTTP ${attempt.statusCode})`},{' '}
                  {formatMs(attempt.durationMs)}
                </li>
              ))}
            </ol>
          </li>
        ))}
      </ul>
    </article>
  );
}
