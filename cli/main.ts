import { readFileSync } from 'node:fs';
import { ExitCode } from './cli-error.js';
import { runCli } from './run-cli.js';

// The first SIGINT/SIGTERM asks the running command to stop cleanly (dev stops moto, listen
// closes its port); a second one means "now", as in most CLIs.
const interrupt = new AbortController();
const onSignal = () => {
  if (interrupt.signal.aborted) process.exit(ExitCode.interrupted);
  interrupt.abort();
};
process.on('SIGINT', onSignal);
process.on('SIGTERM', onSignal);

const code = await runCli(process.argv.slice(2), {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  env: process.env,
  cwd: process.cwd(),
  readStdin: () => readFileSync(0, 'utf8'),
  signal: interrupt.signal,
});

process.off('SIGINT', onSignal);
process.off('SIGTERM', onSignal);
process.exitCode = code;
// Every command closes what it opened; this is the backstop for a socket or timer some
// dependency keeps open, so the process never outlives its command by more than a moment.
setTimeout(() => process.exit(code), 2000).unref();
