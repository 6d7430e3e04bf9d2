import type { ComponentChildren } from 'preact';
import { ApiError } from '../api/api-error.js';
import type { DeliveryAttempt } from '../api/types.js';
import { formatMs, formatTime } from '../ui/format.js';
import { ErrorNotice } from '../ui/notice.js';
import { useLoad } from '../ui/use-load.js';
import type { PortalContext } from './portal-context.js';
import { missingBodyReason, sentBody, utf8Bytes } from './sent-body.js';

/** The body's state: shown (with whether its size is the one sent), or why it is not. */
type Body =
  | { readonly text: string; readonly matches: boolean | undefined }
  | { readonly reason: string };

/**
 * One attempt in full: the request (URL, headers in the order sent, the body from the event
 * store) and the response (status, duration, error, the start of its body), and when the next
 * attempt is due. Mounted when its row is expanded, so the event is read only then.
 */
export function AttemptDetail(props: {
  context: PortalContext;
  attempt: DeliveryAttempt;
  retentionDays: number;
}) {
  const { attempt, retentionDays } = props;
  const { api } = props.context;
  const body = useLoad<Body>(async () => {
    if (attempt.eventType === 'hookbridge.test' || retentionDays === 0)
      return { reason: missingBodyReason({ eventType: attempt.eventType, retentionDays }) };
    try {
      const event = await api.getEvent(attempt.eventId);
      const text = sentBody(event);
      if (text === undefined)
        return {
          reason: missingBodyReason({ ...attempt, retentionDays, payloadRetained: false }),
        };
      const sent = attempt.requestBodyBytes;
      return { text, matches: sent === undefined ? undefined : utf8Bytes(text) === sent };
    } catch (error) {
      if (error instanceof ApiError && error.status === 404)
        return { reason: missingBodyReason({ eventType: attempt.eventType, retentionDays }) };
      throw error;
    }
  }, [api, attempt.eventId, attempt.eventType, retentionDays]);

  return (
    <div class="attempt-detail">
      <h3>Request</h3>
      {attempt.requestUrl === undefined ? (
        <p class="muted">
          Not recorded: this attempt was logged before Hookbridge kept the request it sent.
        </p>
      ) : (
        <>
          <p class="mono break">POST {attempt.requestUrl}</p>
          <table class="headers">
            <caption>Request headers, in the order sent</caption>
            <tbody>
              {(attempt.requestHeaders ?? []).map((header, index) => (
                <tr key={`${index}-${header.name}`}>
                  <th scope="row" class="mono">
                    {header.name}
                  </th>
                  <td class="mono break">{header.value}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {attempt.requestHeadersTruncated && (
            <p class="muted">More custom headers were sent than the log keeps.</p>
          )}
        </>
      )}
      <h4>Body</h4>
      <ErrorNotice error={body.error} />
      {body.loading && !body.data && <p class="muted">Reading the event…</p>}
      {body.data && 'reason' in body.data && <p class="muted">{body.data.reason}</p>}
      {body.data && 'text' in body.data && (
        <BodyText
          text={body.data.text}
          matches={body.data.matches}
          sentBytes={attempt.requestBodyBytes}
        />
      )}
      <h3>Response</h3>
      <dl class="facts">
        <dt>Status</dt>
        <dd>{attempt.statusCode ?? 'No response'}</dd>
        <dt>Duration</dt>
        <dd>{formatMs(attempt.durationMs)}</dd>
        {attempt.error && (
          <>
            <dt>Error</dt>
            <dd class="break">{attempt.error}</dd>
          </>
        )}
        {attempt.nextAttemptAt && (
          <>
            <dt>Next attempt</dt>
            <dd>{formatTime(attempt.nextAttemptAt)}</dd>
          </>
        )}
      </dl>
      {attempt.responseBody ? (
        <Scrolled label="Response body (first 4 KB)">{attempt.responseBody}</Scrolled>
      ) : (
        <p class="muted">
          {attempt.result === 'delivered'
            ? 'The body of a successful response is not kept.'
            : 'No response body.'}
        </p>
      )}
    </div>
  );
}

function BodyText(props: { text: string; matches: boolean | undefined; sentBytes?: number }) {
  const bytes = utf8Bytes(props.text);
  return (
    <>
      {props.matches === false && (
        <p class="notice error">
          The stored event is {bytes} bytes but this attempt sent {props.sentBytes}: shown is the
          stored event, not what was sent.
        </p>
      )}
      <Scrolled label="Request body">{JSON.stringify(JSON.parse(props.text), null, 2)}</Scrolled>
      <details>
        <summary>
          {props.matches ? 'Exactly as sent' : 'On one line, as the deliverer sends it'} ({bytes}{' '}
          bytes)
        </summary>
        <Scrolled label="Request body on one line" wrap>
          {props.text}
        </Scrolled>
      </details>
    </>
  );
}

/** A block of text that may scroll: a labelled region the keyboard can reach to scroll it. */
function Scrolled(props: { label: string; wrap?: boolean; children: ComponentChildren }) {
  return (
    // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrolling region must take focus, or the keyboard cannot scroll it (WCAG 2.1.1)
    <section class="scrolled" aria-label={props.label} tabIndex={0}>
      <pre class={props.wrap ? 'wrap' : undefined}>{props.children}</pre>
    </section>
  );
}
