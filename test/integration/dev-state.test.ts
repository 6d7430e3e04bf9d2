import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../local/aws-endpoint.js';
import { apiCall } from '../support/api-call.js';
import {
  alive,
  type DevProcess,
  gone,
  killDevProcesses,
  runDevProcess,
  startDevProcess,
} from '../support/dev-process.js';
import { type Received, startReceiver, waitFor } from '../support/receiver.js';

/**
 * Issue 11 §5: `hookbridge dev` keeps its state across restarts in a state directory,
 * `--fresh` starts clean, and a runtime killed with SIGKILL leaves no moto behind.
 * Each runtime is a real process with a moto of its own, as a user runs it.
 */
let receiver: Awaited<ReturnType<typeof startReceiver>>;
const dirs: string[] = [];

beforeAll(async () => {
  receiver = await startReceiver(() => ({ status: 204 }));
});

afterAll(async () => {
  killDevProcesses();
  await receiver?.close();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

function newStateDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'hookbridge-state-'));
  dirs.push(dir);
  return dir;
}

function api(
  dev: DevProcess,
  method: string,
  route: string,
  body?: unknown,
  headers: Record<string, string> = {},
) {
  return apiCall(dev.ready.apiUrl, method, route, body, headers);
}

/** The verified payload; throws when `secret` did not sign the request. */
function verify(request: Received | undefined, secret: string) {
  return new Webhook(secret).verify(request?.body ?? '', {
    'webhook-id': String(request?.headers['webhook-id']),
    'webhook-timestamp': String(request?.headers['webhook-timestamp']),
    'webhook-signature': String(request?.headers['webhook-signature']),
  }) as { id: string };
}

async function deliveredTo(id: string, eventId: string) {
  await waitFor(
    () => receiver.received.some((r) => r.headers['webhook-id'] === eventId),
    20_000,
    `the delivery of ${eventId} to ${id}`,
  );
  return receiver.received.find((r) => r.headers['webhook-id'] === eventId);
}

// Each runtime takes seconds to start on a loaded machine; a test starts up to three.
describe('hookbridge dev state', { timeout: 150_000 }, () => {
  it('keeps subscriptions, secrets, the attempt log and idempotency keys across a restart, and delivers again', async () => {
    const stateDir = newStateDir();
    const first = await startDevProcess(['--state-dir', stateDir]);
    expect(first.ready.stateDir).toBe(stateDir);
    expect(first.stderr()).toContain(`state in ${stateDir}`);
    const created = await api(first, 'POST', '/v1/subscriptions', {
      url: `${receiver.url}/webhook`,
      eventTypes: ['order.*'],
    });
    expect(created.status).toBe(201);
    const id: string = created.body.id;
    const idempotent = { 'idempotency-key': 'restart-1' };
    const event = { type: 'order.created', data: { n: 1 } };
    const sent = await api(first, 'POST', '/v1/events', event, idempotent);
    expect(sent.status).toBe(202);
    await deliveredTo(id, sent.body.id);
    const rotated = await api(first, 'POST', `/v1/subscriptions/${id}/secret/rotate`, {});
    expect(rotated.status).toBe(200);
    const secrets = (await api(first, 'GET', `/v1/subscriptions/${id}/secret`)).body;
    expect(secrets.previous).toHaveLength(1);
    await waitFor(
      async () =>
        (await api(first, 'GET', `/v1/subscriptions/${id}/deliveries`)).body.data.length === 1,
      10_000,
      'the first attempt in the log',
    );
    expect(await first.interrupt()).toBe(0);

    const second = await startDevProcess(['--state-dir', stateDir]);
    expect(second.ready.awsEndpointUrl).not.toBe(first.ready.awsEndpointUrl);
    expect(second.stderr()).toContain('restored 1 in hookbridge-subscriptions');
    const restored = await api(second, 'GET', `/v1/subscriptions/${id}`);
    expect(restored.status).toBe(200);
    expect(restored.body).toMatchObject({ id, status: 'active', eventTypes: ['order.*'] });
    expect((await api(second, 'GET', `/v1/subscriptions/${id}/secret`)).body).toEqual(secrets);
    const log = (await api(second, 'GET', `/v1/subscriptions/${id}/deliveries`)).body.data;
    expect(log).toEqual([
      expect.objectContaining({ eventId: sent.body.id, result: 'delivered', statusCode: 204 }),
    ]);
    // The idempotency key is remembered: the retry of a request answers the first event id.
    const retried = await api(second, 'POST', '/v1/events', event, idempotent);
    expect(retried.body).toEqual(sent.body);
    // The lane (queue, DLQ, rule, mapping) was re-created from the restored record.
    const again = await api(second, 'POST', '/v1/events', {
      type: 'order.created',
      data: { n: 2 },
    });
    const request = await deliveredTo(id, again.body.id);
    // Signed with the rotated secret, and with the previous one still in its grace period.
    expect(verify(request, secrets.secret)).toMatchObject({ id: again.body.id });
    expect(verify(request, secrets.previous[0].secret)).toMatchObject({ id: again.body.id });
    // Delivered events are not delivered twice after a restart: the attempt log says so.
    expect(receiver.received.filter((r) => r.headers['webhook-id'] === sent.body.id)).toHaveLength(
      1,
    );
    // The event archive came back too: a replay reaches the event of the first run.
    const replay = await api(second, 'POST', `/v1/subscriptions/${id}/replay`, {
      from: new Date(Date.parse(created.body.createdAt) - 5_000).toISOString(),
      to: new Date().toISOString(),
    });
    expect(replay.status).toBe(202);
    await waitFor(
      () => receiver.received.filter((r) => r.headers['webhook-id'] === sent.body.id).length === 2,
      20_000,
      'the replay of the first run event',
    );
    expect(await second.interrupt()).toBe(0);
  });

  it('--fresh starts with nothing of the earlier runs', async () => {
    const stateDir = newStateDir();
    const first = await startDevProcess(['--state-dir', stateDir]);
    const created = await api(first, 'POST', '/v1/subscriptions', {
      url: `${receiver.url}/webhook`,
      eventTypes: ['*'],
    });
    expect(created.status).toBe(201);
    expect(await first.interrupt()).toBe(0);

    const fresh = await startDevProcess(['--state-dir', stateDir, '--fresh']);
    expect(fresh.stderr()).toContain(`--fresh: emptied ${stateDir}`);
    expect(fresh.stderr()).not.toContain('restored');
    expect((await api(fresh, 'GET', '/v1/subscriptions')).body.data).toEqual([]);
    expect((await api(fresh, 'GET', `/v1/subscriptions/${created.body.id}`)).status).toBe(404);
    expect(await fresh.interrupt()).toBe(0);
  });

  it('SIGKILL takes its moto down too, keeps what was saved, and a second runtime may not share the directory', async () => {
    const stateDir = newStateDir();
    const dev = await startDevProcess(['--state-dir', stateDir]);
    const motoPid = dev.ready.awsEndpointPid ?? 0;
    expect(alive(motoPid)).toBe(true);
    const dynamoPid = Number(/DynamoDB in its own moto on \S+, pid (\d+)/.exec(dev.stderr())?.[1]);
    expect(alive(dynamoPid)).toBe(true);
    const created = await api(dev, 'POST', '/v1/subscriptions', {
      url: `${receiver.url}/webhook`,
      eventTypes: ['*'],
    });

    const second = runDevProcess(['--state-dir', stateDir]);
    expect(await second.exited).toBe(1);
    expect(second.stderr()).toContain(
      `another hookbridge dev (pid ${dev.ready.pid}) is using ${stateDir}`,
    );
    expect(alive(dev.ready.pid)).toBe(true);

    // Saved within seconds, without a graceful stop.
    const tables = path.join(stateDir, 'tables.json');
    await waitFor(
      () => existsSync(tables) && readFileSync(tables, 'utf8').includes(created.body.id),
      10_000,
      'the periodic snapshot',
    );
    dev.child.kill('SIGKILL');
    expect(await dev.exited).toBe(-1);
    expect(await gone(motoPid)).toBe(true);
    expect(await gone(dynamoPid)).toBe(true);

    const next = await startDevProcess(['--state-dir', stateDir]);
    expect((await api(next, 'GET', `/v1/subscriptions/${created.body.id}`)).status).toBe(200);
    expect(await next.interrupt()).toBe(0);
  });

  it('stops a moto left running by an earlier runtime, saying so', async () => {
    const stateDir = newStateDir();
    // A moto that does not watch its parent (as `moto_server` from PATH would run) ...
    const port = await freePort();
    const orphan = spawn('python3', ['-m', 'moto.server', '-H', '127.0.0.1', '-p', String(port)], {
      stdio: 'ignore',
      detached: true,
    });
    orphan.unref();
    const orphanPid = orphan.pid ?? 0;
    await waitFor(
      () =>
        fetch(`http://127.0.0.1:${port}/moto-api/reset`, { method: 'POST' }).then(
          (r) => r.ok,
          () => false,
        ),
      20_000,
      'the orphan moto',
    );
    // ... recorded by a runtime that is gone.
    const dead = spawn(process.execPath, ['-e', '']);
    await new Promise((resolve) => dead.once('exit', resolve));
    writeFileSync(
      path.join(stateDir, 'runtime.json'),
      JSON.stringify({ pid: dead.pid, motoPid: orphanPid }),
    );
    try {
      const dev = await startDevProcess(['--state-dir', stateDir]);
      expect(dev.stderr()).toContain(
        `stopped moto (pid ${orphanPid}) left running by an earlier hookbridge dev`,
      );
      expect(await gone(orphanPid)).toBe(true);
      expect(await dev.interrupt()).toBe(0);
    } finally {
      if (alive(orphanPid)) process.kill(orphanPid, 'SIGKILL');
    }
  });

  it('refuses to start over a damaged snapshot, naming the file and --fresh', async () => {
    const stateDir = newStateDir();
    writeFileSync(path.join(stateDir, 'tables.json'), '{"hookbridge-subscriptions": [');
    const dev = runDevProcess(['--state-dir', stateDir]);
    expect(await dev.exited).toBe(1);
    expect(dev.stderr()).toContain(
      `the saved state in ${path.join(stateDir, 'tables.json')} cannot be restored`,
    );
    expect(dev.stderr()).toContain('start with --fresh to discard it');
    // Its moto went down with it, and the directory is free again.
    const motoPid = Number(/\(moto\) on \S+, pid (\d+)/.exec(dev.stderr())?.[1]);
    expect(motoPid).toBeGreaterThan(0);
    expect(await gone(motoPid)).toBe(true);
    expect(existsSync(path.join(stateDir, 'runtime.json'))).toBe(false);
  });

  it('leaves alone a process whose pid an old lock file names but that is no moto', async () => {
    const stateDir = newStateDir();
    const bystander = spawn('sleep', ['60'], { stdio: 'ignore' });
    const bystanderPid = bystander.pid ?? 0;
    const dead = spawn(process.execPath, ['-e', '']);
    await new Promise((resolve) => dead.once('exit', resolve));
    writeFileSync(
      path.join(stateDir, 'runtime.json'),
      JSON.stringify({ pid: dead.pid, motoPid: bystanderPid }),
    );
    try {
      const dev = await startDevProcess(['--state-dir', stateDir]);
      expect(dev.stderr()).not.toContain('stopped moto');
      expect(alive(bystanderPid)).toBe(true);
      expect(await dev.interrupt()).toBe(0);
    } finally {
      bystander.kill('SIGKILL');
    }
  });
});
