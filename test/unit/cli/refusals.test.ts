/** What each credential may call, refused locally or by the API, and how a refusal reads. */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type FakeApi, runCliCaptured, startFakeApi } from '../../support/fake-api.js';

let api: FakeApi;
beforeAll(async () => {
  api = await startFakeApi();
});
afterAll(() => api.close());
beforeEach(() => api.reset());

const KEY = 'hbk_01JD5Z8Q4X9V2M7K3T6N0R1B8D.S3cretKeyS3cretKeyS3cretKeyS3cretKeyS3cretKey';
const TOKEN = 'hbt_01JD5Z8Q4X9V2M7K3T6N0R1B8C.S3cretTokS3cretTokS3cretTokS3cretTokS3cretTok';

/** The CLI with nothing from the real environment: no AWS credentials, no region. */
const cli = (args: string[], env: Record<string, string> = {}) =>
  runCliCaptured(args, { HOOKBRIDGE_ENDPOINT: api.endpoint, ...env });

describe('what a tenant token can call', () => {
  it.each([
    [['tenants', 'get', 'acme'], 'GET /v1/tenants/acme'],
    [
      ['subscriptions', '--tenant', 'acme', 'get', 'sub_1'],
      'GET /v1/tenants/acme/subscriptions/sub_1',
    ],
    [
      ['deliveries', 'sub_1', '--tenant', 'acme'],
      'GET /v1/tenants/acme/subscriptions/sub_1/deliveries?limit=20',
    ],
    [['events', 'get', 'evt_1', '--tenant', 'acme'], 'GET /v1/tenants/acme/events/evt_1'],
    [
      ['subscriptions', 'secret', 'sub_1', '--tenant', 'acme'],
      'GET /v1/tenants/acme/subscriptions/sub_1/secret',
    ],
  ])('%j reaches its tenant route with the token', async (args, route) => {
    const result = await cli([...args, '--token', TOKEN]);
    expect(result.code).toBe(4); // nothing canned: the fake answers 404
    expect(api.requests.map((r) => `${r.method} ${r.url}`)).toEqual([route]);
    expect(api.requests[0]?.headers.authorization).toBe(`Bearer ${TOKEN}`);
  });

  it.each([
    [
      ['subscriptions', 'list'],
      'hookbridge subscriptions list with a tenant token (--token) needs --tenant <id>',
    ],
    [
      ['events', 'list'],
      'hookbridge events list with a tenant token (--token) needs --tenant <id>',
    ],
    [
      ['deliveries', 'sub_1'],
      'hookbridge deliveries with a tenant token (--token) needs --tenant <id>',
    ],
    [
      ['send', 'x', '--tenant', 'acme'],
      'hookbridge send cannot be used with a tenant token (--token)',
    ],
    [
      ['tokens', 'create', '--tenant', 'acme'],
      'hookbridge tokens create cannot be used with a tenant token',
    ],
    [['tenants', 'list'], 'hookbridge tenants list cannot be used with a tenant token'],
    [['tenants', 'delete', 'acme'], 'hookbridge tenants delete cannot be used with a tenant token'],
    [['api-keys', 'list'], "hookbridge api-keys list needs the operator's AWS credentials"],
  ])('%j is refused locally with the reason (exit 2)', async (args, message) => {
    const result = await cli([...args, '--token', TOKEN]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(message);
    expect(api.requests).toHaveLength(0);
  });

  it('an API key manages everything but API keys', async () => {
    api.answers['POST /v1/tenants/acme/tokens'] = {
      status: 201,
      body: { id: 't', token: 'hbt_x' },
    };
    const minted = await cli(['tokens', 'create', '--tenant', 'acme', '--json'], {
      HOOKBRIDGE_API_KEY: KEY,
    });
    expect(minted.code, minted.stderr).toBe(0);
    for (const args of [
      ['api-keys', 'list'],
      ['api-keys', 'create', '--name', 'n', '--scope', 'manage'],
      ['api-keys', 'revoke', 'k'],
    ]) {
      const result = await cli(args, { HOOKBRIDGE_API_KEY: KEY });
      expect(result.code).toBe(2);
      expect(result.stderr).toContain('API keys are managed through the IAM API only');
    }
    expect(api.requests).toHaveLength(1);
  });

  it('says how to run without a credential that came from the environment', async () => {
    const keys = await cli(['api-keys', 'list'], { HOOKBRIDGE_API_KEY: KEY });
    expect(keys.stderr).toContain(
      '(to run it without HOOKBRIDGE_API_KEY: HOOKBRIDGE_API_KEY= hookbridge api-keys list …)',
    );
    const send = await cli(['send', 'x'], { HOOKBRIDGE_TOKEN: TOKEN });
    expect(send.stderr).toContain('HOOKBRIDGE_TOKEN= hookbridge send …');
    const flag = await cli(['send', 'x', '--token', TOKEN]);
    expect(flag.stderr).not.toContain('to run it without');
  });
});

describe('refusals', () => {
  it("API Gateway's 403 {message} names the credential refused and the likely reasons", async () => {
    api.answers['GET /v1/tenants/acme/subscriptions?limit=50'] = {
      status: 403,
      body: { message: 'Forbidden' },
    };
    const result = await cli(['subscriptions', 'list', '--tenant', 'acme'], {
      HOOKBRIDGE_TOKEN: TOKEN,
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      'error: http_403: Forbidden — the API refused the tenant token (HOOKBRIDGE_TOKEN): it is unknown, expired or revoked, its tenant is gone, or it was cut short when copied\n',
    );
  });

  it('against a remote endpoint, the 403 says a token goes to the TokenApiUrl', async () => {
    const remote = api.endpoint.replace('127.0.0.1', '0.0.0.0');
    api.answers['POST /v1/events'] = { status: 403, body: { message: 'Forbidden' } };
    const result = await cli(['--endpoint', remote, 'send', 'x', '--api-key', KEY]);
    expect(result.stderr).toContain("--endpoint must be the stack's TokenApiUrl, not its ApiUrl");
  });

  it('401 without a credential says what the API wants', async () => {
    api.answers['GET /v1/subscriptions?limit=50'] = {
      status: 401,
      body: { message: 'Unauthorized' },
    };
    const result = await cli(['subscriptions', 'list']);
    expect(result).toMatchObject({
      code: 1,
      stderr:
        'error: http_401: Unauthorized — this API takes a tenant token or an API key: pass --token or --api-key\n',
    });
  });

  it("a handler's 403 keeps its code and message, and says which credential lacks the right", async () => {
    api.answers['POST /v1/tenants/acme/subscriptions/sub_1/resend'] = {
      status: 403,
      body: {
        error: {
          code: 'insufficient_capability',
          message: 'this token lacks the capability resend',
        },
      },
    };
    const result = await cli([
      'subscriptions',
      'resend',
      'sub_1',
      '--event',
      'evt_1',
      '--tenant',
      'acme',
      '--token',
      TOKEN,
    ]);
    expect(result.stderr).toBe(
      'error: insufficient_capability: this token lacks the capability resend — the tenant token (--token) does not allow this\n',
    );
    const json = await cli([
      'subscriptions',
      'resend',
      'sub_1',
      '--event',
      'evt_1',
      '--tenant',
      'acme',
      '--token',
      TOKEN,
      '--json',
    ]);
    expect(JSON.parse(json.stderr)).toEqual({
      error: {
        code: 'insufficient_capability',
        message: 'this token lacks the capability resend',
        exitCode: 1,
        status: 403,
        hint: 'the tenant token (--token) does not allow this',
      },
    });
  });

  it("another tenant's resource is not found (exit 4), as the API says it", async () => {
    api.answers['GET /v1/tenants/globex/subscriptions/sub_1'] = {
      status: 404,
      body: { error: { code: 'not_found', message: 'subscription sub_1 does not exist' } },
    };
    const result = await cli([
      'subscriptions',
      'get',
      'sub_1',
      '--tenant',
      'globex',
      '--token',
      TOKEN,
    ]);
    expect(result).toEqual({
      code: 4,
      stdout: '',
      stderr: 'error: subscription sub_1 does not exist\n',
    });
  });

  it("API Gateway's 404 for a route this API lacks says so", async () => {
    api.answers['GET /v1/events/evt_1'] = { status: 404, body: { message: 'Not Found' } };
    const result = await cli(['events', 'get', 'evt_1', '--api-key', KEY]);
    expect(result).toMatchObject({
      code: 4,
      stderr: `error: Not Found — no such route at ${api.endpoint}\n`,
    });
  });
});

describe('ids that would name another resource', () => {
  // A URL resolves dot segments before sending: `delete .. --tenant acme` would be
  // DELETE /v1/tenants/acme/ — the tenant, not a subscription.
  it.each([
    [
      ['subscriptions', 'delete', '..', '--tenant', 'acme'],
      'subscription id: ".." cannot be an id',
    ],
    [['subscriptions', 'get', '.'], 'subscription id: "." cannot be an id'],
    [['subscriptions', 'list', '--tenant', '..'], '--tenant: ".." cannot be an id'],
    [['subscriptions', 'resend', '..', '--event', 'evt_1'], 'subscription id'],
    [['deliveries', '..', '--tenant', 'acme'], 'subscription id'],
    [['tenants', 'delete', '..'], 'tenant id: ".." cannot be an id'],
    [['tenants', 'get', ''], 'tenant id: "" cannot be an id'],
    [['tokens', 'revoke', '..', '--tenant', 'acme'], 'token id: ".." cannot be an id'],
    [['tokens', 'revoke-all', '--tenant', '..'], '--tenant: ".." cannot be an id'],
    [['api-keys', 'revoke', '..'], 'key id: ".." cannot be an id'],
    [['events', 'get', '..', '--tenant', 'acme'], 'event id: ".." cannot be an id'],
    [['events', 'list', '--tenant', '.'], '--tenant: "." cannot be an id'],
    [['listen', '--port', '0', '--subscription', '..'], '--subscription: ".." cannot be an id'],
  ])('%j is refused (exit 2), nothing sent', async (args, message) => {
    const result = await cli(args);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(message);
    expect(api.requests).toHaveLength(0);
  });

  it('anything else is one encoded segment: / ? # and %2e%2e stay inside it', async () => {
    for (const id of ['a/b', 'x?y=1', 'h#f', '%2e%2e', '...']) {
      await cli(['subscriptions', 'get', id, '--tenant', 'acme']);
    }
    expect(api.requests.map((r) => r.url)).toEqual([
      '/v1/tenants/acme/subscriptions/a%2Fb',
      '/v1/tenants/acme/subscriptions/x%3Fy%3D1',
      '/v1/tenants/acme/subscriptions/h%23f',
      '/v1/tenants/acme/subscriptions/%252e%252e',
      '/v1/tenants/acme/subscriptions/...',
    ]);
  });
});
