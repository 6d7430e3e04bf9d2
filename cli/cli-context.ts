import type { Command } from 'commander';
import { ApiClient, isLoopback } from './api-client.js';
import type { FileReader } from './arguments.js';
import { UsageError } from './cli-error.js';
import { type BearerCredential, resolveCredential } from './credentials.js';
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
  readonly apiKey?: string;
  readonly token?: string;
}

/**
 * Who may call the routes a command is about to use, so that a credential that cannot is
 * refused here, with the reason, instead of as a bare 403:
 * - `tenant`: a tenant's own routes (`/v1/tenants/{id}` and below), reachable with its token;
 * - `tenant-omitted`: the operator's routes of a command that takes the tenant's with `--tenant`,
 *   run without it (a token needs `--tenant`);
 * - `operator`: operator or ingest routes: AWS credentials or an API key, never a token;
 * - `iam`: routes the API for token and key callers does not carry (managing API keys and
 *   console sessions).
 */
export type RouteAccess = 'tenant' | 'tenant-omitted' | 'operator' | 'iam';

/** What one command invocation works with: its output mode and a client for the API. */
export class CommandContext {
  readonly json: boolean;
  private readonly globals: RawGlobals;
  private readonly region: string | undefined;

  constructor(
    readonly io: CliIo,
    globals: RawGlobals,
    /** The command as typed, for messages: `hookbridge subscriptions list`. */
    private readonly commandName = 'hookbridge',
  ) {
    this.json = globals.json === true;
    this.globals = globals;
    this.region = globals.region ?? io.env.AWS_REGION ?? io.env.AWS_DEFAULT_REGION;
  }

  /**
   * The API URL: `--endpoint`, else `HOOKBRIDGE_ENDPOINT` — or, when calling with a token or
   * key, `HOOKBRIDGE_TOKEN_ENDPOINT` first: a deployed stack takes those on its second API
   * (the `TokenApiUrl` output), so one shell can hold both URLs.
   */
  private endpointFor(credential: BearerCredential | undefined): string {
    const env = this.io.env;
    const fromEnv = (credential && env.HOOKBRIDGE_TOKEN_ENDPOINT) || env.HOOKBRIDGE_ENDPOINT;
    return (this.globals.endpoint ?? (fromEnv || DEFAULT_ENDPOINT)).replace(/\/+$/, '');
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
   * A client for the API. With a tenant token or an API key (`--token`, `--api-key`, or their
   * environment variables) every request carries it as `Authorization: Bearer …` and is never
   * signed. Otherwise requests are signed with SigV4 when the endpoint is not this machine (a
   * deployed stack authorizes with IAM) or `--sigv4` says so; `--no-sigv4` turns signing off
   * for a runtime reached through another host name. `access` says which credentials the
   * routes about to be called accept (see RouteAccess).
   */
  async client(access: RouteAccess = 'operator', iamOnly = 'API keys'): Promise<ApiClient> {
    const credential = resolveCredential(this.globals, this.io.env);
    this.checkAccess(credential, access, iamOnly);
    const endpoint = this.endpointFor(credential);
    let url: URL;
    try {
      url = new URL(endpoint);
      if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error('not http(s)');
    } catch {
      throw new UsageError(`--endpoint must be an http(s) URL, got "${endpoint}"`);
    }
    const options = { endpoint, signal: this.io.signal };
    if (credential) return new ApiClient({ ...options, bearer: credential });
    if (!(this.globals.sigv4 ?? !isLoopback(url.hostname))) return new ApiClient(options);

    const region = this.region ?? regionFromHost(url.hostname);
    if (!region) {
      throw new UsageError(
        `requests to ${endpoint} are signed with SigV4 and need a region: pass --region or set AWS_REGION`,
      );
    }
    const provider = await defaultCredentials();
    try {
      await provider();
    } catch (error) {
      throw new UsageError(
        `no AWS credentials to sign requests to ${endpoint}: ${(error as Error).message} (set AWS_PROFILE, run \`aws sso login\`, or export AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY)`,
      );
    }
    return new ApiClient({
      ...options,
      sign: createSigV4Signer({ region, credentials: provider }),
    });
  }

  /** The API URL the client calls (see endpointFor), with the credential it will carry. */
  apiEndpoint(): string {
    return this.endpointFor(resolveCredential(this.globals, this.io.env));
  }

  /**
   * Refuses, before anything is sent, a credential the routes about to be called never take;
   * `iamOnly` names what the IAM-only routes manage, for the message.
   */
  private checkAccess(
    credential: BearerCredential | undefined,
    access: RouteAccess,
    iamOnly: string,
  ): void {
    if (!credential || access === 'tenant') return;
    // A credential from the environment is easy to forget: say how to run without it.
    const without = credential.source.startsWith('--')
      ? ''
      : ` (to run it without ${credential.source}: ${credential.source}= ${this.commandName} …)`;
    if (access === 'iam') {
      throw new UsageError(
        `${this.commandName} needs the operator's AWS credentials (or, locally, none): ${iamOnly} are managed through the IAM API only, never with an API key or a tenant token (${credential.source})${without}`,
      );
    }
    if (credential.kind !== 'token') return;
    throw new UsageError(
      access === 'tenant-omitted'
        ? `${this.commandName} with a tenant token (${credential.source}) needs --tenant <id>: a token reaches only its own tenant's routes`
        : `${this.commandName} cannot be used with a tenant token (${credential.source}): a token reaches only its tenant's routes (subscriptions, deliveries and events with --tenant, tenants get); use an API key or AWS credentials${without}`,
    );
  }
}

/** The context of the command whose action is running (its options merged with the globals). */
export function contextOf(io: CliIo, command: Command): CommandContext {
  const names: string[] = [];
  for (let at: Command | null = command; at; at = at.parent) names.unshift(at.name());
  return new CommandContext(io, command.optsWithGlobals<RawGlobals>(), names.join(' '));
}

/** Resolves when the signal is aborted (at once if it already is): the first Ctrl-C. */
export function untilAborted(signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) =>
    signal.addEventListener('abort', () => resolve(), { once: true }),
  );
}
