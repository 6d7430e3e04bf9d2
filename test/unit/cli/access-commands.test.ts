import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { parseCapabilities, parseTokenTtl } from '../../../cli/commands/tokens.js';
import { type FakeApi, runCliCaptured, startFakeApi } from '../../support/fake-api.js';

let api: FakeApi;
beforeAll(async () => {
  api = await startFakeApi();
});
afterAll(() => api.close());
beforeEach(() => api.reset());

const cli = (args: string[], env: Record<string, string> = {}) =>
  runCliCaptured(args, { HOOKBRIDGE_ENDPOINT: api.endpoint, ...env });

const MINTED = 'hbt_01JD5Z8Q4X9V2M7K3T6N0R1B8C.c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0LXNlY3JldA';
const token = (overrides: object = {}) => ({
  id: '01JD5Z8Q4X9V2M7K3T6N0R1B8C',
  tenantId: 'acme',
  capabilities: ['read'],
  createdAt: '2024-05-01T12:00:00.000Z',
  expiresAt: '2024-05-01T13:00:00.000Z',
  ...overrides,
});

describe('tokens create', () => {
  it('sends the lifetime in seconds, the capabilities and the description; prints the token once with a warning', async () => {
    api.answers['POST /v1/tenants/acme/tokens'] = {
      status: 201,
      body: token({ token: MINTED, capabilities: ['read', 'resend'], description: 'portal' }),
    };
    const result = await cli([
      'tokens',
      'create',
      '--tenant',
      'acme',
      '--ttl',
      '30m',
      '--capabilities',
      'read, resend',
      '--description',
      'portal',
    ]);
    expect(result.code, result.stderr).toBe(0);
    expect(api.requests[0]?.body).toEqual({
      ttlSeconds: 1800,
      capabilities: ['read', 'resend'],
      description: 'portal',
    });
    expect(result.stdout).toMatch(new RegExp(`^token +${MINTED}$`, 'm'));
    expect(result.stdout).toMatch(/^capabilities +read, resend$/m);
    expect(result.stdout).toMatch(/^status +expired$/m); // its expiry (2024) has passed
    expect(result.stdout.split(MINTED)).toHaveLength(2);
    expect(result.stderr).toContain('Shown once');
    expect(result.stderr).toContain('never in a query string');
    expect(result.stderr).not.toContain(MINTED);
  });

  it('sends an empty body when only the tenant is given (the API applies 1h and read)', async () => {
    api.answers['POST /v1/tenants/acme/tokens'] = { status: 201, body: token({ token: MINTED }) };
    expect((await cli(['tokens', 'create', '--tenant', 'acme'])).code).toBe(0);
    expect(api.requests[0]?.body).toEqual({});
  });

  it('--json prints the API answer as it is, token included, and nothing on stderr', async () => {
    const answer = token({ token: MINTED });
    api.answers['POST /v1/tenants/acme%2Fx/tokens'] = { status: 201, body: answer };
    const result = await cli(['tokens', 'create', '--tenant', 'acme/x', '--json']);
    expect(result).toEqual({ code: 0, stdout: `${JSON.stringify(answer)}\n`, stderr: '' });
  });

  it.each([
    [['--ttl', '1m'], 'a token lives from 5m to 7d (got 1m)'],
    [['--ttl', '8d'], 'a token lives from 5m to 7d (got 8d)'],
    [['--ttl', '1.5s'], 'expected a whole number of seconds'],
    [['--ttl', 'soon'], 'expected seconds, or a number with s, m, h or d'],
    [['--ttl', '-1h'], 'expected seconds, or a number with s, m, h or d'],
    [['--capabilities', 'read,admin'], 'unknown capability "admin": expected some of read, write'],
    [['--capabilities', 'READ'], 'unknown capability "READ"'],
    [['--capabilities', 'read,read'], 'capability "read" is given twice'],
    [['--capabilities', ','], 'expected capabilities separated by commas'],
  ])('refuses %j with exit 2 before sending anything', async (flags, message) => {
    const result = await cli(['tokens', 'create', '--tenant', 'acme', ...flags]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(message);
    expect(api.requests).toHaveLength(0);
  });

  it('needs --tenant', async () => {
    const result = await cli(['tokens', 'create']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("required option '--tenant <id>' not specified");
  });

  it('accepts the bounds themselves', () => {
    expect(parseTokenTtl('5m')).toBe(300);
    expect(parseTokenTtl('7d')).toBe(604_800);
    expect(parseTokenTtl('168h')).toBe(604_800);
    expect(parseCapabilities('secrets,write,resend,read')).toEqual([
      'secrets',
      'write',
      'resend',
      'read',
    ]);
  });
});

describe('tokens list, revoke, revoke-all', () => {
  it('list shows each token with its status (revoked, expired, active), never a secret', async () => {
    api.answers['GET /v1/tenants/acme/tokens?limit=50'] = {
      status: 200,
      body: {
        data: [
          token({ id: 'tok_revoked', revokedAt: '2024-05-01T12:30:00Z' }),
          token({ id: 'tok_expired', expired: true, expiresAt: '2999-01-01T00:00:00Z' }),
          token({ id: 'tok_active', expired: false, expiresAt: '2999-01-01T00:00:00Z' }),
          token({ id: 'tok_said', status: 'expired', expiresAt: '2999-01-01T00:00:00Z' }),
        ],
        nextCursor: 'next',
      },
    };
    const result = await cli(['tokens', 'list', '--tenant', 'acme']);
    expect(result.code, result.stderr).toBe(0);
    const lines = result.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^ID +STATUS +CAPABILITIES +EXPIRES \(UTC\)/);
    expect(lines[1]).toMatch(/^tok_revoked +revoked +read/);
    expect(lines[2]).toMatch(/^tok_expired +expired +read/);
    expect(lines[3]).toMatch(/^tok_active +active +read +2999-01-01 00:00:00/);
    expect(lines[4]).toMatch(/^tok_said +expired /); // the API's own word first
    expect(result.stderr).toContain('--cursor next');
  });

  it('list --all follows the cursor', async () => {
    api.answers['GET /v1/tenants/acme/tokens?limit=100'] = {
      status: 200,
      body: { data: [token({ id: 'a' })], nextCursor: 'c2' },
    };
    api.answers['GET /v1/tenants/acme/tokens?limit=100&cursor=c2'] = {
      status: 200,
      body: { data: [token({ id: 'b' })] },
    };
    const result = await cli(['tokens', 'list', '--tenant', 'acme', '--all', '--json']);
    expect(JSON.parse(result.stdout).data.map((t: { id: string }) => t.id)).toEqual(['a', 'b']);
  });

  it('revoke deletes one token and says when it takes effect', async () => {
    api.answers['DELETE /v1/tenants/acme/tokens/tok_1'] = { status: 204 };
    const result = await cli(['tokens', 'revoke', 'tok_1', '--tenant', 'acme']);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(
      'revoked token tok_1 of tenant acme (in effect at once locally, within the authorizer cache (30 s by default, at most 60 s) when deployed)\n',
    );
    expect(api.requests.map((r) => `${r.method} ${r.url}`)).toEqual([
      'DELETE /v1/tenants/acme/tokens/tok_1',
    ]);
  });

  it("revoke of another tenant's token is not found (exit 4)", async () => {
    api.answers['DELETE /v1/tenants/acme/tokens/tok_globex'] = {
      status: 404,
      body: { error: { code: 'not_found', message: 'token tok_globex does not exist' } },
    };
    const result = await cli(['tokens', 'revoke', 'tok_globex', '--tenant', 'acme']);
    expect(result).toEqual({
      code: 4,
      stdout: '',
      stderr: 'error: token tok_globex does not exist\n',
    });
  });

  it('revoke-all deletes the collection', async () => {
    api.answers['DELETE /v1/tenants/acme/tokens'] = { status: 204 };
    const result = await cli(['tokens', 'revoke-all', '--tenant', 'acme', '--json']);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({ tenantId: 'acme', status: 'revoked' });
    expect(api.requests.map((r) => `${r.method} ${r.url}`)).toEqual([
      'DELETE /v1/tenants/acme/tokens',
    ]);
  });
});

const KEY = 'hbk_01JD5Z8Q4X9V2M7K3T6N0R1B8D.a2V5LWtleS1rZXkta2V5LWtleS1rZXkta2V5LWtleQ';
const apiKey = (overrides: object = {}) => ({
  id: 'key_1',
  name: 'billing',
  scope: 'publish',
  createdAt: '2024-05-01T12:00:00.000Z',
  ...overrides,
});

describe('api-keys', () => {
  it('create sends name, scope and tenant; prints the key once with a warning', async () => {
    api.answers['POST /v1/api-keys'] = {
      status: 201,
      body: apiKey({ key: KEY, tenantId: 'acme' }),
    };
    const result = await cli([
      'api-keys',
      'create',
      '--name',
      'billing',
      '--scope',
      'publish',
      '--tenant',
      'acme',
    ]);
    expect(result.code, result.stderr).toBe(0);
    expect(api.requests[0]?.body).toEqual({ name: 'billing', scope: 'publish', tenantId: 'acme' });
    expect(result.stdout).toMatch(new RegExp(`^key +${KEY}$`, 'm'));
    expect(result.stdout).toMatch(/^tenant +acme$/m);
    expect(result.stderr).toContain('Shown once');
    expect(result.stderr).not.toContain(KEY);
  });

  it('create of a manage key sends no tenant', async () => {
    api.answers['POST /v1/api-keys'] = { status: 201, body: apiKey({ key: KEY, scope: 'manage' }) };
    expect((await cli(['api-keys', 'create', '--name', 'ops', '--scope', 'manage'])).code).toBe(0);
    expect(api.requests[0]?.body).toEqual({ name: 'ops', scope: 'manage' });
  });

  it.each([
    [
      ['--name', 'x', '--scope', 'manage', '--tenant', 'acme'],
      '--tenant applies to --scope publish only',
    ],
    [
      ['--name', 'x', '--scope', 'admin'],
      "argument 'admin' is invalid. Allowed choices are publish, manage",
    ],
    [['--name', 'x'], "required option '--scope <scope>' not specified"],
    [['--scope', 'publish'], "required option '--name <name>' not specified"],
  ])('create refuses %j with exit 2, sending nothing', async (flags, message) => {
    const result = await cli(['api-keys', 'create', ...flags]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(message);
    expect(api.requests).toHaveLength(0);
  });

  it('list shows scope, tenant, status and last use', async () => {
    api.answers['GET /v1/api-keys?limit=50'] = {
      status: 200,
      body: {
        data: [
          apiKey({ tenantId: 'acme', lastUsedAt: '2024-05-02T08:00:00Z' }),
          apiKey({ id: 'key_2', name: 'ops', scope: 'manage', revokedAt: '2024-05-03T00:00:00Z' }),
        ],
      },
    };
    const lines = (await cli(['api-keys', 'list'])).stdout.trimEnd().split('\n');
    expect(lines[1]).toMatch(/^key_1 +billing +publish \(acme\) +active +2024-05-02 08:00:00/);
    expect(lines[2]).toMatch(/^key_2 +ops +manage +revoked +never/);
  });

  it('get shows when the key was last used; revoke deletes it', async () => {
    api.answers['GET /v1/api-keys/key_1'] = {
      status: 200,
      body: apiKey({ lastUsedAt: '2024-05-02T08:00:00Z' }),
    };
    const got = await cli(['api-keys', 'get', 'key_1']);
    expect(got.stdout).toMatch(/^last used +2024-05-02 08:00:00$/m);
    expect(got.stdout).toMatch(/^status +active$/m);
    expect(got.stdout).not.toMatch(/^key /m);
    api.answers['DELETE /v1/api-keys/key_1'] = { status: 204 };
    const revoked = await cli(['api-keys', 'revoke', 'key_1']);
    expect(revoked.code).toBe(0);
    expect(revoked.stdout).toContain('revoked API key key_1');
  });
});
