import { ApiError, toApiError } from './api-error.js';
import type {
  AttemptPage,
  AttemptResult,
  Backlog,
  Capability,
  CreatedSubscription,
  EventDetail,
  EventSummary,
  EventType,
  EventTypeChange,
  EventTypeInput,
  MintedToken,
  Page,
  SecretView,
  Subscription,
  SubscriptionChange,
  SubscriptionInput,
  Tenant,
  TokenView,
} from './types.js';

/** How the client reaches the API. */
export interface ClientOptions {
  /** Origin of the API; the app is served by it, so '' (same origin) unless a test says. */
  readonly baseUrl?: string;
  /** A tenant token, sent as `Authorization: Bearer`; none: the operator (local runtime). */
  readonly token?: string;
  readonly fetch?: typeof fetch;
  /** Called when the gateway refuses the token, before the error is thrown. */
  readonly onSessionEnded?: (error: ApiError) => void;
}

type Query = Record<string, string | number | undefined>;

let configuredBase = '';

/**
 * The API's origin as the deployment says it (`/config.json`, `{ "apiUrl": … }`, written next
 * to the app by the stack): deployed, the app is on CloudFront and the token API elsewhere.
 * Locally that path is the app's page, not JSON, and the API is the app's own origin ('').
 */
export async function loadApiBase(read: typeof fetch = fetch): Promise<string> {
  configuredBase = '';
  try {
    const response = await read('/config.json', { headers: { accept: 'application/json' } });
    const type = response.headers.get('content-type') ?? '';
    if (response.ok && type.includes('json')) {
      const { apiUrl } = (await response.json()) as { apiUrl?: unknown };
      if (typeof apiUrl === 'string' && /^https:\/\/[^/]+/.test(apiUrl))
        configuredBase = apiUrl.replace(/\/+$/, '');
    }
  } catch {
    // No configuration: the same origin.
  }
  return configuredBase;
}

/** A typed request: the path is built from segments, each one encoded. */
export type Requester = <T>(
  method: string,
  segments: readonly string[],
  init?: { query?: Query; body?: unknown },
) => Promise<T>;

/** Sends requests as the session's principal and turns refusals into ApiErrors. */
export function requester(options: ClientOptions = {}): Requester {
  const send = options.fetch ?? ((input, init) => fetch(input, init));
  return async <T>(
    method: string,
    segments: readonly string[],
    init: { query?: Query; body?: unknown } = {},
  ) => {
    // A segment `..` would climb the path (fetch resolves dot segments): another route.
    const bad = segments.find((segment) => segment === '' || segment === '.' || segment === '..');
    if (bad !== undefined)
      throw new ApiError(400, 'invalid_id', `"${bad}" is not a valid id`, [], false);
    const path = `/${segments.map((segment) => encodeURIComponent(segment)).join('/')}`;
    const query = new URLSearchParams();
    for (const [name, value] of Object.entries(init.query ?? {})) {
      if (value !== undefined && value !== '') query.set(name, String(value));
    }
    const search = query.size > 0 ? `?${query}` : '';
    const headers: Record<string, string> = { accept: 'application/json' };
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    if (init.body !== undefined) headers['content-type'] = 'application/json';
    const response = await send(`${options.baseUrl ?? configuredBase}${path}${search}`, {
      method,
      headers,
      // The token never rides in a URL, and no page address leaks to the API either.
      referrerPolicy: 'no-referrer',
      credentials: 'omit',
      ...(init.body !== undefined && { body: JSON.stringify(init.body) }),
    });
    const text = await response.text();
    let body: unknown;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      body = undefined;
    }
    if (!response.ok) {
      const error = toApiError(response.status, body);
      if (error.sessionEnded) options.onSessionEnded?.(error);
      throw error;
    }
    return body as T;
  };
}

/** Filters of the attempt log. */
export interface AttemptQuery {
  readonly result?: AttemptResult;
  readonly eventId?: string;
  readonly cursor?: string;
  readonly limit?: number;
}

/**
 * A tenant's own routes (`/v1/tenants/{tenantId}/…`): all a portal session may call, and what
 * the console uses for one tenant's subscriptions.
 */
export function tenantApi(request: Requester, tenantId: string) {
  const tenant = ['v1', 'tenants', tenantId];
  const subscription = (id: string) => [...tenant, 'subscriptions', id];
  return {
    getTenant: () => request<Tenant>('GET', tenant),
    listSubscriptions: (cursor?: string) =>
      request<Page<Subscription>>('GET', [...tenant, 'subscriptions'], {
        query: { cursor, limit: 100 },
      }),
    getSubscription: (id: string) => request<Subscription>('GET', subscription(id)),
    createSubscription: (input: SubscriptionInput) =>
      request<CreatedSubscription>('POST', [...tenant, 'subscriptions'], { body: input }),
    updateSubscription: (id: string, change: SubscriptionChange) =>
      request<Subscription>('PATCH', subscription(id), { body: change }),
    deleteSubscription: (id: string) => request<undefined>('DELETE', subscription(id)),
    getSecret: (id: string) => request<SecretView>('GET', [...subscription(id), 'secret']),
    rotateSecret: (id: string, gracePeriodSeconds: number) =>
      request<SecretView>('POST', [...subscription(id), 'secret', 'rotate'], {
        body: { gracePeriodSeconds },
      }),
    listAttempts: (id: string, query: AttemptQuery = {}) =>
      request<AttemptPage>('GET', [...subscription(id), 'deliveries'], {
        query: { ...query },
      }),
    sendTest: (id: string) => request<{ id: string }>('POST', [...subscription(id), 'test']),
    redrive: (id: string) =>
      request<{ moved: number; more: boolean }>('POST', [...subscription(id), 'redrive']),
    getBacklog: (id: string) => request<Backlog>('GET', [...subscription(id), 'backlog']),
    replay: (id: string, window: { from: string; to: string }) =>
      request<{ replayName: string }>('POST', [...subscription(id), 'replay'], { body: window }),
    resend: (id: string, eventId: string) =>
      request<{ eventId: string; subscriptionId: string }>(
        'POST',
        [...subscription(id), 'resend'],
        {
          body: { eventId },
        },
      ),
    getEvent: (eventId: string) => request<EventDetail>('GET', [...tenant, 'events', eventId]),
    listEvents: (cursor?: string) =>
      request<Page<EventSummary>>('GET', [...tenant, 'events'], { query: { cursor } }),
    listEventTypes: (cursor?: string) =>
      request<Page<EventType>>('GET', [...tenant, 'event-types'], {
        query: { cursor, limit: 100 },
      }),
    getEventType: (name: string) => request<EventType>('GET', [...tenant, 'event-types', name]),
  };
}

export type TenantApi = ReturnType<typeof tenantApi>;

/** The operator's routes the console calls (locally: no credentials at all). */
export function operatorApi(request: Requester) {
  return {
    listTenants: (cursor?: string) =>
      request<Page<Tenant>>('GET', ['v1', 'tenants'], { query: { cursor, limit: 100 } }),
    createTenant: (input: { id: string; name: string }) =>
      request<Tenant>('POST', ['v1', 'tenants'], { body: input }),
    listSubscriptions: (query: { tenantId?: string; cursor?: string } = {}) =>
      request<Page<Subscription>>('GET', ['v1', 'subscriptions'], {
        query: { ...query, limit: 100 },
      }),
    getBacklog: (id: string) => request<Backlog>('GET', ['v1', 'subscriptions', id, 'backlog']),
    getEvent: (eventId: string) => request<EventDetail>('GET', ['v1', 'events', eventId]),
    mintToken: (tenantId: string, input: { ttlSeconds: number; capabilities: Capability[] }) =>
      request<MintedToken>('POST', ['v1', 'tenants', tenantId, 'tokens'], { body: input }),
    listTokens: (tenantId: string) =>
      request<Page<TokenView>>('GET', ['v1', 'tenants', tenantId, 'tokens']),
    revokeToken: (tenantId: string, tokenId: string) =>
      request<undefined>('DELETE', ['v1', 'tenants', tenantId, 'tokens', tokenId]),
    revokeAllTokens: (tenantId: string) =>
      request<undefined>('DELETE', ['v1', 'tenants', tenantId, 'tokens']),
    listEventTypes: (cursor?: string) =>
      request<Page<EventType>>('GET', ['v1', 'event-types'], { query: { cursor, limit: 100 } }),
    getEventType: (name: string) => request<EventType>('GET', ['v1', 'event-types', name]),
    createEventType: (input: EventTypeInput) =>
      request<EventType>('POST', ['v1', 'event-types'], { body: input }),
    updateEventType: (name: string, change: EventTypeChange) =>
      request<EventType>('PATCH', ['v1', 'event-types', name], { body: change }),
    deleteEventType: (name: string) => request<undefined>('DELETE', ['v1', 'event-types', name]),
  };
}

export type OperatorApi = ReturnType<typeof operatorApi>;

export { ApiError };

/**
 * Every entry of the catalog, page after page (100 each), up to `maxPages`: the picker and the
 * catalog screens show the whole catalog, not its first page.
 */
export async function readCatalog(
  list: (cursor?: string) => Promise<Page<EventType>>,
  maxPages = 20,
): Promise<EventType[]> {
  const entries: EventType[] = [];
  let cursor: string | undefined;
  for (let page = 0; page < maxPages; page++) {
    const answer = await list(cursor);
    entries.push(...answer.data);
    cursor = answer.nextCursor;
    if (!cursor) break;
  }
  return entries;
}
