/**
 * End-to-end throughput of the local runtime (`hookbridge dev` over moto): events sent through
 * `POST /v1/events/batch` to one subscription (fan-out 1) whose receiver answers at once, timed
 * from the first send to the last delivery. Prints events/s, the CPU each process used (moto,
 * the runtime, the receiver: utime+stime from /proc/<pid>/stat before and after) and the AWS
 * requests per delivered event by operation (counted by a proxy in front of moto).
 *
 *   npx tsx bench/local-throughput.ts [--events N] [--rounds R] [--baseline DIR] [--no-proxy]
 *                                     [--one-moto]
 *                                     [--aws-endpoint URL --aws-endpoint-pid PID]
 *
 * --baseline DIR runs the runtime of another checkout of the project (e.g. the commit before a
 * change, extracted with `git archive`, node_modules linked) in alternate rounds, side by side.
 * --no-proxy sends straight to moto (no request counts; rules out the proxy's own cost).
 * The current side runs DynamoDB in a moto of its own, as `hookbridge dev` does; --one-moto
 * runs it in the one moto instead (the layout before that split).
 * Every run starts a fresh moto, so the queue and tables are the same size for both sides;
 * --aws-endpoint uses a moto already running instead (reset before each run), e.g. one started
 * under a profiler, and --aws-endpoint-pid names its process for the CPU figures.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { startCountingProxy } from './counting-proxy.js';
import { median } from './stats.js';

const here = dirname(fileURLToPath(import.meta.url));
const CLOCK_TICKS_PER_SECOND = 100; // getconf CLK_TCK on Linux x86-64 and arm64
const BATCH = 100; // MAX_BATCH_EVENTS of the ingest API

const { values: args } = parseArgs({
  options: {
    events: { type: 'string', default: '500' },
    rounds: { type: 'string', default: '1' },
    baseline: { type: 'string' },
    'no-proxy': { type: 'boolean', default: false },
    'one-moto': { type: 'boolean', default: false },
    'timeout-s': { type: 'string', default: '180' },
    'aws-endpoint': { type: 'string' },
    'aws-endpoint-pid': { type: 'string' },
  },
});
const events = Number(args.events);
const rounds = Number(args.rounds);
const timeoutMs = Number(args['timeout-s']) * 1000;
if (!Number.isInteger(events) || events < BATCH || events % BATCH !== 0) {
  fail(`--events must be a multiple of ${BATCH}`);
}
if (!Number.isInteger(rounds) || rounds < 1) fail('--rounds must be a positive integer');

function fail(message: string): never {
  process.stderr.write(`${message}\n`);
  process.exit(2);
}

interface Receiver {
  readonly origin: string;
  readonly pid: number;
  served(): Promise<number>;
  stop(): void;
}

interface RunResult {
  readonly side: string;
  readonly eventsPerSecond: number;
  readonly seconds: number;
  /** Until the last batch was accepted (202). */
  readonly acceptedSeconds: number;
  readonly cpuSeconds: { moto: number; dynamoMoto: number; runtime: number; receiver: number };
  readonly requests: Record<string, number>;
  /** Mean time moto took to answer, by operation (through the proxy). */
  readonly latencyMs: Record<string, number>;
}

/** CPU seconds (user + system) a process has used so far. */
function cpuSeconds(pid: number): number {
  if (!pid) return Number.NaN;
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the parenthesised command name; utime and stime are fields 14 and 15.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_SECOND;
}

async function readJsonLine(child: ChildProcess, what: string): Promise<Record<string, unknown>> {
  if (!child.stdout) throw new Error(`${what} has no stdout`);
  const lines = createInterface({ input: child.stdout });
  return new Promise((resolvePromise, reject) => {
    child.once('exit', (code) => reject(new Error(`${what} exited (${code})`)));
    lines.once('line', (line) => resolvePromise(JSON.parse(line)));
  });
}

async function startReceiver(): Promise<Receiver> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(here, 'receiver.ts')], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const { port } = (await readJsonLine(child, 'the receiver')) as { port: number };
  const origin = `http://127.0.0.1:${port}`;
  return {
    origin,
    pid: child.pid ?? 0,
    served: async () =>
      ((await (await fetch(`${origin}/count`)).json()) as { served: number }).served,
    stop: () => child.kill('SIGTERM'),
  };
}

/** Two proxies' per-operation figures as one map (the services do not overlap). */
function merged(...maps: (Map<string, number> | undefined)[]): Map<string, number> {
  return new Map(maps.flatMap((map) => [...(map ?? [])]));
}

async function startRuntime(checkout: string, awsEndpointUrl: string, dynamoUrl?: string) {
  // A state directory of its own for each run (a checkout from before --state-dir has none),
  // so that no run reads the event archive another one left.
  const state = existsSync(join(checkout, 'local', 'state-dir.ts'))
    ? ['--state-dir', mkdtempSync(join(tmpdir(), 'hookbridge-bench-state-'))]
    : [];
  const child = spawn(
    process.execPath,
    [join(checkout, 'bin', 'hookbridge.js'), 'dev', '--port', '0', '--json', ...state],
    {
      cwd: checkout,
      env: {
        ...process.env,
        AWS_ENDPOINT_URL: awsEndpointUrl,
        ...(dynamoUrl ? { AWS_ENDPOINT_URL_DYNAMODB: dynamoUrl } : {}),
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const exited = new Promise((resolvePromise) => child.once('exit', resolvePromise));
  const ready = (await readJsonLine(child, 'hookbridge dev')) as { apiUrl: string; pid: number };
  return {
    apiUrl: ready.apiUrl,
    pid: ready.pid,
    stop: async () => {
      child.kill('SIGTERM');
      await exited;
      if (state[1]) rmSync(state[1], { recursive: true, force: true });
    },
  };
}

async function post(url: string, body: unknown): Promise<unknown> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`POST ${url} answered ${response.status}: ${text}`);
  return JSON.parse(text);
}

async function until(condition: () => Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

async function sendEvents(apiUrl: string, count: number, tag: string): Promise<void> {
  for (let sent = 0; sent < count; sent += BATCH) {
    const batch = Array.from({ length: Math.min(BATCH, count - sent) }, (_, i) => ({
      type: 'bench.event',
      data: { tag, i: sent + i },
    }));
    await post(`${apiUrl}/v1/events/batch`, { events: batch });
  }
}

async function runOnce(side: string, checkout: string, receiver: Receiver): Promise<RunResult> {
  // The side's own launcher: a baseline checkout runs its own moto fixes (or none).
  const { startLocalAws }: typeof import('../local/aws-endpoint.js') = await import(
    pathToFileURL(join(checkout, 'local', 'aws-endpoint.ts')).href
  );
  const moto = await startLocalAws({ endpointUrl: args['aws-endpoint'], fromEnvironment: false });
  await moto.reset();
  const motoPid = moto.pid ?? Number(args['aws-endpoint-pid'] ?? 0);
  const proxy = args['no-proxy'] ? undefined : await startCountingProxy(moto.url);
  // DynamoDB in a moto of its own, as `hookbridge dev` runs it (a baseline from before that
  // reads no AWS_ENDPOINT_URL_DYNAMODB; --one-moto measures the current side without it).
  const split = side !== 'baseline' && !args['one-moto'] && !args['aws-endpoint'];
  const dynamoMoto = split ? await startLocalAws({ fromEnvironment: false }) : undefined;
  const dynamoProxy =
    dynamoMoto && !args['no-proxy'] ? await startCountingProxy(dynamoMoto.url) : undefined;
  const dynamoUrl = dynamoProxy?.url ?? dynamoMoto?.url;
  const runtime = await startRuntime(checkout, proxy?.url ?? moto.url, dynamoUrl);
  try {
    await post(`${runtime.apiUrl}/v1/subscriptions`, {
      url: `${receiver.origin}/webhook`,
      eventTypes: ['bench.*'],
    });
    // Warm-up: the mapping is live and every code path has run once.
    const start0 = await receiver.served();
    await sendEvents(runtime.apiUrl, BATCH, 'warmup');
    await until(async () => (await receiver.served()) >= start0 + BATCH, 'the warm-up');

    const served0 = await receiver.served();
    const pids = {
      moto: motoPid,
      dynamoMoto: dynamoMoto?.pid ?? 0,
      runtime: runtime.pid,
      receiver: receiver.pid,
    };
    const cpu0 = Object.fromEntries(Object.entries(pids).map(([n, pid]) => [n, cpuSeconds(pid)]));
    const counts0 = merged(proxy?.counts(), dynamoProxy?.counts());
    const millis0 = merged(proxy?.millis(), dynamoProxy?.millis());
    const started = performance.now();
    await sendEvents(runtime.apiUrl, events, 'measured');
    const acceptedSeconds = (performance.now() - started) / 1000;
    await until(async () => (await receiver.served()) >= served0 + events, 'the deliveries');
    const seconds = (performance.now() - started) / 1000;
    const counts1 = merged(proxy?.counts(), dynamoProxy?.counts());
    const millis1 = merged(proxy?.millis(), dynamoProxy?.millis());
    const cpu = (name: keyof typeof pids) =>
      pids[name] ? cpuSeconds(pids[name]) - (cpu0[name] ?? 0) : 0;
    const requests: Record<string, number> = {};
    const latencyMs: Record<string, number> = {};
    for (const [operation, count] of [...counts1].sort()) {
      const delta = count - (counts0.get(operation) ?? 0);
      if (delta > 0) requests[operation] = delta;
      if (delta > 0)
        latencyMs[operation] =
          ((millis1.get(operation) ?? 0) - (millis0.get(operation) ?? 0)) / delta;
    }
    return {
      side,
      eventsPerSecond: events / seconds,
      seconds,
      acceptedSeconds,
      cpuSeconds: {
        moto: cpu('moto'),
        dynamoMoto: cpu('dynamoMoto'),
        runtime: cpu('runtime'),
        receiver: cpu('receiver'),
      },
      requests,
      latencyMs,
    };
  } finally {
    await runtime.stop();
    await proxy?.close();
    await dynamoProxy?.close();
    await moto.stop();
    await dynamoMoto?.stop();
  }
}

function print(result: RunResult): void {
  const { cpuSeconds: cpu, seconds } = result;
  // CPU per event is the figure a busy shared machine disturbs least.
  const share = (s: number) =>
    `${((1000 * s) / events).toFixed(1)} ms/event (${Math.round((100 * s) / seconds)} % of a core)`;
  process.stdout.write(
    `${result.side.padEnd(8)} ${events} events accepted in ${result.acceptedSeconds.toFixed(1)} s, ` +
      `delivered in ${seconds.toFixed(1)} s: ` +
      `${result.eventsPerSecond.toFixed(1)} events/s\n` +
      `         CPU: moto ${share(cpu.moto)}, ` +
      (cpu.dynamoMoto ? `DynamoDB's moto ${share(cpu.dynamoMoto)}, ` : '') +
      `runtime ${share(cpu.runtime)}, ` +
      `receiver ${share(cpu.receiver)}\n`,
  );
  const total = Object.values(result.requests).reduce((a, b) => a + b, 0);
  if (total === 0) return;
  const perEvent = Object.entries(result.requests)
    .map(([operation, count]) => `${operation} ${(count / events).toFixed(3)}`)
    .join(', ');
  const latency = Object.entries(result.latencyMs)
    .map(([operation, ms]) => `${operation} ${ms.toFixed(0)}`)
    .join(', ');
  process.stdout.write(
    `         AWS requests per event: ${(total / events).toFixed(3)} (${perEvent})\n` +
      `         mean answer time, ms: ${latency}\n`,
  );
}

const sides: [string, string][] = [['current', resolve(here, '..')]];
if (args.baseline) sides.unshift(['baseline', resolve(args.baseline)]);
const receiver = await startReceiver();
const results: RunResult[] = [];
process.stdout.write(
  `local throughput: ${events} events, fan-out 1, ${rounds} round(s), ${new Date().toISOString()}, ` +
    `load average ${readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')}\n`,
);
try {
  for (let round = 0; round < rounds; round++) {
    // Alternate the order so neither side always runs on a warmer (or busier) machine.
    const order = round % 2 === 0 ? sides : [...sides].reverse();
    for (const [side, checkout] of order) {
      const result = await runOnce(side, checkout, receiver);
      results.push(result);
      print(result);
    }
  }
} finally {
  receiver.stop();
}
if (rounds > 1) {
  for (const [side] of sides) {
    const rates = results.filter((r) => r.side === side).map((r) => r.eventsPerSecond);
    process.stdout.write(`${side.padEnd(8)} median ${median(rates).toFixed(1)} events/s\n`);
  }
}
