import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type FakeApi, runCliCaptured, startFakeApi } from '../../support/fake-api.js';

/** A stand-in for the Hookbridge API on loopback: canned answers by "METHOD /path?query". */
let api: FakeApi;

beforeAll(async () => {
  api = await startFakeApi();
});

afterAll(() => api.close());

beforeEach(() => api.reset());

const dir = mkdtempSync(path.join(tmpdir(), 'hookbridge-cli-'));

/** Runs the CLI in-process against the canned API and captures what it printed. */
const cli = (args: string[], env: Record<string, string> = {}) =>
  runCliCaptured(args, { HOOKBRIDGE_ENDPOINT: api.endpoint, ...env }, dir);

const SUB = 'sub_01JD5Z8Q4X9V2M7K3T6N0R1B8C';
const view = (overrides: object = {}) => ({
  id: SUB,
  url: 'https://example.com/hooks',
  eventTypes: ['*'],
  maxConcurrency: 10,
  retrySchedule: [5, 300],
  status: 'active',
  createdAt: '2024-05-01T12:00:00.000Z',
  updatedAt: '2024-05-01T12:00:00.000Z',
  ...overrides,
});

describe('send', () => {
  it('publishes {type, data} with the idempotency key and prints the event id', async () => {
    api.answers['POST /v1/events'] = {
      status: 202,
      body: { id: 'evt_01JD5Z8Q4X9V2M7K3T6N0R1B8D' },
    };
    const result = await cli([
      'send',
      'order.created',
      '--data',
      '{"id":1}',
      '--idempotency-key',
      'k-1',
    ]);
    expect(result).toMatchObject({ code: 0, stdout: 'evt_01JD5Z8Q4X9V2M7K3T6N0R1B8D\n' });
    expect(api.requests).toHaveLength(1);
    expect(api.requests[0]?.body).toEqual({ type: 'order.created', data: { id: 1 } });
    expect(api.requests[0]?.headers['idempotency-key']).toBe('k-1');
    expect(api.requests[0]?.headers['content-type']).toBe('application/json');
    expect(api.requests[0]?.headers.authorization).toBeUndefined();
  });

  it('prints the API answer as JSON with --json', async () => {
    api.answers['POST /v1/events'] = { status: 202, body: { id: 'evt_1' } };
    const result = await cli(['send', 'a.b', '--json']);
    expect(JSON.parse(result.stdout)).toEqual({ id: 'evt_1' });
    expect(api.requests[0]?.body).toEqual({ type: 'a.b', data: {} });
  });

  it('reads --data from a file', async () => {
    writeFileSync(path.join(dir, 'event.json'), '{"total": 42}');
    api.answers['POST /v1/events'] = { status: 202, body: { id: 'evt_1' } };
    expect((await cli(['send', 'a.b', '--data', '@event.json'])).code).toBe(0);
    expect(api.requests[0]?.body).toEqual({ type: 'a.b', data: { total: 42 } });
  });

  it('refuses --data that is not JSON with exit 2, before sending anything', async () => {
    const result = await cli(['send', 'x', '--data', '{bad']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^error: --data is not valid JSON: .+\n$/);
    expect(api.requests).toHaveLength(0);
  });
});

describe('exit codes', () => {
  it('4 and the server message for a subscription that does not exist', async () => {
    api.answers[`GET /v1/subscriptions/${SUB}`] = {
      status: 404,
      body: { error: { code: 'not_found', message: `subscription ${SUB} does not exist` } },
    };
    const result = await cli(['subscriptions', 'get', SUB]);
    expect(result).toEqual({
      code: 4,
      stdout: '',
      stderr: `error: subscription ${SUB} does not exist\n`,
    });
  });

  it('1 and "code: message" for any other API error', async () => {
    api.answers['POST /v1/subscriptions'] = {
      status: 422,
      body: { error: { code: 'url_not_allowed', message: 'url: resolves to a private address' } },
    };
    const result = await cli([
      'subscriptions',
      'create',
      '--url',
      'https://10.0.0.1/',
      '--event-types',
      '*',
    ]);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe('error: url_not_allowed: url: resolves to a private address\n');
  });

  it('1 for an answer of API Gateway itself', async () => {
    api.answers['POST /v1/events'] = { status: 403, body: { message: 'Forbidden' } };
    const result = await cli(['send', 'x']);
    expect(result).toMatchObject({ code: 1, stderr: 'error: http_403: Forbidden\n' });
  });

  it('1 when the endpoint is not the Hookbridge API', async () => {
    api.answers['POST /v1/events'] = { status: 200, raw: '<html>hello</html>' };
    const result = await cli(['send', 'x']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('is not JSON');
  });

  it('reports errors as JSON on stderr with --json', async () => {
    api.answers['POST /v1/events'] = {
      status: 400,
      body: { error: { code: 'validation_error', message: 'type: is required' } },
    };
    const result = await cli(['--json', 'send', 'x']);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(JSON.parse(result.stderr)).toEqual({
      error: {
        code: 'validation_error',
        message: 'type: is required',
        exitCode: 1,
        status: 400,
      },
    });
  });

  it('3 with a hint when nothing listens at the endpoint', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));

    const result = await cli(['--endpoint', `http://127.0.0.1:${port}`, 'subscriptions', 'list']);
    expect(result.code).toBe(3);
    expect(result.stderr).toBe(
      `error: cannot reach the Hookbridge API at http://127.0.0.1:${port}: connection refused — is \`hookbridge dev\` running?\n`,
    );
  });

  it('2 for unknown options, missing required options and bad option values', async () => {
    expect((await cli(['subscriptions', 'list', '--bogus'])).code).toBe(2);
    const missing = await cli(['subscriptions', 'create', '--url', 'https://example.com']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("required option '--event-types <list>' not specified");
    const header = await cli([
      'subscriptions',
      'create',
      '--url',
      'u',
      '--event-types',
      '*',
      '--header',
      'nope',
    ]);
    expect(header.code).toBe(2);
    expect(header.stderr).toContain('expected KEY=VALUE');
    expect((await cli(['subscriptions', 'update', SUB])).stderr).toContain('nothing to update');
    expect((await cli(['--endpoint', 'ftp://x', 'send', 'x'])).code).toBe(2);
    expect(api.requests).toHaveLength(0);
  });

  it('documents the exit codes in --help, which exits 0', async () => {
    const result = await cli(['--help']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/Exit codes:\n\s+0\s+success/);
    for (const code of ['1', '2', '3', '4'])
      expect(result.stdout).toMatch(new RegExp(`\\n\\s+${code}\\s+\\S`));
    for (const command of [
      'dev',
      'listen',
      'subscriptions',
      'send',
      'deliveries',
      'events',
      'tokens',
      'api-keys',
    ]) {
      expect((await cli([command, '--help'])).code).toBe(0);
    }
  });
});

describe('subscriptions', () => {
  it('create sends every field given and shows the secret', async () => {
    writeFileSync(path.join(dir, 'filter.json'), '{"amount": [{"numeric": [">", 100]}]}');
    api.answers['POST /v1/subscriptions'] = {
      status: 201,
      body: view({ secret: 'whsec_c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0' }),
    };
    const result = await cli([
      'subscriptions',
      'create',
      '--url',
      'https://example.com/hooks',
      '--event-types',
      'order.created,invoice.*',
      '--filter',
      '@filter.json',
      '--description',
      'billing',
      '--max-concurrency',
      '5',
      '--retry-schedule',
      '5s,5m,1h',
      '--header',
      'X-Team=payments',
      '--header',
      'X-Env=dev',
    ]);
    expect(result.code).toBe(0);
    expect(api.requests[0]?.body).toEqual({
      url: 'https://example.com/hooks',
      eventTypes: ['order.created', 'invoice.*'],
      filter: { amount: [{ numeric: ['>', 100] }] },
      description: 'billing',
      maxConcurrency: 5,
      retrySchedule: [5, 300, 3600],
      headers: { 'X-Team': 'payments', 'X-Env': 'dev' },
    });
    expect(result.stdout).toMatch(/^secret +whsec_c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0$/m);
  });

  it('list --all follows the cursor; --json prints every subscription', async () => {
    api.answers['GET /v1/subscriptions?limit=100'] = {
      status: 200,
      body: { data: [view()], nextCursor: 'c2' },
    };
    api.answers['GET /v1/subscriptions?limit=100&cursor=c2'] = {
      status: 200,
      body: { data: [view({ id: 'sub_2', status: 'paused' })] },
    };
    const result = await cli(['subscriptions', 'list', '--all', '--json']);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout).data.map((s: { id: string }) => s.id)).toEqual([SUB, 'sub_2']);
  });

  it('list shows a table and says how to get the next page', async () => {
    api.answers['GET /v1/subscriptions?limit=50'] = {
      status: 200,
      body: { data: [view()], nextCursor: 'c2' },
    };
    const result = await cli(['subscriptions', 'list']);
    expect(result.stdout.split('\n')[1]).toMatch(
      new RegExp(`^${SUB} +active +https://example.com/hooks`),
    );
    expect(result.stderr).toContain('--cursor c2');
  });

  it('pause, resume and update are PATCHes; --clear sends null', async () => {
    api.answers[`PATCH /v1/subscriptions/${SUB}`] = { status: 200, body: view() };
    expect((await cli(['subscriptions', 'pause', SUB])).code).toBe(0);
    api.answers[`PATCH /v1/subscriptions/${SUB}`] = { status: 200, body: view() };
    expect((await cli(['subscriptions', 'resume', SUB])).code).toBe(0);
    api.answers[`PATCH /v1/subscriptions/${SUB}`] = { status: 200, body: view() };
    expect(
      (
        await cli([
          'subscriptions',
          'update',
          SUB,
          '--url',
          'https://new.example',
          '--clear',
          'filter,headers',
        ])
      ).code,
    ).toBe(0);
    expect(api.requests.map((r) => r.body)).toEqual([
      { status: 'paused' },
      { status: 'active' },
      { url: 'https://new.example', filter: null, headers: null },
    ]);
  });

  it('delete tells a finished delete (204) from one in progress (202)', async () => {
    api.answers[`DELETE /v1/subscriptions/${SUB}`] = [
      { status: 204 },
      { status: 202, body: view({ status: 'deleting' }) },
    ];
    expect((await cli(['subscriptions', 'delete', SUB])).stdout).toBe(`deleted ${SUB}\n`);
    expect((await cli(['subscriptions', 'delete', SUB])).stdout).toContain(`deleting ${SUB}`);
  });

  it('secret prints the secret alone; --rotate sends the grace period', async () => {
    api.answers[`GET /v1/subscriptions/${SUB}/secret`] = {
      status: 200,
      body: { secret: 'whsec_A', previous: [] },
    };
    expect((await cli(['subscriptions', 'secret', SUB])).stdout).toBe('whsec_A\n');
    api.answers[`POST /v1/subscriptions/${SUB}/secret/rotate`] = {
      status: 200,
      body: {
        secret: 'whsec_B',
        previous: [{ secret: 'whsec_A', expiresAt: '2024-05-02T12:00:00Z' }],
      },
    };
    const rotated = await cli(['subscriptions', 'secret', SUB, '--rotate', '--grace', '1h']);
    expect(rotated.stdout).toBe('whsec_B\n');
    expect(rotated.stderr).toContain('whsec_A');
    expect(api.requests[1]?.body).toEqual({ gracePeriodSeconds: 3600 });
  });

  it('replay sends the window as ISO 8601 and refuses an empty one', async () => {
    api.answers[`POST /v1/subscriptions/${SUB}/replay`] = {
      status: 202,
      body: { replayName: 'r-1' },
    };
    const result = await cli([
      'subscriptions',
      'replay',
      SUB,
      '--from',
      '2024-05-01',
      '--to',
      '2024-05-02T00:00:00Z',
    ]);
    expect(result.code).toBe(0);
    expect(api.requests[0]?.body).toEqual({
      from: '2024-05-01T00:00:00.000Z',
      to: '2024-05-02T00:00:00.000Z',
    });
    expect(
      (await cli(['subscriptions', 'replay', SUB, '--from', '2024-05-02', '--to', '2024-05-01']))
        .code,
    ).toBe(2);
  });
});

describe('deliveries', () => {
  it('passes the filters and prints the attempts in the order the API gave (newest first)', async () => {
    api.answers[`GET /v1/subscriptions/${SUB}/deliveries?limit=5&result=failed`] = {
      status: 200,
      body: {
        data: [
          {
            eventId: 'evt_B',
            eventType: 'a.b',
            attempt: 2,
            attemptedAt: '2024-05-01T12:00:06Z',
            result: 'failed',
            final: false,
            statusCode: 500,
            durationMs: 5,
            error: 'HTTP 500',
          },
          {
            eventId: 'evt_A',
            eventType: 'a.b',
            attempt: 1,
            attemptedAt: '2024-05-01T12:00:01Z',
            result: 'failed',
            final: false,
            durationMs: 15000,
            error: 'timeout',
          },
        ],
      },
    };
    const result = await cli(['deliveries', SUB, '--result', 'failed', '--limit', '5']);
    expect(result.code).toBe(0);
    const lines = result.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[1]).toMatch(/^2024-05-01 12:00:06 +evt_B .* 500 +5 ms +HTTP 500$/);
    expect(lines[2]).toMatch(/^2024-05-01 12:00:01 +evt_A .* - +15\.0 s +timeout$/);
  });
});
