import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { credentialValues, redact, resolveCredential } from '../../../cli/credentials.js';
import { type FakeApi, runCliCaptured, startFakeApi } from '../../support/fake-api.js';

let api: FakeApi;
beforeAll(async () => {
  api = await startFakeApi();
});
afterAll(() => api.close());
beforeEach(() => api.reset());

const KEY = 'hbk_01JD5Z8Q4X9V2M7K3T6N0R1B8D.S3cretKeyS3cretKeyS3cretKeyS3cretKeyS3cretKey';
const TOKEN = 'hbt_01JD5Z8Q4X9V2M7K3T6N0R1B8C.S3cretTokS3cretTokS3cretTokS3cretTokS3cretTok';
const SECRET_PARTS = ['S3cretKey', 'S3cretTok'];

/** The CLI with nothing from the real environment: no AWS credentials, no region. */
const cli = (args: string[], env: Record<string, string> = {}) =>
  runCliCaptured(args, { HOOKBRIDGE_ENDPOINT: api.endpoint, ...env });

const leaks = (text: string) => SECRET_PARTS.some((part) => text.includes(part));
const page = { status: 200, body: { data: [] } };

describe('calling with an API key or a tenant token', () => {
  it('sends Authorization: Bearer <key> and no SigV4, even to an endpoint that is not this machine', async () => {
    // 0.0.0.0 reaches the fake API but is not loopback: without a key this would be signed,
    // and with no AWS credentials or region here, refused before sending.
    const remote = api.endpoint.replace('127.0.0.1', '0.0.0.0');
    api.answers['POST /v1/events'] = { status: 202, body: { id: 'evt_1' } };
    const unsigned = await cli(['--endpoint', remote, 'send', 'x']);
    expect(unsigned.code).toBe(2);
    expect(unsigned.stderr).toContain('signed with SigV4 and need a region');
    expect(api.requests).toHaveLength(0);

    const result = await cli(['--endpoint', remote, '--api-key', KEY, 'send', 'x']);
    expect(result.code, result.stderr).toBe(0);
    const headers = api.requests[0]?.headers ?? {};
    expect(headers.authorization).toBe(`Bearer ${KEY}`);
    expect(headers['x-amz-date']).toBeUndefined();
    expect(headers['x-amz-content-sha256']).toBeUndefined();
    expect(Object.keys(headers).filter((name) => name.startsWith('x-amz'))).toEqual([]);
  });

  it('takes the key and the token from the environment, and the flag after the subcommand too', async () => {
    api.answers['GET /v1/subscriptions?limit=50'] = page;
    api.answers['GET /v1/tenants/acme/subscriptions?limit=50'] = page;
    expect((await cli(['subscriptions', 'list'], { HOOKBRIDGE_API_KEY: KEY })).code).toBe(0);
    expect(
      (await cli(['subscriptions', 'list', '--tenant', 'acme'], { HOOKBRIDGE_TOKEN: TOKEN })).code,
    ).toBe(0);
    expect((await cli(['subscriptions', 'list', '--tenant', 'acme', '--token', TOKEN])).code).toBe(
      0,
    );
    expect((await cli(['subscriptions', 'list', `--api-key=${KEY}`])).code).toBe(0);
    expect(api.requests.map((r) => r.headers.authorization)).toEqual([
      `Bearer ${KEY}`,
      `Bearer ${TOKEN}`,
      `Bearer ${TOKEN}`,
      `Bearer ${KEY}`,
    ]);
  });

  it('without a key or token, the local runtime gets no Authorization at all', async () => {
    api.answers['GET /v1/subscriptions?limit=50'] = page;
    expect((await cli(['subscriptions', 'list'], { HOOKBRIDGE_API_KEY: '' })).code).toBe(0);
    expect(api.requests[0]?.headers.authorization).toBeUndefined();
  });

  it('uses HOOKBRIDGE_TOKEN_ENDPOINT (the TokenApiUrl) with a credential, HOOKBRIDGE_ENDPOINT without, --endpoint over both', async () => {
    const other = await startFakeApi();
    try {
      other.answers['GET /v1/subscriptions?limit=50'] = page;
      api.answers['GET /v1/subscriptions?limit=50'] = page;
      const env = { HOOKBRIDGE_TOKEN_ENDPOINT: `${other.endpoint}/` };
      expect((await cli(['subscriptions', 'list', '--api-key', KEY], env)).code).toBe(0);
      expect(other.requests).toHaveLength(1);
      expect(other.requests[0]?.headers.authorization).toBe(`Bearer ${KEY}`);
      expect((await cli(['subscriptions', 'list'], env)).code).toBe(0);
      expect(api.requests).toHaveLength(1);
      expect(api.requests[0]?.headers.authorization).toBeUndefined();
      const explicit = ['--endpoint', api.endpoint, 'subscriptions', 'list', '--api-key', KEY];
      expect((await cli(explicit, env)).code).toBe(0);
      expect(api.requests).toHaveLength(2);
      expect(other.requests).toHaveLength(1);
    } finally {
      await other.close();
    }
  });

  it('--sigv4 signs instead of using a key from the environment', async () => {
    const result = await cli(['--sigv4', 'send', 'x'], { HOOKBRIDGE_API_KEY: KEY });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('signed with SigV4 and need a region');
    expect(api.requests).toHaveLength(0);
  });

  it.each([
    [['--api-key', KEY, '--token', TOKEN], {}, '--api-key and --token: call with one credential'],
    [['--api-key', KEY, '--sigv4'], {}, '--sigv4 and --api-key'],
    [[], { HOOKBRIDGE_API_KEY: KEY, HOOKBRIDGE_TOKEN: TOKEN }, 'are both set'],
    [['--api-key', TOKEN], {}, '--api-key: this is a tenant token (hbt_…), not an API key'],
    [['--token', KEY], {}, '--token: this is an API key (hbk_…), not a tenant token'],
    [[], { HOOKBRIDGE_TOKEN: KEY }, 'HOOKBRIDGE_TOKEN: this is an API key'],
    [
      ['--api-key', 'S3cretKey-no-prefix'],
      {},
      '--api-key: not an API key: it should start with hbk_',
    ],
    [['--api-key', `${KEY} S3cretKey`], {}, '--api-key: contains spaces'],
    [['--token', `${TOKEN}\r\nX-Evil: 1`], {}, '--token: contains spaces or characters'],
    [['--api-key', ' '], {}, '--api-key is empty'],
  ])('refuses %j %j with exit 2, never echoing the value', async (flags, env, message) => {
    const result = await cli([...flags, 'send', 'x'], env);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(message);
    expect(leaks(result.stderr + result.stdout)).toBe(false);
    expect(api.requests).toHaveLength(0);
  });
});

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

describe('the key or token is never printed', () => {
  it.each([
    ['an error object', { status: 400, body: { error: { code: 'bad', message: `got ${TOKEN}` } } }],
    ['API Gateway', { status: 403, body: { message: `Bearer ${TOKEN} refused` } }],
    ['a text body', { status: 502, raw: `upstream said Authorization: Bearer ${TOKEN}` }],
    ['a 200 that is not JSON', { status: 200, raw: `<html>${TOKEN}</html>` }],
  ])('when the server echoes it in %s', async (_what, answer) => {
    api.answers['GET /v1/tenants/acme/events?limit=50'] = answer;
    for (const json of [[], ['--json']]) {
      const result = await cli(['events', 'list', '--tenant', 'acme', '--token', TOKEN, ...json]);
      expect(result.code).toBe(1);
      expect(result.stderr).toContain('…(redacted)');
      expect(leaks(result.stderr)).toBe(false);
    }
  });

  it('nor in the help, nor when commander complains', async () => {
    const help = await cli(['--help'], { HOOKBRIDGE_TOKEN: TOKEN });
    expect(leaks(help.stdout + help.stderr)).toBe(false);
    // A credential pasted where an argument goes: commander repeats the argument it refuses.
    const pasted = await cli(['--token', TOKEN, TOKEN]);
    expect(pasted.code).toBe(2);
    expect(pasted.stderr).toContain("unknown command 'hbt_…(redacted)'");
    const extra = await cli(['subscriptions', 'list', TOKEN], { HOOKBRIDGE_TOKEN: TOKEN });
    expect(extra.code).toBe(2);
    expect(extra.stderr).toContain('too many arguments');
    expect(leaks(pasted.stderr + extra.stderr)).toBe(false);
  });

  it('redact and credentialValues scrub every form the value was given in', () => {
    const values = credentialValues(['--api-key', KEY, `--token=${TOKEN}`, '--api-key', 'short'], {
      HOOKBRIDGE_TOKEN: `${TOKEN}x`,
    });
    expect(values).toEqual(expect.arrayContaining([KEY, TOKEN, `${TOKEN}x`]));
    expect(values).not.toContain('short');
    const text = redact(`a ${KEY} b ${TOKEN}x c ${TOKEN}`, values);
    expect(text).toBe('a hbk_…(redacted) b hbt_…(redacted) c hbt_…(redacted)');
  });

  it('resolveCredential: a flag beats the environment, empty means unset', () => {
    expect(resolveCredential({ token: TOKEN }, { HOOKBRIDGE_API_KEY: KEY })).toMatchObject({
      kind: 'token',
      source: '--token',
    });
    expect(resolveCredential({}, { HOOKBRIDGE_API_KEY: '', HOOKBRIDGE_TOKEN: '' })).toBeUndefined();
    expect(resolveCredential({ sigv4: false }, { HOOKBRIDGE_API_KEY: KEY })).toMatchObject({
      kind: 'api-key',
      source: 'HOOKBRIDGE_API_KEY',
    });
  });
});
