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

  it('never follows a redirect with the key (it would carry it to another host)', async () => {
    const elsewhere = await startFakeApi();
    try {
      elsewhere.answers['POST /v1/events'] = { status: 202, body: { id: 'evt_1' } };
      const location = `${elsewhere.endpoint}/v1/events`;
      api.answers['POST /v1/events'] = { status: 307, raw: '', headers: { location } };
      const result = await cli(['send', 'x', '--api-key', KEY]);
      expect(result.code).toBe(1);
      expect(result.stderr).toContain(
        'answered with a redirect, which the CLI does not follow with the API key (--api-key)',
      );
      expect(elsewhere.requests).toHaveLength(0);
    } finally {
      await elsewhere.close();
    }
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
    const json = await cli([...flags, 'send', 'x', '--json'], env);
    expect(JSON.parse(json.stderr).error).toMatchObject({ code: 'usage_error', exitCode: 2 });
    expect(leaks(json.stderr + json.stdout)).toBe(false);
    expect(api.requests).toHaveLength(0);
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
