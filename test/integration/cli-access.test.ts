import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import {
  freePort,
  interrupt,
  parseJson,
  type Running,
  run,
  start,
  startDev,
  stopAll,
  waitFor,
} from '../support/cli-process.js';

/**
 * Issue 12 through the CLI, as an operator and its customers type it: tenant tokens and API
 * keys minted with `hookbridge tokens|api-keys`, then used with `--token`/`--api-key` (or their
 * environment variables) against `hookbridge dev`, which checks them exactly as deployed; the
 * message API (`events get|list`) and `subscriptions resend`. Everything runs as real processes.
 */
const stateDir = mkdtempSync(path.join(tmpdir(), 'hookbridge-access-state-'));
afterAll(() => rmSync(stateDir, { recursive: true, force: true }));
afterAll(stopAll);

interface Minted {
  readonly id: string;
  readonly token?: string;
  readonly key?: string;
}

let dev: Running;
let operator: Record<string, string>;
const subs: Record<'acme' | 'globex', string> = { acme: '', globex: '' };
const listeners: Partial<Record<'acme' | 'globex', Running>> = {};

/** `hookbridge … --json` as the operator (no credentials: the local runtime's operator). */
async function ok(args: string[], env: Record<string, string> = {}) {
  const result = await run([...args, '--json'], { ...operator, ...env });
  expect(result.code, `${args.join(' ')}: ${result.stderr}`).toBe(0);
  return JSON.parse(result.stdout);
}

/**
 * `hookbridge …` with a credential (in `env`, or as `--token`/`--api-key` in `args`); its exit
 * code and what it printed — which never contains that credential, whatever the outcome.
 */
async function as(env: Record<string, string>, args: string[]) {
  const result = await run(args, { ...operator, ...env });
  const held = [
    ...Object.values(env),
    ...args.filter((_, index) => ['--token', '--api-key'].includes(args[index - 1] ?? '')),
  ];
  for (const credential of held.filter(Boolean)) {
    expect(
      `${result.stdout}\n${result.stderr}`.includes(credential),
      `${args.join(' ')} printed its credential`,
    ).toBe(false);
  }
  return result;
}

const ids = (listener: Running | undefined) =>
  (listener?.lines ?? []).map(parseJson).map((line) => line?.id);

beforeAll(async () => {
  // No authorizer cache: a revocation shows on the very next call instead of within 30 s.
  const started = await startDev(stateDir, {
    AWS_ENDPOINT_URL: inject('awsEndpoint'),
    HOOKBRIDGE_AUTHORIZER_CACHE_SECONDS: '0',
  });
  dev = started.dev;
  // Ambient credentials of whoever runs the tests must not leak into the operator's calls.
  operator = {
    HOOKBRIDGE_ENDPOINT: started.ready.apiUrl,
    HOOKBRIDGE_API_KEY: '',
    HOOKBRIDGE_TOKEN: '',
  };
  for (const tenant of ['acme', 'globex'] as const) {
    await ok(['tenants', 'create', tenant, '--name', tenant]);
    const port = await freePort();
    const created = await ok([
      'subscriptions',
      '--tenant',
      tenant,
      'create',
      '--url',
      `http://127.0.0.1:${port}/webhook`,
      '--event-types',
      'order.*',
    ]);
    subs[tenant] = created.id;
    const listener = start(
      ['listen', '--port', String(port), '--json', '--subscription', created.id],
      operator,
    );
    listeners[tenant] = listener;
    await waitFor(
      'the listener',
      listener,
      () => (/listening on/.test(listener.stderr()) ? true : undefined),
      20_000,
    );
  }
}, 120_000);

afterAll(async () => {
  for (const listener of Object.values(listeners)) await interrupt(listener);
  if (dev) expect(await interrupt(dev)).toBe(0);
});

describe('hookbridge CLI with tenant tokens and API keys', () => {
  let acmeToken: Minted;
  let globexToken: Minted;
  let publishKey: Minted;
  let eventId = '';

  it('tokens create|list: minted once per tenant, listed without the secret', async () => {
    acmeToken = await ok([
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
    globexToken = await ok(['tokens', 'create', '--tenant', 'globex']);
    expect(globexToken).toMatchObject({ tenantId: 'globex', capabilities: ['read'] });

    const listed = await ok(['tokens', 'list', '--tenant', 'acme', '--all']);
    expect(listed.data.map((t: Minted) => t.id)).toEqual([acmeToken.id]);
    expect(JSON.stringify(listed)).not.toContain(String(acmeToken.token));

    const human = await run(['tokens', 'create', '--tenant', 'acme'], operator);
    expect(human.code).toBe(0);
    expect(human.stdout).toMatch(/^token +hbt_/m);
    expect(human.stderr).toContain('Shown once');
  }, 120_000);

  it("a token reaches its own tenant's routes and nothing of the other tenant", async () => {
    const acme = { HOOKBRIDGE_TOKEN: String(acmeToken.token) };
    const listed = await as(acme, ['subscriptions', 'list', '--tenant', 'acme', '--json']);
    expect(listed.code, listed.stderr).toBe(0);
    expect(JSON.parse(listed.stdout).data.map((s: { id: string }) => s.id)).toEqual([subs.acme]);
    expect((await as(acme, ['tenants', 'get', 'acme'])).code).toBe(0);

    // Another tenant's path, or its subscription under our own: the same "not found".
    for (const args of [
      ['subscriptions', 'list', '--tenant', 'globex'],
      ['subscriptions', 'get', subs.globex, '--tenant', 'globex'],
      ['subscriptions', 'get', subs.globex, '--tenant', 'acme'],
      ['deliveries', subs.globex, '--tenant', 'acme'],
      ['tenants', 'get', 'globex'],
      ['events', 'list', '--tenant', 'globex'],
    ]) {
      const result = await as(acme, args);
      expect(result.code, `${args.join(' ')}: ${result.stderr}`).toBe(4);
    }
    // A capability it was not given: refused by the API, and said so.
    const create = await as(acme, [
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
    expect((await as(acme, ['subscriptions', 'secret', subs.acme, '--tenant', 'acme'])).code).toBe(
      1,
    );
    // Operator and ingest routes: refused before anything is sent.
    for (const args of [
      ['send', 'order.created', '--tenant', 'acme'],
      ['subscriptions', 'list'],
      ['tokens', 'list', '--tenant', 'acme'],
    ]) {
      expect((await as(acme, args)).code, args.join(' ')).toBe(2);
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
      const result = await as({}, ['subscriptions', 'list', '--tenant', 'acme', '--token', bad]);
      expect(result.code, result.stderr).toBe(1);
      expect(result.stderr).toContain('the API refused the tenant token (--token)');
    }
    const other = await as({}, [
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
    publishKey = await ok([
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
    expect(await ok(['api-keys', 'get', publishKey.id])).not.toHaveProperty('lastUsedAt');
    const key = { HOOKBRIDGE_API_KEY: String(publishKey.key) };

    const sent = await as(key, ['send', 'order.created', '--tenant', 'acme', '--data', '{"n":1}']);
    expect(sent.code, sent.stderr).toBe(0);
    eventId = sent.stdout.trim();
    expect(eventId).toMatch(/^evt_/);
    for (const args of [
      ['send', 'order.created', '--tenant', 'globex'],
      ['send', 'order.created', '--broadcast'],
      ['send', 'order.created'],
    ]) {
      const refused = await as(key, args);
      expect(refused.code, args.join(' ')).toBe(1);
      expect(refused.stderr).toContain('tenantId');
    }
    expect((await as(key, ['subscriptions', 'list'])).code).toBe(1);
    expect((await as(key, ['api-keys', 'list'])).code).toBe(2);

    const listed = await ok(['api-keys', 'list', '--all']);
    expect(listed.data).toContainEqual(
      expect.objectContaining({ id: publishKey.id, scope: 'publish', tenantId: 'acme' }),
    );
    expect(JSON.stringify(listed)).not.toContain(String(publishKey.key));
    // Recorded by the authorizer beside its answer: allow it a moment.
    let used: { lastUsedAt?: string } = {};
    for (let tries = 0; tries < 20 && used.lastUsedAt === undefined; tries += 1) {
      used = await ok(['api-keys', 'get', publishKey.id]);
    }
    expect(Date.parse(String(used.lastUsedAt))).not.toBeNaN();

    const manage = await ok(['api-keys', 'create', '--name', 'ops', '--scope', 'manage']);
    const minted = await as({ HOOKBRIDGE_API_KEY: String(manage.key) }, [
      'tokens',
      'create',
      '--tenant',
      'globex',
      '--json',
    ]);
    expect(minted.code, minted.stderr).toBe(0);
  }, 120_000);

  it("events get|list: the tenant's token sees its event delivered; the other tenant sees nothing of it", async () => {
    const acme = { HOOKBRIDGE_TOKEN: String(acmeToken.token) };
    await waitFor(
      'the event at acme',
      listeners.acme as Running,
      () => (ids(listeners.acme).includes(eventId) ? true : undefined),
      45_000,
    );
    let shown: { deliveries: { subscriptionId: string; state: string }[] } | undefined;
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline) {
      const result = await as(acme, ['events', 'get', eventId, '--tenant', 'acme', '--json']);
      expect(result.code, result.stderr).toBe(0);
      shown = JSON.parse(result.stdout);
      if (shown?.deliveries.some((d) => d.state === 'delivered')) break;
    }
    expect(shown?.deliveries).toEqual([
      expect.objectContaining({ subscriptionId: subs.acme, state: 'delivered' }),
    ]);

    const human = await as(acme, ['events', 'get', eventId, '--tenant', 'acme']);
    expect(human.stdout).toMatch(new RegExp(`^${subs.acme} +(acme +)?delivered +1 +204 `, 'm'));
    const listed = await as(acme, [
      'events',
      'list',
      '--tenant',
      'acme',
      '--type',
      'order.*',
      '--json',
    ]);
    expect(JSON.parse(listed.stdout).data.map((e: { id: string }) => e.id)).toContain(eventId);

    const globex = { HOOKBRIDGE_TOKEN: String(globexToken.token) };
    expect((await as(globex, ['events', 'get', eventId, '--tenant', 'globex'])).code).toBe(4);
    const theirs = await as(globex, ['events', 'list', '--tenant', 'globex', '--all', '--json']);
    expect(theirs.code, theirs.stderr).toBe(0);
    expect(JSON.parse(theirs.stdout).data.map((e: { id: string }) => e.id)).not.toContain(eventId);
    const everything = await ok(['events', 'get', eventId]);
    expect(
      everything.deliveries.map((d: { subscriptionId: string }) => d.subscriptionId),
    ).not.toContain(subs.globex);
  }, 120_000);

  it('subscriptions resend: delivered again to that one subscription; never across tenants', async () => {
    const acme = { HOOKBRIDGE_TOKEN: String(acmeToken.token) };
    const resent = await as(acme, [
      'subscriptions',
      'resend',
      subs.acme,
      '--event',
      eventId,
      '--tenant',
      'acme',
      '--json',
    ]);
    expect(resent.code, resent.stderr).toBe(0);
    expect(JSON.parse(resent.stdout)).toEqual({ eventId, subscriptionId: subs.acme });
    await waitFor(
      'the resent event at acme',
      listeners.acme as Running,
      () => (ids(listeners.acme).filter((id) => id === eventId).length >= 2 ? true : undefined),
      45_000,
    );
    const acmeLines = (listeners.acme?.lines ?? [])
      .map(parseJson)
      .filter((line) => line?.id === eventId);
    expect(acmeLines.every((line) => line?.verified === true)).toBe(true);

    // The operator may not resend acme's event to globex's subscription either: "not found".
    expect((await as({}, ['subscriptions', 'resend', subs.globex, '--event', eventId])).code).toBe(
      4,
    );
    const globexToken2 = await ok([
      'tokens',
      'create',
      '--tenant',
      'globex',
      '--capabilities',
      'read,resend',
    ]);
    const across = await as({ HOOKBRIDGE_TOKEN: String(globexToken2.token) }, [
      'subscriptions',
      'resend',
      subs.globex,
      '--event',
      eventId,
      '--tenant',
      'globex',
    ]);
    expect(across.code).toBe(4);
    expect(ids(listeners.globex)).not.toContain(eventId);
  }, 120_000);

  it('revoke, revoke-all and api-keys revoke: the credential is refused from the next call on', async () => {
    await ok(['tokens', 'revoke', acmeToken.id, '--tenant', 'acme']);
    const revoked = await as({ HOOKBRIDGE_TOKEN: String(acmeToken.token) }, [
      'subscriptions',
      'list',
      '--tenant',
      'acme',
    ]);
    expect(revoked.code).toBe(1);
    expect(revoked.stderr).toContain('the API refused the tenant token (HOOKBRIDGE_TOKEN)');
    const listed = await ok(['tokens', 'list', '--tenant', 'acme', '--all']);
    expect(listed.data.find((t: Minted) => t.id === acmeToken.id)).toHaveProperty('revokedAt');

    await ok(['tokens', 'revoke-all', '--tenant', 'globex']);
    expect(
      (await as({ HOOKBRIDGE_TOKEN: String(globexToken.token) }, ['tenants', 'get', 'globex']))
        .code,
    ).toBe(1);
    const fresh = await ok(['tokens', 'create', '--tenant', 'globex']);
    expect(
      (await as({ HOOKBRIDGE_TOKEN: String(fresh.token) }, ['tenants', 'get', 'globex'])).code,
    ).toBe(0);

    await ok(['api-keys', 'revoke', publishKey.id]);
    const key = await as({ HOOKBRIDGE_API_KEY: String(publishKey.key) }, [
      'send',
      'order.created',
      '--tenant',
      'acme',
    ]);
    expect(key.code).toBe(1);
    expect(key.stderr).toContain('the API refused the API key (HOOKBRIDGE_API_KEY)');
    expect(await ok(['api-keys', 'get', publishKey.id])).toHaveProperty('revokedAt');
  }, 120_000);
});
