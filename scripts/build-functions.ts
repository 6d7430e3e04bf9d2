/**
 * `npm run build`: bundles every Lambda into dist/functions/<name>/ (index.mjs and its chunks)
 * with the settings the stack deploys with, and prints each bundle's size.
 */
import { rmSync } from 'node:fs';
import path from 'node:path';
import { build } from 'esbuild';
import {
  BUNDLE_ENTRY_FILE,
  codeBytes,
  esbuildOptions,
  LAMBDA_ENTRIES,
} from '../infra/lambda-bundling.js';

const root = path.resolve(import.meta.dirname, '..');
const outRoot = path.join(root, 'dist', 'functions');
rmSync(outRoot, { recursive: true, force: true });

const kb = (bytes: number) => `${(bytes / 1024).toFixed(0).padStart(6)} KB`;
for (const [name, entry] of Object.entries(LAMBDA_ENTRIES)) {
  const outdir = path.join(outRoot, name);
  const { metafile } = await build({
    ...esbuildOptions(path.join(root, entry), outdir),
    absWorkingDir: root,
    metafile: true,
    logLevel: 'warning',
  });
  const outputs = Object.entries(metafile.outputs);
  const chunks = outputs.filter(([file]) => file.endsWith('.mjs')).length - 1;
  const entryFile = path.relative(root, path.join(outdir, BUNDLE_ENTRY_FILE));
  console.log(`${name.padEnd(11)} ${kb(codeBytes(outputs))}  ${entryFile} and ${chunks} chunks`);
}
