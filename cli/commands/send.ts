import type { Command } from 'commander';
import { parseJsonObjectArgument } from '../arguments.js';
import { type CliIo, contextOf } from '../cli-context.js';

/** `hookbridge send <type>`: publish one event, as a producer would. */
export function registerSend(program: Command, io: CliIo): void {
  program
    .command('send')
    .description('publish an event; prints its id')
    .argument('<type>', 'event type, e.g. order.created')
    .option('--data <json|@file>', 'the event data: a JSON object, @file, or @- for stdin', '{}')
    .option('--idempotency-key <key>', 'send again with the same key and body: published once')
    .addHelpText('after', `\nExample:\n  hookbridge send order.created --data '{"id":1}'`)
    .action(
      async (
        type: string,
        options: { data: string; idempotencyKey?: string },
        command: Command,
      ) => {
        const ctx = contextOf(io, command);
        const data = parseJsonObjectArgument(options.data, '--data', io);
        const client = await ctx.client();
        const { body } = await client.request<{ id: string }>('POST', '/v1/events', {
          body: { type, data },
          ...(options.idempotencyKey !== undefined && {
            headers: { 'idempotency-key': options.idempotencyKey },
          }),
        });
        ctx.result(body, () => body.id);
      },
    );
}
