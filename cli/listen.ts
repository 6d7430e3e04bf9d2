import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';

/** Where the listener gets the secrets to verify with; `refresh` after a failure (rotation). */
export interface SecretSource {
  /** What it verifies with, e.g. "the secret of sub_…", for the startup line. */
  readonly description: string;
  get(): Promise<readonly string[]>;
  refresh(): Promise<readonly string[]>;
}

/** One delivery the listener received and how it answered. */
export interface ReceivedDelivery {
  readonly receivedAt: Date;
  /** `webhook-id`: the event id, the same on every retry. */
  readonly id: string | undefined;
  readonly type: string | undefined;
  /** true or false when a secret was known; null when there was nothing to verify with. */
  readonly verified: boolean | null;
  readonly status: number;
  /** The JSON body, or its text when it is not JSON. */
  readonly body: unknown;
}

export interface ListenerOptions {
  /** @default 4400; 0 picks a free port */
  readonly port?: number;
  /** @default '127.0.0.1' */
  readonly host?: string;
  /** @default '/webhook' */
  readonly path?: string;
  /** What a good delivery is answered with. @default 204 */
  readonly status?: number;
  /** The share of deliveries answered 500, to exercise retries. @default 0 */
  readonly failRate?: number;
  readonly secrets?: SecretSource;
  /** @default Math.random */
  readonly random?: () => number;
  readonly onDelivery: (delivery: ReceivedDelivery) => void;
  /** Anything else worth telling: requests to other paths, a secret that could not be fetched. */
  readonly onNote?: (line: string) => void;
}

export interface Listener {
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

/** Above EventBridge's 256 KB entry limit, with room; anything bigger is not a delivery. */
const MAX_BODY_BYTES = 1024 * 1024;

/**
 * A local webhook receiver for trying Hookbridge out: it verifies each delivery's Standard
 * Webhooks signature (answering 401 when it is wrong, as a real receiver must), reports it,
 * and answers `status`, or 500 for a `failRate` share of deliveries so retries can be watched.
 */
export async function startListener(options: ListenerOptions): Promise<Listener> {
  const path = options.path ?? '/webhook';
  const random = options.random ?? Math.random;
  const note = options.onNote ?? (() => undefined);

  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      note(`could not handle a request: ${(error as Error).message}`);
      if (!response.headersSent) response.writeHead(500).end();
    });
  });

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const requestPath = new URL(request.url ?? '/', 'http://listener').pathname;
    if (requestPath !== path || request.method !== 'POST') {
      note(`answered 404 to ${request.method} ${request.url} (deliveries go to POST ${path})`);
      request.resume();
      response.writeHead(404, { 'content-type': 'text/plain' }).end(`POST ${path}\n`);
      return;
    }
    const body = await readBody(request);
    if (body === undefined) {
      response.writeHead(413).end();
      return;
    }
    const headers = {
      'webhook-id': header(request, 'webhook-id') ?? '',
      'webhook-timestamp': header(request, 'webhook-timestamp') ?? '',
      'webhook-signature': header(request, 'webhook-signature') ?? '',
    };
    const verified = await verify(body, headers);
    const status =
      verified === false ? 401 : random() < (options.failRate ?? 0) ? 500 : (options.status ?? 204);

    const json = parseJson(body);
    const type = (json as { type?: unknown } | undefined)?.type;
    response.writeHead(status, { 'content-type': 'text/plain' });
    response.end(verified === false ? 'invalid signature\n' : '');
    options.onDelivery({
      receivedAt: new Date(),
      id: headers['webhook-id'] || undefined,
      type: typeof type === 'string' ? type : undefined,
      verified,
      status,
      body: json ?? body,
    });
  }

  async function verify(body: string, headers: Record<string, string>): Promise<boolean | null> {
    const source = options.secrets;
    if (!source) return null;
    const secrets = await source.get().catch(secretsUnavailable);
    if (secrets.length === 0) return null;
    if (verifyWithAny(secrets, body, headers)) return true;
    // The secret may have been rotated since it was fetched: fetch again before refusing.
    const fresh = await source.refresh().catch(secretsUnavailable);
    return fresh.length === 0 ? null : verifyWithAny(fresh, body, headers);
  }

  function secretsUnavailable(error: unknown): readonly string[] {
    note(`could not get the signing secret: ${(error as Error).message}`);
    return [];
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 4400, options.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const host = options.host ?? '127.0.0.1';
  const shownHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
  return {
    url: `http://${shownHost.includes(':') ? `[${shownHost}]` : shownHost}:${port}${path}`,
    port,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Standard Webhooks verification (signature and a ±5 min timestamp) with any of the secrets. */
export function verifyWithAny(
  secrets: readonly string[],
  body: string,
  headers: Record<string, string>,
): boolean {
  return secrets.some((secret) => {
    try {
      new Webhook(secret).verify(body, headers);
      return true;
    } catch {
      return false;
    }
  });
}

function header(request: IncomingMessage, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value.join(' ') : value;
}

async function readBody(request: IncomingMessage): Promise<string | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) return undefined;
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
