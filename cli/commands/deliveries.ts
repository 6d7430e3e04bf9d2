import type { Command } from 'commander';
import { integerIn } from '../arguments.js';
import { type CliIo, contextOf } from '../cli-context.js';
import { formatDuration, formatTable, formatTimestamp, truncate } from '../output.js';
import { subscriptionsAccess, subscriptionsPath } from '../subscription-path.js';

/** One attempt, as `GET /v1/subscriptions/{id}/deliveries` lists it. */
export interface DeliveryAttemptView {
  readonly eventId: string;
  readonly eventType: string;
  readonly attempt: number;
  readonly attemptedAt: string;
  readonly result: string;
  readonly final: boolean;
  readonly statusCode?: number;
  readonly durationMs: number;
  readonly error?: string;
  readonly responseBody?: string;
  readonly nextAttemptAt?: string;
}

/** The attempt log as a table, in the order given (the API answers the most recent attempt first). */
export function formatDeliveries(attempts: readonly DeliveryAttemptView[]): string {
  return formatTable(
    ['TIME (UTC)', 'EVENT', 'TYPE', 'ATTEMPT', 'RESULT', 'STATUS', 'DURATION', 'ERROR'],
    attempts.map((a) => [
      formatTimestamp(a.attemptedAt),
      a.eventId,
      a.eventType,
      String(a.attempt),
      a.result === 'failed' && a.final ? 'failed (final)' : a.result,
      a.statusCode === undefined ? '-' : String(a.statusCode),
      formatDuration(a.durationMs),
      a.error ? truncate(a.error, 60) : '',
    ]),
  );
}

/** `hookbridge deliveries <subscription>`: what happened to each attempt. */
export function registerDeliveries(program: Command, io: CliIo): void {
  program
    .command('deliveries')
    .description('show the delivery attempts of a subscription, the most recent first')
    .argument('<subscription>', 'subscription id (sub_…)')
    .option('--tenant <id>', "the subscription's tenant (reach it through the tenant's routes)")
    .option('--result <result>', 'only attempts that ended so: delivered, failed, gone, refused')
    .option('--event <id>', 'only attempts of this event (evt_…)')
    .option('--limit <n>', 'attempts to show (1–100)', integerIn(1, 100), 20)
    .option('--cursor <cursor>', 'continue from a previous page')
    .action(
      async (
        subscription: string,
        options: { result?: string; event?: string; limit: number; cursor?: string },
        command: Command,
      ) => {
        const ctx = contextOf(io, command);
        const client = await ctx.client(subscriptionsAccess(command));
        const { body } = await client.request<{
          data: DeliveryAttemptView[];
          nextCursor?: string;
        }>('GET', subscriptionsPath(command, subscription, '/deliveries'), {
          query: {
            limit: options.limit,
            cursor: options.cursor,
            result: options.result,
            eventId: options.event,
          },
        });
        ctx.result(body, () =>
          body.data.length === 0
            ? `no delivery attempts${options.result ? ` with result ${options.result}` : ''} for ${subscription}`
            : formatDeliveries(body.data),
        );
        if (body.nextCursor && !ctx.json) ctx.note(`older: --cursor ${body.nextCursor}`);
      },
    );
}
