import type { Command } from 'commander';
import { parseInstant, parseSeconds } from '../arguments.js';
import { type CliIo, contextOf } from '../cli-context.js';
import { UsageError } from '../cli-error.js';
import { formatTimestamp } from '../output.js';
import { subscriptionsAccess, subscriptionsPath } from '../subscription-path.js';
import type { SecretView } from '../subscription-view.js';

/** `secret`, `test`, `backlog`, `redrive`, `replay`, `resend`: operations on one subscription's lane. */
export function registerSubscriptionOperations(subscriptions: Command, io: CliIo): void {
  subscriptions
    .command('secret')
    .description('print the signing secret (or rotate it)')
    .argument('<id>', 'subscription id (sub_…)')
    .option('--rotate', 'make a new secret; the old one keeps signing during the grace period')
    .option(
      '--grace <duration>',
      'with --rotate: how long the old secret stays valid (default 24h)',
      parseSeconds,
    )
    .action(async (id: string, options: { rotate?: boolean; grace?: number }, command: Command) => {
      const ctx = contextOf(io, command);
      if (options.grace !== undefined && !options.rotate) {
        throw new UsageError('--grace only applies with --rotate');
      }
      const client = await ctx.client(subscriptionsAccess(command));
      const { body } = options.rotate
        ? await client.request<SecretView>(
            'POST',
            subscriptionsPath(command, id, '/secret/rotate'),
            {
              body:
                options.grace === undefined
                  ? {}
                  : { gracePeriodSeconds: Math.round(options.grace) },
            },
          )
        : await client.request<SecretView>('GET', subscriptionsPath(command, id, '/secret'));
      // The secret alone on stdout, so `$(hookbridge subscriptions secret sub_…)` captures it.
      ctx.result(body, () => body.secret);
      if (!ctx.json) {
        for (const old of body.previous) {
          ctx.note(
            `previous secret, still signing until ${formatTimestamp(old.expiresAt)} UTC: ${old.secret}`,
          );
        }
      }
    });

  subscriptions
    .command('test')
    .description('send a hookbridge.test event to this subscription only')
    .argument('<id>', 'subscription id (sub_…)')
    .action(async (id: string, _options: object, command: Command) => {
      const ctx = contextOf(io, command);
      const client = await ctx.client(subscriptionsAccess(command));
      const { body } = await client.request<{ id: string }>(
        'POST',
        subscriptionsPath(command, id, '/test'),
      );
      ctx.result(body, () => `sent a hookbridge.test event (${body.id}) to ${id}`);
    });

  subscriptions
    .command('backlog')
    .description("how many messages the subscription's queue and dead-letter queue hold")
    .argument('<id>', 'subscription id (sub_…)')
    .action(async (id: string, _options: object, command: Command) => {
      const ctx = contextOf(io, command);
      const client = await ctx.client(subscriptionsAccess(command));
      const { body } = await client.request<{
        queued: number;
        inFlight: number;
        delayed: number;
        deadLettered: number;
      }>('GET', subscriptionsPath(command, id, '/backlog'));
      ctx.result(body, () =>
        [
          `queued          ${body.queued}`,
          `in flight       ${body.inFlight}  (being delivered, or waiting for the next attempt)`,
          `delayed         ${body.delayed}`,
          `dead-lettered   ${body.deadLettered}${body.deadLettered > 0 ? `  (hookbridge subscriptions redrive ${id})` : ''}`,
          'approximate counts from SQS; they can lag by about a minute',
        ].join('\n'),
      );
    });

  subscriptions
    .command('redrive')
    .description("move the dead-letter queue's events back into the subscription's queue")
    .argument('<id>', 'subscription id (sub_…)')
    .action(async (id: string, _options: object, command: Command) => {
      const ctx = contextOf(io, command);
      const client = await ctx.client(subscriptionsAccess(command));
      const { body } = await client.request<{ moved: number; more: boolean }>(
        'POST',
        subscriptionsPath(command, id, '/redrive'),
      );
      ctx.result(body, () =>
        [
          `moved ${body.moved} event${body.moved === 1 ? '' : 's'} from the dead-letter queue of ${id} back to its queue`,
          ...(body.more ? ['more remain: run it again'] : []),
        ].join('\n'),
      );
    });

  subscriptions
    .command('replay')
    .description('deliver the archived events of a time window again, to this subscription only')
    .argument('<id>', 'subscription id (sub_…)')
    .requiredOption('--from <time>', 'start of the window, ISO 8601 (e.g. 2024-05-01T00:00:00Z)')
    .requiredOption('--to <time>', 'end of the window, ISO 8601')
    .action(async (id: string, options: { from: string; to: string }, command: Command) => {
      const ctx = contextOf(io, command);
      const from = parseInstant(options.from, '--from');
      const to = parseInstant(options.to, '--to');
      if (from >= to) throw new UsageError('--from must be before --to');
      const client = await ctx.client(subscriptionsAccess(command));
      const { body } = await client.request<{ replayName: string }>(
        'POST',
        subscriptionsPath(command, id, '/replay'),
        {
          body: { from, to },
        },
      );
      ctx.result(
        body,
        () =>
          `replaying events from ${from} to ${to} to ${id} (EventBridge replay ${body.replayName})`,
      );
    });

  subscriptions
    .command('resend')
    .description('deliver one stored event again, to this subscription only, signed afresh')
    .argument('<id>', 'subscription id (sub_…)')
    .requiredOption('--event <id>', 'the event to resend (evt_…), as hookbridge events list shows')
    .action(async (id: string, options: { event: string }, command: Command) => {
      const ctx = contextOf(io, command);
      const client = await ctx.client(subscriptionsAccess(command));
      const { body } = await client.request<{ eventId: string; subscriptionId: string }>(
        'POST',
        subscriptionsPath(command, id, '/resend'),
        { body: { eventId: options.event } },
      );
      const { tenant } = command.optsWithGlobals<{ tenant?: string }>();
      ctx.result(
        body,
        () =>
          `resending ${body.eventId} to ${body.subscriptionId}: a new attempt, signed afresh (follow it: hookbridge deliveries ${body.subscriptionId}${tenant === undefined ? '' : ` --tenant ${tenant}`} --event ${body.eventId})`,
      );
    });
}
