import { type AttributeValue, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import { localResourceNames } from '../../infra/base-resources.js';
import { checkCredential } from '../../shared/access/credential-check.js';
import { mintCredential } from '../../shared/access/credential-secret.js';
import { parseConsoleFragment } from '../../shared/access/session-links.js';
import { API_KEY_ROUTES, CONSOLE_SESSION_ROUTES } from '../../shared/http/routes.js';
import { parseFragment } from '../../web/src/portal/portal-session.js';
import { accessWorld } from '../support/access-world.js';
import { apiCall } from '../support/api-call.js';
import { run as cli } from '../support/cli-process.js';

// Operator console sessions (hbc_…) through the local runtime, as deployed: every bearer
// credential goes through the authorizer. Minted by the operator only (IAM; locally no
// bearer), used as a manage key would be, refused once expired or revoked.

const world = accessWorld();
const { A, B, TYPE, api, as, apiKey, mint } = world;
const FORBIDDEN = { status: 403, body: { message: 'Forbidden' } };

interface MintedSession {
  id: string;
  token: string;
  createdAt: string;
  expiresAt: string;
  status: string;
}

async function session(body?: Record<string, unknown>): Promise<MintedSession> {
  const minted = await api('POST', '/v1/console-sessions', body);
  expect(minted.status, JSON.stringify(minted.body)).toBe(201);
  return minted.body as MintedSession;
}

async function listed(id: string) {
  const page = await api('GET', '/v1/console-sessions?limit=100');
  expect(page.status).toBe(200);
  expect(JSON.stringify(page.body)).not.toMatch(/secretHash|hbc_/);
  return page.body.data.find((s: { id: string }) => s.id === id);
}

/** A route key with its parameters filled in. */
function pathOf(routeKey: string, ids: Record<string, string>): [string, string] {
  const [method = '', template = ''] = routeKey.split(' ');
  return [method, template.replace(/\{(\w+)\}/g, (_, name: string) => ids[name] ?? 'x')];
}

/** `hookbridge …` against the runtime, with no credential of the test's shell. */
function hookbridge(args: string[], env: Record<string, string | undefined> = {}) {
  return cli(['--endpoint', world.dev.apiUrl, ...args], {
    HOOKBRIDGE_TOKEN: undefined,
    HOOKBRIDGE_API_KEY: undefined,
    HOOKBRIDGE_WEB_URL: undefined,
    ...env,
  });
}

describe('console sessions', () => {
  it('are minted once, for an hour by default, and listed without a secret', async () => {
    const minted = await session();
    expect(minted.token).toMatch(/^hbc_[0-9a-f]{24}\.[A-Za-z0-9_-]{43}$/);
    expect(minted.token.slice(4, 28)).toBe(minted.id);
    expect(Date.parse(minted.expiresAt) - Date.parse(minted.createdAt)).toBe(3_600_000);
    expect(minted.status).toBe('active');
    expect(await listed(minted.id)).toEqual({
      id: minted.id,
      createdAt: minted.createdAt,
      expiresAt: minted.expiresAt,
      status: 'active',
    });
    const short = await session({ lifetimeSeconds: 300 });
    expect(Date.parse(short.expiresAt) - Date.parse(short.createdAt)).toBe(300_000);
    const long = await session({ lifetimeSeconds: 43_200 });
    expect(Date.parse(long.expiresAt) - Date.parse(long.createdAt)).toBe(43_200_000);
  });

  it('refuse a lifetime out of range, or any other field, naming it (400)', async () => {
    for (const [body, field] of [
      [{ lifetimeSeconds: 299 }, 'lifetimeSeconds'],
      [{ lifetimeSeconds: 43_201 }, 'lifetimeSeconds'],
      [{ lifetimeSeconds: 600.5 }, 'lifetimeSeconds'],
      [{ lifetimeSeconds: '1h' }, 'lifetimeSeconds'],
      [{ lifetimeSeconds: null }, 'lifetimeSeconds'],
      [{ tenantId: A }, 'tenantId'],
      [{ scope: 'manage' }, 'scope'],
    ] as const) {
      const answer = await api('POST', '/v1/console-sessions', body);
      expect(answer.status, JSON.stringify(body)).toBe(400);
      expect(answer.body.error.code).toBe('validation_error');
      expect(JSON.stringify(answer.body.error), JSON.stringify(body)).toContain(field);
    }
    const notJson = await apiCall(world.dev.apiUrl, 'POST', '/v1/console-sessions', '{', {
      'content-type': 'application/json',
    });
    expect(notJson.status).toBe(400);
  });

  it('reach what a manage key does: operator, tenant and ingest routes, any tenant', async () => {
    const { token } = await session();
    expect((await as(token, 'GET', '/v1/tenants')).status).toBe(200);
    expect((await as(token, 'GET', '/v1/subscriptions')).status).toBe(200);
    expect((await as(token, 'GET', `/v1/tenants/${A}/subscriptions`)).status).toBe(200);
    expect((await as(token, 'GET', `/v1/tenants/${B}`)).body.id).toBe(B);
    expect((await as(token, 'GET', '/v1/event-types')).status).toBe(200);
    expect((await as(token, 'POST', '/v1/events', { type: TYPE, data: {} })).status).toBe(202);
    const minted = await as(token, 'POST', `/v1/tenants/${A}/tokens`, {});
    expect(minted.status).toBe(201);
    expect((await as(minted.body.token, 'GET', `/v1/tenants/${A}`)).status).toBe(200);
  });

  it('cannot mint, list or revoke API keys or console sessions (403), nor can a key or token', async () => {
    const mine = await session();
    const other = await session();
    const manage = await apiKey({ name: 'ops', scope: 'manage' });
    const token = await mint(A, { capabilities: ['read', 'write', 'secrets', 'resend'] });
    for (const credential of [mine.token, manage.key, token.token]) {
      for (const routeKey of [...API_KEY_ROUTES, ...CONSOLE_SESSION_ROUTES]) {
        const [method, path] = pathOf(routeKey, { keyId: manage.id, sessionId: other.id });
        const body =
          routeKey === 'POST /v1/api-keys'
            ? { name: 'escalate', scope: 'manage' }
            : method === 'POST'
              ? {}
              : undefined;
        const answer = await as(credential, method, path, body);
        expect(answer.status, `${credential.slice(0, 4)} ${routeKey}`).toBe(403);
      }
    }
    // Nothing was revoked or minted on the way.
    expect((await as(other.token, 'GET', '/v1/tenants')).status).toBe(200);
    expect((await as(manage.key, 'GET', '/v1/tenants')).status).toBe(200);
    expect((await listed(other.id)).status).toBe('active');
  });

  it('refuse a tampered, truncated, padded or re-tagged credential at the gateway', async () => {
    const { token } = await session();
    const [head = '', secret = ''] = token.split('.');
    const other = (await session()).token.split('.')[1] ?? '';
    const flipped = `${secret.slice(0, -1)}${secret.endsWith('A') ? 'B' : 'A'}`;
    for (const bad of [
      `${head}.${flipped}`,
      `${head}.${other}`, // another session's secret under this id
      token.slice(0, -1),
      `${token}A`,
      `${token}=`,
      `hbk_${token.slice(4)}`, // an API key of the same id and secret does not exist
      `hbt_${token.slice(4)}`,
      `HBC_${token.slice(4)}`,
      'hbc_000000000000000000000000.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA',
    ]) {
      expect(await as(bad, 'GET', '/v1/tenants'), bad.slice(0, 30)).toEqual(FORBIDDEN);
    }
  });

  it('expire by the authorizer’s clock, and an expired item is refused at the gateway', async () => {
    const minted = await session({ lifetimeSeconds: 300 });
    const options = {
      client: world.dynamo,
      accessTable: localResourceNames.accessTable,
      subscriptionsTable: localResourceNames.subscriptionsTable,
    };
    const check = (at: number) =>
      checkCredential(`Bearer ${minted.token}`, { ...options, now: () => new Date(at) });
    const expiry = Date.parse(minted.expiresAt);
    expect(await check(expiry - 1)).toEqual({
      accepted: true,
      context: { kind: 'console', credentialId: minted.id, expiresAt: minted.expiresAt },
    });
    expect(await check(expiry)).toEqual({ accepted: false, reason: 'expired' });

    const { id, credential, secretHash } = mintCredential('console-session');
    const at = (ms: number) => new Date(ms).toISOString();
    await world.dynamo.send(
      new PutItemCommand({
        TableName: localResourceNames.accessTable,
        Item: {
          id: { S: `console#${id}` },
          kind: { S: 'console-session' },
          createdAt: { S: at(Date.now() - 3_600_000) },
          expiresAt: { S: at(Date.now() - 1) },
          secretHash: { S: secretHash },
        },
      }),
    );
    expect(await as(credential, 'GET', '/v1/tenants')).toEqual(FORBIDDEN);
    expect((await listed(id)).status).toBe('expired');
  });

  it('refuse an item that is not a session’s: bound to a tenant, or without an expiry', async () => {
    const later = { S: new Date(Date.now() + 3_600_000).toISOString() };
    const shapes: Record<string, AttributeValue>[] = [{ tenantId: { S: A }, expiresAt: later }, {}];
    for (const extra of shapes) {
      const { id, credential, secretHash } = mintCredential('console-session');
      await world.dynamo.send(
        new PutItemCommand({
          TableName: localResourceNames.accessTable,
          Item: {
            id: { S: `console#${id}` },
            kind: { S: 'console-session' },
            createdAt: { S: new Date().toISOString() },
            secretHash: { S: secretHash },
            ...extra,
          },
        }),
      );
      expect(await as(credential, 'GET', '/v1/tenants'), JSON.stringify(extra)).toEqual(FORBIDDEN);
    }
  });

  it('are revoked one by one (204, then refused); an unknown id is a 404', async () => {
    const one = await session();
    const kept = await session();
    expect((await as(one.token, 'GET', '/v1/tenants')).status).toBe(200);
    expect((await api('DELETE', '/v1/console-sessions/000000000000000000000000')).status).toBe(404);
    expect((await api('DELETE', '/v1/console-sessions/not-an-id')).status).toBe(404);
    expect((await api('DELETE', `/v1/console-sessions/${one.id}`)).status).toBe(204);
    expect((await api('DELETE', `/v1/console-sessions/${one.id}`)).status).toBe(204);
    expect(await as(one.token, 'GET', '/v1/tenants')).toEqual(FORBIDDEN);
    expect((await as(kept.token, 'GET', '/v1/tenants')).status).toBe(200);
    const revoked = await listed(one.id);
    expect(revoked).toMatchObject({ status: 'revoked', revokedAt: expect.any(String) });
  });

  it('are revoked all at once, and a session minted afterwards works', async () => {
    const first = await session();
    const second = await session({ lifetimeSeconds: 43_200 });
    // Revoking all of them leaves tokens and keys alone.
    const key = await apiKey({ name: 'stays', scope: 'manage' });
    expect((await api('DELETE', '/v1/console-sessions')).status).toBe(204);
    for (const { token } of [first, second])
      expect(await as(token, 'GET', '/v1/tenants')).toEqual(FORBIDDEN);
    expect((await listed(first.id)).status).toBe('revoked');
    expect((await listed(second.id)).status).toBe('revoked');
    expect((await as(key.key, 'GET', '/v1/tenants')).status).toBe(200);
    expect((await as(world.tokens.a, 'GET', `/v1/tenants/${A}`)).status).toBe(200);

    const later = await session();
    expect((await as(later.token, 'GET', '/v1/tenants')).status).toBe(200);
    expect((await listed(later.id)).status).toBe('active');
    // Twice in a row is no error, and still spares nothing minted before it.
    expect((await api('DELETE', '/v1/console-sessions')).status).toBe(204);
    expect(await as(later.token, 'GET', '/v1/tenants')).toEqual(FORBIDDEN);
  });
});

describe('hookbridge console', () => {
  it('mints a session and prints the console link; locally it says none is needed', async () => {
    const { code, stdout, stderr } = await hookbridge(['console', '--lifetime', '30m']);
    expect(code, stderr).toBe(0);
    const link = new URL(stdout.trim());
    expect(`${link.origin}${link.pathname}`).toBe(`${world.dev.apiUrl}/console`);
    expect(link.search).toBe('');
    const opened = parseConsoleFragment(link.hash);
    if (typeof opened !== 'object') throw new Error(`not a console link: ${stdout}`);
    expect(stderr).toMatch(/local runtime needs no session/);
    expect((await as(opened.session, 'GET', '/v1/tenants')).status).toBe(200);
    const id = opened.session.slice(4, 28);
    const shown = await listed(id);
    expect(Date.parse(shown.expiresAt) - Date.parse(shown.createdAt)).toBe(1_800_000);
    expect(shown.expiresAt).toBe(opened.expiresAt);
  });

  it('takes the web app URL from --web-url, then HOOKBRIDGE_WEB_URL; --json gives the link', async () => {
    const flag = await hookbridge(['console', '--web-url', 'https://d111.cloudfront.net/']);
    expect(flag.code, flag.stderr).toBe(0);
    expect(flag.stdout.trim()).toMatch(/^https:\/\/d111\.cloudfront\.net\/console#session=hbc_/);
    expect(flag.stderr).not.toMatch(/needs no session/);

    const env = await hookbridge(['--json', 'console'], {
      HOOKBRIDGE_WEB_URL: 'https://console.example.com',
    });
    expect(env.code, env.stderr).toBe(0);
    const body = JSON.parse(env.stdout) as Record<string, string>;
    expect(body).toMatchObject({ id: expect.any(String), status: 'active' });
    expect(body.token).toBeUndefined();
    expect(body.link).toMatch(/^https:\/\/console\.example\.com\/console#session=hbc_/);
    const opened = parseConsoleFragment(new URL(body.link ?? '').hash);
    expect(opened).toEqual({ session: expect.any(String), expiresAt: body.expiresAt });
  });

  it('refuses out-of-range lifetimes, a key or token, and a bad --web-url, minting nothing', async () => {
    const before = (await api('GET', '/v1/console-sessions?limit=100')).body.data.length;
    const key = await apiKey({ name: 'no-console', scope: 'manage' });
    for (const [args, env, message] of [
      [['console', '--lifetime', '4m'], {}, 'a console session lives from 5m to 12h (got 4m)'],
      [['console', '--lifetime', '13h'], {}, 'a console session lives from 5m to 12h'],
      [['--api-key', key.key, 'console'], {}, 'console sessions are managed through the IAM API'],
      [['--token', world.tokens.a, 'console', 'sessions'], {}, 'IAM API only'],
      [['console', 'revoke', '--all'], { HOOKBRIDGE_API_KEY: key.key }, 'HOOKBRIDGE_API_KEY'],
      [['console', '--web-url', 'ftp://example.com'], {}, '--web-url must be an http(s) URL'],
      [['console', 'revoke'], {}, 'a session id or --all'],
    ] as const) {
      const result = await hookbridge([...args], env);
      expect(result.code, `${args.join(' ')}: ${result.stderr}`).toBe(2);
      expect(result.stderr).toContain(message);
      expect(result.stderr).not.toContain(key.key);
    }
    expect((await api('GET', '/v1/console-sessions?limit=100')).body.data.length).toBe(before);
  });

  it('lists sessions and revokes one, then all', async () => {
    const one = await session();
    const two = await session();
    const list = await hookbridge(['console', 'sessions', '--all']);
    expect(list.code, list.stderr).toBe(0);
    expect(list.stdout).toMatch(/ID\s+STATUS\s+EXPIRES/);
    expect(list.stdout).toContain(one.id);
    expect(list.stdout).not.toContain('hbc_');

    const revoke = await hookbridge(['console', 'revoke', one.id]);
    expect(revoke.code, revoke.stderr).toBe(0);
    expect(revoke.stdout).toContain(`revoked console session ${one.id}`);
    expect(await as(one.token, 'GET', '/v1/tenants')).toEqual(FORBIDDEN);
    expect((await as(two.token, 'GET', '/v1/tenants')).status).toBe(200);
    const missing = await hookbridge(['console', 'revoke', '000000000000000000000000']);
    expect(missing.code).toBe(4);

    const all = await hookbridge(['--json', 'console', 'revoke', '--all']);
    expect(all.code, all.stderr).toBe(0);
    expect(JSON.parse(all.stdout)).toEqual({ all: true, status: 'revoked' });
    expect(await as(two.token, 'GET', '/v1/tenants')).toEqual(FORBIDDEN);
  });
});

describe('hookbridge tokens create --link', () => {
  it('prints a portal link the portal accepts, for the minted token', async () => {
    const result = await hookbridge([
      '--json',
      'tokens',
      'create',
      '--tenant',
      A,
      '--capabilities',
      'read,write',
      '--link',
    ]);
    expect(result.code, result.stderr).toBe(0);
    const body = JSON.parse(result.stdout) as Record<string, string>;
    const link = new URL(body.link ?? '');
    expect(`${link.origin}${link.pathname}`).toBe(`${world.dev.apiUrl}/portal`);
    expect(parseFragment(link.hash)).toEqual({
      token: body.token,
      tenantId: A,
      capabilities: ['read', 'write'],
      expiresAt: body.expiresAt,
    });
    expect((await as(body.token ?? '', 'GET', `/v1/tenants/${A}`)).status).toBe(200);

    const human = await hookbridge(
      ['tokens', 'create', '--tenant', B, '--link', '--web-url', 'https://d111.cloudfront.net'],
      {},
    );
    expect(human.code, human.stderr).toBe(0);
    const line = human.stdout.split('\n').find((l) => l.startsWith('link'));
    const printed = line?.replace(/^link\s+/, '') ?? '';
    expect(printed).toMatch(/^https:\/\/d111\.cloudfront\.net\/portal#token=hbt_/);
    expect(parseFragment(new URL(printed).hash)).toMatchObject({
      tenantId: B,
      capabilities: ['read'],
    });

    const stray = await hookbridge(['tokens', 'create', '--tenant', A, '--web-url', 'https://x.y']);
    expect(stray.code).toBe(2);
    expect(stray.stderr).toContain('--web-url goes with --link');
  });
});
