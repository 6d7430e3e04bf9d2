/**
 * A loopback HTTP proxy in front of the local AWS endpoint that counts requests by AWS
 * operation, so the throughput bench can report requests per delivered event without touching
 * the runtime. The operation comes from `X-Amz-Target` (JSON protocols: SQS, DynamoDB,
 * EventBridge) or the `Action` parameter (query protocols); anything else counts as `other`.
 */
import { Agent, createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';

export interface CountingProxy {
  readonly url: string;
  /** Requests so far, by `Service.Operation`. */
  counts(): Map<string, number>;
  /** Total time spent waiting for the endpoint's answers so far, by operation. */
  millis(): Map<string, number>;
  /** SQS requests so far, by `Operation queue-name` (`ReceiveMessage hookbridge-sub_…`). */
  sqsByQueue(): Map<string, number>;
  close(): Promise<void>;
}

/** Starts the proxy on a free loopback port, forwarding everything to `target`. */
export async function startCountingProxy(target: string): Promise<CountingProxy> {
  const upstream = new URL(target);
  const agent = new Agent({ keepAlive: true, maxSockets: 64 });
  const counts = new Map<string, number>();
  const millis = new Map<string, number>();
  const sqsByQueue = new Map<string, number>();
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const operation = operationOf(req.headers['x-amz-target'], req.url ?? '', body);
      counts.set(operation, (counts.get(operation) ?? 0) + 1);
      if (operation.startsWith('SQS.')) {
        const key = `${operation.slice(4)} ${queueNameOf(body)}`;
        sqsByQueue.set(key, (sqsByQueue.get(key) ?? 0) + 1);
      }
      const started = performance.now();
      res.on('finish', () =>
        millis.set(operation, (millis.get(operation) ?? 0) + performance.now() - started),
      );
      const forwarded = request(
        {
          host: upstream.hostname,
          port: upstream.port,
          method: req.method,
          path: req.url,
          headers: req.headers,
          agent,
        },
        (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        },
      );
      forwarded.on('error', () => {
        if (!res.headersSent) res.writeHead(502);
        res.end();
      });
      forwarded.end(body);
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    counts: () => new Map(counts),
    millis: () => new Map(millis),
    sqsByQueue: () => new Map(sqsByQueue),
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        agent.destroy();
        server.close(() => resolve());
      }),
  };
}

function operationOf(target: string | string[] | undefined, url: string, body: Buffer): string {
  if (typeof target === 'string') {
    // e.g. AmazonSQS.ReceiveMessage, DynamoDB_20120810.GetItem, AWSEvents.PutEvents
    const [service = '', operation = ''] = target.split('.');
    return `${service.replace(/^Amazon|^AWS|_\d+$/g, '')}.${operation}`;
  }
  const query = new URLSearchParams(url.split('?')[1] ?? '');
  const action = query.get('Action') ?? new URLSearchParams(body.toString()).get('Action');
  if (action) return `query.${action}`;
  return url.startsWith('/moto-api') ? 'moto-api' : 'other';
}

function queueNameOf(body: Buffer): string {
  try {
    const url = String((JSON.parse(body.toString()) as { QueueUrl?: unknown }).QueueUrl ?? '');
    return url.slice(url.lastIndexOf('/') + 1);
  } catch {
    return '';
  }
}
