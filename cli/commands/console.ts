import type { Command } from 'commander';
import {
  DEFAULT_CONSOLE_SESSION_SECONDS,
  MAX_CONSOLE_SESSION_SECONDS,
  MIN_CONSOLE_SESSION_SECONDS,
} from '../../shared/access/access-schema.js';
import { consoleFragment, webAppLink } from '../../shared/access/session-links.js';
import { lifetimeIn } from '../arguments.js';
import { type CliIo, contextOf } from '../cli-context.js';
import { UsageError } from '../cli-error.js';
import { formatSeconds, formatTable, formatTimestamp } from '../output.js';
import { listPages, type PageOptions, withPageOptions } from '../pages.js';
import { pathSegment } from '../path-segment.js';
import { webAppOf } from '../web-app-url.js';

/** A console session as the API answers it; `token` only in the answer to create. */
export interface ConsoleSessionView {
  readonly id: string;
  readonly createdAt: string;
  readonly expiresAt: string;
  readonly revokedAt?: string;
  readonly status: string;
  readonly token?: string;
}

const LIFETIME = { min: MIN_CONSOLE_SESSION_SECONDS, max: MAX_CONSOLE_SESSION_SECONDS } as const;

/** `30m`, `2h` → whole seconds within a console session's lifetime bounds (5m to 12h). */
export const parseConsoleLifetime = lifetimeIn(LIFETIME, 'a console session');

const sessionsPath = (id?: string) =>
  id === undefined
    ? '/v1/console-sessions'
    : `/v1/console-sessions/${pathSegment(id, 'session id')}`;

const WHAT = 'console sessions';
const REVOCATION_DELAY =
  'in effect at once locally, within the authorizer cache (30 s by default, at most 60 s) when deployed';

/**
 * `hookbridge console`: a short-lived link that opens the web console deployed, signed with
 * the operator's AWS credentials (the console-session routes are on the IAM API only, so no
 * key or token may mint one); and `console sessions` / `console revoke`.
 */
export function registerConsole(program: Command, io: CliIo): void {
  const consoleCommand = program
    .command('console')
    .description('print a short-lived link to the web console (signed with your AWS credentials)')
    .option(
      '--lifetime <duration>',
      `how long the link works, from ${formatSeconds(LIFETIME.min)} to ${formatSeconds(LIFETIME.max)}, e.g. 30m, 2h (default ${formatSeconds(DEFAULT_CONSOLE_SESSION_SECONDS)})`,
      parseConsoleLifetime,
    )
    .option(
      '--web-url <url>',
      "the web app's URL (default: $HOOKBRIDGE_WEB_URL, the stack's WebAppUrl output; locally the endpoint)",
    )
    .addHelpText(
      'after',
      `
The link holds a console session (hbc_…) in its fragment: whoever has it has the console,
as a manage API key would, until it expires or is revoked. Do not share it.

Examples:
  hookbridge console --lifetime 2h
  hookbridge console sessions
  hookbridge console revoke <sessionId>
  hookbridge console revoke --all`,
    )
    .action(async (options: { lifetime?: number; webUrl?: string }, command: Command) => {
      const ctx = contextOf(io, command);
      const client = await ctx.client('iam', WHAT);
      const web = webAppOf(ctx, options.webUrl);
      const { body: minted } = await client.request<ConsoleSessionView>('POST', sessionsPath(), {
        body: options.lifetime === undefined ? {} : { lifetimeSeconds: options.lifetime },
      });
      const link = webAppLink(
        web.url,
        'console',
        consoleFragment({ session: minted.token ?? '', expiresAt: minted.expiresAt }),
      );
      if (web.local)
        ctx.note(
          'The local runtime needs no session: its console works without one. This link tries the deployed flow.',
        );
      const { token: _token, ...session } = minted;
      ctx.result({ ...session, link }, () => link);
      if (!ctx.json)
        ctx.note(
          `Valid until ${formatTimestamp(minted.expiresAt)} UTC. Revoke it with: hookbridge console revoke ${minted.id}`,
        );
    });

  withPageOptions(
    consoleCommand
      .command('sessions')
      .description('list console sessions (never their secret), revoked and expired ones too'),
    'sessions',
  ).action((options: PageOptions, command: Command) =>
    listPages<ConsoleSessionView>(
      contextOf(io, command),
      { path: sessionsPath(), access: 'iam', iamOnly: WHAT },
      options,
      {
        empty: 'no console sessions — open one: hookbridge console',
        table: (data) =>
          formatTable(
            ['ID', 'STATUS', 'EXPIRES (UTC)', 'CREATED (UTC)'],
            data.map((s) => [
              s.id,
              s.status,
              formatTimestamp(s.expiresAt),
              formatTimestamp(s.createdAt),
            ]),
          ),
      },
    ),
  );

  consoleCommand
    .command('revoke')
    .description('revoke one console session, or every one with --all')
    .argument('[sessionId]', 'the session id, as console sessions shows it')
    .option('--all', 'revoke every console session; sessions opened afterwards work')
    .action(async (id: string | undefined, options: { all?: boolean }, command: Command) => {
      if ((id === undefined) === (options.all !== true))
        throw new UsageError('console revoke takes a session id or --all (one of the two)');
      const ctx = contextOf(io, command);
      const client = await ctx.client('iam', WHAT);
      await client.request('DELETE', sessionsPath(id));
      ctx.result(
        id === undefined ? { all: true, status: 'revoked' } : { id, status: 'revoked' },
        () =>
          `${id === undefined ? 'revoked every console session' : `revoked console session ${id}`} (${REVOCATION_DELAY})`,
      );
    });
}
