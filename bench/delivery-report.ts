/** Prints the delivery benchmark's table and writes bench/results/delivery.{json,md}. */
import { mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import { join } from 'node:path';
import { BODY_BYTES } from './delivery-sides.js';
import { median } from './stats.js';

/** DESIGN §7: the delivery hot path reaches at least this share of the bare client. */
export const TARGET = 0.8;

export type SideName = 'a' | 'b';

export interface Round {
  readonly recordsPerSecond: number;
  /**
   * CPU time of the benchmark process (all its threads, GC included) per record, in µs. Less
   * sensitive than throughput to other load on the machine.
   */
  readonly cpuMicrosPerRecord: number;
  /** CPU time of the receiver process per record, in µs. */
  readonly receiverCpuMicrosPerRecord: number;
}

export interface ReportOptions {
  /** Write the results files (only when both sides ran). */
  readonly write: boolean;
  readonly dir: string;
  readonly parameters: {
    readonly records: number;
    readonly concurrency: number;
    readonly rounds: number;
    readonly warmup: number;
    readonly receiverDelayMs: number;
    /** The sides bundled with code splitting (`--split`), the deployed layout. */
    readonly split: boolean;
  };
  readonly loadBefore: number;
}

const round1 = (value: number) => Math.round(value * 10) / 10;
const fmt = (value: number) => Math.round(value).toLocaleString('en-US');

function summary(rounds: readonly Round[]) {
  return {
    recordsPerSecond: rounds.map((r) => Math.round(r.recordsPerSecond)),
    median: Math.round(median(rounds.map((r) => r.recordsPerSecond))),
    cpuMicrosPerRecord: round1(median(rounds.map((r) => r.cpuMicrosPerRecord))),
    receiverCpuMicrosPerRecord: round1(median(rounds.map((r) => r.receiverCpuMicrosPerRecord))),
  };
}

export async function report(
  measured: Record<SideName, Round[]>,
  options: ReportOptions,
): Promise<void> {
  const a = summary(measured.a);
  const b = summary(measured.b);
  const table = [
    '| side | rounds (records/s) | median records/s | CPU µs/record | receiver CPU µs/record |',
    '| --- | --- | ---: | ---: | ---: |',
    ...(
      [
        ['A bare undici client', a],
        ['B Hookbridge delivery handler', b],
      ] as const
    )
      .filter(([, side]) => side.recordsPerSecond.length > 0)
      .map(
        ([name, side]) =>
          `| ${name} | ${side.recordsPerSecond.map(fmt).join(', ')} | ${fmt(side.median)} | ${side.cpuMicrosPerRecord} | ${side.receiverCpuMicrosPerRecord} |`,
      ),
  ];
  process.stdout.write(`\n${table.join('\n')}\n`);
  if (!options.write) return;

  const ratio = b.median / a.median;
  const verdict = ratio >= TARGET ? 'PASS' : 'BELOW TARGET';
  process.stdout.write(`\nratio B/A = ${ratio.toFixed(3)} (target ≥ ${TARGET}): ${verdict}\n`);

  const cpus = os.cpus();
  const machine = {
    cpus: cpus.length,
    cpuModel: cpus[0]?.model ?? 'unknown',
    platform: `${os.platform()} ${os.release()} ${os.arch()}`,
    totalMemoryGiB: round1(os.totalmem() / 2 ** 30),
    node: process.version,
    // Other work on the machine moves throughput; the load average says how much there was.
    loadAverage1m: { before: round1(options.loadBefore), after: round1(os.loadavg()[0] ?? 0) },
  };
  const { parameters: p } = options;
  const parameters = { ...p, batchSize: 10, bodyBytes: BODY_BYTES };
  const date = new Date().toISOString();
  const result = {
    benchmark: 'delivery',
    date,
    machine,
    parameters,
    bare: a,
    hookbridge: b,
    ratio: Math.round(ratio * 1000) / 1000,
    target: TARGET,
    verdict,
  };
  await mkdir(options.dir, { recursive: true });
  await writeFile(join(options.dir, 'delivery.json'), `${JSON.stringify(result, null, 2)}\n`);
  const command = `npx tsx bench/delivery.ts --records ${p.records} --concurrency ${p.concurrency} --rounds ${p.rounds} --warmup ${p.warmup} --receiver-delay-ms ${p.receiverDelayMs}${p.split ? ' --split' : ''}`;
  const markdown = [
    '# Delivery benchmark result',
    '',
    `${date} — \`${command}\``,
    '',
    `Machine: ${machine.cpus} × ${machine.cpuModel}, ${machine.platform}, ${machine.totalMemoryGiB} GiB, Node ${machine.node}; 1-minute load average ${machine.loadAverage1m.before} before, ${machine.loadAverage1m.after} after.`,
    '',
    `Each round: ${fmt(p.records)} records of ${BODY_BYTES} bytes, ${p.concurrency} in flight (${p.concurrency / 10} SQS batches of 10), receiver delay ${p.receiverDelayMs} ms; warm-up ${fmt(p.warmup)} per side; rounds alternate A and B.`,
    '',
    ...table,
    '',
    `**Ratio B/A = ${ratio.toFixed(3)}** (target ≥ ${TARGET}): **${verdict}**.`,
    '',
    'What this measures and what it does not: see bench/delivery.md.',
    '',
  ];
  await writeFile(join(options.dir, 'delivery.md'), markdown.join('\n'));
  process.stdout.write(
    `wrote ${join('bench', 'results', 'delivery.json')} and ${join('bench', 'results', 'delivery.md')}\n`,
  );
}
