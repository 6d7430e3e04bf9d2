import { useState } from 'preact/hooks';
import { Field } from '../ui/field.js';
import { ErrorNotice, Status } from '../ui/notice.js';
import type { PortalContext } from './portal-context.js';

/** `datetime-local` text (local time, no zone) for a Date. */
function localInput(date: Date): string {
  const shifted = new Date(date.getTime() - date.getTimezoneOffset() * 60_000);
  return shifted.toISOString().slice(0, 16);
}

/**
 * Getting missed events again (sessions with `resend`): replay a window of archived events to
 * this endpoint, or move what its dead-letter queue holds back to its queue.
 */
export function RecoveryPanel(props: {
  context: PortalContext;
  id: string;
  /** Called after a redrive, so the screen counts the lane again. */
  onRedrive?: () => void;
}) {
  const { api } = props.context;
  const now = new Date();
  const [from, setFrom] = useState(localInput(new Date(now.getTime() - 3_600_000)));
  const [to, setTo] = useState(localInput(now));
  const [notice, setNotice] = useState<string>();
  const [error, setError] = useState<unknown>();

  async function act(action: () => Promise<string>) {
    setError(undefined);
    setNotice(undefined);
    try {
      setNotice(await action());
    } catch (problem) {
      setError(problem);
    }
  }

  return (
    <section aria-labelledby="recovery-heading">
      <h2 id="recovery-heading">Recover missed events</h2>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          void act(async () => {
            const started = await api.replay(props.id, {
              from: new Date(from).toISOString(),
              to: new Date(to).toISOString(),
            });
            return `Replay ${started.replayName} started; events arrive as it runs.`;
          });
        }}
      >
        <div class="row">
          <Field id="replay-from" label="Replay from">
            {(aria) => (
              <input
                {...aria}
                type="datetime-local"
                value={from}
                onInput={(e) => setFrom(e.currentTarget.value)}
              />
            )}
          </Field>
          <Field id="replay-to" label="Replay to">
            {(aria) => (
              <input
                {...aria}
                type="datetime-local"
                value={to}
                onInput={(e) => setTo(e.currentTarget.value)}
              />
            )}
          </Field>
        </div>
        <button type="submit">Replay window</button>
      </form>
      <p>
        <button
          type="button"
          class="secondary"
          onClick={() =>
            act(async () => {
              const result = await api.redrive(props.id);
              props.onRedrive?.();
              return `Moved ${result.moved} dead-lettered ${result.moved === 1 ? 'event' : 'events'} back to the queue${result.more ? '; more remain, redrive again' : ''}.`;
            })
          }
        >
          Redrive dead-letter queue
        </button>
      </p>
      {notice && <Status>{notice}</Status>}
      <ErrorNotice error={error} />
    </section>
  );
}
