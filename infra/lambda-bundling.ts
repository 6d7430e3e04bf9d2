import { fileURLToPath } from 'node:url';
import type { Metafile } from 'esbuild';

/**
 * How every Lambda is bundled, in one place: the stack's functions (bundled-function.ts),
 * `npm run build` and the benchmarks all use these settings, so what is measured is what is
 * deployed.
 */

/** The Lambda entry points, by function. */
export const LAMBDA_ENTRIES = {
  ingest: 'functions/ingest/handler.ts',
  management: 'functions/management/handler.ts',
  reconciler: 'functions/reconciler/handler.ts',
  delivery: 'functions/delivery/handler.ts',
  authorizer: 'functions/authorizer/handler.ts',
} as const;

export type LambdaName = keyof typeof LAMBDA_ENTRIES;

/** ESM output needs `require` for the CommonJS dependencies esbuild inlines. */
export const ESM_REQUIRE_BANNER =
  "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);";

/**
 * Lambda gives functions their credentials in the environment: the bundles take the SDK's
 * default credential chain from shared/aws/lambda-credentials.ts, environment only.
 */
export const LAMBDA_ALIASES = {
  '@aws-sdk/credential-provider-node': fileURLToPath(
    new URL('../shared/aws/lambda-credentials.ts', import.meta.url),
  ),
} as const;

/** The esbuild settings of every function bundle. */
export const ESBUILD_SETTINGS = {
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node22',
  mainFields: ['module', 'main'],
  banner: { js: ESM_REQUIRE_BANNER },
  minify: true,
  sourcemap: true,
  // The maps point at the repository's files; shipping their text would only double the asset.
  sourcesContent: false,
  // Code reached only through import() goes to a chunk of its own, loaded on first use rather
  // than in every cold start (the delivery function's Lambda client, needed only when a
  // subscription is disabled: bench/coldstart.md). Shared code goes to chunks the entry imports.
  splitting: true,
  entryNames: 'index',
  chunkNames: 'chunks/[name]-[hash]',
  outExtension: { '.js': '.mjs' },
  // The AWS SDK is bundled, not taken from the runtime: its version is then the one tested.
  // bowser is the SDK's browser user-agent parser, imported only in a browser: left out, or
  // code splitting would ship it as a 34 KB chunk that Node never loads.
  external: ['bowser'],
  alias: LAMBDA_ALIASES,
  // Builds undici the way Node.js core does: without its experimental Milo HTTP parser, two
  // WebAssembly modules (~150 KB) that the default llhttp parser makes unnecessary.
  define: { esbuildDetection: '1' },
} as const;

/** The file Lambda runs, in a bundle's directory: the handler is `index.handler`. */
export const BUNDLE_ENTRY_FILE = 'index.mjs';

/**
 * esbuild build options for one entry, written to `outdir` (its `index.mjs` and chunks):
 * mutable copies of ESBUILD_SETTINGS (esbuild's types want mutable arrays), what the stack,
 * `npm run build`, the bundle tests and the benchmarks pass.
 */
export function esbuildOptions(entryPoint: string, outdir: string) {
  return {
    ...ESBUILD_SETTINGS,
    mainFields: [...ESBUILD_SETTINGS.mainFields],
    external: [...ESBUILD_SETTINGS.external],
    alias: { ...ESBUILD_SETTINGS.alias },
    define: { ...ESBUILD_SETTINGS.define },
    outExtension: { ...ESBUILD_SETTINGS.outExtension },
    entryPoints: [entryPoint],
    outdir,
  };
}

/** The bytes of a bundle's code: index.mjs and every chunk, the source maps left out. */
export function codeBytes(outputs: Iterable<[string, { readonly bytes: number }]>): number {
  let total = 0;
  for (const [path, output] of outputs) if (path.endsWith('.mjs')) total += output.bytes;
  return total;
}

/**
 * What a cold start loads of a bundle, from esbuild's metafile: the entry's output and every
 * chunk it reaches by static imports. Chunks reached only through import() load on first use.
 */
export function loadedAtStart(metafile: Metafile): Metafile['outputs'][string][] {
  // The entry's JavaScript output (its .map names no entry point).
  const entry = Object.entries(metafile.outputs).find(
    ([path, output]) => output.entryPoint !== undefined && path.endsWith('.mjs'),
  )?.[0];
  const seen = new Set<string>();
  const visit = (path: string | undefined): void => {
    const output = path === undefined ? undefined : metafile.outputs[path];
    if (path === undefined || output === undefined || seen.has(path)) return;
    seen.add(path);
    for (const imported of output.imports) {
      if (imported.kind === 'import-statement' && !imported.external) visit(imported.path);
    }
  };
  visit(entry);
  return [...seen].map((path) => metafile.outputs[path] as Metafile['outputs'][string]);
}
