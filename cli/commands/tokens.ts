import { type Command, InvalidArgumentError } from 'commander';
import { portalFragment, webAppLink } from '../../shared/access/session-links.js';
import { lifetimeIn } from '../arguments.js';
import { type CliIo, contextOf } from '../cli-context.js';
import { UsageError } from '../cli-error.js';
import { formatFields, formatTable, formatTimestamp, truncate } from '../output.js';
import { listPages, type PageOptions, withPageOptions } from '../pages.js';
import { pathSegment } from '../path-segment.js';
import { webAppOf } from '../web-app-url.js';

/** What a tenant token may do besides nothing; the API's names. */
export const CAPABILITIES = ['read', 'write', 'secrets', 'resend'] as const;
export type Capability = (typeof CAPABILITIES)[number];

/** A token's lifetime bounds (issue 12: 5 minutes to 7 days; the API's default is 1 hour). */
const TTL_BOUNDS = { min: 300, max: 604_800 } as const;

/** A tenant token as the API answers it; `token` only in the answer to create. */
export interface TokenView {
  readonly id: string;
  readonly tenantId: string;
  readonly capabilities: readonly string[];
  readonly createdAt: string;
  readonly expiresAt: string;
  readonly description?: string;
  readonly revokedAt?: string;
  readonly expired?: boolean;
  /** `active`, `expired`, `revoked`, when the API says it. */
  readonly status?: string;
  readonly token?: string;
}

/** `read, write` → `['read', 'write']`; an unknown or repeated name is a usage error. */
export function parseCapabilities(value: string): Capability[] {
  const names = value.split(',').map((name) => name.trim());
  if (names.every((name) => name === '')) {
    throw new InvalidArgumentError(`expected capabilities separated by commas: ${CAPABILITIES}`);
  }
  const seen = new Set<Capability>();
  for (const name of names) {
    if (!(CAPABILITIES as readonly string[]).includes(name)) {
      throw new InvalidArgumentError(
        `unknown capability "${truncate(name, 40)}": expected some of ${CAPABILITIES.join(', ')}`,
      );
    }
    if (seen.has(name as Capability)) {
      throw new InvalidArgumentError(`capability "${name}" is given twice`);
    }
    seen.add(name as Capability);
  }
  return [...seen];
}

/** `30m`, `1h`, `7d` → whole seconds within a token's lifetime bounds. */
export const parseTokenTtl = lifetimeIn(TTL_BOUNDS, 'a token');

/** The API's status, else `revoked`, `expired` or `active` from its flags, the clock last. */
function tokenStatus(token: TokenView, now = Date.now()): string {
  if (token.status) return token.status;
  if (token.revokedAt) return 'revoked';
  if (token.expired ?? Date.parse(token.expiresAt) <= now) return 'expired';
  return 'active';
}

function formatToken(token: TokenView, link?: string): string {
  return formatFields([
    ['token', token.token],
    ['link', link],
    ['id', token.id],
    ['tenant', token.tenantId],
    ['capabilities', token.capabilities.join(', ')],
    ['status', tokenStatus(token)],
    ['description', token.description],
    ['created', formatTimestamp(token.createdAt)],
    ['expires', formatTimestamp(token.expiresAt)],
    ['revoked', token.revokedAt && formatTimestamp(token.revokedAt)],
  ]);
}

const tokensPath = (tenant: string, id?: string) =>
  `/v1/tenants/${pathSegment(tenant, '--tenant')}/tokens${id === undefined ? '' : `/${pathSegment(id, 'token id')}`}`;

// Revocation is checked by the authorizer, whose answers API Gateway caches (30 s by default,
// never more than 60 s): say so, or a caller will think the revoke did not work.
const REVOCATION_DELAY =
  'in effect at once locally, within the authorizer cache (30 s by default, at most 60 s) when deployed';

/** The tenant's portal link for a minted token: `<web app>portal#token=…&tenant=…&caps=…&expires=…`. */
function portalLink(webUrl: string, token: TokenView): string {
  return webAppLink(
    webUrl,
    'portal',
    portalFragment({
      token: token.token ?? '',
      tenantId: token.tenantId,
      capabilities: token.capabilities,
      expiresAt: token.expiresAt,
    }),
  );
}

/** `hookbridge tokens …`: tenant tokens (a customer's portal session), minted by the operator. */
export function registerTokens(program: Command, io: CliIo): void {
  const tokens = program
    .command('tokens')
    .description("mint, list and revoke tenant tokens: access to one tenant's routes only");

  tokens
    .command('create')
    .description('mint a token for a tenant; it is shown once')
    .requiredOption('--tenant <id>', 'the tenant the token is for')
    .option('--ttl <duration>', 'lifetime, from 5m to 7d, e.g. 30m, 8h (default 1h)', parseTokenTtl)
    .option(
      '--capabilities <list>',
      `what it may do, comma-separated: ${CAPABILITIES.join(', ')} (default read)`,
      parseCapabilities,
    )
    .option('--description <text>', 'free text, e.g. whose session it is')
    .option('--link', "also print the tenant's portal link (the token in its fragment)")
    .option(
      '--web-url <url>',
      "with --link: the web app's URL (default: $HOOKBRIDGE_WEB_URL, the stack's WebAppUrl output; locally the endpoint)",
    )
    .addHelpText(
      'after',
      `
Capabilities: read (the tenant, its subscriptions, deliveries and events), write (create,
change, delete and test subscriptions), secrets (reveal and rotate signing secrets), resend
(resend, replay and redrive).

Examples:
  hookbridge tokens create --tenant acme --ttl 30m --capabilities read,resend
  hookbridge tokens create --tenant acme --capabilities read,write --link`,
    )
    .action(
      async (
        options: {
          tenant: string;
          ttl?: number;
          capabilities?: Capability[];
          description?: string;
          link?: boolean;
          webUrl?: string;
        },
        command: Command,
      ) => {
        const ctx = contextOf(io, command);
        if (options.webUrl !== undefined && !options.link)
          throw new UsageError('--web-url goes with --link (the portal link it is the base of)');
        const body = {
          ...(options.ttl !== undefined && { ttlSeconds: options.ttl }),
          ...(options.capabilities && { capabilities: options.capabilities }),
          ...(options.description !== undefined && { description: options.description }),
        };
        const client = await ctx.client();
        // Before minting: a link that cannot be made must not leave a token nobody holds.
        const web = options.link ? webAppOf(ctx, options.webUrl) : undefined;
        const { body: created } = await client.request<TokenView>(
          'POST',
          tokensPath(options.tenant),
          { body },
        );
        const link = web && portalLink(web.url, created);
        ctx.result(link ? { ...created, link } : created, () => formatToken(created, link));
        if (!ctx.json) {
          ctx.note(
            `\nShown once: Hookbridge keeps only a hash of this token. Hand it over in a URL fragment (…#token=hbt_…), never in a query string. Revoke it with: hookbridge tokens revoke ${created.id} --tenant ${created.tenantId}`,
          );
        }
      },
    );

  withPageOptions(
    tokens
      .command('list')
      .description("list a tenant's tokens (never their secret), revoked and expired ones too")
      .requiredOption('--tenant <id>', 'the tenant'),
    'tokens',
  ).action((options: PageOptions & { tenant: string }, command: Command) =>
    listPages<TokenView>(contextOf(io, command), tokensPath(options.tenant), options, {
      empty: `no tokens for tenant ${options.tenant} — mint one: hookbridge tokens create --tenant ${options.tenant}`,
      table: (data) =>
        formatTable(
          ['ID', 'STATUS', 'CAPABILITIES', 'EXPIRES (UTC)', 'CREATED (UTC)', 'DESCRIPTION'],
          data.map((t) => [
            t.id,
            tokenStatus(t),
            t.capabilities.join(','),
            formatTimestamp(t.expiresAt),
            formatTimestamp(t.createdAt),
            truncate(t.description ?? '', 40),
          ]),
        ),
    }),
  );

  tokens
    .command('revoke')
    .description('revoke one token')
    .argument('<tokenId>', 'the token id, as tokens list shows it')
    .requiredOption('--tenant <id>', "the token's tenant")
    .action(async (id: string, options: { tenant: string }, command: Command) => {
      const ctx = contextOf(io, command);
      await (await ctx.client()).request('DELETE', tokensPath(options.tenant, id));
      ctx.result(
        { id, tenantId: options.tenant, status: 'revoked' },
        () => `revoked token ${id} of tenant ${options.tenant} (${REVOCATION_DELAY})`,
      );
    });

  tokens
    .command('revoke-all')
    .description('revoke every token of a tenant at once; tokens minted afterwards work')
    .requiredOption('--tenant <id>', 'the tenant')
    .action(async (options: { tenant: string }, command: Command) => {
      const ctx = contextOf(io, command);
      await (await ctx.client()).request('DELETE', tokensPath(options.tenant));
      ctx.result(
        { tenantId: options.tenant, status: 'revoked' },
        () => `revoked every token of tenant ${options.tenant} (${REVOCATION_DELAY})`,
      );
    });
}
