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
  readonly requestUrl?: string;
  readonly requestHeaders?: readonly { readonly name: string; readonly value: string }[];
  readonly requestHeadersTruncated?: boolean;
  readonly requestBodyBytes?: number;
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

/**
 * Each attempt in full, for `--verbose`: the request (URL, headers in the order sent, body
 * size: the body itself is the event, `hookbridge events get`) and the response.
 */
export function formatDeliveryDetails(attempts: readonly DeliveryAttemptView[]): string {
  return attempts
    .map((a) => {
      const lines = [
        `${formatTimestamp(a.attemptedAt)}  ${a.eventId} #${a.attempt}  ${a.result}${a.final && a.result === 'failed' ? ' (final)' : ''}`,
      ];
      if (a.requestUrl === undefined) {
        lines.push('  request: not recorded (an attempt logged before requests were kept)');
      } else {
        lines.push(`  request: POST ${a.requestUrl} (${a.requestBodyBytes ?? '?'} bytes)`);
        for (const { name, value } of a.requestHeaders ?? []) lines.push(`    ${name}: ${value}`);
        if (a.requestHeadersTruncated) lines.push('    (more custom headers were sent, not kept)');
      }
      lines.push(
        `  response: ${a.statusCode ?? 'none'} in ${formatDuration(a.durationMs)}${a.error ? ` (${a.error})` : ''}`,
      );
      // The receiver wrote the body: no control character of it reaches the terminal.
      if (a.responseBody)
        lines.push(`    ${truncate(a.responseBody.replace(/[\s\p{Cc}]+/gu, ' '), 200)}`);
      if (a.nextAttemptAt) lines.push(`  next attempt: ${formatTimestamp(a.nextAttemptAt)}`);
      return lines.join('\n');
    })
    .join('\n\n');
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
    .option('--verbose', 'each attempt in full: request URL and headers, response body')
    .action(
      async (
        subscription: string,
        options: {
          result?: string;
          event?: string;
          limit: number;
          cursor?: string;
          verbose?: boolean;
        },
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
            : options.verbose
              ? formatDeliveryDetails(body.data)
              : formatDeliveries(body.data),
        );
        if (body.nextCursor && !ctx.json) ctx.note(`older: --cursor ${body.nextCursor}`);
      },
    );
}
