// The project's own Node 22 (the `node` devDependency), for a hookbridge started by an older
// Node. Plain JavaScript without dependencies: it must load on any Node the shebang finds.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const NODE_22 = fileURLToPath(new URL('../node_modules/node/bin/node', import.meta.url));
const ENTRY = fileURLToPath(new URL('./hookbridge.js', import.meta.url));

/**
 * Runs this command again, with the same arguments, standard streams and environment, under
 * the project's Node 22, and ends with its exit code (or the signal that ended it). Ctrl-C
 * reaches both processes from the terminal, so this one only waits for the other to finish;
 * SIGTERM and SIGHUP, which are sent to one pid, are passed on. Without that Node (the package
 * installed elsewhere) it says what is needed and exits 1.
 */
export function reexecUnderProjectNode() {
  if (!existsSync(NODE_22) || process.env.HOOKBRIDGE_REEXEC === '1') {
    process.stderr.write(`hookbridge needs Node.js 22 or later; this is ${process.version}\n`);
    process.exit(1);
  }
  const child = spawn(NODE_22, [ENTRY, ...process.argv.slice(2)], {
    stdio: 'inherit',
    env: { ...process.env, HOOKBRIDGE_REEXEC: '1' },
  });
  process.on('SIGINT', () => undefined);
  for (const signal of ['SIGTERM', 'SIGHUP']) process.on(signal, () => child.kill(signal));
  child.on('error', (error) => {
    process.stderr.write(`hookbridge: cannot start Node 22 at ${NODE_22}: ${error.message}\n`);
    process.exit(1);
  });
  child.on('exit', (code, signal) => {
    if (signal) {
      process.removeAllListeners(signal);
      process.kill(process.pid, signal);
    } else process.exit(code ?? 1);
  });
}
