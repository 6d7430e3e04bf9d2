import { Command, CommanderError } from 'commander';
import packageJson from '../package.json' with { type: 'json' };
import type { CliIo } from './cli-context.js';
import { DEFAULT_ENDPOINT } from './cli-context.js';
import { ApiResponseError, CliError, ExitCode } from './cli-error.js';
import { registerApiKeys } from './commands/api-keys.js';
import { registerConsole } from './commands/console.js';
import { registerDeliveries } from './commands/deliveries.js';
import { registerDev } from './commands/dev.js';
import { registerEventTypes } from './commands/event-types.js';
import { registerEvents } from './commands/events.js';
import { registerListen } from './commands/listen.js';
import { registerSend } from './commands/send.js';
import { registerSubscriptions } from './commands/subscriptions.js';
import { registerTenants } from './commands/tenants.js';
import { registerTokens } from './commands/tokens.js';
import { credentialValues, redact } from './credentials.js';

const HELP_FOOTER = `
Exit codes:
  0    success
  1    the API answered with an error (printed as "code: message"; a refused
       token or key too), or a local operation failed (hookbridge dev could not
       start, listen's port is taken)
  2    usage error: bad flags or arguments, --data that is not JSON, no region
       or AWS credentials to sign with, a token or key this command cannot use
  3    cannot reach the API at --endpoint (is \`hookbridge dev\` running?)
  4    not found, e.g. a subscription id that does not exist
  130  interrupted (a second Ctrl-C)

Environment:
  HOOKBRIDGE_ENDPOINT   default for --endpoint
  HOOKBRIDGE_API_KEY    default for --api-key
  HOOKBRIDGE_TOKEN      default for --token
  HOOKBRIDGE_TOKEN_ENDPOINT
                        --endpoint when calling with a token or key (the stack's TokenApiUrl);
                        HOOKBRIDGE_ENDPOINT when unset
  HOOKBRIDGE_WEB_URL    default for --web-url of console and tokens create --link
                        (the stack's WebAppUrl)
  AWS_REGION, AWS_PROFILE, AWS_ACCESS_KEY_ID, …
                        sign requests to a deployed stack (SigV4, standard AWS credential chain)
  AWS_ENDPOINT_URL      hookbridge dev uses this AWS endpoint instead of starting moto

Calling without AWS credentials:
  With --api-key or --token, requests carry "Authorization: Bearer …" and are
  not signed; a deployed stack takes them on its TokenApiUrl. A tenant token
  reaches its own tenant only: subscriptions, deliveries, events (all with
  --tenant <its tenant>) and tenants get <its tenant>. API keys are managed with
  AWS credentials only. Keys and tokens are never printed in messages.

Get started:
  hookbridge dev`;

/** The `hookbridge` command tree, writing through `io` and throwing instead of exiting. */
export function createProgram(io: CliIo): Command {
  const program = new Command('hookbridge')
    .description(
      'Self-hosted webhook delivery for AWS: run it locally, send events, manage subscriptions.',
    )
    .version(packageJson.version, '-V, --version')
    .option(
      '--endpoint <url>',
      `Hookbridge API URL (default: $HOOKBRIDGE_ENDPOINT, else ${DEFAULT_ENDPOINT}; with a token or key, $HOOKBRIDGE_TOKEN_ENDPOINT first)`,
    )
    .option('--json', 'machine-readable output: one JSON document (or one per line)')
    .option(
      '--region <region>',
      'AWS region for SigV4 (default: $AWS_REGION, or from the endpoint host)',
    )
    .option('--sigv4', 'sign requests with SigV4 (default: when --endpoint is not this machine)')
    .option('--no-sigv4', 'never sign requests')
    .option('--api-key <key>', 'call with this API key (hbk_…) instead of AWS credentials')
    .option('--token <token>', "call with this tenant token (hbt_…): the tenant's routes only")
    .showHelpAfterError('(add --help for usage)')
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr })
    .exitOverride()
    .addHelpText('after', HELP_FOOTER);

  // Subcommands made with .command() inherit the output and exit settings above.
  registerDev(program, io);
  registerListen(program, io);
  registerSubscriptions(program, io);
  registerTenants(program, io);
  registerEventTypes(program, io);
  registerSend(program, io);
  registerDeliveries(program, io);
  registerEvents(program, io);
  registerTokens(program, io);
  registerApiKeys(program, io);
  registerConsole(program, io);
  return program;
}

/**
 * Runs one `hookbridge` invocation and returns its exit code (see the help text). Errors are
 * reported on stderr in one line — as `{"error": {…}}` with `--json` — never as a stack,
 * unless they are bugs.
 */
export async function runCli(argv: readonly string[], given: CliIo): Promise<number> {
  // Whatever reaches stderr — commander's messages, errors, a stack — is scrubbed of the
  // credentials this invocation holds; stdout carries results, such as a key just minted.
  const secrets = credentialValues(argv, given.env);
  const io: CliIo =
    secrets.length === 0
      ? given
      : { ...given, stderr: (text: string) => given.stderr(redact(text, secrets)) };
  const program = createProgram(io);
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return ExitCode.ok;
  } catch (error) {
    // Commander has already printed its own message (or the help it was asked for).
    if (error instanceof CommanderError) return error.exitCode === 0 ? ExitCode.ok : ExitCode.usage;
    const json = argv.includes('--json');
    if (error instanceof CliError) {
      io.stderr(json ? `${JSON.stringify(errorJson(error))}\n` : `error: ${error.message}\n`);
      return error.exitCode;
    }
    io.stderr(
      `hookbridge: unexpected error (a bug — please report it):\n${(error as Error)?.stack ?? String(error)}\n`,
    );
    return ExitCode.failed;
  }
}

/** `{error: {code, message, exitCode, status?, details?}}`: the API's own error when it sent one. */
function errorJson(error: CliError) {
  if (error instanceof ApiResponseError) {
    const { code, apiMessage: message, status, details, hint, exitCode } = error;
    return {
      error: {
        code,
        message,
        exitCode,
        status,
        ...(details && { details }),
        ...(hint && { hint }),
      },
    };
  }
  return { error: { code: errorCode(error), message: error.message, exitCode: error.exitCode } };
}

function errorCode(error: CliError): string {
  const names: Record<number, string> = {
    [ExitCode.usage]: 'usage_error',
    [ExitCode.unreachable]: 'unreachable',
    [ExitCode.notFound]: 'not_found',
    [ExitCode.interrupted]: 'interrupted',
  };
  return names[error.exitCode] ?? 'failed';
}
