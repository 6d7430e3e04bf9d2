import { type Command, Option } from 'commander';
import {
  collectKeyValue,
  integerIn,
  parseEventTypes,
  parseJsonObjectArgument,
  parseRetrySchedule,
} from '../arguments.js';
import { type CliIo, contextOf } from '../cli-context.js';
import { UsageError } from '../cli-error.js';
import { listPages, type PageOptions, withPageOptions } from '../pages.js';
import { subscriptionsAccess, subscriptionsPath } from '../subscription-path.js';
import {
  formatSubscription,
  formatSubscriptionTable,
  type SubscriptionView,
} from '../subscription-view.js';
import { registerSubscriptionOperations } from './subscription-operations.js';

interface FieldOptions {
  readonly url?: string;
  readonly eventTypes?: string[];
  readonly filter?: string;
  readonly description?: string;
  readonly maxConcurrency?: number;
  readonly retrySchedule?: number[];
  readonly header?: Record<string, string>;
  readonly metadata?: Record<string, string>;
  readonly clear?: string[];
}

const CLEARABLE = ['filter', 'description', 'metadata', 'headers'] as const;

/** The options of `create` and `update`; `create` requires --url and --event-types. */
function fieldOptions(command: Command, required: boolean): Command {
  const url = new Option('--url <url>', 'where deliveries are POSTed');
  const types = new Option(
    '--event-types <list>',
    "comma-separated types: order.created, prefixes: invoice.*, or '*' for all",
  ).argParser(parseEventTypes);
  return command
    .addOption(required ? url.makeOptionMandatory() : url)
    .addOption(required ? types.makeOptionMandatory() : types)
    .option(
      '--filter <json|@file>',
      'EventBridge pattern on the event data, e.g. \'{"amount":[{"numeric":[">",100]}]}\'',
    )
    .option('--description <text>', 'free text for operators')
    .option('--max-concurrency <n>', 'deliveries in flight at once (2–1000)', integerIn(2, 1000))
    .option(
      '--retry-schedule <delays>',
      'delays after each failed attempt, e.g. 5s,5m,30m,2h (default 5s,5m,30m,2h,5h,10h,10h)',
      parseRetrySchedule,
    )
    .option(
      '--header <K=V>',
      `extra header for every delivery; repeat for more${required ? '' : ' (replaces all headers)'}`,
      collectKeyValue,
    )
    .option(
      '--metadata <K=V>',
      `metadata entry; repeat for more${required ? '' : ' (replaces all metadata)'}`,
      collectKeyValue,
    );
}

/** The request body for the options given; absent options are not sent. */
function fieldsBody(options: FieldOptions, io: CliIo): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  if (options.url !== undefined) body.url = options.url;
  if (options.eventTypes) body.eventTypes = options.eventTypes;
  if (options.filter !== undefined) {
    body.filter = parseJsonObjectArgument(options.filter, '--filter', io);
  }
  if (options.description !== undefined) body.description = options.description;
  if (options.maxConcurrency !== undefined) body.maxConcurrency = options.maxConcurrency;
  if (options.retrySchedule) body.retrySchedule = options.retrySchedule;
  if (options.header) body.headers = options.header;
  if (options.metadata) body.metadata = options.metadata;
  for (const field of options.clear ?? []) {
    if (!(CLEARABLE as readonly string[]).includes(field)) {
      throw new UsageError(`--clear: "${field}" cannot be cleared; use ${CLEARABLE.join(', ')}`);
    }
    if (field in body) throw new UsageError(`--clear ${field} contradicts the value given for it`);
    body[field] = null;
  }
  return body;
}

/** `hookbridge subscriptions …`: manage who receives which events. */
export function registerSubscriptions(program: Command, io: CliIo): void {
  const subscriptions = program
    .command('subscriptions')
    .alias('subs')
    .description('create, inspect, change and remove subscriptions')
    .option(
      '--tenant <id>',
      "the tenant's own subscriptions: create under it, reach only its subscriptions",
    );

  fieldOptions(subscriptions.command('create').description('create a subscription'), true)
    .addHelpText(
      'after',
      "\nExample:\n  hookbridge subscriptions create --url http://127.0.0.1:4400/webhook --event-types '*'",
    )
    .action(async (options: FieldOptions, command: Command) => {
      const ctx = contextOf(io, command);
      const body = fieldsBody(options, io);
      const client = await ctx.client(subscriptionsAccess(command));
      const { body: created } = await client.request<SubscriptionView>(
        'POST',
        subscriptionsPath(command),
        { body },
      );
      ctx.result(created, () => formatSubscription(created));
      if (!ctx.json) {
        ctx.note(
          `\nKeep the secret: receivers verify signatures with it (also: hookbridge subscriptions secret ${created.id}).`,
        );
      }
    });

  withPageOptions(
    subscriptions.command('list').description('list subscriptions, oldest first'),
    'subscriptions',
  ).action((options: PageOptions, command: Command) =>
    listPages<SubscriptionView>(
      contextOf(io, command),
      { path: subscriptionsPath(command), access: subscriptionsAccess(command) },
      options,
      {
        empty:
          "no subscriptions — create one: hookbridge subscriptions create --url <url> --event-types '*'",
        table: formatSubscriptionTable,
      },
    ),
  );

  subscriptions
    .command('get')
    .description('show one subscription')
    .argument('<id>', 'subscription id (sub_…)')
    .action(async (id: string, _options: object, command: Command) => {
      const ctx = contextOf(io, command);
      const { body } = await (
        await ctx.client(subscriptionsAccess(command))
      ).request<SubscriptionView>('GET', subscriptionsPath(command, id));
      ctx.result(body, () => formatSubscription(body));
    });

  fieldOptions(
    subscriptions
      .command('update')
      .description('change a subscription; options not given keep their value')
      .argument('<id>', 'subscription id (sub_…)'),
    false,
  )
    .option('--clear <fields>', `remove optional fields: ${CLEARABLE.join(', ')}`, (value) =>
      value.split(',').map((field) => field.trim()),
    )
    .action(async (id: string, options: FieldOptions, command: Command) => {
      const ctx = contextOf(io, command);
      const body = fieldsBody(options, io);
      if (Object.keys(body).length === 0) {
        throw new UsageError(
          'nothing to update: pass at least one of --url, --event-types, --filter, --description, --max-concurrency, --retry-schedule, --header, --metadata, --clear',
        );
      }
      const client = await ctx.client(subscriptionsAccess(command));
      const { body: updated } = await client.request<SubscriptionView>(
        'PATCH',
        subscriptionsPath(command, id),
        { body },
      );
      ctx.result(updated, () => formatSubscription(updated));
    });

  subscriptions
    .command('delete')
    .description('delete a subscription and its queues and rule')
    .argument('<id>', 'subscription id (sub_…)')
    .action(async (id: string, _options: object, command: Command) => {
      const ctx = contextOf(io, command);
      const client = await ctx.client(subscriptionsAccess(command));
      const answer = await client.request<SubscriptionView | undefined>(
        'DELETE',
        subscriptionsPath(command, id),
      );
      // 204: gone now; 202: its AWS resources are still being removed (the reconciler finishes).
      if (answer.status === 204 || !answer.body) {
        ctx.result({ id, status: 'deleted' }, () => `deleted ${id}`);
      } else {
        const subscription = answer.body;
        ctx.result(subscription, () => `deleting ${id}: its queues and rule are being removed`);
      }
    });

  const setStatus =
    (status: 'paused' | 'active', done: (id: string) => string) =>
    async (id: string, _options: object, command: Command) => {
      const ctx = contextOf(io, command);
      const client = await ctx.client(subscriptionsAccess(command));
      const { body } = await client.request<SubscriptionView>(
        'PATCH',
        subscriptionsPath(command, id),
        {
          body: { status },
        },
      );
      ctx.result(body, () => done(id));
    };

  subscriptions
    .command('pause')
    .description('stop deliveries; new events wait in the queue until resume')
    .argument('<id>', 'subscription id (sub_…)')
    .action(
      setStatus(
        'paused',
        (id) =>
          `paused ${id}: events wait in its queue until \`hookbridge subscriptions resume ${id}\``,
      ),
    );

  subscriptions
    .command('resume')
    .description('resume deliveries, starting with what waited in the queue')
    .argument('<id>', 'subscription id (sub_…)')
    .action(setStatus('active', (id) => `resumed ${id}`));

  registerSubscriptionOperations(subscriptions, io);
}
