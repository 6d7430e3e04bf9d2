// The CLI compiled once into one ES module, so that a call does not pay for compiling cli/
// with tsx (about half a second) every time. The bundle is cached in .hookbridge/cli/ of the
// package and rebuilt when any file it was built from changes (size or mtime); the parts of the
// local runtime it imports stay TypeScript, loaded through tsx only when `dev` needs them.
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const CACHE = join(ROOT, '.hookbridge', 'cli');
const MANIFEST = join(CACHE, 'manifest.json');
const ENTRY = join(ROOT, 'cli', 'main.ts');
// Imports into local/ (the dev runtime: handlers, AWS SDK, moto launcher paths) are not bundled.
const LOCAL = join(ROOT, 'local') + sep;
// A build directory other processes may still be loading chunks from is kept this long.
const KEEP_OLD_BUILDS_MS = 60 * 60 * 1000;

/**
 * The file URL of the compiled CLI entry, building it first when there is none or it is stale.
 * Resolves to undefined when it cannot be built (no esbuild, a read-only package directory):
 * the caller then runs the sources through tsx, as before.
 */
export async function compiledCli() {
  try {
    return pathToFileURL(freshBundle() ?? (await build())).href;
  } catch {
    return undefined;
  }
}

/** The cached entry when every input still has the size and mtime it was built from. */
function freshBundle() {
  let manifest;
  try {
    manifest = JSON.parse(readFileSync(MANIFEST, 'utf8'));
  } catch {
    return undefined;
  }
  const entry = join(CACHE, manifest.entry);
  if (!statSync(entry, { throwIfNoEntry: false })?.isFile()) return undefined;
  for (const [file, [size, mtimeMs]] of Object.entries(manifest.inputs)) {
    const stats = statSync(join(ROOT, file), { throwIfNoEntry: false });
    if (!stats || stats.size !== size || stats.mtimeMs !== mtimeMs) return undefined;
  }
  return entry;
}

async function build() {
  const esbuild = await import('esbuild');
  mkdirSync(CACHE, { recursive: true });
  const shimmed = new Set();
  const stamp = `${process.pid}-${Date.now()}`;
  const outdir = join(CACHE, `build-${stamp}`);
  const result = await esbuild.build({
    entryPoints: { main: ENTRY },
    bundle: true,
    splitting: true, // the SigV4 credential chain stays a chunk loaded on first use
    format: 'esm',
    platform: 'node',
    target: 'node22',
    outdir,
    outExtension: { '.js': '.mjs' },
    absWorkingDir: ROOT,
    metafile: true,
    logLevel: 'silent',
    // CommonJS dependencies call require() for Node built-ins.
    banner: {
      js: "import { createRequire as __hbRequire } from 'node:module'; const require = __hbRequire(import.meta.url);",
    },
    plugins: [tsxForLocal(esbuild, shimmed)],
  });
  const inputs = {};
  const files = Object.keys(result.metafile.inputs)
    .filter((input) => !input.startsWith('hookbridge-local:'))
    .map((input) => join(ROOT, input));
  for (const file of new Set([...files.map(packageManifest), ...shimmed])) {
    const { size, mtimeMs } = statSync(file);
    inputs[relative(ROOT, file)] = [size, mtimeMs];
  }
  const entry = join(relative(CACHE, outdir), 'main.mjs');
  // Atomic switch: a concurrent call reads the old manifest or the new one, never half of one.
  const pending = `${MANIFEST}.${stamp}`;
  await writeFile(pending, JSON.stringify({ entry, inputs }));
  renameSync(pending, MANIFEST);
  pruneOldBuilds(outdir);
  return join(CACHE, entry);
}

/**
 * A dependency's file stands for its package.json: an install that changes the package
 * changes that (its version at least), and one stat per package keeps the check short.
 */
function packageManifest(file) {
  const match = /^(.*[/\\]node_modules[/\\](?:@[^/\\]+[/\\])?[^/\\]+)[/\\]/.exec(file);
  return match ? join(match[1], 'package.json') : file;
}

/**
 * Replaces each import of a module in local/ by a module that registers tsx and then imports
 * the TypeScript source, re-exporting its names (read from the source at build time).
 */
function tsxForLocal(esbuild, shimmed) {
  const tsxApi = import.meta.resolve('tsx/esm/api');
  return {
    name: 'hookbridge-tsx-for-local',
    setup(setup) {
      setup.onResolve({ filter: /\/local\// }, (args) => {
        const target = join(args.resolveDir, args.path).replace(/\.js$/, '.ts');
        if (!target.startsWith(LOCAL)) return undefined;
        return { path: target, namespace: 'hookbridge-local' };
      });
      // The shim's own imports, by absolute URL: loaded by Node at run time, as they are.
      setup.onResolve({ filter: /^file:/ }, (args) => ({ path: args.path, external: true }));
      setup.onLoad({ filter: /.*/, namespace: 'hookbridge-local' }, async (args) => {
        shimmed.add(args.path);
        const names = await exportsOf(esbuild, args.path);
        const source = JSON.stringify(pathToFileURL(args.path).href);
        return {
          contents: [
            `const { register } = await import(${JSON.stringify(tsxApi)});`,
            'register();',
            `const source = await import(${source});`,
            ...names.map((name) => `export const ${name} = source.${name};`),
          ].join('\n'),
          loader: 'js',
          watchFiles: [args.path],
        };
      });
    },
  };
}

async function exportsOf(esbuild, file) {
  const { metafile } = await esbuild.build({
    entryPoints: [file],
    bundle: false,
    write: false,
    metafile: true,
    format: 'esm',
    logLevel: 'silent',
    outdir: dirname(file),
  });
  return Object.values(metafile.outputs).flatMap((output) => output.exports ?? []);
}

function pruneOldBuilds(current) {
  for (const name of readdirSync(CACHE)) {
    const path = join(CACHE, name);
    if (!name.startsWith('build-') || path === current) continue;
    const { mtimeMs } = statSync(path);
    if (Date.now() - mtimeMs > KEEP_OLD_BUILDS_MS) rmSync(path, { recursive: true, force: true });
  }
}
