#!/usr/bin/env node
// Runs the TypeScript CLI without a build step: tsx compiles cli/ on the fly.
const [major] = process.versions.node.split('.').map(Number);
if (major < 22) {
  process.stderr.write(`hookbridge needs Node.js 22 or later; this is ${process.version}\n`);
  process.exit(1);
}
const { register } = await import('tsx/esm/api');
register();
await import('../cli/main.ts');
