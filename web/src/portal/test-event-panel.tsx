import { useEffect, useState } from 'preact/hooks';
import type { DeliveryAttempt } from '../api/types.js';
import { formatMs } from '../ui/format.js';
import { ErrorNotice, Status } from '../ui/notice.js';
import type { PortalContext } from './portal-context.js';

const POLL_MS = 1000;
const GIVE_UP_MS = 120_000;

/**
 * Sends a test event and follows it in the attempt log until its first attempt is logged, so
 * the person sees it arrive (or why it did not).
 */
export function TestEventPanel(props: { context: PortalContext; id: string; onAttempt(): void }) {
  const { api } = props.context;
  const [eventId, setEventId] = useState<string>();
  const [attempt, setAttempt] = useState<DeliveryAttempt>();
  const [error, setError] = useState<unknown>();
  const [gaveUp, setGaveUp] = useState(false);

  useEffect(() => {
    if (!eventId || attempt) return;
    const started = Date.now();
    let timer: ReturnType<typeof setTimeout>;
    let stopped = false;
    const poll = async () => {
      try {
        const page = await api.listAttempts(props.id, { eventId, limit: 10 });
        const latest = page.data[0];
        if (latest) {
          setAttempt(latest);
          props.onAttempt();
          return;
        }
      } catch (problem) {
        setError(problem);
        return;
      }
      if (Date.now() - started > GIVE_UP_MS) setGaveUp(true);
      else if (!stopped) timer = setTimeout(poll, POLL_MS);
    };
    timer = setTimeout(poll, POLL_MS / 2);
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, [api, props.id, eventId, attempt, props.onAttempt]);

  async function send() {
    setError(undefined);
    setAttempt(undefined);
    setGaveUp(false);
    try {
      setEventId((await api.sendTest(props.id)).id);
    } catch (problem) {
      setError(problem);
    }
  }

  return (
    <section aria-labelledby="test-heading">
      <h2 id="test-heading">Test event</h2>
      <button type="button" onClick={send}>
        Send test event
      </button>
      {eventId && !attempt && !gaveUp && !error && (
        <Status>Test event {eventId} sent; waiting for the delivery…</Status>
      )}
      {attempt && (
        <Status>
          Test event{' '}
          {attempt.result === 'delivered' ? 'delivered' : `not delivered (${attempt.result})`}
          {attempt.statusCode !== undefined && `: HTTP ${attempt.statusCode}`} in{' '}
          {formatMs(attempt.durationMs)}
          {attempt.error && ` — ${attempt.error}`}
        </Status>
      )}
      {gaveUp && <Status>No attempt logged yet; it will appear in the log below.</Status>}
      <ErrorNotice error={error} />
    </section>
  );
}
