import { describe, expect, it } from 'vitest';
import { ApiError } from '../../../web/src/api/api-error.js';
import { operatorApi, readCatalog, requester, tenantApi } from '../../../web/src/api/client.js';
import { openApiDocument, openApiValidator } from '../../support/openapi-validator.js';

// The web app's client, held to openapi.json: every request it can make names an operation of
// the document, and every body it sends validates against that operation's request schema.

interface Sent {
  method: string;
  url: URL;
  headers: Record<string, string>;
  body: unknown;
}

function recording(status = 200, answer: unknown = {}) {
  const sent: Sent[] = [];
  const fetcher = (async (input: string | URL | Request, init?: RequestInit) => {
    sent.push({
      method: init?.method ?? 'GET',
      url: new URL(String(input), 'http://portal.test'),
      headers: { ...(init?.headers as Record<string, string>) },
      body: typeof init?.body === 'string' ? JSON.parse(init.body) : undefined,
    });
    return new Response(answer === undefined ? null : JSON.stringify(answer), { status });
  }) as typeof fetch;
  return { sent, fetcher };
}

const TOKEN = `hbt_${'a'.repeat(24)}.${'b'.repeat(43)}`;
const SUB = 'sub_01JD5Z8Q4X9V2M7K3T6N0R1B8C';
const EVT = 'evt_01JD5Z8Q4X9V2M7K3T6N0R1B8C';

type Calls<T> = { [K in keyof T]: (api: T) => Promise<unknown> };

const tenantCalls: Calls<ReturnType<typeof tenantApi>> = {
  getTenant: (api) => api.getTenant(),
  listSubscriptions: (api) => api.listSubscriptions('cursor-1'),
  getSubscription: (api) => api.getSubscription(SUB),
  createSubscription: (api) =>
    api.createSubscription({
      url: 'https://example.com/hook',
      eventTypes: ['order.*', 'invoice.paid'],
      description: 'Orders',
      filter: { amount: [{ numeric: ['>', 100] }] },
    }),
  updateSubscription: (api) =>
    api.updateSubscription(SUB, {
      url: 'https://example.com/other',
      eventTypes: ['*'],
      description: null,
      filter: null,
      status: 'paused',
    }),
  deleteSubscription: (api) => api.deleteSubscription(SUB),
  getSecret: (api) => api.getSecret(SUB),
  rotateSecret: (api) => api.rotateSecret(SUB, 3600),
  listAttempts: (api) => api.listAttempts(SUB, { result: 'failed', eventId: EVT, limit: 25 }),
  sendTest: (api) => api.sendTest(SUB),
  redrive: (api) => api.redrive(SUB),
  getBacklog: (api) => api.getBacklog(SUB),
  replay: (api) =>
    api.replay(SUB, { from: '2026-01-01T00:00:00.000Z', to: '2026-01-01T01:00:00.000Z' }),
  resend: (api) => api.resend(SUB, EVT),
  getEvent: (api) => api.getEvent(EVT),
  listEvents: (api) => api.listEvents(),
  listEventTypes: (api) => api.listEventTypes('cursor-1'),
  getEventType: (api) => api.getEventType('invoice.paid'),
};

const operatorCalls: Calls<ReturnType<typeof operatorApi>> = {
  listTenants: (api) => api.listTenants(),
  createTenant: (api) => api.createTenant({ id: 'acme', name: 'Acme' }),
  listSubscriptions: (api) => api.listSubscriptions({ tenantId: 'acme' }),
  getBacklog: (api) => api.getBacklog(SUB),
  getEvent: (api) => api.getEvent(EVT),
  mintToken: (api) => api.mintToken('acme', { ttlSeconds: 3600, capabilities: ['read', 'write'] }),
  listTokens: (api) => api.listTokens('acme'),
  revokeToken: (api) => api.revokeToken('acme', 'a'.repeat(24)),
  revokeAllTokens: (api) => api.revokeAllTokens('acme'),
  listEventTypes: (api) => api.listEventTypes('cursor-1'),
  getEventType: (api) => api.getEventType('invoice.paid'),
  createEventType: (api) =>
    api.createEventType({
      name: 'invoice.paid',
      description: 'An invoice was paid',
      schema: { type: 'object', properties: { amount: { type: 'integer' } } },
      example: { amount: 100 },
      deprecated: false,
      validate: true,
    }),
  updateEventType: (api) =>
    api.updateEventType('invoice.paid', {
      description: null,
      schema: null,
      example: null,
      deprecated: true,
      validate: false,
    }),
  deleteEventType: (api) => api.deleteEventType('invoice.paid'),
};

const templates = Object.keys(openApiDocument.paths).map((template) => ({
  template,
  regex: new RegExp(`^${template.replace(/\{\w+\}/g, '[^/]+')}$`),
}));
const validator = openApiValidator();
const pointerPart = (part: string) => part.replaceAll('~', '~0').replaceAll('/', '~1');

/** The operation a request names, checked against the document; its body against the schema. */
function conformance(request: Sent): string[] {
  const method = request.method.toLowerCase();
  const found = templates.find(
    ({ template, regex }) =>
      regex.test(request.url.pathname) && openApiDocument.paths[template]?.[method],
  );
  if (!found) return [`${request.method} ${request.url.pathname}: no such operation`];
  const operation = openApiDocument.paths[found.template]?.[method] as {
    parameters?: { in?: string; name?: string; $ref?: string }[];
    requestBody?: unknown;
  };
  const problems: string[] = [];
  const queryNames = new Set(
    (operation.parameters ?? []).filter((p) => p.in === 'query').map((p) => p.name),
  );
  for (const name of request.url.searchParams.keys()) {
    if (!queryNames.has(name)) problems.push(`${found.template}: unknown query parameter ${name}`);
  }
  if (request.body !== undefined) {
    if (!operation.requestBody) return [...problems, `${found.template}: takes no body`];
    const pointer = `/paths/${pointerPart(found.template)}/${method}/requestBody/content/application~1json/schema`;
    problems.push(
      ...validator.validateAt(pointer, request.body).map((p) => `${found.template}: ${p}`),
    );
  }
  return problems;
}

describe('the web client against openapi.json', () => {
  it.each(Object.entries(tenantCalls))('tenant route %s', async (_, call) => {
    const { sent, fetcher } = recording();
    await call(tenantApi(requester({ fetch: fetcher, token: TOKEN }), 'acme'));
    expect(sent).toHaveLength(1);
    const request = sent[0] as Sent;
    expect(request.url.pathname.startsWith('/v1/tenants/acme/')).toBe(
      request.url.pathname !== '/v1/tenants/acme',
    );
    expect(conformance(request)).toEqual([]);
    expect(request.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(request.url.href).not.toContain(TOKEN);
  });

  it.each(Object.entries(operatorCalls))('operator route %s', async (_, call) => {
    const { sent, fetcher } = recording();
    await call(operatorApi(requester({ fetch: fetcher })));
    expect(sent).toHaveLength(1);
    expect(conformance(sent[0] as Sent)).toEqual([]);
    expect(sent[0]?.headers.authorization).toBeUndefined();
  });

  it('encodes ids into one path segment each, and refuses ids that would climb the path', async () => {
    const { sent, fetcher } = recording();
    const api = tenantApi(requester({ fetch: fetcher, token: TOKEN }), 'acme');
    await api.getSubscription('sub_x/../../../other/subscriptions/sub_y');
    expect(sent[0]?.url.pathname).toBe(
      '/v1/tenants/acme/subscriptions/sub_x%2F..%2F..%2F..%2Fother%2Fsubscriptions%2Fsub_y',
    );
    await api.getEvent('evt?tenantId=other#x');
    expect(sent[1]?.url.pathname).toBe('/v1/tenants/acme/events/evt%3FtenantId%3Dother%23x');
    expect(sent[1]?.url.search).toBe('');
    for (const id of ['..', '.', '']) {
      await expect(api.getSubscription(id)).rejects.toMatchObject({ status: 400 });
    }
    expect(sent).toHaveLength(2);
  });
});

describe('refusals', () => {
  it("end the session on the gateway's 401 and 403, and only on those", async () => {
    for (const [status, body, ends] of [
      [401, { message: 'Unauthorized' }, true],
      [403, { message: 'Forbidden' }, true],
      [404, { error: { code: 'not_found', message: 'no subscription sub_x' } }, false],
      [403, { error: { code: 'forbidden', message: 'not yours' } }, false],
      [500, undefined, false],
    ] as const) {
      const { fetcher } = recording(status, body);
      let ended = 0;
      const api = tenantApi(
        requester({ fetch: fetcher, token: TOKEN, onSessionEnded: () => ended++ }),
        'acme',
      );
      const error = await api.getTenant().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ApiError);
      expect((error as ApiError).status).toBe(status);
      expect(ended, `${status} ${JSON.stringify(body)}`).toBe(ends ? 1 : 0);
    }
  });

  it("tie the API's field problems to the fields they name", async () => {
    const { fetcher } = recording(400, {
      error: {
        code: 'validation_error',
        message: 'the request is invalid',
        details: [
          { field: 'eventTypes[0]', message: 'not an event type' },
          { field: 'filter.amount[0]', message: 'not a pattern' },
          { field: 'url', message: 'must be a URL' },
        ],
      },
    });
    const api = tenantApi(requester({ fetch: fetcher }), 'acme');
    const error = (await api
      .createSubscription({ url: 'x', eventTypes: ['?'] })
      .catch((e) => e)) as ApiError;
    expect(error.forField('eventTypes')).toBe('not an event type');
    expect(error.forField('filter')).toBe('not a pattern');
    expect(error.forField('url')).toBe('must be a URL');
    expect(error.forField('description')).toBeUndefined();

    const refused = recording(422, {
      error: { code: 'url_not_allowed', message: 'url: a private address' },
    });
    const address = (await tenantApi(requester({ fetch: refused.fetcher }), 'acme')
      .createSubscription({ url: 'http://10.0.0.1', eventTypes: ['*'] })
      .catch((e) => e)) as ApiError;
    expect(address.forField('url')).toBe('url: a private address');
    expect(address.forField('eventTypes')).toBeUndefined();
  });

  it('name the path inside a document field when asked (a schema problem says where)', () => {
    const error = new ApiError(400, 'validation_error', 'schema: …', [
      { field: 'schema.properties.n.typ', message: 'is not a keyword' },
      { field: 'schema', message: 'is too large' },
      { field: 'example.n', message: 'must be integer' },
    ]);
    expect(error.forField('schema', { paths: true })).toBe(
      'schema.properties.n.typ: is not a keyword; is too large',
    );
    expect(error.forField('schema')).toBe('is not a keyword; is too large');
    expect(error.forField('example', { paths: true })).toBe('example.n: must be integer');
  });
});

describe('reading the whole catalog', () => {
  it('follows the cursors to the last page, and stops at the page limit', async () => {
    const entry = (name: string) => ({
      name,
      deprecated: false,
      validate: false,
      createdAt: '2026-01-01T00:00:00.000Z',
      updatedAt: '2026-01-01T00:00:00.000Z',
    });
    const asked: (string | undefined)[] = [];
    const pages: Record<string, { data: ReturnType<typeof entry>[]; nextCursor?: string }> = {
      first: { data: [entry('a.one')], nextCursor: 'c2' },
      c2: { data: [entry('a.two')], nextCursor: 'c3' },
      c3: { data: [entry('b.one')] },
    };
    const list = async (cursor?: string) => {
      asked.push(cursor);
      return pages[cursor ?? 'first'] ?? { data: [] };
    };
    expect((await readCatalog(list)).map((e) => e.name)).toEqual(['a.one', 'a.two', 'b.one']);
    expect(asked).toEqual([undefined, 'c2', 'c3']);
    expect((await readCatalog(list, 2)).map((e) => e.name)).toEqual(['a.one', 'a.two']);
  });
});
