/**
 * First-event latency of a cold lane next to a hot one, in one run of the local runtime
 * (issue 14): two subscribers, one kept busy (hot), one left idle until the reconciler puts its
 * lane to sleep (cold); then, round after round, one event to each at the same moment, timed
 * from the ingest request to the receiver. The cold one's event waits for the wake: the wake
 * message to be polled from the wake queue, the record and mapping to change, and the lane's
 * poller to start. What AWS adds is in bench/cold-lane.md.
 *
 *   npx tsx bench/cold-lane.ts [--rounds 5] [--idle-seconds 2]
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { startDev } from '../local/dev-runtime.js';
import { median, percentile } from './stats.js';

const { values: args } = parseArgs({
  options: {
    rounds: { type: 'string', default: '5' },
    'idle-seconds': { type: 'string', default: '2' },
  },
});
const rounds = Number(args.rounds);
const idleSeconds = Number(args['idle-seconds']);
if (!Number.isInteger(rounds) || rounds < 1 || !Number.isInteger(idleSeconds) || idleSeconds < 1) {
  process.stderr.write('--rounds and --idle-seconds must be positive integers\n');
  process.exit(2);
}
const ROUND_DEADLINE_MS = 60_000;

/** A receiver noting when each event id first arrived. */
async function startReceiver() {
  const arrivals = new Map<string, number>();
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      const id = String(req.headers['webhook-id']);
      if (!arrivals.has(id)) arrivals.set(id, performance.now());
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    arrivals,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

async function main(): Promise<void> {
  process.env.HOOKBRIDGE_LANE_IDLE_SECONDS = String(idleSeconds);
  const dev = await startDev({ port: 0, reconcileEveryMs: 1000 });
  const receiver = await startReceiver();
  const call = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`${dev.apiUrl}${path}`, {
      method,
      headers: { 'content-type': 'application/json' },
      ...(body !== undefined && { body: JSON.stringify(body) }),
    });
    const answer = (await response.json()) as Record<string, unknown>;
    if (!response.ok) throw new Error(`${method} ${path}: ${response.status}`);
    return answer;
  };
  const waitFor = async (check: () => Promise<boolean> | boolean, what: string) => {
    const deadline = Date.now() + ROUND_DEADLINE_MS;
    while (!(await check())) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await sleep(20);
    }
  };
  let keepHot = true;
  try {
    const hot = await call('POST', '/v1/subscriptions', {
      url: receiver.url,
      eventTypes: ['bench.hot'],
    });
    const cold = await call('POST', '/v1/subscriptions', {
      url: receiver.url,
      eventTypes: ['bench.cold'],
    });
    const lane = async (id: unknown) => (await call('GET', `/v1/subscriptions/${id}`)).lane;
    // The hot lane gets an event well within every idle period, so it never sleeps.
    const heartbeat = (async () => {
      while (keepHot) {
        await call('POST', '/v1/events', { type: 'bench.hot', data: { heartbeat: true } });
        await sleep((idleSeconds * 1000) / 4);
      }
    })();

    const hotMs: number[] = [];
    const coldMs: number[] = [];
    for (let round = 0; round < rounds; round++) {
      await waitFor(async () => (await lane(cold.id)) === 'cold', 'the idle lane to sleep');
      if ((await lane(hot.id)) === 'cold') throw new Error('the busy lane went cold');
      const sent = performance.now();
      const [toHot, toCold] = await Promise.all([
        call('POST', '/v1/events', { type: 'bench.hot', data: { round } }),
        call('POST', '/v1/events', { type: 'bench.cold', data: { round } }),
      ]);
      await waitFor(
        () => receiver.arrivals.has(String(toHot.id)) && receiver.arrivals.has(String(toCold.id)),
        'both deliveries',
      );
      hotMs.push((receiver.arrivals.get(String(toHot.id)) ?? 0) - sent);
      coldMs.push((receiver.arrivals.get(String(toCold.id)) ?? 0) - sent);
      process.stderr.write(
        `round ${round + 1}: hot ${hotMs.at(-1)?.toFixed(0)} ms, cold ${coldMs.at(-1)?.toFixed(0)} ms\n`,
      );
    }
    keepHot = false;
    await heartbeat;

    const line = (name: string, values: number[]) => {
      const sorted = [...values].sort((a, b) => a - b);
      return `| ${name} | ${median(values).toFixed(0)} | ${percentile(sorted, 90).toFixed(0)} | ${(sorted.at(-1) ?? 0).toFixed(0)} |`;
    };
    process.stdout.write(
      [
        `First-event latency, local runtime (moto), ${rounds} rounds, idle period ${idleSeconds} s, reconciler every 1 s, local poller long poll 1 s:`,
        '',
        '| lane | median ms | p90 ms | max ms |',
        '| --- | ---: | ---: | ---: |',
        line('hot (polling)', hotMs),
        line('cold (woken by its event)', coldMs),
        '',
      ].join('\n'),
    );
  } finally {
    keepHot = false;
    await receiver.close();
    await dev.stop();
  }
}

await main();
