/**
 * How long a `hookbridge` call takes, side by side with plain node: the median wall time of
 * each command over `--runs` calls. `subscriptions list` runs against a `hookbridge dev`
 * started for the purpose. With `--baseline DIR` (another checkout, e.g. the commit before a
 * change extracted with `git archive`, node_modules linked) its commands run in the same
 * rounds, interleaved, so a busy machine slows both sides alike.
 *
 *   npx tsx bench/cli-startup.ts [--runs N] [--baseline DIR]
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { delimiter, dirname, join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { median } from './stats.js';

const here = dirname(fileURLToPath(import.meta.url));
const { values: args } = parseArgs({
  options: {
    runs: { type: 'string', default: '10' },
    baseline: { type: 'string' },
  },
});
const runs = Number(args.runs);
if (!Number.isInteger(runs) || runs < 1) {
  process.stderr.write('--runs must be a positive integer\n');
  process.exit(2);
}

interface Case {
  readonly name: string;
  readonly file: string;
  readonly args: readonly string[];
  readonly cwd: string;
}

/** Starts `hookbridge dev` of this checkout on a free port; resolves once it is ready. */
async function startRuntime() {
  const child = spawn(
    process.execPath,
    [join(here, '..', 'bin', 'hookbridge.js'), 'dev', '--port', '0', '--json'],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const exited = new Promise((done) => child.once('exit', done));
  const line = await new Promise<string>((done, fail) => {
    child.once('exit', (code) => fail(new Error(`hookbridge dev exited (${code})`)));
    createInterface({ input: child.stdout }).once('line', done);
  });
  const { apiUrl } = JSON.parse(line) as { apiUrl: string };
  return {
    apiUrl,
    stop: async () => {
      child.kill('SIGTERM');
      await exited;
    },
  };
}

function casesFor(side: string, checkout: string, apiUrl: string): Case[] {
  const bin = join(checkout, 'bin', 'hookbridge.js');
  const node = process.execPath;
  return [
    {
      name: `${side}: npx hookbridge --help`,
      file: 'npx',
      args: ['hookbridge', '--help'],
      cwd: checkout,
    },
    {
      name: `${side}: npx hookbridge subscriptions list`,
      file: 'npx',
      args: ['hookbridge', 'subscriptions', 'list', '--endpoint', apiUrl],
      cwd: checkout,
    },
    {
      name: `${side}: node bin/hookbridge.js subscriptions list`,
      file: node,
      args: [bin, 'subscriptions', 'list', '--endpoint', apiUrl],
      cwd: checkout,
    },
    {
      name: `${side}: node bin/hookbridge.js --help`,
      file: node,
      args: [bin, '--help'],
      cwd: checkout,
    },
  ];
}

/** The first Node older than 22 on PATH outside node_modules (the system's), if any. */
function systemNodeCases(checkout: string, apiUrl: string): Case[] {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    const file = join(dir, 'node');
    if (dir.includes('node_modules') || !existsSync(file)) continue;
    const version = spawnSync(file, ['-p', 'process.versions.node'], { encoding: 'utf8' }).stdout;
    if (Number(version.split('.')[0]) >= 22) continue;
    const bin = join(checkout, 'bin', 'hookbridge.js');
    return [
      {
        name: `current: node ${version.trim()} bin/hookbridge.js subscriptions list`,
        file,
        args: [bin, 'subscriptions', 'list', '--endpoint', apiUrl],
        cwd: checkout,
      },
    ];
  }
  return [];
}

function timeOnce(item: Case): number {
  const started = performance.now();
  const result = spawnSync(item.file, item.args, { cwd: item.cwd, encoding: 'utf8' });
  const elapsed = performance.now() - started;
  if (result.status !== 0) {
    throw new Error(`${item.name} exited ${result.status}: ${result.stderr.slice(-500)}`);
  }
  return elapsed;
}

const current = resolve(here, '..');
const runtime = await startRuntime();
try {
  const cases: Case[] = [
    { name: 'plain node -e 0', file: process.execPath, args: ['-e', '0'], cwd: current },
    { name: 'npx node -e 0 (npx itself)', file: 'npx', args: ['node', '-e', '0'], cwd: current },
    ...(args.baseline ? casesFor('baseline', resolve(args.baseline), runtime.apiUrl) : []),
    ...casesFor('current', current, runtime.apiUrl),
    // What `node bin/hookbridge.js` costs with the system's older Node, which runs it again
    // under the project's Node 22 (bin/project-node.js); absent where there is none.
    ...systemNodeCases(current, runtime.apiUrl),
  ];
  // One untimed call each: it builds a missing or stale compiled CLI, as a first call would.
  for (const item of cases) timeOnce(item);
  const times = new Map<string, number[]>(cases.map((item) => [item.name, []]));
  for (let run = 0; run < runs; run++) {
    for (const item of cases) times.get(item.name)?.push(timeOnce(item));
  }
  const load = readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
  process.stdout.write(
    `CLI start-up, median of ${runs} calls, ${new Date().toISOString()}, load average ${load}\n`,
  );
  for (const [name, values] of times) {
    process.stdout.write(`  ${name.padEnd(52)} ${median(values).toFixed(0).padStart(5)} ms\n`);
  }
} finally {
  await runtime.stop();
}
