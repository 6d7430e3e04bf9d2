import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type FakeApi, runCliCaptured, startFakeApi } from '../../support/fake-api.js';

let api: FakeApi;
beforeAll(async () => {
  api = await startFakeApi();
});
afterAll(() => api.close());
beforeEach(() => api.reset());

const cli = (args: string[], env: Record<string, string> = {}) =>
  runCliCaptured(args, { HOOKBRIDGE_ENDPOINT: api.endpoint, ...env });

const EVT = 'evt_01JD5Z8Q4X9V2M7K3T6N0R1B8D';
const attempt = (attempt: number, at: string, overrides: object = {}) => ({
  eventId: EVT,
  eventType: 'order.created',
  attempt,
  attemptedAt: at,
  result: 'failed',
  final: false,
  durationMs: 12,
  ...overrides,
});
const event = (overrides: object = {}) => ({
  id: EVT,
  type: 'order.created',
  tenantId: 'acme',
  timestamp: '2024-05-01T12:00:00.000Z',
  data: { id: 1, note: 'two  spaces' },
  payloadRetained: true,
  deliveries: [
    {
      subscriptionId: 'sub_delivered',
      tenantId: 'acme',
      state: 'delivered',
      // Not in time order: the table shows the latest attempt, whatever the order.
      attempts: [
        attempt(2, '2024-05-01T12:00:06Z', { result: 'delivered', statusCode: 204, final: true }),
        attempt(1, '2024-05-01T12:00:01Z', { statusCode: 500 }),
      ],
    },
    {
      subscriptionId: 'sub_dead',
      state: 'dead-lettered',
      attempts: [attempt(1, '2024-05-01T12:00:01Z', { final: true, error: 'timeout' })],
    },
    { subscriptionId: 'sub_paused', tenantId: 'acme', state: 'pending', attempts: [] },
  ],
  ...overrides,
});

describe('events get', () => {
  it('shows the event and a row per destination: state, attempts, last status and time', async () => {
    api.answers[`GET /v1/events/${EVT}`] = { status: 200, body: event() };
    const result = await cli(['events', 'get', EVT]);
    expect(result.code, result.stderr).toBe(0);
    const lines = result.stdout.trimEnd().split('\n');
    expect(lines).toContain(`id      ${EVT}`);
    expect(lines).toContain('tenant  acme');
    expect(lines).toContain('time    2024-05-01 12:00:00 UTC');
    expect(lines).toContain('data    {"id":1,"note":"two  spaces"}');
    const header = lines.findIndex((line) => line.startsWith('SUBSCRIPTION'));
    expect(lines[header]).toMatch(
      /^SUBSCRIPTION +TENANT +STATE +ATTEMPTS +LAST STATUS +LAST ATTEMPT \(UTC\)$/,
    );
    expect(lines[header + 1]).toMatch(
      /^sub_delivered +acme +delivered +2 +204 +2024-05-01 12:00:06$/,
    );
    expect(lines[header + 2]).toMatch(
      /^sub_dead +- +dead-lettered +1 +timeout +2024-05-01 12:00:01$/,
    );
    expect(lines[header + 3]).toMatch(/^sub_paused +acme +pending +0 +- +-$/);
  });

  it('--json prints the API answer as it is', async () => {
    api.answers[`GET /v1/events/${EVT}`] = { status: 200, body: event() };
    const result = await cli(['events', 'get', EVT, '--json']);
    expect(JSON.parse(result.stdout)).toEqual(event());
  });

  it('says when the payload was not retained, when nothing was routed, and when destinations were cut', async () => {
    api.answers[`GET /v1/events/${EVT}`] = {
      status: 200,
      body: event({ payloadRetained: false, data: undefined, deliveries: [] }),
    };
    const bare = await cli(['events', 'get', EVT]);
    expect(bare.stdout).toMatch(/^data +not retained/m);
    expect(bare.stdout).toContain('no destinations');

    api.answers[`GET /v1/events/${EVT}`] = {
      status: 200,
      body: event({ destinationsTruncated: true, tenantId: '*' }),
    };
    const cut = await cli(['events', 'get', EVT]);
    expect(cut.stdout).toMatch(/^tenant +\* \(broadcast\)$/m);
    expect(cut.stderr).toContain('more destinations than the 3 shown');
  });

  it('cuts long data for people and says how to see it all', async () => {
    const big = { text: 'x'.repeat(1000) };
    api.answers[`GET /v1/events/${EVT}`] = { status: 200, body: event({ data: big }) };
    const line = (await cli(['events', 'get', EVT])).stdout
      .split('\n')
      .find((l) => l.startsWith('data'));
    expect(line).toMatch(/^data +\{"text":"x+… \(--json for all of it\)$/);
    expect(line?.length).toBeLessThan(450);
  });

  it("with --tenant, asks the tenant's route; a missing event is exit 4", async () => {
    api.answers[`GET /v1/tenants/acme/events/${EVT}`] = {
      status: 404,
      body: { error: { code: 'not_found', message: `event ${EVT} does not exist` } },
    };
    const result = await cli(['events', 'get', EVT, '--tenant', 'acme']);
    expect(result).toEqual({ code: 4, stdout: '', stderr: `error: event ${EVT} does not exist\n` });
    const before = await cli(['events', '--tenant', 'acme', 'get', EVT]);
    expect(before.code).toBe(4);
    expect(api.requests.map((r) => r.url)).toEqual([
      `/v1/tenants/acme/events/${EVT}`,
      `/v1/tenants/acme/events/${EVT}`,
    ]);
  });
});

describe('events list', () => {
  const summary = (id: string, timestamp: string, tenantId?: string) => ({
    id,
    type: 'order.created',
    timestamp,
    ...(tenantId !== undefined && { tenantId }),
  });

  it('sends the filters (times as ISO 8601) and shows the events in the order given, newest first', async () => {
    api.answers[
      'GET /v1/events?type=order.*&from=2024-05-01T00%3A00%3A00.000Z&to=2024-05-02T00%3A00%3A00.000Z&limit=2'
    ] = {
      status: 200,
      body: {
        data: [
          summary('evt_B', '2024-05-01T12:00:02Z', '*'),
          summary('evt_A', '2024-05-01T12:00:01Z'),
        ],
        nextCursor: 'older',
      },
    };
    const result = await cli([
      'events',
      'list',
      '--type',
      'order.*',
      '--from',
      '2024-05-01',
      '--to',
      '2024-05-02T00:00:00Z',
      '--limit',
      '2',
    ]);
    expect(result.code, result.stderr).toBe(0);
    const lines = result.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^ID +TYPE +TENANT +TIME \(UTC\)$/);
    expect(lines[1]).toMatch(/^evt_B +order\.created +\* \(broadcast\) +2024-05-01 12:00:02$/);
    expect(lines[2]).toMatch(/^evt_A +order\.created +- +2024-05-01 12:00:01$/);
    expect(result.stderr).toContain('--cursor older');
  });

  it("--tenant lists the tenant's own route; --all follows every cursor", async () => {
    api.answers['GET /v1/tenants/acme/events?limit=100'] = {
      status: 200,
      body: { data: [summary('evt_2', '2024-05-01T12:00:02Z', 'acme')], nextCursor: 'c' },
    };
    api.answers['GET /v1/tenants/acme/events?limit=100&cursor=c'] = {
      status: 200,
      body: { data: [summary('evt_1', '2024-05-01T12:00:01Z', '*')] },
    };
    const result = await cli(['events', 'list', '--tenant', 'acme', '--all', '--json']);
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({
      data: [
        summary('evt_2', '2024-05-01T12:00:02Z', 'acme'),
        summary('evt_1', '2024-05-01T12:00:01Z', '*'),
      ],
    });
  });

  it('says so when nothing matches, but not while a cursor says more may follow', async () => {
    api.answers['GET /v1/events?limit=50'] = [
      { status: 200, body: { data: [] } },
      { status: 200, body: { data: [], nextCursor: 'day-before' } },
    ];
    expect((await cli(['events', 'list'])).stdout).toBe('no stored events match\n');
    const early = await cli(['events', 'list']);
    expect(early.stdout).toBe('nothing on this page; more may follow\n');
    expect(early.stderr).toContain('more: --cursor day-before (or --all)');
  });

  it.each([
    [['--from', 'yesterday'], '--from is not a date-time: "yesterday"'],
    [['--to', '2024-13-01'], '--to is not a date-time'],
    [['--from', '2024-05-02', '--to', '2024-05-01'], '--from must be before --to'],
    [['--type', ' '], '--type is empty'],
    [['--limit', '0'], 'expected an integer from 1 to 100'],
    [['--limit', '101'], 'expected an integer from 1 to 100'],
  ])('refuses %j with exit 2, sending nothing', async (flags, message) => {
    const result = await cli(['events', 'list', ...flags]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(message);
    expect(api.requests).toHaveLength(0);
  });
});

describe('subscriptions resend', () => {
  it('posts the event id to the subscription, or to the tenant route with --tenant', async () => {
    api.answers['POST /v1/subscriptions/sub_1/resend'] = {
      status: 202,
      body: { eventId: EVT, subscriptionId: 'sub_1' },
    };
    const result = await cli(['subscriptions', 'resend', 'sub_1', '--event', EVT]);
    expect(result.code, result.stderr).toBe(0);
    expect(api.requests[0]?.body).toEqual({ eventId: EVT });
    expect(result.stdout).toContain(`resending ${EVT} to sub_1`);
    expect(result.stdout).toContain(`hookbridge deliveries sub_1 --event ${EVT}`);

    api.answers['POST /v1/tenants/acme/subscriptions/sub_1/resend'] = {
      status: 202,
      body: { eventId: EVT, subscriptionId: 'sub_1' },
    };
    const tenant = await cli([
      'subscriptions',
      'resend',
      'sub_1',
      '--event',
      EVT,
      '--tenant',
      'acme',
      '--json',
    ]);
    expect(JSON.parse(tenant.stdout)).toEqual({ eventId: EVT, subscriptionId: 'sub_1' });
    expect(api.requests[1]?.url).toBe('/v1/tenants/acme/subscriptions/sub_1/resend');
  });

  it('needs --event; a payload that was not retained is the API error, exit 1', async () => {
    const missing = await cli(['subscriptions', 'resend', 'sub_1']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("required option '--event <id>' not specified");
    api.answers['POST /v1/subscriptions/sub_1/resend'] = {
      status: 409,
      body: { error: { code: 'payload_not_retained', message: `event ${EVT}: payload not kept` } },
    };
    const refused = await cli(['subscriptions', 'resend', 'sub_1', '--event', EVT]);
    expect(refused).toMatchObject({
      code: 1,
      stderr: `error: payload_not_retained: event ${EVT}: payload not kept\n`,
    });
  });
});
