/**
 * Subscriber scale against the local runtime (issue 14, "Measured"): N tenants with one
 * subscription each, created through the API, then what the control and data planes cost at
 * that count. Prints, in one run:
 * - creation: time per subscription (the API's answer, at a given concurrency), how many were
 *   `provisioning`/`active`/`failed` when created and when the last one became `active`;
 * - a reconciler pass over N lanes one lane at a time, and one `--reconcile-concurrency` lanes at
 *   a time (side by side): each one's time and AWS calls per lane (by operation);
 * - an event to one tenant: its latency (send to arrival) with 1 lane and with N, side by side;
 * - a broadcast to every tenant: the time until the last of N deliveries;
 * - the runtime's memory (RSS) with 1 lane and with N, and its idle polling (ReceiveMessage
 *   calls per second while nothing is sent), which cold lanes are meant to bring to ~0.
 *
 *   npx tsx bench/scale.ts [--subscriptions N] [--concurrency C] [--reconcile-concurrency R]
 *                          [--events E] [--timeout-s S]
 *
 * The runtime runs in this process (so the bench can run a reconciler pass when it wants);
 * the receiver in a process of its own; moto behind a counting proxy. Everything is on
 * loopback and stops by itself. Settings of the runtime under test pass through the
 * environment: HOOKBRIDGE_BUS_SHARDS (1,000 tenant subscriptions need 5), and
 * HOOKBRIDGE_LANE_IDLE_SECONDS, with which the bench waits that long after creating the lanes,
 * so that its reconciler pass puts them to sleep, then measures a cold lane's first event and a
 * broadcast that wakes them all.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { startLocalAws } from '../local/aws-endpoint.js';
import { startCountingProxy } from './counting-proxy.js';
import { median, percentile as sortedPercentile } from './stats.js';

const here = dirname(fileURLToPath(import.meta.url));
const TYPE = 'scale.ping';

const { values: args } = parseArgs({
  options: {
    subscriptions: { type: 'string', default: '1000' },
    concurrency: { type: 'string', default: '8' },
    'reconcile-concurrency': { type: 'string', default: '8' },
    events: { type: 'string', default: '20' },
    'idle-seconds': { type: 'string', default: '10' },
    'timeout-s': { type: 'string', default: '900' },
  },
});
const total = positive('subscriptions');
const concurrency = positive('concurrency');
const reconcileConcurrency = positive('reconcile-concurrency');
const probes = positive('events');
const idleSeconds = positive('idle-seconds');
const timeoutMs = positive('timeout-s') * 1000;
/** The runtime's idle period, when the environment gives one (cold lanes measured too). */
const idlePeriod = Number(process.env.HOOKBRIDGE_LANE_IDLE_SECONDS ?? 0);

function positive(name: keyof typeof args): number {
  const value = Number(args[name]);
  if (!Number.isInteger(value) || value < 1) {
    process.stderr.write(`--${name} must be a positive integer\n`);
    process.exit(2);
  }
  return value;
}

async function readJsonLine(child: ChildProcess): Promise<Record<string, unknown>> {
  if (!child.stdout) throw new Error('the receiver has no stdout');
  const lines = createInterface({ input: child.stdout });
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`the receiver exited (${code})`)));
    lines.once('line', (line) => resolve(JSON.parse(line)));
  });
}

async function call<T = Record<string, unknown>>(
  method: string,
  url: string,
  body?: unknown,
): Promise<T> {
  const response = await fetch(url, {
    method,
    headers: { 'content-type': 'application/json' },
    ...(body !== undefined && { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${url} answered ${response.status}: ${text}`);
  return (text ? JSON.parse(text) : undefined) as T;
}

async function until(condition: () => Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(25);
  }
}

/** Runs `task` over `items`, `limit` at a time. */
async function pool<T, R>(items: T[], limit: number, task: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await task(items[index] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

function percentile(values: readonly number[], p: number): number {
  return sortedPercentile(
    [...values].sort((a, b) => a - b),
    p,
  );
}

function rssMb(): number {
  const line = readFileSync('/proc/self/status', 'utf8').match(/^VmRSS:\s+(\d+) kB/m);
  return Number(line?.[1] ?? 0) / 1024;
}

function ms(value: number): string {
  return `${value.toFixed(0)} ms`;
}

const receiverChild = spawn(process.execPath, ['--import', 'tsx', join(here, 'receiver.ts')], {
  stdio: ['ignore', 'pipe', 'inherit'],
});
const { port } = (await readJsonLine(receiverChild)) as { port: number };
const receiver = `http://127.0.0.1:${port}`;
let seen = 0;
const arrivals = new Map<string, number>();
async function collect(): Promise<Map<string, number>> {
  const fresh = await call<[string, number][]>('GET', `${receiver}/arrivals?from=${seen}`);
  seen += fresh.length;
  for (const [id, at] of fresh) if (!arrivals.has(id)) arrivals.set(id, at);
  return arrivals;
}

const moto = await startLocalAws({ fromEnvironment: false });
const proxy = await startCountingProxy(moto.url);
const stateDir = mkdtempSync(join(tmpdir(), 'hookbridge-scale-'));
const { startDev } = await import('../local/dev-runtime.js');
const runtime = await startDev({
  port: 0,
  awsEndpointUrl: proxy.url,
  stateDir,
  fresh: true,
  // Passes only when the bench asks, so the one measured is alone.
  reconcileEveryMs: 3_600_000,
});
const api = runtime.apiUrl;

/** Calls by operation since `before` (a snapshot of the proxy's counts). */
function callsSince(before: Map<string, number>): Map<string, number> {
  const now = proxy.counts();
  return new Map(
    [...now]
      .map(([operation, count]) => [operation, count - (before.get(operation) ?? 0)] as const)
      .filter(([, delta]) => delta > 0),
  );
}

/** One event to `tenantId`, one at a time: the latency from the send to its arrival. */
/** How long ingest took to answer each probe (PutEvents included: locally, moto routes it then). */
const answerTimes = new Map<string, number[]>();

async function probeLatency(tenantId: string, count = probes, label = ''): Promise<number[]> {
  const latencies: number[] = [];
  const answers = answerTimes.get(label) ?? [];
  answerTimes.set(label, answers);
  for (let i = 0; i < count; i++) {
    const sent = performance.timeOrigin + performance.now();
    const { id } = await call<{ id: string }>('POST', `${api}/v1/events`, {
      type: TYPE,
      tenantId,
      data: { i },
    });
    answers.push(performance.timeOrigin + performance.now() - sent);
    await until(async () => (await collect()).has(id), `event ${id} at the receiver`);
    latencies.push((arrivals.get(id) ?? 0) - sent);
  }
  return latencies;
}

async function idlePolling(): Promise<number> {
  await sleep(1000);
  const before = proxy.counts();
  await sleep(idleSeconds * 1000);
  return (callsSince(before).get('SQS.ReceiveMessage') ?? 0) / idleSeconds;
}

const tenants = Array.from({ length: total }, (_, i) => `scale-${String(i).padStart(5, '0')}`);
async function createTenantWithSubscription(tenantId: string) {
  const started = performance.now();
  await call('POST', `${api}/v1/tenants`, { id: tenantId, name: tenantId });
  const created = await call<{ id: string; status: string }>(
    'POST',
    `${api}/v1/tenants/${tenantId}/subscriptions`,
    {
      url: `${receiver}/${tenantId}`,
      eventTypes: [TYPE],
    },
  );
  return {
    id: created.id as string,
    status: created.status as string,
    ms: performance.now() - started,
  };
}

async function statuses(): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  let cursor: string | undefined;
  do {
    const page = await call<{ data: { status: string }[]; nextCursor?: string }>(
      'GET',
      `${api}/v1/subscriptions?limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
    );
    for (const s of page.data) counts.set(s.status, (counts.get(s.status) ?? 0) + 1);
    cursor = page.nextCursor;
  } while (cursor);
  return counts;
}

const out = (line: string) => process.stdout.write(`${line}\n`);
out(
  `subscriber scale: ${total} tenants × 1 subscription, concurrency ${concurrency}, ` +
    `${new Date().toISOString()}, load average ${readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')}`,
);
try {
  // One lane first: the figures every later one is compared with.
  const [first, ...rest] = tenants as [string, ...string[]];
  await createTenantWithSubscription(first);
  await until(async () => (await statuses()).get('active') === 1, 'the first lane');
  const oneLane = await probeLatency(first, probes, 'one');
  const idleOne = await idlePolling();
  const rssOne = rssMb();

  const started = performance.now();
  const made = await pool(rest, concurrency, createTenantWithSubscription);
  const createdSeconds = (performance.now() - started) / 1000;
  const answered = new Map<string, number>();
  for (const m of made) answered.set(m.status, (answered.get(m.status) ?? 0) + 1);
  let last = new Map<string, number>();
  await until(async () => {
    last = await statuses();
    return (last.get('active') ?? 0) + (last.get('failed') ?? 0) === total;
  }, 'every lane active');
  const activeSeconds = (performance.now() - started) / 1000;
  const times = made.map((m) => m.ms);
  out(
    `create ${rest.length}: ${createdSeconds.toFixed(1)} s answered (${ms((1000 * createdSeconds) / rest.length)} per subscription at ${concurrency} at once; ` +
      `one request median ${ms(median(times))}, p95 ${ms(percentile(times, 95))}); ` +
      `answered ${[...answered].map(([s, n]) => `${n} ${s}`).join(', ')}; ` +
      `all settled after ${activeSeconds.toFixed(1)} s: ${[...last].map(([s, n]) => `${n} ${s}`).join(', ')}`,
  );

  // Cold lanes: with HOOKBRIDGE_LANE_IDLE_SECONDS set, wait until every lane is idle that long,
  // so the measured pass puts them to sleep (the tenant probed below is woken by its first event).
  if (idlePeriod > 0) await sleep((idlePeriod + 1) * 1000);
  /** One measured pass: its time and its AWS calls per lane, by operation. */
  async function measuredPass(passConcurrency: number) {
    const before = proxy.counts();
    const passStarted = performance.now();
    const report = await runtime.reconcileNow({ concurrency: passConcurrency });
    const passSeconds = (performance.now() - passStarted) / 1000;
    // The pollers go on meanwhile: their ReceiveMessage (and any delivery's calls) are not the pass's.
    const calls = callsSince(before);
    for (const polling of ['SQS.ReceiveMessage', 'SQS.DeleteMessage', 'SQS.DeleteMessageBatch'])
      calls.delete(polling);
    const callCount = [...calls.values()].reduce((a, b) => a + b, 0);
    out(
      `reconciler pass over ${total} lanes, ${passConcurrency} at once: ${passSeconds.toFixed(1)} s, ${(callCount / total).toFixed(2)} AWS calls per lane ` +
        `(${[...calls].map(([o, n]) => `${o} ${(n / total).toFixed(2)}`).join(', ')}); ` +
        `repaired ${report?.repaired.length ?? '?'}, errors ${report?.errors.length ?? '?'}` +
        (idlePeriod > 0
          ? `; put to sleep ${report?.cooled.length ?? '?'} (idle period ${idlePeriod} s)`
          : ''),
    );
    return passSeconds;
  }
  // Side by side: one lane at a time, then the default concurrency (the same lanes, no drift).
  // With cold lanes the first pass puts them to sleep, so only that one is measured.
  if (idlePeriod > 0) await measuredPass(reconcileConcurrency);
  else {
    const one = await measuredPass(1);
    const many = await measuredPass(reconcileConcurrency);
    out(`reconciler pass: ${(one / many).toFixed(2)}× faster with ${reconcileConcurrency} at once`);
  }
  if (idlePeriod > 0) {
    // The probed tenant's lane went cold with the others: its first event wakes it.
    const woken = await probeLatency(first, 1);
    out(`first event to that tenant's cold lane, send → arrival: ${ms(woken[0] ?? Number.NaN)}`);
  }

  const manyLanes = await probeLatency(first, probes, 'many');
  out(
    `event to one tenant, send → arrival (${probes} each): 1 lane p50 ${ms(median(oneLane))} p99 ${ms(percentile(oneLane, 99))}; ` +
      `${total} lanes p50 ${ms(median(manyLanes))} p99 ${ms(percentile(manyLanes, 99))}; ratio of p50 ${(median(manyLanes) / median(oneLane)).toFixed(2)}; ` +
      `of which ingest's answer (PutEvents routed by the local endpoint) p50 ${ms(median(answerTimes.get('one') ?? []))} with 1 lane, ${ms(median(answerTimes.get('many') ?? []))} with ${total}`,
  );

  const idleMany = await idlePolling();
  const rssMany = rssMb();
  const broadcastSent = performance.timeOrigin + performance.now();
  const { id: broadcastId } = await call<{ id: string }>('POST', `${api}/v1/events`, {
    type: TYPE,
    tenantId: '*',
    data: { broadcast: true },
  });
  const delivered = async () => {
    const got = await call<[string, number][]>('GET', `${receiver}/arrivals?from=0`);
    return got.filter(([id]) => id === broadcastId).map(([, at]) => at);
  };
  let broadcastArrivals: number[] = [];
  await until(async () => {
    broadcastArrivals = await delivered();
    return broadcastArrivals.length >= total;
  }, `the broadcast at all ${total} subscribers`);
  const lastArrival = Math.max(...broadcastArrivals) - broadcastSent;
  out(
    `broadcast to ${total} subscribers: first delivery ${ms(Math.min(...broadcastArrivals) - broadcastSent)}, ` +
      `last ${(lastArrival / 1000).toFixed(1)} s (${(total / (lastArrival / 1000)).toFixed(0)} deliveries/s)`,
  );
  out(
    `runtime memory (RSS of this process, runtime included): ${rssOne.toFixed(0)} MB with 1 lane, ${rssMany.toFixed(0)} MB with ${total}; ` +
      `idle polling: ${idleOne.toFixed(1)} ReceiveMessage/s with 1 lane, ${idleMany.toFixed(1)}/s with ${total}`,
  );
} finally {
  await runtime.stop();
  await proxy.close();
  await moto.stop();
  receiverChild.kill('SIGTERM');
  rmSync(stateDir, { recursive: true, force: true });
}
