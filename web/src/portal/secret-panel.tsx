import { useState } from 'preact/hooks';
import type { SecretView } from '../api/types.js';
import { CopyButton } from '../ui/copy-button.js';
import { formatTime } from '../ui/format.js';
import { ErrorNotice, Status } from '../ui/notice.js';
import type { PortalContext } from './portal-context.js';
import { verifySnippets } from './verify-snippets.js';

const GRACE_PERIODS = [
  { seconds: 0, label: 'None: the old secret stops at once' },
  { seconds: 3600, label: '1 hour' },
  { seconds: 86_400, label: '24 hours' },
  { seconds: 604_800, label: '7 days' },
];

/**
 * The endpoint's signing secret (shown only on request, only to `secrets` sessions), its
 * rotation with a grace period, and the snippets that verify deliveries with it.
 */
export function SecretPanel(props: { context: PortalContext; id: string }) {
  const { api } = props.context;
  const [view, setView] = useState<SecretView>();
  const [grace, setGrace] = useState(86_400);
  const [error, setError] = useState<unknown>();
  const [rotated, setRotated] = useState(false);

  const run = (action: () => Promise<SecretView>, after?: () => void) => async () => {
    setError(undefined);
    try {
      setView(await action());
      after?.();
    } catch (problem) {
      setError(problem);
    }
  };

  return (
    <section aria-labelledby="secret-heading">
      <h2 id="secret-heading">Signing secret</h2>
      {!view && (
        <button type="button" onClick={run(() => api.getSecret(props.id))}>
          Reveal secret
        </button>
      )}
      {view && (
        <>
          <label for="current-secret">Current secret</label>
          <div class="copy-row">
            <input id="current-secret" readOnly value={view.secret} class="mono" />
            <CopyButton text={view.secret} label="Copy secret" />
          </div>
          {view.previous.length > 0 && (
            <ul aria-label="Previous secrets still signing">
              {view.previous.map((previous) => (
                <li key={previous.secret}>
                  <code class="break">{previous.secret}</code>{' '}
                  <span class="muted">signs until {formatTime(previous.expiresAt)}</span>
                </li>
              ))}
            </ul>
          )}
        </>
      )}
      <form
        class="inline-form"
        onSubmit={(event) => {
          event.preventDefault();
          void run(
            () => api.rotateSecret(props.id, grace),
            () => setRotated(true),
          )();
        }}
      >
        <label for="grace-period">Grace period for the old secret</label>
        <select
          id="grace-period"
          value={grace}
          onChange={(event) => setGrace(Number(event.currentTarget.value))}
        >
          {GRACE_PERIODS.map((option) => (
            <option key={option.seconds} value={option.seconds}>
              {option.label}
            </option>
          ))}
        </select>
        <button type="submit">Rotate secret</button>
      </form>
      {rotated && <Status>Secret rotated. Deliveries are signed with the new secret.</Status>}
      <ErrorNotice error={error} />
      <details>
        <summary>Verify deliveries in your code</summary>
        {verifySnippets(view?.secret ?? 'whsec_…').map((snippet) => (
          <div key={snippet.language} class="snippet">
            <h3>{snippet.language}</h3>
            <pre>
              <code>{snippet.install}</code>
            </pre>
            <pre>
              <code>{snippet.code}</code>
            </pre>
            <CopyButton text={snippet.code} label={`Copy ${snippet.language} snippet`} />
          </div>
        ))}
      </details>
    </section>
  );
}
