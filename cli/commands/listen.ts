import type { Command } from 'commander';
import { Webhook } from 'standardwebhooks';
import { fraction, integerIn } from '../arguments.js';
import { type CliIo, contextOf, untilAborted } from '../cli-context.js';
import { CliError, ExitCode, UsageError } from '../cli-error.js';
import { type ReceivedDelivery, type SecretSource, startListener } from '../listen.js';
import { formatTimestamp } from '../output.js';
import { discoveredSecrets, staticSecret, subscriptionSecrets } from '../secret-sources.js';

interface ListenOptions {
  readonly port: number;
  readonly host: string;
  readonly path: string;
  readonly secret?: string;
  readonly subscription?: string;
  readonly status: number;
  readonly failRate: number;
}

/** One line per delivery for people: time, webhook-id, type, verification, answer. */
export function formatDeliveryLine(delivery: ReceivedDelivery): string {
  const verified =
    delivery.verified === null
      ? '– not verified (no secret)'
      : delivery.verified
        ? '✓ verified'
        : '✗ invalid signature';
  return [
    formatTimestamp(delivery.receivedAt.toISOString()).slice(11),
    delivery.id ?? '(no webhook-id)',
    delivery.type ?? '(no type)',
    verified,
    `→ ${delivery.status}`,
  ].join('  ');
}

/** `hookbridge listen`: a local receiver that shows and verifies deliveries. */
export function registerListen(program: Command, io: CliIo): void {
  program
    .command('listen')
    .description('receive deliveries locally, verify their signatures and print them')
    .option('--port <n>', 'port to listen on (0: any free port)', integerIn(0, 65_535), 4400)
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .option('--path <path>', 'path deliveries are POSTed to', '/webhook')
    .option('--secret <whsec>', 'verify signatures with this secret')
    .option('--subscription <id>', "verify with this subscription's secret, fetched from the API")
    .option('--status <code>', 'status to answer good deliveries with', integerIn(200, 599), 204)
    .option('--fail-rate <0..1>', 'share of deliveries answered 500, to watch retries', fraction, 0)
    .addHelpText(
      'after',
      `
Without --secret or --subscription, the listener verifies with the secrets of the
subscriptions whose URL points at it (looked up through --endpoint), and accepts
deliveries unverified when there are none. An invalid signature is answered 401.
With --json, one line per delivery: {"id", "type", "verified", "status", "body"}.`,
    )
    .action(async (options: ListenOptions, command: Command) => {
      const ctx = contextOf(io, command);
      if (options.secret !== undefined && options.subscription !== undefined) {
        throw new UsageError('pass --secret or --subscription, not both');
      }
      if (!options.path.startsWith('/')) throw new UsageError('--path must start with /');
      let secrets: SecretSource | undefined;
      let listenerUrl: URL | undefined;
      if (options.secret !== undefined) {
        try {
          new Webhook(options.secret);
        } catch (error) {
          throw new UsageError(
            `--secret is not a signing secret (whsec_…): ${(error as Error).message}`,
          );
        }
        secrets = staticSecret(options.secret);
      } else if (options.subscription !== undefined) {
        secrets = subscriptionSecrets(await ctx.client(), options.subscription);
        // Fetched now so that a wrong id or an unreachable API fails at once, not at the first delivery.
        await secrets.get();
      } else {
        const client = await ctx.client().catch((error: unknown) => {
          ctx.note(`signatures will not be verified: ${(error as Error).message}`);
        });
        if (client) secrets = discoveredSecrets(client, () => listenerUrl);
      }

      const listener = await startListener({
        port: options.port,
        host: options.host,
        path: options.path,
        status: options.status,
        failRate: options.failRate,
        ...(secrets && { secrets }),
        onDelivery: (delivery) => {
          if (!ctx.json) return ctx.out(formatDeliveryLine(delivery));
          const { id, type, verified, status, body } = delivery;
          ctx.out(JSON.stringify({ id, type, verified, status, body }));
        },
        onNote: (line) => ctx.note(line),
      }).catch((error: unknown) => {
        const code = (error as NodeJS.ErrnoException).code;
        if (code === 'EADDRINUSE') {
          throw new CliError(
            ExitCode.failed,
            `port ${options.port} on ${options.host} is already in use; choose another with --port`,
          );
        }
        throw new CliError(
          ExitCode.failed,
          `cannot listen on ${options.host}:${options.port}: ${(error as Error).message}`,
        );
      });
      listenerUrl = new URL(listener.url);

      // With --json, stdout carries deliveries only; the banner goes to stderr.
      const banner = ctx.json ? (line: string) => ctx.note(line) : (line: string) => ctx.out(line);
      banner(`listening on ${listener.url}`);
      banner(
        secrets
          ? `verifying signatures with ${secrets.description}`
          : 'not verifying signatures: pass --secret or --subscription',
      );
      if (options.failRate > 0)
        banner(`answering 500 to ${Math.round(options.failRate * 100)}% of deliveries`);
      if (!ctx.json) banner('press Ctrl-C to stop');

      await untilAborted(io.signal);
      await listener.close();
    });
}
