/**
 * The benchmark's webhook receiver, run in its own process so that serving requests does not
 * compete with the measured client on one event loop. Answers every POST with 200 and a tiny
 * body as soon as the request body has arrived (or `argv[2]` ms later, to stand in for a
 * receiver's latency); `GET /count` answers how many POSTs it served and the CPU time it used;
 * `GET /arrivals?from=<n>` the arrivals from the n-th on, each `[webhook-id, epoch ms]` (the
 * clock of this machine, which the sender shares, to sub-millisecond resolution).
 * Prints `{"port":<port>}` on stdout once listening; stops on SIGTERM.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';

const delayMs = Number(process.argv[2] ?? 0);
let served = 0;
const arrivals: [string, number][] = [];

const server = createServer((req, res) => {
  if (req.method === 'GET' && req.url === '/count') {
    const { user, system } = process.cpuUsage();
    res
      .writeHead(200, { 'content-type': 'application/json' })
      .end(JSON.stringify({ served, cpuMicros: user + system }));
    return;
  }
  if (req.method === 'GET' && req.url?.startsWith('/arrivals')) {
    const from = Number(new URL(req.url, 'http://x').searchParams.get('from') ?? 0);
    res
      .writeHead(200, { 'content-type': 'application/json' })
      .end(JSON.stringify(arrivals.slice(from)));
    return;
  }
  const id = String(req.headers['webhook-id'] ?? '');
  // Drain the body first: answering before it is read would make the client's keep-alive
  // connection unusable for the next request.
  req.resume();
  req.on('end', () => {
    served += 1;
    arrivals.push([id, performance.timeOrigin + performance.now()]);
    const answer = () =>
      res.writeHead(200, { 'content-type': 'text/plain', 'content-length': '2' }).end('ok');
    if (delayMs > 0) setTimeout(answer, delayMs);
    else answer();
  });
});
// Keep connections open across the pauses between rounds.
server.keepAliveTimeout = 120_000;
server.headersTimeout = 130_000;

server.listen(0, '127.0.0.1', () => {
  const { port } = server.address() as AddressInfo;
  process.stdout.write(`${JSON.stringify({ port })}\n`);
});

process.on('SIGTERM', () => {
  server.closeAllConnections();
  server.close(() => process.exit(0));
});
