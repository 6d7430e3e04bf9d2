/**
 * Noisy neighbour (DESIGN §7: one dead subscriber must not move the others' p99 latency by more
 * than 20 %). Runs the whole product locally (`startDev`: moto, the HTTP API, the event source
 * mapping poller, the delivery handler) with S measured subscribers and one neighbour, and
 * publishes the same paced stream of events in two phases: A, the neighbour answering at once;
 * B, the neighbour hanging without an answer, so that every attempt to it runs into the attempt
 * timeout and is retried. B runs long enough for those timeouts and retries to be under way
 * (steady state for a dead subscriber). It prints the measured subscribers' end-to-end latency
 * (publish → received) per phase and the ratio of the p99s. See bench/isolation.md.
 *
 *   npx tsx bench/isolation.ts [--seconds 60] [--rate 2] [--subscribers 3]
 */
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { startDev } from '../local/dev-runtime.js';
import { type Phase, writeResults } from './isolation-report.js';
import { percentile } from './stats.js';

const here = dirname(fileURLToPath(import.meta.url));
/** DESIGN §7: the dead neighbour may move the others' p99 by at most this factor. */
const TARGET = 1.2;
/** A phase that has not delivered everything by then is reported as incomplete. */
const PHASE_DEADLINE_MS = 90_000;

const { values: args } = parseArgs({
  options: {
    seconds: { type: 'string', default: '60' },
    rate: { type: 'string', default: '2' },
    subscribers: { type: 'string', default: '3' },
  },
});
const seconds = positive('seconds', args.seconds);
const rate = positive('rate', args.rate);
const events = seconds * rate;
const subscribers = positive('subscribers', args.subscribers);

function positive(name: string, text: string): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1) {
    process.stderr.write(`--${name} must be a positive integer\n`);
    process.exit(2);
  }
  return value;
}

type Mode = 'healthy' | 'dead';

/** A receiver on 127.0.0.1 noting when each event id arrived; the neighbour can play dead. */
interface Receiver {
  readonly url: string;
  readonly arrivals: Map<string, number>;
  mode: Mode;
  close(): Promise<void>;
}

async function startReceiver(): Promise<Receiver> {
  const arrivals = new Map<string, number>();
  const receiver: Receiver = {
    url: '',
    arrivals,
    mode: 'healthy',
    close: async () => {},
  };
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    req.resume();
    req.on('end', () => {
      const id = String(req.headers['webhook-id']);
      if (!arrivals.has(id)) arrivals.set(id, performance.now());
      // A dead subscriber accepts the connection and never answers.
      if (receiver.mode === 'healthy') res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return Object.assign(receiver, {
    url: `http://127.0.0.1:${port}/hook`,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  });
}

/** CPU seconds a process has used (Linux /proc), or NaN where that cannot be read. */
function cpuSeconds(pid: number | undefined): number {
  if (pid === undefined) return Number.NaN;
  try {
    // Fields 14 and 15 (utime, stime) in clock ticks, counted after the parenthesised name.
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return Number.NaN;
  }
}

async function main(): Promise<void> {
  const loadBefore = os.loadavg()[0] ?? 0;
  const dev = await startDev({ port: 0, reconcileEveryMs: 600_000 });
  const receivers: Receiver[] = [];
  try {
    const api = async (path: string, body: unknown) => {
      const response = await fetch(`${dev.apiUrl}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      const answer = (await response.json()) as { id?: string; message?: string };
      if (!response.ok) throw new Error(`POST ${path}: ${response.status} ${answer.message}`);
      return answer;
    };
    const measured = await Promise.all(Array.from({ length: subscribers }, startReceiver));
    const neighbour = await startReceiver();
    receivers.push(...measured, neighbour);
    for (const receiver of receivers) {
      await api('/v1/subscriptions', { url: receiver.url, eventTypes: ['isolation.*'] });
    }

    /** Publishes `count` events at `rate` per second; answers each event's publish time. */
    const publish = async (count: number): Promise<Map<string, number>> => {
      const sent = new Map<string, number>();
      const started = performance.now();
      const inFlight: Promise<void>[] = [];
      for (let i = 0; i < count; i++) {
        // Paced from the start, so a slow answer does not slow the stream down.
        const due = started + (i * 1000) / rate;
        await sleep(Math.max(0, due - performance.now()));
        inFlight.push(
          (async () => {
            const at = performance.now();
            const { id } = await api('/v1/events', { type: 'isolation.tick', data: { i } });
            sent.set(String(id), at);
          })(),
        );
      }
      await Promise.all(inFlight);
      return sent;
    };

    const runPhase = async (name: string, mode: Mode, count: number): Promise<Phase> => {
      neighbour.mode = mode;
      const motoBefore = cpuSeconds(dev.awsEndpointPid);
      const phaseStarted = performance.now();
      const sent = await publish(count);
      const deadline = performance.now() + PHASE_DEADLINE_MS;
      const done = () => measured.every((r) => [...sent.keys()].every((id) => r.arrivals.has(id)));
      while (!done() && performance.now() < deadline) await sleep(100);
      const latencies: number[] = [];
      let missing = 0;
      for (const receiver of measured) {
        for (const [id, at] of sent) {
          const arrived = receiver.arrivals.get(id);
          if (arrived === undefined) missing += 1;
          else latencies.push(arrived - at);
        }
      }
      latencies.sort((a, b) => a - b);
      const elapsedSeconds = (performance.now() - phaseStarted) / 1000;
      const phase: Phase = {
        name,
        neighbour: mode,
        deliveries: latencies.length,
        missing,
        p50Ms: percentile(latencies, 50),
        p99Ms: percentile(latencies, 99),
        maxMs: latencies.at(-1) ?? Number.NaN,
        motoCpuShare: (cpuSeconds(dev.awsEndpointPid) - motoBefore) / elapsedSeconds,
      };
      process.stderr.write(
        `${name}: ${phase.deliveries} deliveries, p50 ${phase.p50Ms.toFixed(0)} ms, p99 ${phase.p99Ms.toFixed(0)} ms${missing ? `, ${missing} missing` : ''}\n`,
      );
      return phase;
    };

    // Warm-up: every lane polled, every handler module loaded, every connection open.
    await runPhase('warm-up', 'healthy', Math.min(5 * rate, events));
    const phases = [
      await runPhase('A neighbour healthy', 'healthy', events),
      await runPhase('B neighbour dead', 'dead', events),
    ];
    await writeResults(phases, {
      dir: join(here, 'results'),
      parameters: { seconds, rate, subscribers },
      loadBefore,
      target: TARGET,
    });
  } finally {
    await dev.stop();
    await Promise.all(receivers.map((r) => r.close()));
  }
}

await main();
