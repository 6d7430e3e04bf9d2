import type { Command } from 'commander';
import { parseInstant } from '../arguments.js';
import { type CliIo, contextOf, type RouteAccess } from '../cli-context.js';
import { UsageError } from '../cli-error.js';
import {
  type EventSummaryView,
  type EventView,
  formatEvent,
  formatEventTable,
} from '../event-view.js';
import { listPages, type PageOptions, withPageOptions } from '../pages.js';
import { pathSegment } from '../path-segment.js';

interface ListOptions extends PageOptions {
  readonly type?: string;
  readonly from?: string;
  readonly to?: string;
}

/**
 * The message API's path and who may call it: with `--tenant`, the tenant's own view
 * (`/v1/tenants/{id}/events…`: its events and broadcasts, only its subscriptions as
 * destinations), which its token reaches, as with `subscriptions --tenant`; else the operator's.
 */
function eventsRoute(command: Command, id?: string): { path: string; access: RouteAccess } {
  const { tenant } = command.optsWithGlobals<{ tenant?: string }>();
  const base =
    tenant === undefined ? '/v1/events' : `/v1/tenants/${pathSegment(tenant, '--tenant')}/events`;
  return {
    path: id === undefined ? base : `${base}/${pathSegment(id, 'event id')}`,
    access: tenant === undefined ? 'tenant-omitted' : 'tenant',
  };
}

/** The filters of `events list` as query parameters; a bad one is a usage error naming it. */
function listQuery(options: ListOptions): Record<string, string | undefined> {
  if (options.type !== undefined && options.type.trim() === '') {
    throw new UsageError(
      '--type is empty: give an event type (order.created) or a prefix (order.*)',
    );
  }
  const from = options.from === undefined ? undefined : parseInstant(options.from, '--from');
  const to = options.to === undefined ? undefined : parseInstant(options.to, '--to');
  if (from !== undefined && to !== undefined && from >= to) {
    throw new UsageError('--from must be before --to');
  }
  return { type: options.type, from, to };
}

/** `hookbridge events …`: the message API — stored events and where each one went. */
export function registerEvents(program: Command, io: CliIo): void {
  const events = program
    .command('events')
    .description('find stored events and see where each was delivered')
    .option(
      '--tenant <id>',
      "the tenant's view: its events and broadcasts, its subscriptions as destinations",
    );

  events
    .command('get')
    .description('show a stored event and, per subscription it was routed to, its delivery')
    .argument('<eventId>', 'event id (evt_…), as send prints it')
    .addHelpText(
      'after',
      `
States: delivered (the last attempt was), failing (retries go on), dead-lettered (no more
retries: hookbridge subscriptions redrive), pending (no attempt yet, e.g. a paused subscription).
Resend it to one subscription: hookbridge subscriptions resend <id> --event <eventId>`,
    )
    .action(async (id: string, _options: object, command: Command) => {
      const ctx = contextOf(io, command);
      const route = eventsRoute(command, id);
      const { body } = await (await ctx.client(route.access)).request<EventView>('GET', route.path);
      ctx.result(body, () => formatEvent(body));
      if (body.destinationsTruncated && !ctx.json) {
        ctx.note(
          `more destinations than the ${body.deliveries.length} shown: the API lists a bounded number per event`,
        );
      }
    });

  withPageOptions(
    events
      .command('list')
      .description('list stored events, newest first')
      .option('--type <type>', 'only this type (order.created) or prefix (order.*)')
      .option('--from <time>', 'start of the window, ISO 8601 (e.g. 2024-05-01T00:00:00Z)')
      .option('--to <time>', 'end of the window, ISO 8601'),
    'events',
  ).action((options: ListOptions, command: Command) => {
    const query = listQuery(options);
    const route = eventsRoute(command);
    return listPages<EventSummaryView>(contextOf(io, command), { ...route, query }, options, {
      empty: 'no stored events match',
      table: formatEventTable,
    });
  });
}
