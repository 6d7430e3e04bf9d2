/**
 * Bundle size and module load time of each Lambda function, side by side with an empty handler
 * bundle built the same way (issue 6: every bundle under 400 KB minified; module load within 2×
 * the empty bundle's). See bench/coldstart.md.
 *
 *   npx tsx bench/coldstart.ts [--rounds 15]
 */
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { type BuildOptions, build, type Metafile } from 'esbuild';
import {
  BUNDLE_ENTRY_FILE,
  codeBytes,
  esbuildOptions,
  LAMBDA_ENTRIES,
  loadedAtStart,
} from '../infra/lambda-bundling.js';
import { median } from './stats.js';

const MAX_BUNDLE_BYTES = 400 * 1024;
const MAX_LOAD_RATIO = 2;
/** DESIGN §7: "well under 100 ms of module load"; informational next to the ratio. */
const DESIGN_LOAD_MS = 100;

/** The two baselines, built like the functions; neither gets a verdict. */
const BASELINES = {
  empty: 'export const handler = async () => ({});\n',
  /**
   * The least any function that talks to AWS carries: one AWS SDK v3 client (DynamoDB, which
   * every function uses) and one call, nothing of Hookbridge. How far a function is above this
   * is what its own code and other clients cost; how far this is above `empty` is the SDK's.
   */
  'sdk-floor': [
    "import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';",
    'const client = new DynamoDBClient({});',
    "export const handler = async () => client.send(new GetItemCommand({ TableName: 't', Key: { id: { S: 'x' } } }));",
    '',
  ].join('\n'),
} as const;
const isBaseline = (name: string) => Object.hasOwn(BASELINES, name);
const ROOT = fileURLToPath(new URL('../', import.meta.url));

const { values: args } = parseArgs({ options: { rounds: { type: 'string', default: '15' } } });
const rounds = Number(args.rounds);
if (!Number.isInteger(rounds) || rounds < 1) {
  process.stderr.write('--rounds must be a positive integer\n');
  process.exit(2);
}

/**
 * What every function finds in its environment on Lambda, with dummy values: enough for each
 * function's configuration check at load. No credentials, so a module that tried to reach AWS
 * at load would go looking for them on the network, which the network probe below would see.
 */
const CHILD_ENV: Record<string, string> = {
  AWS_REGION: 'us-east-1',
  AWS_LAMBDA_FUNCTION_NAME: 'hookbridge-coldstart',
  HOOKBRIDGE_EVENT_BUS_NAME: 'hookbridge-bus',
  HOOKBRIDGE_IDEMPOTENCY_TABLE: 'hookbridge-idempotency',
  HOOKBRIDGE_SUBSCRIPTIONS_TABLE: 'hookbridge-subscriptions',
  HOOKBRIDGE_DELIVERIES_TABLE: 'hookbridge-deliveries',
  HOOKBRIDGE_EVENT_STORE_TABLE: 'hookbridge-event-store',
  HOOKBRIDGE_ACCESS_TABLE: 'hookbridge-access',
  HOOKBRIDGE_DELIVERY_FUNCTION_NAME: 'hookbridge-delivery',
  HOOKBRIDGE_ARCHIVE_ARN: 'arn:aws:events:us-east-1:123456789012:archive/hookbridge',
};

/**
 * The settings every function is deployed with (infra/lambda-bundling.ts, shared with
 * `npm run build` and infra/constructs/bundled-function.ts); the AWS SDK is inside, as deployed.
 */
function buildOptions(entry: string, outdir: string): BuildOptions {
  return {
    ...esbuildOptions(entry, outdir),
    absWorkingDir: ROOT,
    // The baselines are written to a temporary directory; they import the project's SDK.
    nodePaths: [join(ROOT, 'node_modules')],
    metafile: true,
    logLevel: 'warning',
  };
}

/** What the network probe saw while a bundle loaded. */
interface Probe {
  readonly attempts: string[];
  readonly error?: string;
}

interface Built {
  readonly name: string;
  readonly file: string;
  /** The code of the whole asset: index.mjs and every chunk (the .map files left out). */
  readonly bytes: number;
  /** The part a cold start loads: index.mjs and the chunks it imports statically. */
  readonly loadedBytes: number;
  readonly mapBytes: number;
  /** Bytes per package in the part a cold start loads. */
  readonly packages: { readonly name: string; readonly bytes: number }[];
}

async function bundle(entry: string, name: string, dir: string): Promise<Built> {
  const outdir = join(dir, name);
  const { metafile } = (await build(buildOptions(entry, outdir))) as { metafile: Metafile };
  const outputs = Object.entries(metafile.outputs);
  const loaded = loadedAtStart(metafile);
  return {
    name,
    file: join(outdir, BUNDLE_ENTRY_FILE),
    bytes: codeBytes(outputs),
    loadedBytes: loaded.reduce((sum, output) => sum + output.bytes, 0),
    mapBytes: outputs
      .filter(([path]) => path.endsWith('.map'))
      .reduce((sum, [, output]) => sum + output.bytes, 0),
    packages: packageBytes(loaded),
  };
}

/** Bytes in the given outputs per node_modules package (the innermost one), biggest first. */
function packageBytes(outputs: Metafile['outputs'][string][]): { name: string; bytes: number }[] {
  const totals = new Map<string, number>();
  for (const output of outputs) {
    for (const [path, input] of Object.entries(output.inputs)) {
      const match = /.*node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(path);
      const name = match?.[1] ?? '(hookbridge code)';
      totals.set(name, (totals.get(name) ?? 0) + input.bytesInOutput);
    }
  }
  return [...totals].map(([name, bytes]) => ({ name, bytes })).sort((a, b) => b.bytes - a.bytes);
}

// Runs in the child: the time of import() alone, and when it finished counted from the
// process's start (performance.timeOrigin), so the node bootstrap is visible beside it.
const TIMED_CHILD = `
const started = performance.now();
await import(process.argv[1]);
const loaded = performance.now();
process.stdout.write(JSON.stringify({ importMs: loaded - started, readyMs: loaded }));
`;

// Runs in a separate, untimed child: every TCP/TLS connect and DNS lookup is refused and
// recorded, then the child waits for work a module may have started at load.
const PROBE_CHILD = `
import dns from 'node:dns';
import net from 'node:net';
const attempts = [];
net.Socket.prototype.connect = function (...args) {
  attempts.push('connect ' + JSON.stringify(args[0]?.host ?? args[0]?.path ?? args[1] ?? args[0]));
  process.nextTick(() => this.destroy(new Error('network refused by bench/coldstart')));
  return this;
};
const refuseLookup = (host, options, callback) => {
  attempts.push('dns ' + host);
  (typeof options === 'function' ? options : callback)(new Error('refused'));
};
dns.lookup = refuseLookup;
dns.promises.lookup = async (host) => { attempts.push('dns ' + host); throw new Error('refused'); };
let error;
try { await import(process.argv[1]); } catch (e) { error = String(e?.stack ?? e); }
await new Promise((resolve) => setTimeout(resolve, 300));
process.stdout.write(JSON.stringify({ attempts, error }));
`;

function runChild(script: string, file: string): Promise<string> {
  return new Promise((resolve, reject) => {
    // --enable-source-maps as the stack sets it (NODE_OPTIONS): Node then reads the .map at load.
    const child = spawn(
      process.execPath,
      ['--enable-source-maps', '--input-type=module', '--eval', script, pathToFileURL(file).href],
      { env: CHILD_ENV, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk;
    });
    child.stderr.on('data', (chunk: Buffer) => {
      err += chunk;
    });
    child.once('error', reject);
    child.once('exit', (code) =>
      code === 0 ? resolve(out) : reject(new Error(`${file}: exit ${code}\n${err}`)),
    );
  });
}

function shuffled<T>(items: readonly T[]): T[] {
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i -= 1) {
    const j = Math.floor(Math.random() * (i + 1));
    [copy[i], copy[j]] = [copy[j] as T, copy[i] as T];
  }
  return copy;
}

const kb = (bytes: number) => Math.round((bytes / 1024) * 10) / 10;
const ms = (value: number) => Math.round(value * 10) / 10;

async function main(): Promise<void> {
  const dir = await mkdtemp(join(os.tmpdir(), 'hookbridge-coldstart-'));
  try {
    const baselines = Object.entries(BASELINES).map(async ([name, source]) => {
      const entry = join(dir, `${name}.ts`);
      await writeFile(entry, source);
      return bundle(entry, name, dir);
    });
    const built = await Promise.all([
      ...Object.entries(LAMBDA_ENTRIES).map(([name, entry]) => bundle(entry, name, dir)),
      ...baselines,
    ]);
    // The probe first: a bundle that fails to load or reaches for the network is reported,
    // and only the ones that load are timed.
    const probes = new Map<string, Probe>();
    for (const b of built) probes.set(b.name, JSON.parse(await runChild(PROBE_CHILD, b.file)));
    const loading = built.filter((b) => probes.get(b.name)?.error === undefined);
    const loadBefore = os.loadavg()[0] ?? 0;
    const samples = new Map(
      loading.map((b) => [b.name, { importMs: [] as number[], readyMs: [] as number[] }]),
    );
    // One untimed round first, so the file cache is warm for every bundle alike.
    for (const b of loading) await runChild(TIMED_CHILD, b.file);
    for (let round = 0; round < rounds; round += 1) {
      // A fresh order each round, so a drift in machine load hits every bundle alike.
      for (const b of shuffled(loading)) {
        const sample = JSON.parse(await runChild(TIMED_CHILD, b.file)) as {
          importMs: number;
          readyMs: number;
        };
        samples.get(b.name)?.importMs.push(sample.importMs);
        samples.get(b.name)?.readyMs.push(sample.readyMs);
      }
      process.stderr.write(`round ${round + 1}/${rounds}\r`);
    }
    await report(built, samples, probes, loadBefore);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function report(
  built: readonly Built[],
  samples: Map<string, { importMs: number[]; readyMs: number[] }>,
  probes: Map<string, Probe>,
  loadBefore: number,
): Promise<void> {
  const stats = (name: string) => {
    const s = samples.get(name) ?? { importMs: [], readyMs: [] };
    return { importMs: median(s.importMs), readyMs: median(s.readyMs), samples: s.importMs };
  };
  const empty = stats('empty');
  const floor = stats('sdk-floor');
  const rows = built.map((b) => {
    const s = stats(b.name);
    const probe = probes.get(b.name) ?? { attempts: [] };
    const loaded = probe.error === undefined;
    return {
      name: b.name,
      bytes: b.bytes,
      kb: kb(b.bytes),
      loadedKb: kb(b.loadedBytes),
      mapKb: kb(b.mapBytes),
      topPackages: b.packages.slice(0, 5).map((p) => ({ name: p.name, kb: kb(p.bytes) })),
      medianImportMs: ms(s.importMs),
      importRatio: Math.round((s.importMs / empty.importMs) * 10) / 10,
      floorRatio: Math.round((s.importMs / floor.importMs) * 100) / 100,
      medianReadyMs: ms(s.readyMs),
      readyRatio: Math.round((s.readyMs / empty.readyMs) * 100) / 100,
      importSamplesMs: s.samples.map(ms),
      sizeVerdict: b.bytes < MAX_BUNDLE_BYTES ? 'PASS' : 'FAIL',
      loadVerdict: loaded && s.importMs <= MAX_LOAD_RATIO * empty.importMs ? 'PASS' : 'FAIL',
      designVerdict: loaded && s.importMs < DESIGN_LOAD_MS ? 'PASS' : 'FAIL',
      networkAtLoad: probe.attempts,
      ...(probe.error && { loadError: probe.error }),
    };
  });
  const fns = rows.filter((r) => !isBaseline(r.name));
  const table = [
    '| bundle | KB (min.) | of which loaded at start | top packages at start (KB) | import ms (median) | × empty | × SDK floor | < 400 KB | ≤ 2× empty | < 100 ms (§7) | node start → loaded, ms (× empty) |',
    '| --- | ---: | ---: | --- | ---: | ---: | ---: | :-: | :-: | :-: | ---: |',
    ...rows.map((r) => {
      const baseline = isBaseline(r.name);
      const top = r.topPackages.map((p) => `${p.name} ${p.kb}`).join(', ');
      const verdicts = baseline
        ? '— | — | —'
        : `${r.sizeVerdict} | ${r.loadVerdict} | ${r.designVerdict}`;
      const load = r.loadError
        ? `did not load | — | — | ${verdicts} | —`
        : `${r.medianImportMs} | ${r.importRatio} | ${r.floorRatio} | ${verdicts} | ${r.medianReadyMs} (${r.readyRatio})`;
      return `| ${r.name} | ${r.kb} | ${r.loadedKb} | ${top} | ${load} |`;
    }),
  ];
  const network = fns.flatMap((r) => [
    ...r.networkAtLoad.map((a) => `- **BUG** ${r.name} touched the network at load: ${a}`),
    ...(r.loadError ? [`- **BUG** ${r.name} failed to load: ${r.loadError.split('\n')[0]}`] : []),
  ]);
  const verdicts = [
    `Size (< 400 KB): ${fns.filter((r) => r.sizeVerdict === 'PASS').length}/${fns.length} PASS`,
    `Module load (≤ 2× empty): ${fns.filter((r) => r.loadVerdict === 'PASS').length}/${fns.length} PASS`,
    `Module load (< 100 ms, DESIGN §7): ${fns.filter((r) => r.designVerdict === 'PASS').length}/${fns.length} PASS`,
    `SDK floor (one DynamoDB client, nothing else): ${ms(floor.importMs)} ms, ${Math.round((floor.importMs / empty.importMs) * 10) / 10}× empty`,
    fns.some((r) => r.networkAtLoad.length > 0)
      ? 'Network at load: BUG, see below'
      : 'Network at load: none (no connect, no DNS lookup)',
  ];
  process.stdout.write(`\n${table.join('\n')}\n\n${verdicts.join('\n')}\n${network.join('\n')}\n`);

  const cpus = os.cpus();
  const machine = {
    cpus: cpus.length,
    cpuModel: cpus[0]?.model ?? 'unknown',
    platform: `${os.platform()} ${os.release()} ${os.arch()}`,
    node: process.version,
    // Other work on the machine slows every child; the load average says how much there was.
    loadAverage1m: { before: ms(loadBefore), after: ms(os.loadavg()[0] ?? 0) },
  };
  const date = new Date().toISOString();
  const targets = {
    maxBundleBytes: MAX_BUNDLE_BYTES,
    maxLoadRatio: MAX_LOAD_RATIO,
    designLoadMs: DESIGN_LOAD_MS,
  };
  const results = join(ROOT, 'bench/results');
  await mkdir(results, { recursive: true });
  await writeFile(
    join(results, 'coldstart.json'),
    `${JSON.stringify({ benchmark: 'coldstart', date, machine, rounds, targets, bundles: rows }, null, 2)}\n`,
  );
  const markdown = [
    '# Cold-start benchmark result',
    '',
    `${date} — \`npx tsx bench/coldstart.ts --rounds ${rounds}\``,
    '',
    `Machine: ${machine.cpus} × ${machine.cpuModel}, ${machine.platform}, Node ${machine.node}; load average ${machine.loadAverage1m.before} before, ${machine.loadAverage1m.after} after.`,
    `Each bundle imported in ${rounds} fresh processes per bundle (\`--enable-source-maps\`, as deployed), order shuffled each round; medians.`,
    '',
    ...table,
    '',
    ...verdicts.map((v) => `- ${v}`),
    ...network,
    '',
    'What this measures and what it does not: see bench/coldstart.md.',
    '',
  ];
  await writeFile(join(results, 'coldstart.md'), markdown.join('\n'));
  process.stdout.write(`\nwrote ${join(results, 'coldstart.json')} and coldstart.md\n`);
}

await main();
