import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, describe, expect, inject, it } from 'vitest';
import {
  alive,
  freePort,
  interrupt,
  parseJson,
  type Running,
  run,
  start,
  startDev as startDevIn,
  stopAll,
  track,
  waitFor,
} from '../support/cli-process.js';

/**
 * The acceptance test of the CLI (issue 5): everything a user would type, run as real
 * processes through bin/hookbridge.js, against `hookbridge dev` on the test's local AWS endpoint.
 */
const BIN = path.resolve(import.meta.dirname, '../../bin/hookbridge.js');

/** A state directory of the test's own: the default one is the working directory's. */
const stateDir = mkdtempSync(path.join(tmpdir(), 'hookbridge-e2e-state-'));
afterAll(() => rmSync(stateDir, { recursive: true, force: true }));
const startDev = (env: Record<string, string | undefined>) => startDevIn(stateDir, env);

// Whatever happened below: no process outlives the test.
afterAll(stopAll);

describe('hookbridge CLI, end to end', () => {
  it('dev, subscriptions create, listen, send: every delivery arrives verified; Ctrl-C stops it all', async () => {
    const { dev, ready } = await startDev({ AWS_ENDPOINT_URL: inject('awsEndpoint') });
    expect(ready.apiUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(ready.pid).toBe(dev.child.pid);
    const env = { HOOKBRIDGE_ENDPOINT: ready.apiUrl };

    const port = await freePort();
    const created = await run(
      [
        'subscriptions',
        'create',
        '--url',
        `http://127.0.0.1:${port}/webhook`,
        '--event-types',
        '*',
        '--json',
      ],
      env,
    );
    expect(created.code, created.stderr).toBe(0);
    const subscription = JSON.parse(created.stdout) as {
      id: string;
      secret: string;
      status: string;
    };
    expect(subscription.id).toMatch(/^sub_/);
    expect(subscription.secret).toMatch(/^whsec_/);

    const listener = start(
      ['listen', '--port', String(port), '--json', '--subscription', subscription.id],
      env,
    );
    await waitFor(
      'the listener',
      listener,
      () => (/listening on/.test(listener.stderr()) ? true : undefined),
      20_000,
    );

    const sent: string[] = [];
    for (const n of [1, 2, 3]) {
      const send = await run(['send', 'order.created', '--data', JSON.stringify({ n })], env);
      expect(send.code, send.stderr).toBe(0);
      sent.push(send.stdout.trim());
    }
    expect(sent.every((id) => /^evt_[0-9A-Z]{26}$/.test(id))).toBe(true);

    const deliveries = await waitFor(
      'a delivery of every event',
      listener,
      () => {
        const received = listener.lines.map(parseJson).filter((line) => line !== undefined);
        return sent.every((id) => received.some((line) => line.id === id)) ? received : undefined;
      },
      45_000,
    );
    for (const [index, id] of sent.entries()) {
      expect(deliveries.find((line) => line.id === id)).toMatchObject({
        id,
        type: 'order.created',
        verified: true,
        status: 204,
        body: { id, type: 'order.created', data: { n: index + 1 } },
      });
    }
    expect(deliveries.every((line) => line.verified === true)).toBe(true);

    const attempts = await run(['deliveries', subscription.id, '--json'], env);
    expect(attempts.code, attempts.stderr).toBe(0);
    const log = JSON.parse(attempts.stdout) as { data: { eventId: string; result: string }[] };
    for (const id of sent) {
      expect(log.data).toContainEqual(
        expect.objectContaining({ eventId: id, result: 'delivered' }),
      );
    }

    // --verbose: the request each attempt sent, the headers as the receiver got them.
    const [first] = sent;
    const verbose = await run(
      ['deliveries', subscription.id, '--verbose', '--event', String(first)],
      env,
    );
    expect(verbose.code, verbose.stderr).toBe(0);
    expect(verbose.stdout).toMatch(/^ {2}request: POST \S+ \(\d+ bytes\)$/m);
    expect(verbose.stdout).toContain(`    webhook-id: ${first}`);
    expect(verbose.stdout).toMatch(/^ {4}webhook-signature: v1,\S+$/m);

    // backlog: every event delivered, so the lane holds nothing.
    const backlog = await run(['subscriptions', 'backlog', subscription.id], env);
    expect(backlog.code, backlog.stderr).toBe(0);
    expect(backlog.stdout).toMatch(/^dead-lettered +0$/m);
    expect(backlog.stdout).toMatch(/^queued +0$/m);

    expect(await interrupt(listener)).toBe(0);
    expect(await interrupt(dev)).toBe(0);
    expect(alive(ready.pid)).toBe(false);
    if (ready.awsEndpointPid) expect(alive(ready.awsEndpointPid)).toBe(false);
  });

  it('tenants create|list|get|update|delete, subscriptions --tenant, send --tenant|--broadcast: each tenant gets its own', async () => {
    const { dev, ready } = await startDev({ AWS_ENDPOINT_URL: inject('awsEndpoint') });
    const env = { HOOKBRIDGE_ENDPOINT: ready.apiUrl };
    const ok = async (args: string[]) => {
      const result = await run([...args, '--json'], env);
      expect(result.code, `${args.join(' ')}: ${result.stderr}`).toBe(0);
      return JSON.parse(result.stdout);
    };
    expect(
      await ok(['tenants', 'create', 'acme', '--name', 'Acme', '--metadata', 'plan=pro']),
    ).toMatchObject({ id: 'acme', status: 'active', metadata: { plan: 'pro' } });
    await ok(['tenants', 'create', 'globex', '--name', 'Globex']);
    expect((await run(['tenants', 'create', 'acme', '--name', 'Again'], env)).code).not.toBe(0);
    expect((await ok(['tenants', 'list', '--all'])).data.map((t: { id: string }) => t.id)).toEqual(
      expect.arrayContaining(['acme', 'globex']),
    );
    expect((await ok(['tenants', 'update', 'acme', '--name', 'Acme Inc'])).name).toBe('Acme Inc');
    expect((await ok(['tenants', 'get', 'acme'])).name).toBe('Acme Inc');

    const ports = { acme: await freePort(), globex: await freePort() };
    const subs: Record<string, { id: string }> = {};
    const listeners: Record<string, Running> = {};
    for (const tenant of ['acme', 'globex'] as const) {
      subs[tenant] = await ok([
        'subscriptions',
        '--tenant',
        tenant,
        'create',
        '--url',
        `http://127.0.0.1:${ports[tenant]}/webhook`,
        '--event-types',
        'order.*',
      ]);
      expect(subs[tenant]).toMatchObject({ tenantId: tenant });
      listeners[tenant] = start(
        [
          'listen',
          '--port',
          String(ports[tenant]),
          '--json',
          '--subscription',
          String(subs[tenant]?.id),
        ],
        env,
      );
    }
    for (const listener of Object.values(listeners)) {
      await waitFor(
        'the listener',
        listener,
        () => (/listening on/.test(listener.stderr()) ? true : undefined),
        20_000,
      );
    }
    // The option after the subcommand works too; another tenant's subscription is "not found" (exit 4).
    expect(
      (await ok(['subscriptions', 'list', '--tenant', 'acme'])).data.map(
        (s: { id: string }) => s.id,
      ),
    ).toEqual([subs.acme?.id]);
    expect(
      (await run(['subscriptions', 'get', String(subs.globex?.id), '--tenant', 'acme'], env)).code,
    ).toBe(4);
    expect((await run(['deliveries', String(subs.globex?.id), '--tenant', 'acme'], env)).code).toBe(
      4,
    );
    expect(
      (await run(['subscriptions', 'backlog', String(subs.globex?.id), '--tenant', 'acme'], env))
        .code,
    ).toBe(4);
    expect(
      (await run(['send', 'order.created', '--tenant', 'acme', '--broadcast'], env)).code,
    ).toBe(2);

    const forAcme = (
      await run(['send', 'order.created', '--tenant', 'acme', '--data', '{"n":1}'], env)
    ).stdout.trim();
    const toAll = (
      await run(['send', 'order.created', '--broadcast', '--data', '{"n":2}'], env)
    ).stdout.trim();
    const toNone = (await run(['send', 'order.created', '--data', '{"n":3}'], env)).stdout.trim();
    const ids = (listener: Running) => listener.lines.map(parseJson).map((line) => line?.id);
    await waitFor(
      'both events at acme',
      listeners.acme as Running,
      () =>
        [forAcme, toAll].every((id) => ids(listeners.acme as Running).includes(id))
          ? true
          : undefined,
      45_000,
    );
    await waitFor(
      'the broadcast at globex',
      listeners.globex as Running,
      () => (ids(listeners.globex as Running).includes(toAll) ? true : undefined),
      45_000,
    );
    await sleep(1_000);
    expect(ids(listeners.acme as Running)).not.toContain(toNone);
    expect(ids(listeners.globex as Running)).not.toContain(forAcme);
    expect(ids(listeners.globex as Running)).not.toContain(toNone);

    expect(await ok(['tenants', 'delete', 'globex'])).toEqual({ id: 'globex', status: 'deleted' });
    expect((await run(['subscriptions', 'get', String(subs.globex?.id)], env)).code).toBe(4);
    for (const listener of Object.values(listeners)) expect(await interrupt(listener)).toBe(0);
    expect(await interrupt(dev)).toBe(0);
  });

  it('exit codes: 4 for an unknown subscription, 2 for bad --data, 3 for an unreachable API', async () => {
    const { dev, ready } = await startDev({ AWS_ENDPOINT_URL: inject('awsEndpoint') });
    const env = { HOOKBRIDGE_ENDPOINT: ready.apiUrl };

    const missing = await run(['subscriptions', 'get', 'sub_01ARZ3NDEKTSV4RRFFQ69G5FAV'], env);
    expect(missing.code).toBe(4);
    expect(missing.stderr).toContain('subscription sub_01ARZ3NDEKTSV4RRFFQ69G5FAV does not exist');

    const bad = await run(['send', 'x', '--data', '{bad'], env);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--data is not valid JSON: ');

    const closed = await freePort();
    const unreachable = await run([
      '--endpoint',
      `http://127.0.0.1:${closed}`,
      'subscriptions',
      'list',
    ]);
    expect(unreachable.code).toBe(3);
    expect(unreachable.stderr).toContain(
      `cannot reach the Hookbridge API at http://127.0.0.1:${closed}: connection refused — is \`hookbridge dev\` running?`,
    );

    expect(await interrupt(dev)).toBe(0);
  });

  it('dev explains a taken port and a missing moto, and exits 1', async () => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const port = (taken.address() as { port: number }).port;
    try {
      const busy = await run(['dev', '--port', String(port), '--state-dir', stateDir], {
        AWS_ENDPOINT_URL: inject('awsEndpoint'),
      });
      expect(busy.code).toBe(1);
      expect(busy.stderr).toContain(`port ${port} is already in use`);
    } finally {
      taken.close();
    }

    // No python3, no moto_server on PATH, no .venv in the working directory, no endpoint.
    const empty = mkdtempSync(path.join(tmpdir(), 'hookbridge-no-moto-'));
    try {
      const env = { ...process.env, PATH: empty, AWS_ENDPOINT_URL: '' };
      const child = spawn(process.execPath, [BIN, 'dev', '--port', '0'], {
        cwd: empty,
        env,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      track(child);
      let stderr = '';
      child.stderr?.on('data', (chunk: Buffer) => {
        stderr += chunk.toString('utf8');
      });
      const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
      expect(code).toBe(1);
      expect(stderr).toContain('moto (the local AWS endpoint) is not installed');
      expect(stderr).toContain("pip install 'moto[server]==5.2.1'");
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });

  it('dev started without AWS_ENDPOINT_URL runs its own moto and stops it on Ctrl-C', async () => {
    const { dev, ready } = await startDev({ AWS_ENDPOINT_URL: undefined });
    expect(ready.awsEndpointPid).toEqual(expect.any(Number));
    const pid = ready.awsEndpointPid ?? 0;
    expect(alive(pid)).toBe(true);

    expect(await interrupt(dev)).toBe(0);
    expect(alive(ready.pid)).toBe(false);
    // moto is stopped by pid inside stop(); give the kernel a moment to reap it.
    const deadline = Date.now() + 5000;
    while (alive(pid) && Date.now() < deadline) await sleep(50);
    expect(alive(pid)).toBe(false);
  });
});
