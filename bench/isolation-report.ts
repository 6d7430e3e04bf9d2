/** Prints the isolation benchmark's table and writes bench/results/isolation.{json,md}. */
import { mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import { join } from 'node:path';

/** One phase: the measured subscribers' end-to-end latencies while the neighbour was so. */
export interface Phase {
  readonly name: string;
  readonly neighbour: 'healthy' | 'dead';
  readonly deliveries: number;
  /** Deliveries that had not arrived by the phase's deadline. */
  readonly missing: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
  /** CPU time of the local AWS endpoint (moto) over the phase's wall time: 1 = one core. */
  readonly motoCpuShare: number;
}

export interface IsolationReportOptions {
  readonly dir: string;
  readonly parameters: {
    readonly seconds: number;
    readonly rate: number;
    readonly subscribers: number;
  };
  readonly loadBefore: number;
  /** The largest acceptable p99(dead) / p99(healthy). */
  readonly target: number;
}

const ms = (value: number) => (Number.isFinite(value) ? String(Math.round(value)) : '—');

/** The verdict: p99 of the measured subscribers with the neighbour dead over it healthy. */
export async function writeResults(phases: readonly Phase[], options: IsolationReportOptions) {
  const healthy = phases.find((p) => p.neighbour === 'healthy');
  const dead = phases.find((p) => p.neighbour === 'dead');
  const ratio = healthy && dead ? dead.p99Ms / healthy.p99Ms : Number.NaN;
  const complete = phases.every((p) => p.missing === 0);
  const pass = complete && ratio <= options.target;
  const { seconds, rate, subscribers } = options.parameters;
  const command = `npx tsx bench/isolation.ts --seconds ${seconds} --rate ${rate} --subscribers ${subscribers}`;
  const cpus = os.cpus();
  const rows = phases.map(
    (p) =>
      `| ${p.name} | ${p.deliveries} | ${p.missing} | ${ms(p.p50Ms)} | ${ms(p.p99Ms)} | ${ms(p.maxMs)} | ${Number.isFinite(p.motoCpuShare) ? `${Math.round(p.motoCpuShare * 100)} %` : '—'} |`,
  );
  const verdict = `p99 with the neighbour dead / p99 with it healthy = **${ratio.toFixed(3)}** (target ≤ ${options.target}): ${pass ? 'PASS' : complete ? 'ABOVE TARGET' : 'INCOMPLETE (deliveries missing)'}`;
  const markdown = [
    '# Isolation benchmark result',
    '',
    `${new Date().toISOString()} — \`${command}\``,
    '',
    `Machine: ${cpus.length} × ${cpus[0]?.model.trim() ?? 'CPU'}, ${os.platform()} ${os.release()}, Node ${process.version}; 1-minute load average ${options.loadBefore.toFixed(1)} before, ${(os.loadavg()[0] ?? 0).toFixed(1)} after.`,
    '',
    `The local runtime (moto, the HTTP API, the poller, the delivery handler) with ${subscribers} measured subscribers and one neighbour; per phase ${seconds * rate} events published at ${rate}/s for ${seconds} s, each delivered to all of them. Latency: from the publish request to the receiver having the body.`,
    '',
    '| phase | measured deliveries | missing | p50 ms | p99 ms | max ms | moto CPU |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...rows,
    '',
    verdict,
    '',
    'What this measures and what it does not: see bench/isolation.md.',
    '',
  ].join('\n');
  process.stdout.write(`\n${rows.join('\n')}\n\n${verdict.replaceAll('**', '')}\n`);
  await mkdir(options.dir, { recursive: true });
  await writeFile(join(options.dir, 'isolation.md'), markdown);
  await writeFile(
    join(options.dir, 'isolation.json'),
    `${JSON.stringify({ command, parameters: options.parameters, phases, ratio, target: options.target, pass }, null, 2)}\n`,
  );
  process.stdout.write('wrote bench/results/isolation.json and bench/results/isolation.md\n');
}
