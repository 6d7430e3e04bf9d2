/**
 * Delivery hot path vs a bare HTTP client, side by side in one run (DESIGN §7: Hookbridge must
 * reach ≥ 80 % of the bare client's throughput on the same receiver). See bench/delivery.md.
 *
 *   npx tsx bench/delivery.ts [--records N] [--concurrency C] [--rounds R] [--warmup W]
 *                             [--receiver-delay-ms D] [--only a|b] [--from-source]
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { build } from 'esbuild';
import { Agent } from 'undici';
import { BUNDLE_ENTRY_FILE, esbuildOptions } from '../infra/lambda-bundling.js';
import { type Round, report, type SideName } from './delivery-report.js';
import type { Side } from './delivery-sides.js';

const here = dirname(fileURLToPath(import.meta.url));

const { values: args } = parseArgs({
  options: {
    records: { type: 'string', default: '10000' },
    concurrency: { type: 'string', default: '50' },
    rounds: { type: 'string', default: '5' },
    warmup: { type: 'string', default: '2000' },
    'receiver-delay-ms': { type: 'string', default: '0' },
    only: { type: 'string' },
    'from-source': { type: 'boolean', default: false },
    split: { type: 'boolean', default: false },
  },
});
const records = positive('records', args.records);
const concurrency = positive('concurrency', args.concurrency);
const rounds = positive('rounds', args.rounds);
const warmup = positive('warmup', args.warmup);
const receiverDelayMs = positive('receiver-delay-ms', args['receiver-delay-ms'], 0);
if (records % 10 !== 0 || warmup % 10 !== 0 || concurrency % 10 !== 0) {
  fail('--records, --warmup and --concurrency must be multiples of 10 (SQS batches of 10)');
}
if (args.only !== undefined && args.only !== 'a' && args.only !== 'b') fail('--only is a or b');
const only = args.only as SideName | undefined;

function positive(name: string, text: string, min = 1): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < min) fail(`--${name} must be an integer ≥ ${min}`);
  return value;
}

function fail(message: string): never {
  process.stderr.write(`${message}\n`);
  process.exit(2);
}

type Sides = typeof import('./delivery-sides.js');

/**
 * Both sides bundled: delivery-sides.ts built with the Lambda functions' esbuild settings
 * (minified, undici's Agent by module path), rather than run through tsx, whose transform
 * keeps function names with a defineProperty on every closure it creates — a cost (≈ 2 % of
 * side B's profile) the deployed bundle does not have. `--from-source` runs the TypeScript
 * through tsx instead, for profiles that point at source lines.
 *
 * As one file by default: with code splitting (`--split`, the deployed layout) side A's undici
 * request() loop costs ≈ 15 % less CPU per record while side B's cost does not move, so the
 * yardstick would shift with a bundler setting the product does not depend on (bench/delivery.md).
 */
async function loadSides(): Promise<{ sides: Sides; cleanUp: () => Promise<void> }> {
  if (args['from-source'])
    return { sides: await import('./delivery-sides.js'), cleanUp: async () => {} };
  const dir = await mkdtemp(join(os.tmpdir(), 'hookbridge-bench-'));
  await build({
    ...esbuildOptions(join(here, 'delivery-sides.ts'), dir),
    splitting: args.split,
    sourcemap: false,
    logLevel: 'warning',
  });
  return {
    sides: (await import(pathToFileURL(join(dir, BUNDLE_ENTRY_FILE)).href)) as Sides,
    cleanUp: () => rm(dir, { recursive: true, force: true }),
  };
}

interface Receiver {
  readonly child: ChildProcess;
  readonly origin: string;
  /** Requests served and CPU time used so far, asked over a connection of its own. */
  stats(): Promise<{ served: number; cpuMicros: number }>;
  stop(): Promise<void>;
}

/** Starts bench/receiver.ts in a child process (node 22 + tsx, like this script). */
async function startReceiver(): Promise<Receiver> {
  const script = join(here, 'receiver.ts');
  const child = spawn(process.execPath, ['--import', 'tsx', script, String(receiverDelayMs)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
  const port = await new Promise<number>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`the receiver exited (${code})`)));
    lines.once('line', (line) => resolve((JSON.parse(line) as { port: number }).port));
  });
  lines.close();
  const origin = `http://127.0.0.1:${port}`;
  const probe = new Agent({ connections: 1 });
  return {
    child,
    origin,
    async stats() {
      const response = await probe.request({ origin, path: '/count', method: 'GET' });
      return (await response.body.json()) as { served: number; cpuMicros: number };
    },
    async stop() {
      await probe.close();
      if (child.exitCode !== null || child.pid === undefined) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      process.kill(child.pid, 'SIGTERM');
      await exited;
    },
  };
}

/** One timed run of `count` records, with the CPU both processes spent on it. */
async function runSide(side: Side, count: number, receiver: Receiver): Promise<Round> {
  const work = side.prepare(count);
  const before = await receiver.stats();
  const cpu = process.cpuUsage();
  const started = performance.now();
  await work();
  const seconds = (performance.now() - started) / 1000;
  const { user, system } = process.cpuUsage(cpu);
  const after = await receiver.stats();
  if (after.served - before.served !== count) {
    throw new Error(`the receiver got ${after.served - before.served} requests, not ${count}`);
  }
  return {
    recordsPerSecond: count / seconds,
    cpuMicrosPerRecord: (user + system) / count,
    receiverCpuMicrosPerRecord: (after.cpuMicros - before.cpuMicros) / count,
  };
}

async function main(): Promise<void> {
  // The handler's Logger and Metrics read these when built; EMF output would flood stdout.
  process.env.POWERTOOLS_METRICS_DISABLED = 'true';
  process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
  const loadBefore = os.loadavg()[0] ?? 0;
  const { sides: code, cleanUp } = await loadSides();
  const receiver = await startReceiver();
  try {
    const sides: Record<SideName, Side> = {
      a: code.bareSide(receiver.origin, concurrency),
      b: code.hookbridgeSide(receiver.origin, concurrency),
    };
    const which: SideName[] = only === undefined ? ['a', 'b'] : [only];
    const measured: Record<SideName, Round[]> = { a: [], b: [] };
    for (const side of which) await runSide(sides[side], warmup, receiver);
    for (let round = 0; round < rounds; round += 1) {
      // Alternate who goes first, so a drift in machine speed hits both sides alike.
      const order = round % 2 === 0 ? which : [...which].reverse();
      for (const side of order) measured[side].push(await runSide(sides[side], records, receiver));
    }
    await Promise.all(Object.values(sides).map((side) => side.close()));
    await report(measured, {
      write: which.length === 2,
      dir: join(here, 'results'),
      parameters: { records, concurrency, rounds, warmup, receiverDelayMs, split: args.split },
      loadBefore,
    });
  } finally {
    await receiver.stop();
    await cleanUp();
  }
}

await main();
