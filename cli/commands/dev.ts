import type { Command } from 'commander';
import { integerIn, parseSeconds } from '../arguments.js';
import { type CliIo, contextOf, DEFAULT_ENDPOINT, untilAborted } from '../cli-context.js';
import { CliError, ExitCode } from '../cli-error.js';

/** The commands to paste next, pointed at the runtime that just started. */
export function quickstart(apiUrl: string): string {
  const endpoint = apiUrl === DEFAULT_ENDPOINT ? '' : ` --endpoint ${apiUrl}`;
  return [
    `Hookbridge is running: ${apiUrl}`,
    `Console (in a browser): ${apiUrl}/console`,
    `Portal: a link minted in the console, ${apiUrl}/portal#token=…`,
    '',
    'Try it, each in its own terminal:',
    `  npx hookbridge listen${endpoint}`,
    `  npx hookbridge subscriptions create${endpoint} --url http://127.0.0.1:4400/webhook --event-types '*'`,
    `  npx hookbridge send order.created${endpoint} --data '{"id":1}'`,
    ...(endpoint ? ['', `(or export HOOKBRIDGE_ENDPOINT=${apiUrl} and leave out --endpoint)`] : []),
    '',
    'Ctrl-C stops everything it started.',
  ].join('\n');
}

/** Inside the git-ignored `.hookbridge/` of the directory it runs in. */
const DEFAULT_STATE_DIR = '.hookbridge/state';

interface DevCommandOptions {
  readonly port: number;
  readonly reconcileEvery: number;
  readonly stateDir: string;
  readonly fresh: boolean;
}

/** `hookbridge dev`: the whole product on this machine (DESIGN §5). */
export function registerDev(program: Command, io: CliIo): void {
  program
    .command('dev')
    .description('run Hookbridge locally: a local AWS endpoint, the HTTP API and delivery')
    .option(
      '--port <n>',
      'port of the HTTP API on 127.0.0.1 (0: any free port)',
      integerIn(0, 65_535),
      4000,
    )
    .option(
      '--reconcile-every <duration>',
      'how often the reconciler repairs drift, e.g. 30s',
      parseSeconds,
      60,
    )
    .option(
      '--state-dir <dir>',
      'where subscriptions, secrets, the attempt log and the event archive are kept across restarts',
      DEFAULT_STATE_DIR,
    )
    .option('--fresh', 'start with no state: deletes the earlier state files first', false)
    .addHelpText(
      'after',
      `
State (subscriptions with their secrets, the attempt log, idempotency keys, the event
archive) is saved every 5 seconds and on stop, and restored on the next start; messages
waiting in queues and dead-letter queues are not. With AWS_ENDPOINT_URL the endpoint keeps
the tables itself and only the event archive is saved.
Uses the AWS endpoint in AWS_ENDPOINT_URL when it is set (LocalStack works too);
otherwise starts moto, installing it into .venv on first use.
With --json, prints one line once ready: {"apiUrl", "awsEndpointUrl", "pid", "awsEndpointPid",
"stateDir"} (pid: this process; awsEndpointPid: the moto process it started, or null).`,
    )
    .action(async (options: DevCommandOptions, command: Command) => {
      const ctx = contextOf(io, command);
      // Loaded here, not at the top: the runtime pulls in the AWS SDK and every handler,
      // which the other commands have no use for.
      const { startDev } = await import('../../local/dev-runtime.js');
      const runtime = await startDev({
        port: options.port,
        reconcileEveryMs: Math.max(1, Math.round(options.reconcileEvery * 1000)),
        stateDir: options.stateDir,
        fresh: options.fresh,
        log: (line) => ctx.note(line),
      }).catch((error: unknown) => {
        // DevStartError says what to do; anything else (an AWS endpoint that refuses
        // connections) is still a failure to start, not a bug of the CLI.
        const message = error instanceof Error ? error.message : String(error);
        throw new CliError(ExitCode.failed, `hookbridge dev could not start: ${message}`, {
          cause: error,
        });
      });

      const ready = {
        apiUrl: runtime.apiUrl,
        awsEndpointUrl: runtime.awsEndpointUrl,
        pid: process.pid,
        awsEndpointPid: runtime.awsEndpointPid ?? null,
        stateDir: runtime.stateDir ?? null,
      };
      ctx.result(ready, () => quickstart(runtime.apiUrl));

      await untilAborted(AbortSignal.any([io.signal, parentGone(io.env)]));
      if (!ctx.json) ctx.note('stopping… (Ctrl-C again to force)');
      await runtime.stop();
      if (!ctx.json) ctx.note('stopped');
    });
}

/**
 * Aborts when `npm run dev` is gone: npm passes SIGTERM to the shell it runs the script in,
 * which does not pass it on, so without this the runtime would outlive it (holding its port
 * and the state directory's lock). Watched only under npm (npm_lifecycle_event is set): a
 * runtime started by hand, or with nohup, is not tied to its parent.
 */
function parentGone(env: NodeJS.ProcessEnv): AbortSignal {
  const controller = new AbortController();
  if (!env.npm_lifecycle_event) return controller.signal;
  const parent = process.ppid;
  const timer = setInterval(() => {
    if (process.ppid === parent) return;
    clearInterval(timer);
    controller.abort();
  }, 500);
  timer.unref();
  return controller.signal;
}
