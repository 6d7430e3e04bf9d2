import { fileURLToPath } from 'node:url';

/**
 * How every Lambda is bundled, in one place: the stack's NodejsFunctions, `npm run build` and
 * the cold-start benchmark all use these settings, so what is measured is what is deployed.
 */

/** The Lambda entry points, by function. */
export const LAMBDA_ENTRIES = {
  ingest: 'functions/ingest/handler.ts',
  management: 'functions/management/handler.ts',
  reconciler: 'functions/reconciler/handler.ts',
  delivery: 'functions/delivery/handler.ts',
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

/** The esbuild settings (NodejsFunction passes the same ones to esbuild). */
export const ESBUILD_SETTINGS = {
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node22',
  mainFields: ['module', 'main'],
  banner: { js: ESM_REQUIRE_BANNER },
  minify: true,
  sourcemap: true,
  // The AWS SDK is bundled, not taken from the runtime: its version is then the one tested.
  external: [],
  alias: LAMBDA_ALIASES,
  // Builds undici the way Node.js core does: without its experimental Milo HTTP parser, two
  // WebAssembly modules (~150 KB) that the default llhttp parser makes unnecessary.
  define: { esbuildDetection: '1' },
} as const;

/**
 * esbuild build options for one entry, mutable copies of ESBUILD_SETTINGS (esbuild's types
 * want mutable arrays): what `npm run build`, the bundle tests and the benchmarks pass.
 */
export function esbuildOptions(entryPoint: string, outfile: string) {
  return {
    ...ESBUILD_SETTINGS,
    mainFields: [...ESBUILD_SETTINGS.mainFields],
    external: [...ESBUILD_SETTINGS.external],
    alias: { ...ESBUILD_SETTINGS.alias },
    define: { ...ESBUILD_SETTINGS.define },
    entryPoints: [entryPoint],
    outfile,
  };
}
