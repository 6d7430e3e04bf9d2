import { execFileSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

// Another team's CDK app, with the package as `npm pack` makes it in its node_modules and the
// package's dependencies beside it, where npm would hoist them (links to this project's).
let consumer: string;
let packed: string[];

beforeAll(() => {
  consumer = mkdtempSync(join(tmpdir(), 'hookbridge-consumer-'));
  const [pack] = JSON.parse(
    execFileSync('npm', ['pack', '--json', '--pack-destination', consumer], {
      cwd: ROOT,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }),
  ) as { filename: string; files: { path: string }[] }[];
  packed = pack?.files.map((file) => file.path) ?? [];
  const installed = join(consumer, 'node_modules', 'hookbridge');
  mkdirSync(installed, { recursive: true });
  execFileSync('tar', [
    '-xzf',
    join(consumer, pack?.filename ?? ''),
    '-C',
    installed,
    '--strip-components=1',
  ]);
  for (const name of [...productionPackages(), 'aws-cdk-lib', 'constructs']) {
    const link = join(consumer, 'node_modules', name);
    mkdirSync(dirname(link), { recursive: true });
    symlinkSync(join(ROOT, 'node_modules', name), link);
  }
}, 60_000);

/**
 * The packages npm installs with this one: what the lockfile holds outside the
 * devDependencies (their own nested node_modules come with them), and present on this
 * platform. A dependency left among the devDependencies is then missing, as it would be.
 */
function productionPackages(): string[] {
  const lock = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8')) as {
    packages: Record<string, { dev?: boolean }>;
  };
  return Object.entries(lock.packages)
    .filter(([path, entry]) => /^node_modules\/(@[^/]+\/)?[^/]+$/.test(path) && !entry.dev)
    .map(([path]) => path.slice('node_modules/'.length))
    .filter((name) => existsSync(join(ROOT, 'node_modules', name)));
}

afterAll(() => {
  rmSync(consumer, { recursive: true, force: true });
});

/** Runs an ES module in the consumer's directory on plain node: no TypeScript loader. */
function runInConsumer(file: string, source: string, ...args: string[]): string {
  writeFileSync(join(consumer, file), source);
  return execFileSync(process.execPath, [file, ...args], { cwd: consumer, encoding: 'utf8' });
}

describe('the hookbridge package', () => {
  it('holds the constructs, the functions, the domain code and the CLI, and no tests', () => {
    for (const file of [
      'infra/package-entry.js',
      'infra/index.ts',
      'functions/delivery/handler.ts',
      'shared/aws/lambda-credentials.ts',
      'bin/hookbridge.js',
      'cli/main.ts',
    ]) {
      expect(packed).toContain(file);
    }
    expect(packed.filter((file) => /^(test|bench|scripts)\//.test(file))).toEqual([]);
    // The web app ships built (prepack), its sources do not.
    expect(packed).toContain('web/dist/index.html');
    expect(packed.filter((file) => file.startsWith('web/src/'))).toEqual([]);
  });

  it('runs its CLI from the packed files, compiled on the first call', () => {
    const bin = join(consumer, 'node_modules', 'hookbridge', 'bin', 'hookbridge.js');
    const run = (...args: string[]) =>
      execFileSync(process.execPath, [bin, ...args], { cwd: consumer, encoding: 'utf8' });
    const { version } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
    expect(run('--version').trim()).toBe(version);
    expect(run('--help')).toContain('Usage: hookbridge');
    const cache = join(consumer, 'node_modules', 'hookbridge', '.hookbridge', 'cli');
    expect(existsSync(join(cache, 'manifest.json'))).toBe(true);
  });

  it('exports every construct of infra/index.ts to an app on plain node', async () => {
    const exported = JSON.parse(
      runInConsumer(
        'exports.mjs',
        "const m = await import('hookbridge'); console.log(JSON.stringify(Object.keys(m).sort()));",
      ),
    );
    const source = Object.keys(await import('../../infra/index.js')).sort();
    expect(exported).toEqual(source);
  });

  it('is embedded in another app, whose synthesis bundles the five functions', () => {
    const outdir = join(consumer, 'cdk.out');
    runInConsumer(
      'app.mjs',
      [
        "import { App, Stack } from 'aws-cdk-lib';",
        "import { Hookbridge } from 'hookbridge';",
        'const app = new App({ outdir: process.argv[2] });',
        "new Hookbridge(new Stack(app, 'Shop'), 'Webhooks', { prefix: 'shop' });",
        'app.synth();',
      ].join('\n'),
      outdir,
    );
    const template = JSON.parse(readFileSync(join(outdir, 'Shop.template.json'), 'utf8'));
    // CDK's function that copies the web app into its bucket at deployment comes with them.
    const functions = Object.entries(template.Resources as Record<string, Resource>)
      .filter(
        ([id, resource]) =>
          resource.Type === 'AWS::Lambda::Function' && !id.startsWith('CustomCDKBucketDeployment'),
      )
      .map(([, resource]) => resource);
    expect(functions).toHaveLength(5);
    // Each function's code is an asset directory of this synthesis holding its bundle.
    const bundles = readdirSync(outdir).filter(
      (dir) =>
        dir.startsWith('asset.') &&
        statSync(join(outdir, dir)).isDirectory() &&
        readdirSync(join(outdir, dir)).includes('index.mjs'),
    );
    const keys = functions.map((fn) => (fn.Properties.Code as { S3Key?: string }).S3Key);
    expect(new Set(keys).size).toBe(5);
    for (const fn of functions) {
      expect(fn.Properties.Runtime).toBe('nodejs22.x');
      const key = (fn.Properties.Code as { S3Key?: string }).S3Key ?? '';
      expect(bundles).toContain(`asset.${key.replace(/\.zip$/, '')}`);
    }
  }, 120_000);
});

interface Resource {
  readonly Type: string;
  readonly Properties: Record<string, unknown>;
}
