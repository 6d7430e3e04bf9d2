/**
 * Exit codes a script can branch on. Documented in `hookbridge --help`; keep the two in step.
 */
export const ExitCode = {
  ok: 0,
  /** The API answered with an error, or a local operation failed (runtime start, listen port). */
  failed: 1,
  /** Bad flags or arguments, unreadable `--data`, missing region or credentials. */
  usage: 2,
  /** Nothing answered at the endpoint (refused, unknown host, timeout). */
  unreachable: 3,
  /** The API answered 404: the subscription, tenant, event… (or route) does not exist. */
  notFound: 4,
  /** Interrupted by a second Ctrl-C, as shells report SIGINT. */
  interrupted: 130,
} as const;

export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

/**
 * An error the CLI reports in one line and turns into an exit code; anything else that
 * escapes a command is a bug and is printed with its stack.
 */
export class CliError extends Error {
  override readonly name: string = 'CliError';

  constructor(
    readonly exitCode: ExitCodeValue,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/** Bad input from the command line: exit 2. */
export class UsageError extends CliError {
  override readonly name = 'UsageError';
  constructor(message: string, options?: ErrorOptions) {
    super(ExitCode.usage, message, options);
  }
}

/** The API answered with `{error: {code, message}}` (or API Gateway's `{message}`). */
export class ApiResponseError extends CliError {
  override readonly name = 'ApiResponseError';
  constructor(
    readonly status: number,
    readonly code: string,
    /** The server's message, without the code. */
    readonly apiMessage: string,
    readonly details?: readonly { field: string; message: string }[],
    /** What the CLI can add: which credential was refused, which API lacks the route. */
    readonly hint?: string,
  ) {
    // A 404 carries the server's own words ("subscription sub_… does not exist"); every
    // other error is prefixed with its code so it can be searched for.
    const message = status === 404 ? apiMessage : `${code}: ${apiMessage}`;
    super(
      status === 404 ? ExitCode.notFound : ExitCode.failed,
      hint ? `${message} — ${hint}` : message,
    );
  }
}

/** No answer at all from the endpoint: exit 3. */
export class UnreachableError extends CliError {
  override readonly name = 'UnreachableError';
  constructor(message: string, options?: ErrorOptions) {
    super(ExitCode.unreachable, message, options);
  }
}
