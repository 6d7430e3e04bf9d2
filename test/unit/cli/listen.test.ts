import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';
import { afterEach, describe, expect, it } from 'vitest';
import { ApiClient } from '../../../cli/api-client.js';
import { type Listener, type ReceivedDelivery, startListener } from '../../../cli/listen.js';
import { runCli } from '../../../cli/run-cli.js';
import { staticSecret, subscriptionSecrets } from '../../../cli/secret-sources.js';

const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const OTHER_SECRET = 'whsec_dGhpcyBpcyBhbm90aGVyIHNlY3JldCBrZXk=';
const body = JSON.stringify({
  id: 'evt_01JD5Z8Q4X9V2M7K3T6N0R1B8D',
  type: 'order.created',
  timestamp: '2024-05-01T12:00:00.000Z',
  data: { id: 1 },
});

/** The headers a Hookbridge delivery carries, signed with the standardwebhooks package. */
function signed(secret: string, payload = body, at = new Date()) {
  const id = 'evt_01JD5Z8Q4X9V2M7K3T6N0R1B8D';
  return {
    'content-type': 'application/json',
    'webhook-id': id,
    'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
    'webhook-signature': new Webhook(secret).sign(id, at, payload),
  };
}

const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

async function listen(options: Partial<Parameters<typeof startListener>[0]> = {}) {
  const deliveries: ReceivedDelivery[] = [];
  const listener: Listener = await startListener({
    port: 0,
    onDelivery: (delivery) => deliveries.push(delivery),
    ...options,
  });
  cleanup.push(() => listener.close());
  return { listener, deliveries };
}

describe('listen', () => {
  it('verifies a Standard Webhooks signature and answers --status', async () => {
    const { listener, deliveries } = await listen({ secrets: staticSecret(SECRET), status: 202 });
    const response = await fetch(listener.url, { method: 'POST', headers: signed(SECRET), body });
    expect(response.status).toBe(202);
    expect(deliveries).toEqual([
      expect.objectContaining({
        id: 'evt_01JD5Z8Q4X9V2M7K3T6N0R1B8D',
        type: 'order.created',
        verified: true,
        status: 202,
        body: JSON.parse(body),
      }),
    ]);
  });

  it('answers 401 to a signature made with another secret, a tampered body, or none', async () => {
    const { listener, deliveries } = await listen({ secrets: staticSecret(SECRET) });
    const post = (headers: Record<string, string>, payload = body) =>
      fetch(listener.url, { method: 'POST', headers, body: payload }).then((r) => r.status);
    expect(await post(signed(OTHER_SECRET))).toBe(401);
    expect(await post(signed(SECRET), body.replace('"id":1', '"id":2'))).toBe(401);
    expect(await post({ 'content-type': 'application/json' })).toBe(401);
    expect(deliveries.map((d) => d.verified)).toEqual([false, false, false]);
  });

  it('refuses a signature older than the tolerance (a replayed request)', async () => {
    const { listener } = await listen({ secrets: staticSecret(SECRET) });
    const old = new Date(Date.now() - 10 * 60 * 1000);
    const response = await fetch(listener.url, {
      method: 'POST',
      headers: signed(SECRET, body, old),
      body,
    });
    expect(response.status).toBe(401);
  });

  it('answers 500 with --fail-rate 1, and --status with --fail-rate 0', async () => {
    const failing = await listen({ secrets: staticSecret(SECRET), failRate: 1 });
    const response = await fetch(failing.listener.url, {
      method: 'POST',
      headers: signed(SECRET),
      body,
    });
    expect(response.status).toBe(500);
    expect(failing.deliveries[0]).toMatchObject({ verified: true, status: 500 });

    const fine = await listen({ secrets: staticSecret(SECRET), failRate: 0 });
    expect(
      (await fetch(fine.listener.url, { method: 'POST', headers: signed(SECRET), body })).status,
    ).toBe(204);
  });

  it('takes deliveries unverified when it has no secret, and 404s other paths', async () => {
    const notes: string[] = [];
    const { listener, deliveries } = await listen({ onNote: (line) => notes.push(line) });
    expect((await fetch(listener.url, { method: 'POST', body })).status).toBe(204);
    expect(deliveries[0]?.verified).toBeNull();
    expect(
      (await fetch(new URL('/elsewhere', listener.url), { method: 'POST', body })).status,
    ).toBe(404);
    expect(notes.join('\n')).toContain('POST /webhook');
  });

  it("fetches the subscription's secret again when verification fails (a rotation)", async () => {
    let current = SECRET;
    let fetches = 0;
    const api: Server = createServer((_req, res) => {
      fetches += 1;
      res
        .writeHead(200, { 'content-type': 'application/json' })
        .end(JSON.stringify({ secret: current, previous: [] }));
    });
    await new Promise<void>((resolve) => api.listen(0, '127.0.0.1', resolve));
    cleanup.push(async () => {
      api.closeAllConnections();
      await new Promise((resolve) => api.close(resolve));
    });
    const client = new ApiClient({
      endpoint: `http://127.0.0.1:${(api.address() as AddressInfo).port}`,
    });
    const secrets = subscriptionSecrets(client, 'sub_01JD5Z8Q4X9V2M7K3T6N0R1B8C');
    const { listener } = await listen({ secrets });

    expect(
      (await fetch(listener.url, { method: 'POST', headers: signed(SECRET), body })).status,
    ).toBe(204);
    expect(fetches).toBe(1);
    current = OTHER_SECRET;
    // Past the one-second refresh floor, so the refresh really asks the API.
    await new Promise((resolve) => setTimeout(resolve, 1100));
    expect(
      (await fetch(listener.url, { method: 'POST', headers: signed(OTHER_SECRET), body })).status,
    ).toBe(204);
    expect(fetches).toBe(2);
  });

  it('as a command: prints one JSON line per delivery and stops on the signal', async () => {
    const stop = new AbortController();
    let stdout = '';
    let stderr = '';
    const exit = runCli(
      ['listen', '--port', '0', '--json', '--secret', SECRET, '--path', '/hooks'],
      {
        stdout: (text) => {
          stdout += text;
        },
        stderr: (text) => {
          stderr += text;
        },
        env: {},
        cwd: process.cwd(),
        signal: stop.signal,
      },
    );
    const deadline = Date.now() + 5000;
    while (!/listening on (\S+)/.test(stderr) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const url = /listening on (\S+)/.exec(stderr)?.[1];
    if (!url) throw new Error(`the listener did not start: ${stderr}`);
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/hooks$/);

    expect((await fetch(url, { method: 'POST', headers: signed(SECRET), body })).status).toBe(204);
    expect((await fetch(url, { method: 'POST', headers: signed(OTHER_SECRET), body })).status).toBe(
      401,
    );
    stop.abort();
    expect(await exit).toBe(0);
    expect(
      stdout
        .trimEnd()
        .split('\n')
        .map((line) => JSON.parse(line)),
    ).toEqual([
      {
        id: 'evt_01JD5Z8Q4X9V2M7K3T6N0R1B8D',
        type: 'order.created',
        verified: true,
        status: 204,
        body: JSON.parse(body),
      },
      {
        id: 'evt_01JD5Z8Q4X9V2M7K3T6N0R1B8D',
        type: 'order.created',
        verified: false,
        status: 401,
        body: JSON.parse(body),
      },
    ]);
  });

  it('as a command: refuses a malformed --secret with exit 2', async () => {
    let stderr = '';
    const code = await runCli(['listen', '--port', '0', '--secret', 'whsec_%%%'], {
      stdout: () => undefined,
      stderr: (text) => {
        stderr += text;
      },
      env: {},
      cwd: process.cwd(),
      signal: AbortSignal.abort(),
    });
    expect(code).toBe(2);
    expect(stderr).toContain('--secret');
  });
});
