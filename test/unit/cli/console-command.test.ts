/** `hookbridge console` and `tokens create --link` against a fake API: what is sent, what is printed, what is refused. */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { parseConsoleFragment } from '../../../shared/access/session-links.js';
import { parseFragment } from '../../../web/src/portal/portal-session.js';
import { type FakeApi, runCliCaptured, startFakeApi } from '../../support/fake-api.js';

let api: FakeApi;
beforeAll(async () => {
  api = await startFakeApi();
});
afterAll(() => api.close());
beforeEach(() => api.reset());

const SESSION = `hbc_${'0123456789abcdef01234567'}.${'s'.repeat(43)}`;
const TOKEN = `hbt_${'89abcdef0123456789abcdef'}.${'t'.repeat(43)}`;
const EXPIRES = '2026-12-03T14:00:00.000Z';
const minted = {
  id: '0123456789abcdef01234567',
  token: SESSION,
  createdAt: '2026-12-03T12:00:00.000Z',
  expiresAt: EXPIRES,
  status: 'active',
};

const cli = (args: string[], env: Record<string, string> = {}) =>
  runCliCaptured(args, { HOOKBRIDGE_ENDPOINT: api.endpoint, ...env });

describe('hookbridge console', () => {
  it('mints with the lifetime asked and prints the link on the web app URL', async () => {
    api.answers['POST /v1/console-sessions'] = { status: 201, body: minted };
    const result = await cli(['console', '--lifetime', '2h'], {
      HOOKBRIDGE_WEB_URL: 'https://d111.cloudfront.net/',
    });
    expect(result.code, result.stderr).toBe(0);
    expect(api.requests.map((r) => [r.method, r.url, r.body])).toEqual([
      ['POST', '/v1/console-sessions', { lifetimeSeconds: 7200 }],
    ]);
    expect(api.requests[0]?.headers.authorization).toBeUndefined();
    const link = new URL(result.stdout.trim());
    expect(`${link.origin}${link.pathname}`).toBe('https://d111.cloudfront.net/console');
    expect(parseConsoleFragment(link.hash)).toEqual({ session: SESSION, expiresAt: EXPIRES });
    expect(result.stderr).not.toMatch(/needs no session/);
  });

  it('against a deployed endpoint without a web app URL, refuses before minting anything', async () => {
    for (const args of [['console'], ['tokens', 'create', '--tenant', 'acme', '--link']]) {
      const result = await cli(['--endpoint', 'http://api.example.invalid', '--no-sigv4', ...args]);
      expect(result.code, args.join(' ')).toBe(2);
      expect(result.stderr).toContain('pass --web-url <url> or set HOOKBRIDGE_WEB_URL');
    }
    expect(api.requests).toEqual([]);
  });

  it('refuses a web app URL with a query or fragment (a link there would not open the app)', async () => {
    for (const url of [
      'https://d111.cloudfront.net/?x=1',
      'https://d111.cloudfront.net/#a',
      'nope',
    ]) {
      const result = await cli(['console', '--web-url', url]);
      expect(result.code, url).toBe(2);
      expect(result.stderr).toContain('--web-url must be an http(s) URL');
    }
    expect(api.requests).toEqual([]);
  });
});

describe('hookbridge tokens create --link', () => {
  it('prints the portal link the portal reads, with the minted token', async () => {
    api.answers['POST /v1/tenants/acme/tokens'] = {
      status: 201,
      body: {
        id: '89abcdef0123456789abcdef',
        tenantId: 'acme',
        capabilities: ['read', 'resend'],
        createdAt: '2026-12-03T12:00:00.000Z',
        expiresAt: EXPIRES,
        status: 'active',
        token: TOKEN,
      },
    };
    const result = await cli([
      '--json',
      'tokens',
      'create',
      '--tenant',
      'acme',
      '--capabilities',
      'read,resend',
      '--link',
      '--web-url',
      'https://portal.example.com',
    ]);
    expect(result.code, result.stderr).toBe(0);
    const { link } = JSON.parse(result.stdout) as { link: string };
    expect(link.startsWith('https://portal.example.com/portal#')).toBe(true);
    expect(parseFragment(new URL(link).hash)).toEqual({
      token: TOKEN,
      tenantId: 'acme',
      capabilities: ['read', 'resend'],
      expiresAt: EXPIRES,
    });
  });
});
