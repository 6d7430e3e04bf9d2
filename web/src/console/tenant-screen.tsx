import { useState } from 'preact/hooks';
import { ApiError } from '../api/api-error.js';
import { CAPABILITIES, type Capability, type MintedToken } from '../api/types.js';
import { portalFragment } from '../portal/portal-session.js';
import { CopyButton } from '../ui/copy-button.js';
import { formatTime } from '../ui/format.js';
import { ErrorNotice, Status } from '../ui/notice.js';
import { Link } from '../ui/router.js';
import { ScreenTitle } from '../ui/screen-title.js';
import { StatusBadge } from '../ui/status-badge.js';
import { useLoad } from '../ui/use-load.js';
import type { ConsoleContext } from './console-app.js';
import { TokensTable } from './tokens-table.js';

const LIFETIMES = [
  { seconds: 900, label: '15 minutes' },
  { seconds: 3600, label: '1 hour' },
  { seconds: 86_400, label: '1 day' },
  { seconds: 604_800, label: '7 days' },
];

const CAPABILITY_LABELS: Record<Capability, string> = {
  read: 'Read (endpoints, attempts, events)',
  write: 'Manage endpoints and send test events',
  secrets: 'Reveal and rotate signing secrets',
  resend: 'Resend, replay and redrive',
};

/** The portal link of a minted token: the token rides in the fragment, never sent anywhere. */
export function portalLink(origin: string, minted: MintedToken): string {
  return `${origin}/portal${portalFragment({
    token: minted.token,
    tenantId: minted.tenantId,
    capabilities: minted.capabilities,
    expiresAt: minted.expiresAt,
  })}`;
}

/** One tenant: its subscriptions, and minting a portal link for it. */
export function TenantScreen(props: { context: ConsoleContext; tenantId: string }) {
  const { api } = props.context;
  const tenantApi = props.context.tenant(props.tenantId);
  const tenant = useLoad(() => tenantApi.getTenant(), [props.tenantId]);
  const subs = useLoad(() => tenantApi.listSubscriptions(), [props.tenantId]);
  const [ttl, setTtl] = useState(3600);
  const [caps, setCaps] = useState<Capability[]>(['read', 'write']);
  const [minted, setMinted] = useState<MintedToken>();
  const [error, setError] = useState<unknown>();
  const [tokensVersion, setTokensVersion] = useState(0);

  if (tenant.error instanceof ApiError && tenant.error.status === 404)
    return <ScreenTitle>Tenant not found</ScreenTitle>;

  async function mint(event: Event) {
    event.preventDefault();
    setError(undefined);
    try {
      setMinted(await api.mintToken(props.tenantId, { ttlSeconds: ttl, capabilities: caps }));
      setTokensVersion((n) => n + 1);
    } catch (problem) {
      setError(problem);
    }
  }
  const link = minted && portalLink(location.origin, minted);
  return (
    <>
      <p>
        <Link href="/console">← Tenants</Link>
      </p>
      <ScreenTitle>{tenant.data?.name ?? props.tenantId}</ScreenTitle>
      <p class="muted mono">{props.tenantId}</p>
      <ErrorNotice error={tenant.error} />

      <section aria-labelledby="subs-heading">
        <h2 id="subs-heading">Subscriptions</h2>
        <ErrorNotice error={subs.error} />
        {subs.data && subs.data.data.length === 0 && <p>None yet.</p>}
        <ul class="plain">
          {subs.data?.data.map((sub) => (
            <li key={sub.id}>
              <StatusBadge status={sub.status} /> <span class="break">{sub.url}</span>{' '}
              <span class="muted">({sub.eventTypes.join(', ')})</span>
            </li>
          ))}
        </ul>
      </section>

      <section aria-labelledby="mint-heading">
        <h2 id="mint-heading">New portal link</h2>
        <form onSubmit={mint}>
          <div class="field">
            <label for="token-ttl">Valid for</label>
            <select
              id="token-ttl"
              value={ttl}
              onChange={(e) => setTtl(Number(e.currentTarget.value))}
            >
              {LIFETIMES.map((option) => (
                <option key={option.seconds} value={option.seconds}>
                  {option.label}
                </option>
              ))}
            </select>
          </div>
          <fieldset>
            <legend>Capabilities</legend>
            {CAPABILITIES.map((capability) => (
              <div key={capability} class="check">
                <input
                  type="checkbox"
                  id={`cap-${capability}`}
                  checked={caps.includes(capability)}
                  onChange={(e) =>
                    setCaps(
                      e.currentTarget.checked
                        ? CAPABILITIES.filter((c) => c === capability || caps.includes(c))
                        : caps.filter((c) => c !== capability),
                    )
                  }
                />
                <label for={`cap-${capability}`}>{CAPABILITY_LABELS[capability]}</label>
              </div>
            ))}
          </fieldset>
          <button type="submit">Create portal link</button>
        </form>
        <ErrorNotice error={error} />
        {minted && link && (
          <>
            <Status>
              Link created; it works until {formatTime(minted.expiresAt)}. It is shown only now.
            </Status>
            <label for="portal-link">Portal link</label>
            <div class="copy-row">
              <input id="portal-link" readOnly value={link} class="mono" />
              <CopyButton text={link} label="Copy link" />
            </div>
          </>
        )}
      </section>

      <TokensTable context={props.context} tenantId={props.tenantId} version={tokensVersion} />
    </>
  );
}
