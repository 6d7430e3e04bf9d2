#!/usr/bin/env node
// Runs the CLI compiled into one cached module (bin/cli-bundle.js); when it cannot be built,
// tsx compiles cli/ on the fly instead.
const [major] = process.versions.node.split('.').map(Number);
if (major < 22) {
  // Started by an older Node (`node bin/hookbridge.js` with the system Node, say):
  // run again under the project's own Node 22, the `node` devDependency, when it is installed.
  // This costs one Node start (≈ 40 ms); npx costs ten times that.
  const { reexecUnderProjectNode } = await import('./project-node.js');
  reexecUnderProjectNode();
} else {
  await runCli();
}

async function runCli() {
  const { compiledCli } = await import('./cli-bundle.js');
  const compiled = await compiledCli();
  if (compiled) {
    await import(compiled);
  } else {
    const { register } = await import('tsx/esm/api');
    register();
    await import('../cli/main.ts');
  }
}
