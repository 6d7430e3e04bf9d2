import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { type CliTenants, startCliTenants } from '../support/cli-tenants.js';

/**
 * Issue 12 through the CLI, as an operator and its customers type it: tenant tokens and API
 * keys minted with `hookbridge tokens|api-keys`, then used with `--token`/`--api-key` (or their
 * environment variables) against `hookbridge dev`, which checks them exactly as deployed.
 * Everything runs as real processes; the tests run in order and build on each other.
 * The message API through the CLI: cli-message-api.test.ts.
 */
interface Minted {
  readonly id: string;
  readonly token?: string;
  readonly key?: string;
}

let stage: CliTenants;
beforeAll(async () => {
  // No authorizer cache: a revocation shows on the very next call instead of within 30 s.
  stage = await startCliTenants({
    AWS_ENDPOINT_URL: inject('awsEndpoint'),
    HOOKBRIDGE_AUTHORIZER_CACHE_SECONDS: '0',
  });
}, 120_000);
afterAll(() => stage?.stop());

describe('hookbridge CLI with tenant tokens and API keys', () => {
  let acmeToken: Minted;
  let globexToken: Minted;
  let publishKey: Minted;

  it('tokens create|list: minted once per tenant, listed without the secret', async () => {
    acmeToken = await stage.ok([
      'tokens',
      'create',
      '--tenant',
      'acme',
      '--ttl',
      '30m',
      '--capabilities',
      'read,resend',
      '--description',
      'portal',
    ]);
    expect(acmeToken).toMatchObject({
      tenantId: 'acme',
      capabilities: ['read', 'resend'],
      description: 'portal',
    });
    expect(acmeToken.token).toMatch(/^hbt_/);
    const { createdAt, expiresAt } = acmeToken as unknown as Record<string, string>;
    expect(
      Math.abs(Date.parse(String(expiresAt)) - Date.parse(String(createdAt)) - 1_800_000),
    ).toBeLessThan(1000);
    globexToken = await stage.ok(['tokens', 'create', '--tenant', 'globex']);
    expect(globexToken).toMatchObject({ tenantId: 'globex', capabilities: ['read'] });

    const listed = await stage.ok(['tokens', 'list', '--tenant', 'acme', '--all']);
    expect(listed.data.map((t: Minted) => t.id)).toEqual([acmeToken.id]);
    expect(JSON.stringify(listed)).not.toContain(String(acmeToken.token));

    const human = await stage.as({}, ['tokens', 'create', '--tenant', 'acme']);
    expect(human.code).toBe(0);
    expect(human.stdout).toMatch(/^token +hbt_/m);
    expect(human.stderr).toContain('Shown once');
  }, 120_000);

  it("a token reaches its own tenant's routes and nothing of the other tenant", async () => {
    const acme = { HOOKBRIDGE_TOKEN: String(acmeToken.token) };
    const listed = await stage.as(acme, ['subscriptions', 'list', '--tenant', 'acme', '--json']);
    expect(listed.code, listed.stderr).toBe(0);
    expect(JSON.parse(listed.stdout).data.map((s: { id: string }) => s.id)).toEqual([
      stage.subs.acme,
    ]);
    expect((await stage.as(acme, ['tenants', 'get', 'acme'])).code).toBe(0);

    // Another tenant's path, or its subscription under our own: the same "not found".
    for (const args of [
      ['subscriptions', 'list', '--tenant', 'globex'],
      ['subscriptions', 'get', stage.subs.globex, '--tenant', 'globex'],
      ['subscriptions', 'get', stage.subs.globex, '--tenant', 'acme'],
      ['deliveries', stage.subs.globex, '--tenant', 'acme'],
      ['tenants', 'get', 'globex'],
      ['events', 'list', '--tenant', 'globex'],
    ]) {
      const result = await stage.as(acme, args);
      expect(result.code, `${args.join(' ')}: ${result.stderr}`).toBe(4);
    }
    // A capability it was not given: refused by the API, and said so.
    const create = await stage.as(acme, [
      'subscriptions',
      'create',
      '--tenant',
      'acme',
      '--url',
      'https://example.com/x',
      '--event-types',
      '*',
    ]);
    expect(create.code).toBe(1);
    expect(create.stderr).toContain('insufficient_capability');
    expect(create.stderr).toContain('the tenant token (HOOKBRIDGE_TOKEN) does not allow this');
    expect(
      (await stage.as(acme, ['subscriptions', 'secret', stage.subs.acme, '--tenant', 'acme'])).code,
    ).toBe(1);
    // Operator and ingest routes: refused before anything is sent.
    for (const args of [
      ['send', 'order.created', '--tenant', 'acme'],
      ['subscriptions', 'list'],
      ['tokens', 'list', '--tenant', 'acme'],
    ]) {
      expect((await stage.as(acme, args)).code, args.join(' ')).toBe(2);
    }
  }, 120_000);

  it('a tampered, truncated or mislabelled token is refused with the reason', async () => {
    const token = String(acmeToken.token);
    const last = token.at(-1) === 'A' ? 'B' : 'A';
    for (const bad of [
      `${token.slice(0, -1)}${last}`,
      token.slice(0, -6),
      `hbt_${token.slice(4).split('').reverse().join('')}`,
    ]) {
      const result = await stage.as({}, [
        'subscriptions',
        'list',
        '--tenant',
        'acme',
        '--token',
        bad,
      ]);
      expect(result.code, result.stderr).toBe(1);
      expect(result.stderr).toContain('the API refused the tenant token (--token)');
    }
    const other = await stage.as({}, [
      'subscriptions',
      'list',
      '--tenant',
      'acme',
      '--token',
      String(globexToken.token),
    ]);
    expect(other.code).toBe(4);
  }, 120_000);

  it('api-keys: a publish key for one tenant publishes for it only; last use is recorded', async () => {
    publishKey = await stage.ok([
      'api-keys',
      'create',
      '--name',
      'acme-backend',
      '--scope',
      'publish',
      '--tenant',
      'acme',
    ]);
    expect(publishKey.key).toMatch(/^hbk_/);
    expect(await stage.ok(['api-keys', 'get', publishKey.id])).not.toHaveProperty('lastUsedAt');
    const key = { HOOKBRIDGE_API_KEY: String(publishKey.key) };

    const sent = await stage.as(key, [
      'send',
      'order.created',
      '--tenant',
      'acme',
      '--data',
      '{"n":1}',
    ]);
    expect(sent.code, sent.stderr).toBe(0);
    expect(sent.stdout.trim()).toMatch(/^evt_/);
    for (const args of [
      ['send', 'order.created', '--tenant', 'globex'],
      ['send', 'order.created', '--broadcast'],
      ['send', 'order.created'],
    ]) {
      const refused = await stage.as(key, args);
      expect(refused.code, args.join(' ')).toBe(1);
      expect(refused.stderr).toContain('tenantId');
    }
    expect((await stage.as(key, ['subscriptions', 'list'])).code).toBe(1);
    expect((await stage.as(key, ['api-keys', 'list'])).code).toBe(2);

    const listed = await stage.ok(['api-keys', 'list', '--all']);
    expect(listed.data).toContainEqual(
      expect.objectContaining({ id: publishKey.id, scope: 'publish', tenantId: 'acme' }),
    );
    expect(JSON.stringify(listed)).not.toContain(String(publishKey.key));
    // Recorded by the authorizer beside its answer: allow it a moment.
    let used: { lastUsedAt?: string } = {};
    for (let tries = 0; tries < 20 && used.lastUsedAt === undefined; tries += 1) {
      used = await stage.ok(['api-keys', 'get', publishKey.id]);
    }
    expect(Date.parse(String(used.lastUsedAt))).not.toBeNaN();

    const manage = await stage.ok(['api-keys', 'create', '--name', 'ops', '--scope', 'manage']);
    const minted = await stage.as({ HOOKBRIDGE_API_KEY: String(manage.key) }, [
      'tokens',
      'create',
      '--tenant',
      'globex',
      '--json',
    ]);
    expect(minted.code, minted.stderr).toBe(0);
  }, 120_000);

  it('revoke, revoke-all and api-keys revoke: the credential is refused from the next call on', async () => {
    await stage.ok(['tokens', 'revoke', acmeToken.id, '--tenant', 'acme']);
    const revoked = await stage.as({ HOOKBRIDGE_TOKEN: String(acmeToken.token) }, [
      'subscriptions',
      'list',
      '--tenant',
      'acme',
    ]);
    expect(revoked.code).toBe(1);
    expect(revoked.stderr).toContain('the API refused the tenant token (HOOKBRIDGE_TOKEN)');
    const listed = await stage.ok(['tokens', 'list', '--tenant', 'acme', '--all']);
    expect(listed.data.find((t: Minted) => t.id === acmeToken.id)).toHaveProperty('revokedAt');

    await stage.ok(['tokens', 'revoke-all', '--tenant', 'globex']);
    expect(
      (
        await stage.as({ HOOKBRIDGE_TOKEN: String(globexToken.token) }, [
          'tenants',
          'get',
          'globex',
        ])
      ).code,
    ).toBe(1);
    const fresh = await stage.ok(['tokens', 'create', '--tenant', 'globex']);
    expect(
      (await stage.as({ HOOKBRIDGE_TOKEN: String(fresh.token) }, ['tenants', 'get', 'globex']))
        .code,
    ).toBe(0);

    await stage.ok(['api-keys', 'revoke', publishKey.id]);
    const key = await stage.as({ HOOKBRIDGE_API_KEY: String(publishKey.key) }, [
      'send',
      'order.created',
      '--tenant',
      'acme',
    ]);
    expect(key.code).toBe(1);
    expect(key.stderr).toContain('the API refused the API key (HOOKBRIDGE_API_KEY)');
    expect(await stage.ok(['api-keys', 'get', publishKey.id])).toHaveProperty('revokedAt');
  }, 120_000);
});
