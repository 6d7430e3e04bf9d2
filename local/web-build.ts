import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import * as esbuild from 'esbuild';

/** The web app's folder (sources in `src/`, the build in `dist/`). */
export const WEB_ROOT = path.resolve(import.meta.dirname, '../web');
/** Where `npm run build:web` and the dev runtime put the build. */
export const WEB_DIST = path.join(WEB_ROOT, 'dist');
/** Hashed files live under this URL path (served with a year-long, immutable cache). */
export const ASSETS_PATH = '/assets/';

/** What a build produced. */
export interface WebBuild {
  readonly outDir: string;
  /** The hashed files, by name under `assets/`, with their raw and gzipped sizes. */
  readonly assets: readonly { name: string; bytes: number; gzipBytes: number }[];
  /** The gzipped size of every JavaScript file together: the budget is 150 KB. */
  readonly jsGzipBytes: number;
  /** The digest of the sources it was built from (see webSourceHash). */
  readonly sourceHash: string;
}

const MANIFEST = 'build.json';

/**
 * Builds the web app with esbuild into `outDir`: content-hashed JS and CSS under `assets/`,
 * then an `index.html` naming them (written last, by rename, so a server never sees it point
 * at files not yet written). Files of earlier builds are removed.
 */
export async function buildWeb(options: { outDir?: string } = {}): Promise<WebBuild> {
  const outDir = options.outDir ?? WEB_DIST;
  const sourceHash = await webSourceHash();
  const assetsDir = path.join(outDir, 'assets');
  await mkdir(assetsDir, { recursive: true });
  const result = await esbuild.build({
    entryPoints: { app: path.join(WEB_ROOT, 'src/main.tsx') },
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: ['es2022'],
    minify: true,
    legalComments: 'none',
    jsx: 'automatic',
    jsxImportSource: 'preact',
    outdir: assetsDir,
    entryNames: '[name]-[hash]',
    assetNames: '[name]-[hash]',
    metafile: true,
    logLevel: 'silent',
  });
  const names = Object.keys(result.metafile.outputs).map((file) => path.basename(file));
  const assets = await Promise.all(
    names.map(async (name) => {
      const content = await readFile(path.join(assetsDir, name));
      return { name, bytes: content.length, gzipBytes: gzipSync(content, { level: 9 }).length };
    }),
  );
  const script = names.find((name) => name.endsWith('.js'));
  const style = names.find((name) => name.endsWith('.css'));
  if (!script || !style)
    throw new Error(`the web build produced no JS or CSS: ${names.join(', ')}`);
  await writeAtomically(path.join(outDir, 'index.html'), indexHtml(script, style));
  await writeAtomically(path.join(outDir, MANIFEST), JSON.stringify({ sourceHash, assets: names }));
  for (const entry of await readdir(assetsDir)) {
    if (!names.includes(entry)) await rm(path.join(assetsDir, entry), { force: true });
  }
  const jsGzipBytes = assets
    .filter((asset) => asset.name.endsWith('.js'))
    .reduce((sum, asset) => sum + asset.gzipBytes, 0);
  return { outDir, assets, jsGzipBytes, sourceHash };
}

/**
 * Builds the app unless `outDir` already holds a build of the current sources: the dev runtime
 * calls it at start, so a clean clone, or sources edited since, get a fresh build (esbuild
 * takes well under a second).
 */
export async function ensureWebBuilt(outDir = WEB_DIST): Promise<{ built: boolean }> {
  const manifest = await readFile(path.join(outDir, MANIFEST), 'utf8').catch(() => undefined);
  const current = manifest ? (JSON.parse(manifest) as { sourceHash?: string }).sourceHash : '';
  if (current === (await webSourceHash())) return { built: false };
  await buildWeb({ outDir });
  return { built: true };
}

/**
 * A digest of everything a build depends on: the app's sources, this file, and the versions of
 * the libraries bundled. Equal digests, equal builds.
 */
export async function webSourceHash(): Promise<string> {
  const hash = createHash('sha256');
  const files = [
    ...(await listFiles(path.join(WEB_ROOT, 'src'))),
    import.meta.filename,
    ...['preact', 'uplot'].map((lib) =>
      path.resolve(import.meta.dirname, `../node_modules/${lib}/package.json`),
    ),
  ];
  for (const file of files.sort()) {
    hash.update(`${path.relative(WEB_ROOT, file)}\0`);
    hash.update(await readFile(file));
  }
  return hash.digest('hex');
}

async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const nested = await Promise.all(
    entries.map((entry) => {
      const full = path.join(dir, entry.name);
      return entry.isDirectory() ? listFiles(full) : Promise.resolve([full]);
    }),
  );
  return nested.flat();
}

async function writeAtomically(file: string, content: string): Promise<void> {
  const temporary = `${file}.${process.pid}.${Date.now()}.tmp`;
  await writeFile(temporary, content);
  await rename(temporary, file);
}

/** Whether `file` exists and is a regular file. */
export async function isFile(file: string): Promise<boolean> {
  return stat(file).then(
    (info) => info.isFile(),
    () => false,
  );
}

// No inline script or style: the Content-Security-Policy allows neither. The favicon is a data:
// URL so the browser does not ask for /favicon.ico (which would get index.html).
function indexHtml(script: string, style: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>Hookbridge</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="${ASSETS_PATH}${style}">
<script type="module" src="${ASSETS_PATH}${script}"></script>
</head>
<body>
<div id="app"></div>
</body>
</html>
`;
}
