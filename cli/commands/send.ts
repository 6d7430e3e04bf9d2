import type { Command } from 'commander';
import { parseJsonObjectArgument } from '../arguments.js';
import { type CliIo, contextOf } from '../cli-context.js';
import { UsageError } from '../cli-error.js';

/** `hookbridge send <type>`: publish one event, as a producer would. */
export function registerSend(program: Command, io: CliIo): void {
  program
    .command('send')
    .description('publish an event; prints its id')
    .argument('<type>', 'event type, e.g. order.created')
    .option('--data <json|@file>', 'the event data: a JSON object, @file, or @- for stdin', '{}')
    .option('--idempotency-key <key>', 'send again with the same key and body: published once')
    .option('--tenant <id>', "the tenant it is for: its subscriptions and the operator's get it")
    .option('--broadcast', 'for every tenant (tenantId "*"); without --tenant or this: no tenant')
    .addHelpText('after', `\nExample:\n  hookbridge send order.created --data '{"id":1}'`)
    .action(
      async (
        type: string,
        options: { data: string; idempotencyKey?: string; tenant?: string; broadcast?: boolean },
        command: Command,
      ) => {
        const ctx = contextOf(io, command);
        if (options.tenant !== undefined && options.broadcast) {
          throw new UsageError('--tenant and --broadcast: give one or the other');
        }
        const tenantId = options.broadcast ? '*' : options.tenant;
        const data = parseJsonObjectArgument(options.data, '--data', io);
        const client = await ctx.client();
        const { body } = await client.request<{ id: string }>('POST', '/v1/events', {
          body: { type, data, ...(tenantId !== undefined && { tenantId }) },
          ...(options.idempotencyKey !== undefined && {
            headers: { 'idempotency-key': options.idempotencyKey },
          }),
        });
        ctx.result(body, () => body.id);
      },
    );
}
