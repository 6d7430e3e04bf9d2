import { type ApiClient, isLoopback } from './api-client.js';
import type { SecretSource } from './listen.js';
import { pathSegment } from './path-segment.js';
import type { SecretView, SubscriptionPage } from './subscription-view.js';

/** A refresh at most this often, so a flood of forged requests cannot flood the API. */
const MIN_REFRESH_MS = 1000;

/** `--secret whsec_…`: the one secret given. */
export function staticSecret(secret: string): SecretSource {
  const secrets = [secret];
  return {
    description: 'the secret given with --secret',
    get: async () => secrets,
    refresh: async () => secrets,
  };
}

/**
 * Caches what `load` returns; `get` loads once (and again while nothing was found), `refresh`
 * loads again, both at most once a second.
 */
function cached(description: string, load: () => Promise<readonly string[]>): SecretSource {
  let secrets: readonly string[] | undefined;
  let loadedAt = 0;
  let loading: Promise<readonly string[]> | undefined;
  const reload = async () => {
    if (secrets && Date.now() - loadedAt < MIN_REFRESH_MS) return secrets;
    loading ??= load().finally(() => {
      loading = undefined;
    });
    const fresh = await loading;
    secrets = fresh;
    loadedAt = Date.now();
    return fresh;
  };
  return {
    description,
    get: async () => (secrets && secrets.length > 0 ? secrets : reload()),
    refresh: reload,
  };
}

/** The current secret of a subscription, and those still in a rotation's grace period. */
async function secretsOf(client: ApiClient, id: string): Promise<string[]> {
  const { body } = await client.request<SecretView>(
    'GET',
    `/v1/subscriptions/${pathSegment(id, '--subscription')}/secret`,
  );
  return [body.secret, ...body.previous.map((old) => old.secret)];
}

/** `--subscription sub_…`: that subscription's secrets, fetched again after a rotation. */
export function subscriptionSecrets(client: ApiClient, id: string): SecretSource {
  return cached(`the secret of ${id}`, () => secretsOf(client, id));
}

/**
 * Neither --secret nor --subscription: the secrets of every subscription whose URL points at
 * this listener, so the quickstart verifies signatures without copying a secret around.
 * `listenerUrl` is a getter because the port is known only once the listener listens.
 */
export function discoveredSecrets(
  client: ApiClient,
  listenerUrl: () => URL | undefined,
): SecretSource {
  return cached('the secrets of the subscriptions whose URL points here', async () => {
    const here = listenerUrl();
    if (!here) return [];
    const ids: string[] = [];
    let cursor: string | undefined;
    do {
      const { body: page } = await client.request<SubscriptionPage>('GET', '/v1/subscriptions', {
        query: { limit: 100, cursor },
      });
      for (const subscription of page.data) {
        if (pointsAt(subscription.url, here)) ids.push(subscription.id);
      }
      cursor = page.nextCursor;
    } while (cursor);
    return (await Promise.all(ids.map((id) => secretsOf(client, id)))).flat();
  });
}

/** Whether a subscription URL reaches this listener: same port and path, a loopback host. */
export function pointsAt(subscriptionUrl: string, listenerUrl: URL): boolean {
  let url: URL;
  try {
    url = new URL(subscriptionUrl);
  } catch {
    return false;
  }
  const port = (u: URL) => u.port || (u.protocol === 'https:' ? '443' : '80');
  return (
    url.protocol === listenerUrl.protocol &&
    port(url) === port(listenerUrl) &&
    url.pathname.replace(/\/+$/, '') === listenerUrl.pathname.replace(/\/+$/, '') &&
    (url.hostname === listenerUrl.hostname ||
      (isLoopback(url.hostname) && isLoopback(listenerUrl.hostname)))
  );
}
