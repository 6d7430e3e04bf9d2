import type { Command } from 'commander';
import type { TenantView } from '../../shared/tenants/tenant.js';
import { collectKeyValue } from '../arguments.js';
import { type CliIo, contextOf } from '../cli-context.js';
import { UsageError } from '../cli-error.js';
import { formatFields, formatTable, formatTimestamp } from '../output.js';
import { listPages, type PageOptions, withPageOptions } from '../pages.js';
import { pathSegment } from '../path-segment.js';

const path = (id: string) => `/v1/tenants/${pathSegment(id, 'tenant id')}`;

function formatTenant(tenant: TenantView): string {
  const metadata = Object.entries(tenant.metadata ?? {})
    .map(([key, value]) => `${key}: ${value}`)
    .join(', ');
  return formatFields([
    ['id', tenant.id],
    ['name', tenant.name],
    ['status', tenant.status],
    ['metadata', metadata || undefined],
    ['created', formatTimestamp(tenant.createdAt)],
    ['updated', formatTimestamp(tenant.updatedAt)],
  ]);
}

/** `hookbridge tenants …`: the operator's customers; their subscriptions: `subscriptions --tenant`. */
export function registerTenants(program: Command, io: CliIo): void {
  const tenants = program
    .command('tenants')
    .description(
      'manage tenants (your customers); theirs: hookbridge subscriptions --tenant <id> …',
    );

  tenants
    .command('create')
    .description('create a tenant under the id you choose (e.g. your customer id)')
    .argument('<id>', '1–64 characters: a letter or digit, then letters, digits, _ . -')
    .requiredOption('--name <name>', 'display name')
    .option('--metadata <K=V>', 'metadata entry; repeat for more', collectKeyValue)
    .action(
      async (
        id: string,
        options: { name: string; metadata?: Record<string, string> },
        command: Command,
      ) => {
        const ctx = contextOf(io, command);
        const { body } = await (await ctx.client()).request<TenantView>('POST', '/v1/tenants', {
          body: { id, name: options.name, ...(options.metadata && { metadata: options.metadata }) },
        });
        ctx.result(body, () => formatTenant(body));
      },
    );

  withPageOptions(tenants.command('list').description('list tenants'), 'tenants').action(
    (options: PageOptions, command: Command) =>
      listPages<TenantView>(contextOf(io, command), '/v1/tenants', options, {
        empty: 'no tenants — create one: hookbridge tenants create <id> --name <name>',
        table: (data) =>
          formatTable(
            ['ID', 'NAME', 'STATUS', 'CREATED (UTC)'],
            data.map((t) => [t.id, t.name, t.status, formatTimestamp(t.createdAt)]),
          ),
      }),
  );

  tenants
    .command('get')
    .description('show one tenant')
    .argument('<id>', 'tenant id')
    .action(async (id: string, _options: object, command: Command) => {
      const ctx = contextOf(io, command);
      // The one tenant route outside subscriptions and events that the tenant's token reaches.
      const { body } = await (await ctx.client('tenant')).request<TenantView>('GET', path(id));
      ctx.result(body, () => formatTenant(body));
    });

  tenants
    .command('update')
    .description('change the name or metadata of a tenant (its id never changes)')
    .argument('<id>', 'tenant id')
    .option('--name <name>', 'display name')
    .option('--metadata <K=V>', 'metadata entry; repeat for more (replaces all)', collectKeyValue)
    .option('--clear-metadata', 'remove the metadata')
    .action(
      async (
        id: string,
        options: { name?: string; metadata?: Record<string, string>; clearMetadata?: boolean },
        command: Command,
      ) => {
        const ctx = contextOf(io, command);
        if (options.metadata && options.clearMetadata) {
          throw new UsageError('--metadata and --clear-metadata: give one or the other');
        }
        const body: Record<string, unknown> = {};
        if (options.name !== undefined) body.name = options.name;
        if (options.metadata) body.metadata = options.metadata;
        if (options.clearMetadata) body.metadata = null;
        if (Object.keys(body).length === 0) {
          throw new UsageError('nothing to update: pass --name, --metadata or --clear-metadata');
        }
        const { body: updated } = await (await ctx.client()).request<TenantView>(
          'PATCH',
          path(id),
          { body },
        );
        ctx.result(updated, () => formatTenant(updated));
      },
    );

  tenants
    .command('delete')
    .description('delete a tenant with all its subscriptions, their queues and rules')
    .argument('<id>', 'tenant id')
    .action(async (id: string, _options: object, command: Command) => {
      const ctx = contextOf(io, command);
      const answer = await (await ctx.client()).request<TenantView | undefined>('DELETE', path(id));
      // 204: gone with its subscriptions; 202: some are still being removed (the reconciler finishes).
      if (answer.status === 204 || !answer.body) {
        ctx.result({ id, status: 'deleted' }, () => `deleted ${id} and its subscriptions`);
      } else {
        const tenant = answer.body;
        ctx.result(tenant, () => `deleting ${id}: its subscriptions are being removed`);
      }
    });
}
