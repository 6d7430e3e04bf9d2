import type { Command } from 'commander';
import type { EventType } from '../../shared/event-types/event-type.js';
import { parseJsonObjectArgument } from '../arguments.js';
import { type CliIo, contextOf, type RouteAccess } from '../cli-context.js';
import { UsageError } from '../cli-error.js';
import { formatFields, formatTable, formatTimestamp } from '../output.js';
import { listPages, type PageOptions, withPageOptions } from '../pages.js';
import { pathSegment } from '../path-segment.js';

type EventTypeView = Omit<EventType, 'version'>;

interface EntryOptions {
  description?: string;
  schemaFile?: string;
  exampleFile?: string;
  deprecated?: boolean;
  validate?: boolean;
}

/** The catalog's route: the operator's, or a tenant's own with --tenant (a token reads that). */
function catalogRoute(command: Command, name?: string): { path: string; access: RouteAccess } {
  const { tenant } = command.optsWithGlobals<{ tenant?: string }>();
  const base =
    tenant === undefined
      ? '/v1/event-types'
      : `/v1/tenants/${pathSegment(tenant, '--tenant')}/event-types`;
  return {
    path: name === undefined ? base : `${base}/${pathSegment(name, 'event type')}`,
    access: tenant === undefined ? 'operator' : 'tenant',
  };
}

function formatEventType(entry: EventTypeView): string {
  return formatFields([
    ['name', entry.name],
    ['description', entry.description],
    ['deprecated', entry.deprecated ? 'yes' : 'no'],
    ['validate', entry.validate ? 'yes (ingest refuses data that breaks the schema)' : 'no'],
    ['schema', entry.schema ? JSON.stringify(entry.schema) : undefined],
    ['example', entry.example ? JSON.stringify(entry.example) : undefined],
    ['created', formatTimestamp(entry.createdAt)],
    ['updated', formatTimestamp(entry.updatedAt)],
  ]);
}

/** The body fields the entry options give; the files are read as JSON objects. */
function entryBody(options: EntryOptions, io: CliIo): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  if (options.description !== undefined) body.description = options.description;
  if (options.schemaFile !== undefined) {
    body.schema = parseJsonObjectArgument(`@${options.schemaFile}`, '--schema-file', io);
  }
  if (options.exampleFile !== undefined) {
    body.example = parseJsonObjectArgument(`@${options.exampleFile}`, '--example-file', io);
  }
  if (options.deprecated !== undefined) body.deprecated = options.deprecated;
  if (options.validate !== undefined) body.validate = options.validate;
  return body;
}

function withEntryOptions(command: Command): Command {
  return command
    .option('--description <text>', 'what the event means (at most 1000 characters)')
    .option('--schema-file <path>', 'a JSON Schema (draft 2020-12) of the event data, as a file')
    .option('--example-file <path>', 'an example event data, as a JSON file')
    .option('--deprecated', 'mark the type deprecated (events are still accepted)')
    .option('--no-deprecated', 'mark the type not deprecated')
    .option('--validate', 'make ingest refuse events whose data breaks the schema (422)')
    .option('--no-validate', 'stop checking events against the schema');
}

/** `hookbridge event-types …`: the catalog of event types, their schemas and examples. */
export function registerEventTypes(program: Command, io: CliIo): void {
  const eventTypes = program
    .command('event-types')
    .description('manage the event type catalog (names, descriptions, JSON Schemas, examples)')
    .option('--tenant <id>', 'read through this tenant’s routes (what its token may call)');

  withEntryOptions(
    eventTypes
      .command('create')
      .description('add an event type to the catalog')
      .argument('<name>', 'the event type as events carry it (invoice.paid)'),
  ).action(async (name: string, options: EntryOptions, command: Command) => {
    const ctx = contextOf(io, command);
    const body = { name, ...entryBody(options, io) };
    const { body: created } = await (await ctx.client()).request<EventTypeView>(
      'POST',
      '/v1/event-types',
      { body },
    );
    ctx.result(created, () => formatEventType(created));
  });

  withPageOptions(
    eventTypes.command('list').description('list the catalog, by name'),
    'event types',
  ).action((options: PageOptions, command: Command) =>
    listPages<EventTypeView>(contextOf(io, command), catalogRoute(command), options, {
      empty: 'no event types — add one: hookbridge event-types create <name>',
      table: (data) =>
        formatTable(
          ['NAME', 'VALIDATE', 'DEPRECATED', 'DESCRIPTION'],
          data.map((e) => [
            e.name,
            e.validate ? 'yes' : 'no',
            e.deprecated ? 'yes' : 'no',
            (e.description ?? '').slice(0, 60),
          ]),
        ),
    }),
  );

  eventTypes
    .command('get')
    .description('show one event type with its schema and example')
    .argument('<name>', 'event type')
    .action(async (name: string, _options: object, command: Command) => {
      const ctx = contextOf(io, command);
      const route = catalogRoute(command, name);
      const { body } = await (await ctx.client(route.access)).request<EventTypeView>(
        'GET',
        route.path,
      );
      ctx.result(body, () => formatEventType(body));
    });

  withEntryOptions(
    eventTypes
      .command('update')
      .description('change an event type (the result is checked as on create)')
      .argument('<name>', 'event type')
      .option('--clear-description', 'remove the description')
      .option('--clear-schema', 'remove the schema (needs --no-validate if it validates)')
      .option('--clear-example', 'remove the example'),
  ).action(
    async (
      name: string,
      options: EntryOptions & {
        clearDescription?: boolean;
        clearSchema?: boolean;
        clearExample?: boolean;
      },
      command: Command,
    ) => {
      const ctx = contextOf(io, command);
      const body = entryBody(options, io);
      for (const [flag, field] of [
        ['clearDescription', 'description'],
        ['clearSchema', 'schema'],
        ['clearExample', 'example'],
      ] as const) {
        if (!options[flag]) continue;
        if (field in body) {
          throw new UsageError(
            `--${field === 'description' ? 'description' : `${field}-file`} and --clear-${field}: give one or the other`,
          );
        }
        body[field] = null;
      }
      if (Object.keys(body).length === 0) {
        throw new UsageError(
          'nothing to update: pass --description, --schema-file, --example-file, --[no-]deprecated, --[no-]validate or a --clear-… flag',
        );
      }
      const { body: updated } = await (await ctx.client()).request<EventTypeView>(
        'PATCH',
        `/v1/event-types/${pathSegment(name, 'event type')}`,
        { body },
      );
      ctx.result(updated, () => formatEventType(updated));
    },
  );

  eventTypes
    .command('delete')
    .description('remove an event type from the catalog (its events are then accepted unchecked)')
    .argument('<name>', 'event type')
    .action(async (name: string, _options: object, command: Command) => {
      const ctx = contextOf(io, command);
      await (await ctx.client()).request(
        'DELETE',
        `/v1/event-types/${pathSegment(name, 'event type')}`,
      );
      ctx.result({ name, status: 'deleted' }, () => `deleted ${name}`);
    });
}
