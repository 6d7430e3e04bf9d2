import { type Command, Option } from 'commander';
import { type CliIo, contextOf } from '../cli-context.js';
import { UsageError } from '../cli-error.js';
import { formatFields, formatTable, formatTimestamp, truncate } from '../output.js';
import { listPages, type PageOptions, withPageOptions } from '../pages.js';
import { pathSegment } from '../path-segment.js';

/** An API key as the API answers it; `key` only in the answer to create. */
export interface ApiKeyView {
  readonly id: string;
  readonly name: string;
  readonly scope: string;
  readonly tenantId?: string;
  readonly createdAt: string;
  readonly lastUsedAt?: string;
  readonly revokedAt?: string;
  /** `active` or `revoked`, when the API says it. */
  readonly status?: string;
  readonly key?: string;
}

const keyPath = (id?: string) =>
  id === undefined ? '/v1/api-keys' : `/v1/api-keys/${pathSegment(id, 'key id')}`;

/** `publish (acme)`: what the key may do, and for whom. */
const scopeOf = (key: ApiKeyView) => (key.tenantId ? `${key.scope} (${key.tenantId})` : key.scope);

const statusOf = (key: ApiKeyView) => key.status ?? (key.revokedAt ? 'revoked' : 'active');

function formatApiKey(key: ApiKeyView): string {
  return formatFields([
    ['key', key.key],
    ['id', key.id],
    ['name', key.name],
    ['scope', key.scope],
    ['tenant', key.tenantId],
    ['status', statusOf(key)],
    ['created', formatTimestamp(key.createdAt)],
    ['last used', key.key ? undefined : key.lastUsedAt ? formatTimestamp(key.lastUsedAt) : 'never'],
    ['revoked', key.revokedAt && formatTimestamp(key.revokedAt)],
  ]);
}

/**
 * `hookbridge api-keys …`: keys for producers and operators without AWS credentials. Managing
 * them is the operator's alone: these routes exist on the IAM API only, so every subcommand
 * refuses to run with a key or token (access `iam`).
 */
export function registerApiKeys(program: Command, io: CliIo): void {
  const keys = program
    .command('api-keys')
    .description('create, list and revoke API keys for callers without AWS credentials');

  keys
    .command('create')
    .description('create an API key; it is shown once')
    .requiredOption('--name <name>', 'what the key is for, e.g. billing-backend (1–100 characters)')
    .addOption(
      new Option('--scope <scope>', 'publish: send events; manage: everything but API keys')
        .choices(['publish', 'manage'])
        .makeOptionMandatory(),
    )
    .option('--tenant <id>', 'with --scope publish: a key that publishes for this tenant only')
    .addHelpText(
      'after',
      `
Examples:
  hookbridge api-keys create --name billing --scope publish
  hookbridge api-keys create --name acme-backend --scope publish --tenant acme`,
    )
    .action(
      async (
        options: { name: string; scope: 'publish' | 'manage'; tenant?: string },
        command: Command,
      ) => {
        const ctx = contextOf(io, command);
        if (options.tenant !== undefined && options.scope !== 'publish') {
          throw new UsageError(
            '--tenant applies to --scope publish only (a key that publishes for one tenant); a manage key reaches every tenant',
          );
        }
        const client = await ctx.client('iam');
        const { body: created } = await client.request<ApiKeyView>('POST', keyPath(), {
          body: {
            name: options.name,
            scope: options.scope,
            ...(options.tenant !== undefined && { tenantId: options.tenant }),
          },
        });
        ctx.result(created, () => formatApiKey(created));
        if (!ctx.json) {
          ctx.note(
            `\nShown once: Hookbridge keeps only a hash of this key. Callers send it as "Authorization: Bearer <key>" (hookbridge --api-key, or HOOKBRIDGE_API_KEY). Revoke it with: hookbridge api-keys revoke ${created.id}`,
          );
        }
      },
    );

  withPageOptions(
    keys.command('list').description('list API keys (never the keys themselves)'),
    'keys',
  ).action((options: PageOptions, command: Command) =>
    listPages<ApiKeyView>(contextOf(io, command), { path: keyPath(), access: 'iam' }, options, {
      empty: 'no API keys — create one: hookbridge api-keys create --name <name> --scope publish',
      table: (data) =>
        formatTable(
          ['ID', 'NAME', 'SCOPE', 'STATUS', 'LAST USED (UTC)', 'CREATED (UTC)'],
          data.map((k) => [
            k.id,
            truncate(k.name, 40),
            scopeOf(k),
            statusOf(k),
            k.lastUsedAt ? formatTimestamp(k.lastUsedAt) : 'never',
            formatTimestamp(k.createdAt),
          ]),
        ),
    }),
  );

  keys
    .command('get')
    .description('show one API key (not the key itself), with when it was last used')
    .argument('<keyId>', 'the key id, as api-keys list shows it')
    .action(async (id: string, _options: object, command: Command) => {
      const ctx = contextOf(io, command);
      const { body } = await (await ctx.client('iam')).request<ApiKeyView>('GET', keyPath(id));
      ctx.result(body, () => formatApiKey(body));
    });

  keys
    .command('revoke')
    .description('revoke an API key; it stays listed, as revoked')
    .argument('<keyId>', 'the key id, as api-keys list shows it')
    .action(async (id: string, _options: object, command: Command) => {
      const ctx = contextOf(io, command);
      await (await ctx.client('iam')).request('DELETE', keyPath(id));
      ctx.result(
        { id, status: 'revoked' },
        () =>
          `revoked API key ${id} (in effect at once locally, within the authorizer cache (30 s by default, at most 60 s) when deployed)`,
      );
    });
}
