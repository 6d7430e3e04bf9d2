/**
 * `npm run build`: bundles every Lambda into dist/functions/<name>/index.mjs with the settings
 * the stack deploys with, and prints each bundle's size.
 */
import { mkdirSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { build } from 'esbuild';
import { esbuildOptions, LAMBDA_ENTRIES } from '../infra/lambda-bundling.js';

const root = path.resolve(import.meta.dirname, '..');
const outRoot = path.join(root, 'dist', 'functions');
rmSync(outRoot, { recursive: true, force: true });

for (const [name, entry] of Object.entries(LAMBDA_ENTRIES)) {
  const outfile = path.join(outRoot, name, 'index.mjs');
  mkdirSync(path.dirname(outfile), { recursive: true });
  await build({ ...esbuildOptions(path.join(root, entry), outfile), logLevel: 'warning' });
  const kb = (statSync(outfile).size / 1024).toFixed(0);
  console.log(`${name.padEnd(11)} ${kb.padStart(6)} KB  ${path.relative(root, outfile)}`);
}
