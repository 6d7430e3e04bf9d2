import { useState } from 'preact/hooks';
import { formatTime } from '../ui/format.js';
import { ErrorNotice, Status } from '../ui/notice.js';
import { StatusBadge } from '../ui/status-badge.js';
import { useLoad } from '../ui/use-load.js';
import type { ConsoleContext } from './console-app.js';

/** A tenant's tokens (never their secrets), revocable one by one or all at once. */
export function TokensTable(props: { context: ConsoleContext; tenantId: string; version: number }) {
  const { api } = props.context;
  const tokens = useLoad(() => api.listTokens(props.tenantId), [props.tenantId, props.version]);
  const [error, setError] = useState<unknown>();
  const [notice, setNotice] = useState<string>();

  async function act(action: () => Promise<unknown>, done: string) {
    setError(undefined);
    setNotice(undefined);
    try {
      await action();
      setNotice(done);
      tokens.reload();
    } catch (problem) {
      setError(problem);
    }
  }

  return (
    <section aria-labelledby="tokens-heading">
      <h2 id="tokens-heading">Tokens</h2>
      <ErrorNotice error={tokens.error ?? error} />
      {notice && <Status>{notice}</Status>}
      {tokens.data && tokens.data.data.length === 0 && <p>No tokens.</p>}
      {tokens.data && tokens.data.data.length > 0 && (
        <div class="table-wrap">
          <table>
            <caption class="visually-hidden">Tokens of this tenant</caption>
            <thead>
              <tr>
                <th scope="col">Token</th>
                <th scope="col">Capabilities</th>
                <th scope="col">Expires</th>
                <th scope="col">Status</th>
                <th scope="col">Action</th>
              </tr>
            </thead>
            <tbody>
              {tokens.data.data.map((token) => (
                <tr key={token.id}>
                  <td class="mono">{token.id}</td>
                  <td>{token.capabilities.join(', ')}</td>
                  <td>{formatTime(token.expiresAt)}</td>
                  <td>
                    <StatusBadge status={token.status} />
                  </td>
                  <td>
                    {token.status === 'active' && (
                      <button
                        type="button"
                        class="danger"
                        aria-label={`Revoke token ${token.id}`}
                        onClick={() =>
                          act(
                            () => api.revokeToken(props.tenantId, token.id),
                            `Token ${token.id} revoked; it stops working within the authorizer cache time.`,
                          )
                        }
                      >
                        Revoke
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <button
        type="button"
        class="danger"
        onClick={() =>
          act(() => api.revokeAllTokens(props.tenantId), 'Every token of this tenant was revoked.')
        }
      >
        Revoke all tokens
      </button>
    </section>
  );
}
