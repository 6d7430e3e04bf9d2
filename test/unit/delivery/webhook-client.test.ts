import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { newSigningSecret, webhookHeaders } from '../../../shared/delivery/signing.js';
import { WebhookClient, WebhookRequestError } from '../../../shared/delivery/webhook-client.js';
import { AddressPolicy, DestinationRefusedError } from '../../../shared/net/address-policy.js';

interface Received {
  readonly path: string;
  readonly headers: IncomingMessage['headers'];
  readonly body: string;
  /** Tells connections apart: a reused keep-alive connection keeps its port. */
  readonly remotePort: number | undefined;
}

/** A receiver on 127.0.0.1 that records every request it gets. */
async function receiver(
  route: (path: string, res: ServerResponse) => void,
): Promise<{ server: Server; url: string; received: Received[] }> {
  const received: Received[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const path = req.url ?? '/';
      const body = Buffer.concat(chunks).toString('utf8');
      received.push({ path, headers: req.headers, body, remotePort: req.socket.remotePort });
      res.on('error', () => {});
      route(path, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { server, url: `http://127.0.0.1:${port}`, received };
}

async function shut(server: Server): Promise<void> {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}

async function failure(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => expect.fail('the request should have failed'),
    (error: unknown) => error,
  );
}

const loopback = new AddressPolicy({ allowHttp: true, allowCidrs: ['127.0.0.0/8', '::1/128'] });
const guarded = new AddressPolicy({ allowHttp: true });
const userAgent = 'Hookbridge/test';

describe('WebhookClient', () => {
  let target: Awaited<ReturnType<typeof receiver>>;
  let main: Awaited<ReturnType<typeof receiver>>;
  let client: WebhookClient;

  beforeAll(async () => {
    target = await receiver((_path, res) => res.end('redirect target'));
    main = await receiver((path, res) => {
      if (path === '/ok') {
        res.writeHead(200, { 'x-receiver': 'yes' }).end('thanks ✓');
      } else if (path === '/redirect') {
        res.writeHead(302, { location: `${target.url}/landing` }).end();
      } else if (path === '/hang') {
        // No answer at all: the request is left open until the test closes the server.
      } else if (path === '/drip') {
        res.writeHead(200).write('partial'); // headers and a first chunk, then nothing
      } else if (path === '/huge-chunked') {
        res.writeHead(200, { 'content-type': 'text/plain' });
        const block = 'x'.repeat(64 * 1024);
        for (let i = 0; i < 64; i++) res.write(block);
        res.end();
      } else if (path === '/huge-sized') {
        const payload = Buffer.alloc(4 * 1024 * 1024, 'y');
        res.writeHead(200, { 'content-length': String(payload.length) }).end(payload);
      } else if (path === '/small') {
        // Past the limit in the first chunk, with more still to come: worth draining.
        res.writeHead(500).write('e'.repeat(5000));
        setTimeout(() => res.end('e'.repeat(1000)), 20);
      } else {
        res.writeHead(404).end();
      }
    });
    client = new WebhookClient({ policy: loopback, userAgent });
  });

  afterAll(async () => {
    await client.close();
    await shut(main.server);
    await shut(target.server);
  });

  beforeEach(() => {
    main.received.length = 0;
    target.received.length = 0;
  });

  it('posts the exact body with the delivery headers and returns the response', async () => {
    const secret = newSigningSecret();
    const body = JSON.stringify({ id: 'evt_1', type: 'order.created', data: { n: 'ü' } });
    const signed = webhookHeaders({
      id: 'evt_1',
      timestamp: Math.floor(Date.now() / 1000),
      body,
      secrets: [secret],
    });
    const response = await client.post(`${main.url}/ok`, body, {
      ...signed,
      'content-type': 'text/plain',
    });

    expect(response.status).toBe(200);
    expect(response.body).toBe('thanks ✓');
    expect(response.headers['x-receiver']).toBe('yes');
    expect(response.durationMs).toBeGreaterThanOrEqual(0);
    const [request] = main.received;
    expect(request?.body).toBe(body);
    expect(request?.headers['content-type']).toBe('application/json');
    expect(request?.headers['user-agent']).toBe(userAgent);
    expect(new Webhook(secret).verify(request?.body ?? '', request?.headers as never)).toEqual(
      JSON.parse(body),
    );
  });

  it('returns a 302 as is and never fetches its Location', async () => {
    const response = await client.post(`${main.url}/redirect`, '{}', {});
    expect(response.status).toBe(302);
    expect(response.headers.location).toBe(`${target.url}/landing`);
    expect(main.received.map((r) => r.path)).toEqual(['/redirect']);
    expect(target.received).toHaveLength(0);
  });

  it('gives up on a receiver that never answers at the timeout with kind timeout', async () => {
    const error = await failure(client.post(`${main.url}/hang`, '{}', {}, 200));
    expect(error).toBeInstanceOf(WebhookRequestError);
    expect(error).toMatchObject({ kind: 'timeout', message: 'timed out after 200 ms' });
  });

  it('times out an attempt still waiting for a connection, and never sends it later', async () => {
    const single = new WebhookClient({ policy: loopback, userAgent, connections: 1 });
    try {
      const first = failure(single.post(`${main.url}/hang`, '{}', {}, 400));
      // Queued behind the hanging request on the only connection.
      const queued = await failure(single.post(`${main.url}/ok`, '{}', {}, 150));
      expect(queued).toMatchObject({ kind: 'timeout', message: 'timed out after 150 ms' });
      expect(await first).toMatchObject({ kind: 'timeout' });
      // The pool is free again: had the queued attempt not been dropped, it would go out now.
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(main.received.map((r) => r.path)).toEqual(['/hang']);
    } finally {
      await single.close();
    }
  });

  it('keeps the status of an answer whose body stalls: the receiver has already decided', async () => {
    const response = await client.post(`${main.url}/drip`, '{}', {}, 200);
    expect(response).toMatchObject({ status: 200, body: 'partial' });
  });

  it.each(['/huge-chunked', '/huge-sized'])(
    'keeps only the first 4096 bytes of %s',
    async (path) => {
      const response = await client.post(`${main.url}${path}`, '{}', {});
      expect(response.status).toBe(200);
      expect(Buffer.byteLength(response.body)).toBe(4096);
    },
  );

  it('keeps the connection for reuse after a body a little over the limit', async () => {
    for (let i = 0; i < 6; i++) {
      const response = await client.post(`${main.url}/small`, '{}', {});
      expect(response.status).toBe(500);
      expect(response.body).toBe('e'.repeat(4096));
    }
    const connections = new Set(main.received.map((request) => request.remotePort));
    expect(connections.size).toBeLessThan(6);
  });

  it('drops the connection rather than download the rest of a huge body', async () => {
    for (let i = 0; i < 3; i++) await client.post(`${main.url}/huge-sized`, '{}', {});
    const connections = new Set(main.received.map((request) => request.remotePort));
    expect(connections.size).toBe(3);
  });

  it('honours a smaller maxResponseBytes without splitting a character', async () => {
    const small = new WebhookClient({ policy: loopback, userAgent, maxResponseBytes: 8 });
    try {
      // "thanks ✓" is 10 bytes; the 3-byte check mark straddles the limit.
      expect((await small.post(`${main.url}/ok`, '{}', {})).body).toBe('thanks ');
    } finally {
      await small.close();
    }
  });

  it('reports a closed port as a connection failure', async () => {
    const closed = await receiver(() => {});
    await shut(closed.server);
    const error = await failure(client.post(`${closed.url}/ok`, '{}', {}));
    expect(error).toMatchObject({ kind: 'connection', message: expect.stringMatching(/refused/) });
  });

  describe('without loopback on the allow-list', () => {
    let strict: WebhookClient;
    beforeAll(() => {
      strict = new WebhookClient({ policy: guarded, userAgent });
    });
    afterAll(() => strict.close());

    it('refuses a literal 127.0.0.1 before sending anything', async () => {
      const error = await failure(strict.post(`${main.url}/ok`, '{}', {}));
      expect(error).toBeInstanceOf(DestinationRefusedError);
      expect((error as DestinationRefusedError).reason).toBe('127.0.0.1 is a loopback address');
      expect(main.received).toHaveLength(0);
    });

    it('refuses at connect time a name that resolves to loopback', async () => {
      const port = new URL(main.url).port;
      const error = await failure(strict.post(`http://localhost:${port}/ok`, '{}', {}));
      expect(error).toBeInstanceOf(DestinationRefusedError);
      expect((error as DestinationRefusedError).reason).toMatch(
        /is a loopback address \(resolved from localhost\)/,
      );
      expect(main.received).toHaveLength(0);
    });

    it('refuses at connect time a name whose lookup returns 127.0.0.1', async () => {
      const policy = new AddressPolicy({
        allowHttp: true,
        lookup: async () => ['127.0.0.1'],
      });
      const rebinding = new WebhookClient({ policy, userAgent });
      try {
        const port = new URL(main.url).port;
        const error = await failure(rebinding.post(`http://hooks.example:${port}/ok`, '{}', {}));
        expect(error).toBeInstanceOf(DestinationRefusedError);
        expect(main.received).toHaveLength(0);
      } finally {
        await rebinding.close();
      }
    });

    it('refuses http when the policy is https-only', async () => {
      const httpsOnly = new WebhookClient({
        policy: new AddressPolicy({ allowCidrs: ['127.0.0.0/8'] }),
        userAgent,
      });
      try {
        const error = await failure(httpsOnly.post(`${main.url}/ok`, '{}', {}));
        expect((error as DestinationRefusedError).reason).toMatch(/use https/);
        expect(main.received).toHaveLength(0);
      } finally {
        await httpsOnly.close();
      }
    });
  });

  it('refuses timeouts outside 1–30000 ms', () => {
    expect(() => new WebhookClient({ policy: loopback, userAgent, timeoutMs: 30_001 })).toThrow(
      RangeError,
    );
    return expect(client.post(`${main.url}/ok`, '{}', {}, 0)).rejects.toThrow(RangeError);
  });
});
