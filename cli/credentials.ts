import { UsageError } from './cli-error.js';

/**
 * A credential other than AWS's: an API key (`hbk_…`) or a tenant token (`hbt_…`), sent as
 * `Authorization: Bearer …` to the API for token and key callers instead of signing.
 */
export interface BearerCredential {
  readonly kind: 'api-key' | 'token';
  readonly value: string;
  /** Where it came from, for messages: `--api-key`, `HOOKBRIDGE_TOKEN`… Never the value. */
  readonly source: string;
}

/** The credential flags as commander parsed them. */
export interface CredentialFlags {
  readonly apiKey?: string;
  readonly token?: string;
  readonly sigv4?: boolean;
}

const KINDS = {
  'api-key': { prefix: 'hbk_', flag: '--api-key', env: 'HOOKBRIDGE_API_KEY', noun: 'an API key' },
  token: { prefix: 'hbt_', flag: '--token', env: 'HOOKBRIDGE_TOKEN', noun: 'a tenant token' },
} as const;

/** The words for a credential in messages: "the API key (--api-key)". */
export function describeCredential(credential: BearerCredential): string {
  return `the ${credential.kind === 'token' ? 'tenant token' : 'API key'} (${credential.source})`;
}

/**
 * The bearer credential this invocation calls with, if any. A flag beats the environment, and
 * `--sigv4` beats the environment too (an operator with `HOOKBRIDGE_API_KEY` in the shell can
 * still sign); two credentials at once are a usage error rather than a guess. An empty
 * environment variable counts as unset, so `HOOKBRIDGE_TOKEN= hookbridge …` turns it off.
 */
export function resolveCredential(
  flags: CredentialFlags,
  env: Readonly<Record<string, string | undefined>>,
): BearerCredential | undefined {
  if (flags.apiKey !== undefined && flags.token !== undefined) {
    throw new UsageError('--api-key and --token: call with one credential at a time');
  }
  const fromFlag =
    flags.apiKey !== undefined
      ? checked('api-key', flags.apiKey, KINDS['api-key'].flag)
      : flags.token !== undefined
        ? checked('token', flags.token, KINDS.token.flag)
        : undefined;
  if (fromFlag) {
    if (flags.sigv4 === true) {
      throw new UsageError(
        `--sigv4 and ${fromFlag.source}: a request is either signed with AWS credentials or carries ${KINDS[fromFlag.kind].noun}`,
      );
    }
    return fromFlag;
  }
  if (flags.sigv4 === true) return undefined;

  const apiKey = env[KINDS['api-key'].env] || undefined;
  const token = env[KINDS.token.env] || undefined;
  if (apiKey !== undefined && token !== undefined) {
    throw new UsageError(
      'HOOKBRIDGE_API_KEY and HOOKBRIDGE_TOKEN are both set: unset one, or pick one with --api-key or --token',
    );
  }
  if (apiKey !== undefined) return checked('api-key', apiKey, KINDS['api-key'].env);
  if (token !== undefined) return checked('token', token, KINDS.token.env);
  return undefined;
}

/**
 * Refuses what cannot be the credential named, without ever repeating the value: a key where a
 * token is expected (and the reverse) is a common slip, and a value with spaces or control
 * characters could not travel in a header (fetch would throw, echoing it).
 */
function checked(kind: BearerCredential['kind'], value: string, source: string): BearerCredential {
  const expected = KINDS[kind];
  const other = KINDS[kind === 'token' ? 'api-key' : 'token'];
  if (value.trim() === '') throw new UsageError(`${source} is empty`);
  if (value.startsWith(other.prefix)) {
    throw new UsageError(
      `${source}: this is ${other.noun} (${other.prefix}…), not ${expected.noun}: pass it with ${other.flag} (or ${other.env})`,
    );
  }
  if (!value.startsWith(expected.prefix)) {
    throw new UsageError(
      `${source}: not ${expected.noun}: it should start with ${expected.prefix}`,
    );
  }
  if (!/^[\x21-\x7e]+$/.test(value)) {
    throw new UsageError(
      `${source}: contains spaces or characters a credential cannot have (was it copied whole?)`,
    );
  }
  return { kind, value, source };
}

/**
 * The credential values an invocation was given (its flags, `--flag=value` too, and the
 * environment), so that everything the CLI writes to stderr can be scrubbed of them even when
 * the message came from elsewhere (a server echoing a header, a library's error).
 */
export function credentialValues(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
): string[] {
  const values = new Set<string>();
  for (const { flag, env: name } of Object.values(KINDS)) {
    const fromEnv = env[name];
    if (fromEnv) values.add(fromEnv);
    argv.forEach((arg, index) => {
      if (arg === flag && argv[index + 1] !== undefined) values.add(argv[index + 1] as string);
      if (arg.startsWith(`${flag}=`)) values.add(arg.slice(flag.length + 1));
    });
  }
  // Too short to be a credential: scrubbing it would mangle ordinary text.
  return [...values].filter((value) => value.trim().length >= 8);
}

/** `text` with every occurrence of each value replaced by `hbk_…` / `hbt_…` / `…`. */
export function redact(text: string, values: readonly string[]): string {
  let result = text;
  // Longest first: a value inside another must not leave the rest of the longer one behind.
  for (const value of [...values].sort((a, b) => b.length - a.length)) {
    const prefix = /^hb[kt]_/.exec(value)?.[0] ?? '';
    result = result.split(value).join(`${prefix}…(redacted)`);
  }
  return result;
}
