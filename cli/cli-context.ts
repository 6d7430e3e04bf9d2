import type { Command } from 'commander';
import { ApiClient, isLoopback } from './api-client.js';
import type { FileReader } from './arguments.js';
import { UsageError } from './cli-error.js';
import { createSigV4Signer, defaultCredentials, regionFromHost } from './sigv4-signer.js';

/** The local runtime's default address (`hookbridge dev`). */
export const DEFAULT_ENDPOINT = 'http://127.0.0.1:4000';

/** Everything a command touches outside itself, so tests can run the CLI in-process. */
export interface CliIo extends FileReader {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Aborted by the first SIGINT/SIGTERM: long-running commands stop cleanly on it. */
  readonly signal: AbortSignal;
}

/** The options every command accepts, as given on the command line. */
interface RawGlobals {
  readonly endpoint?: string;
  readonly json?: boolean;
  readonly region?: string;
  readonly sigv4?: boolean;
}

/** What one command invocation works with: its output mode and a client for the API. */
export class CommandContext {
  readonly json: boolean;
  readonly endpoint: string;
  private readonly region: string | undefined;
  private readonly sigv4: boolean | undefined;

  constructor(
    readonly io: CliIo,
    globals: RawGlobals,
  ) {
    this.json = globals.json === true;
    this.endpoint = (globals.endpoint ?? io.env.HOOKBRIDGE_ENDPOINT ?? DEFAULT_ENDPOINT).replace(
      /\/+$/,
      '',
    );
    this.region = globals.region ?? io.env.AWS_REGION ?? io.env.AWS_DEFAULT_REGION;
    this.sigv4 = globals.sigv4;
  }

  /** A line on stdout. */
  out(line: string): void {
    this.io.stdout(`${line}\n`);
  }

  /** A line on stderr: progress and hints, never results. */
  note(line: string): void {
    this.io.stderr(`${line}\n`);
  }

  /** The result of a command: its JSON with `--json`, else the text for people. */
  result(value: unknown, human: () => string): void {
    this.out(this.json ? JSON.stringify(value) : human());
  }

  /**
   * A client for `--endpoint`. Requests are signed with SigV4 when the endpoint is not this
   * machine (a deployed stack authorizes with IAM) or `--sigv4` says so; `--no-sigv4` turns
   * signing off for a runtime reached through another host name.
   */
  async client(): Promise<ApiClient> {
    let url: URL;
    try {
      url = new URL(this.endpoint);
      if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error('not http(s)');
    } catch {
      throw new UsageError(`--endpoint must be an http(s) URL, got "${this.endpoint}"`);
    }
    const options = { endpoint: this.endpoint, signal: this.io.signal };
    if (!(this.sigv4 ?? !isLoopback(url.hostname))) return new ApiClient(options);

    const region = this.region ?? regionFromHost(url.hostname);
    if (!region) {
      throw new UsageError(
        `requests to ${this.endpoint} are signed with SigV4 and need a region: pass --region or set AWS_REGION`,
      );
    }
    const provider = await defaultCredentials();
    try {
      await provider();
    } catch (error) {
      throw new UsageError(
        `no AWS credentials to sign requests to ${this.endpoint}: ${(error as Error).message} (set AWS_PROFILE, run \`aws sso login\`, or export AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY)`,
      );
    }
    return new ApiClient({
      ...options,
      sign: createSigV4Signer({ region, credentials: provider }),
    });
  }
}

/** The context of the command whose action is running (its options merged with the globals). */
export function contextOf(io: CliIo, command: Command): CommandContext {
  return new CommandContext(io, command.optsWithGlobals<RawGlobals>());
}

/** Resolves when the signal is aborted (at once if it already is): the first Ctrl-C. */
export function untilAborted(signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) =>
    signal.addEventListener('abort', () => resolve(), { once: true }),
  );
}
