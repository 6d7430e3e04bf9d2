#!/usr/bin/env node
// Runs the CLI compiled into one cached module (bin/cli-bundle.js); when it cannot be built,
// tsx compiles cli/ on the fly instead.
const [major] = process.versions.node.split('.').map(Number);
if (major < 22) {
  process.stderr.write(`hookbridge needs Node.js 22 or later; this is ${process.version}\n`);
  process.exit(1);
}
const { compiledCli } = await import('./cli-bundle.js');
const compiled = await compiledCli();
if (compiled) {
  await import(compiled);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('../cli/main.ts');
}
