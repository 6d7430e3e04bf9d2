import {
  CreateEventBusCommand,
  DescribeEventBusCommand,
  type EventBridgeClient,
  PutRuleCommand,
  PutTargetsCommand,
  ResourceAlreadyExistsException,
} from '@aws-sdk/client-eventbridge';
import type { SQSClient } from '@aws-sdk/client-sqs';
import * as z from 'zod/mini';
import { integerSetting, readConfig } from '../shared/config.js';
import { MAX_BUS_SHARDS, shardBusName } from '../shared/shards/bus-shards.js';
import type { ArchiveReplay } from '../shared/subscriptions/lane-operations.js';
import { LocalArchive } from './local-archive.js';
import { LocalReplay } from './local-replay.js';

/** EventBridge's quota of targets per rule, as the stack's forward rules use it. */
const TARGETS_PER_RULE = 5;

/**
 * `HOOKBRIDGE_BUS_SHARDS`: how many buses the local runtime makes (1, the default, is the one
 * bus as before). The stack's `busShards`, for trying shards locally.
 */
export function localBusShards(env: NodeJS.ProcessEnv = process.env): number {
  return readConfig(z.object({ HOOKBRIDGE_BUS_SHARDS: integerSetting(1, 1, MAX_BUS_SHARDS) }), env)
    .HOOKBRIDGE_BUS_SHARDS;
}

/** HOOKBRIDGE_EVENT_BUS_NAMES for `count` shards whose shard 0 is `firstBus`, as the stack names them. */
export function localBusNames(count: number, firstBus: string, prefix: string): string[] {
  return [firstBus, ...Array.from({ length: count - 1 }, (_, i) => shardBusName(prefix, i + 1))];
}

/**
 * Makes shards 1..N-1 and the rules on shard 0 that forward each broadcast to them, as the
 * stack does (the local endpoint puts a bus target's event on that bus, with a new id).
 * Idempotent.
 */
export async function createLocalShards(
  events: EventBridgeClient,
  busNames: readonly string[],
  options: { readonly source: string; readonly prefix: string },
): Promise<void> {
  const [first, ...others] = busNames;
  if (!first) return;
  const arns: string[] = [];
  for (const name of others) {
    try {
      await events.send(new CreateEventBusCommand({ Name: name }));
    } catch (error) {
      if (!(error instanceof ResourceAlreadyExistsException)) throw error;
    }
    const bus = await events.send(new DescribeEventBusCommand({ Name: name }));
    arns.push(bus.Arn ?? '');
  }
  for (let i = 0; i < arns.length; i += TARGETS_PER_RULE) {
    const name = `${options.prefix}-broadcast-${i / TARGETS_PER_RULE}`;
    await events.send(
      new PutRuleCommand({
        Name: name,
        EventBusName: first,
        EventPattern: JSON.stringify({ source: [options.source], detail: { tenantId: ['*'] } }),
        State: 'ENABLED',
        Description: 'Hookbridge local runtime: forwards each broadcast to bus shards',
      }),
    );
    await events.send(
      new PutTargetsCommand({
        Rule: name,
        EventBusName: first,
        Targets: arns
          .slice(i, i + TARGETS_PER_RULE)
          .map((arn, j) => ({ Id: `shard-${i + j + 1}`, Arn: arn })),
      }),
    );
  }
}

/** One local archive per shard, and the replay that reads a shard's own archive. */
export interface LocalShardArchives {
  readonly archives: LocalArchive[];
  readonly replay: ArchiveReplay;
}

/**
 * The local archives of shards 1..N-1 (shard 0's is `first`), each kept in `<file>-<k>`, and a
 * replay that takes a request's shard (its bus) to that shard's archive.
 */
export function localShardArchives(
  sqs: SQSClient,
  events: EventBridgeClient,
  first: {
    readonly archive: LocalArchive;
    readonly name: string;
    readonly file?: string | undefined;
  },
  busNames: readonly string[],
  prefix: string,
): LocalShardArchives {
  const archives = busNames.map((busName, k) =>
    k === 0
      ? first.archive
      : new LocalArchive(sqs, events, {
          busName,
          name: `${first.name}-${k}`,
          file: first.file && `${first.file}-${k}`,
        }),
  );
  const replays = new Map(
    busNames.map((busName, k) => [
      busName,
      new LocalReplay(sqs, events, archives[k] as LocalArchive, { prefix, busName }),
    ]),
  );
  return {
    archives,
    replay: {
      async start(request) {
        const replay = replays.get(request.busName);
        if (!replay) throw new Error(`no local archive for bus ${request.busName}`);
        await replay.start(request);
      },
    },
  };
}
