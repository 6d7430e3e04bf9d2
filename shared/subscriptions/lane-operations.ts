import { randomBytes, randomUUID } from 'node:crypto';
import {
  DescribeEventBusCommand,
  type EventBridgeClient,
  StartReplayCommand,
} from '@aws-sdk/client-eventbridge';
import {
  DeleteMessageBatchCommand,
  GetQueueUrlCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  SendMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { queueCounts } from '../aws/queue-counts.js';
import { ConflictError, ValidationError } from '../errors.js';
import { RESEND_MARKER } from '../events/bus-entry.js';
import { newEventId } from '../events/event-id.js';
import { laneNames } from '../provisioning/lane-names.js';
import { shardsOfSubscription } from '../shards/shard-placement.js';
import type { Subscription } from './subscription.js';

export interface LaneOperationsOptions {
  readonly prefix: string;
  readonly busName: string;
  readonly source: string;
  /** The bus's archive; replay is refused without one. */
  readonly archiveArn?: string | undefined;
  /**
   * Wakes a cold lane: a message put straight into its queue (test, resend, redrive) passes
   * no rule, so no wake target sees it. Without it, the reconciler's depth check finds it.
   */
  readonly wake?: ((subscriptionId: string) => Promise<unknown>) | undefined;
  /** Every bus shard, in shard order (the first is `busName`). @default [busName] */
  readonly busNames?: readonly string[];
  /** Every shard's archive, in shard order (the first is `archiveArn`). @default [archiveArn] */
  readonly archiveArns?: readonly string[];
}

/** What a redrive moved. */
export interface RedriveResult {
  readonly moved: number;
  /** True when the DLQ still held messages when the call's budget ran out: call again. */
  readonly more: boolean;
}

/**
 * How many messages a lane holds, by SQS's approximate counts (they may lag by a minute):
 * what waits in its queue, what is being delivered or waits for its next attempt, and what
 * its dead-letter queue holds.
 */
export interface LaneBacklog {
  readonly queued: number;
  readonly inFlight: number;
  readonly delayed: number;
  readonly deadLettered: number;
}

const REDRIVE_BUDGET_MS = 20_000;

/** SQS's message size limit (256 KiB). */
const MAX_SQS_MESSAGE_BYTES = 262_144;

/** One replay, checked: a window in the past, a subscription whose rule exists. */
export interface ReplayRequest {
  readonly subscription: Subscription;
  /** The rule on `busName` that the replay is filtered to. */
  readonly ruleArn: string;
  /** The bus shard replayed: its bus, and its archive (undefined where archives are local). */
  readonly busName: string;
  readonly archiveArn?: string | undefined;
  readonly replayName: string;
  readonly from: Date;
  readonly to: Date;
}

/**
 * What carries a replay out: EventBridge's StartReplay from the bus's archive on AWS; the
 * local runtime brings its own, because the local endpoint's replay ignores both the window
 * and the rule filter. It may return before the events arrive.
 */
export interface ArchiveReplay {
  start(request: ReplayRequest): Promise<void>;
}

/**
 * Operations on one subscriber's lane that act on its queues and on the bus: a test event sent
 * to that subscriber alone, redrive of its DLQ, and archive replay to its rule only.
 */
export class LaneOperations {
  private readonly archive: ArchiveReplay | undefined;

  constructor(
    private readonly sqs: SQSClient,
    events: EventBridgeClient,
    private readonly options: LaneOperationsOptions,
    archive?: ArchiveReplay,
  ) {
    this.archive = archive ?? (options.archiveArn ? eventBridgeReplay(events) : undefined);
  }

  /**
   * Puts a `hookbridge.test` event into the subscription's queue, shaped as EventBridge would
   * deliver it, so it takes the real delivery path to this subscriber and no other.
   */
  async sendTest(subscription: Subscription): Promise<string> {
    const id = newEventId();
    const detail = {
      id,
      type: 'hookbridge.test',
      // Sent straight to the lane, past the rule: it carries the subscription's own tenant so
      // that the deliverer's tenant check lets it through.
      ...(subscription.tenantId !== undefined && { tenantId: subscription.tenantId }),
      timestamp: new Date().toISOString(),
      data: { subscriptionId: subscription.id, message: 'This is a test event from Hookbridge.' },
    };
    await this.sqs.send(
      new SendMessageCommand({
        QueueUrl: await this.queueUrl(laneNames(this.options.prefix, subscription.id).queueName),
        MessageBody: JSON.stringify({
          version: '0',
          id: randomUUID(),
          'detail-type': detail.type,
          source: this.options.source,
          time: detail.timestamp,
          resources: [],
          detail,
        }),
      }),
    );
    await this.wakeIfCold(subscription);
    return id;
  }

  /**
   * Puts a stored event (its envelope's JSON text, as published) into the subscription's
   * queue, shaped as EventBridge delivers it and marked as a resend, so the deliverer signs it
   * afresh under the same `webhook-id` and logs it as a further attempt, even when it was
   * delivered before. An envelope larger than an SQS message may be is a 409.
   */
  async resend(subscription: Subscription, envelope: string): Promise<void> {
    const detail = JSON.parse(envelope) as { type?: unknown; timestamp?: unknown };
    const body = JSON.stringify({
      version: '0',
      id: randomUUID(),
      'detail-type': detail.type,
      source: this.options.source,
      time: new Date().toISOString(),
      resources: [],
      detail,
      [RESEND_MARKER]: true,
    });
    if (Buffer.byteLength(body) > MAX_SQS_MESSAGE_BYTES) {
      throw new ConflictError(
        'event_too_large_to_resend',
        `the event is ${Buffer.byteLength(envelope)} bytes; a resend goes through the subscription's queue, which takes at most ${MAX_SQS_MESSAGE_BYTES} bytes`,
      );
    }
    await this.sqs.send(
      new SendMessageCommand({
        QueueUrl: await this.queueUrl(laneNames(this.options.prefix, subscription.id).queueName),
        MessageBody: body,
      }),
    );
    await this.wakeIfCold(subscription);
  }

  /**
   * Moves messages from the subscription's DLQ back into its queue, where they are delivered
   * again with a fresh receive count. Works in batches of ten within a time budget (SQS's
   * StartMessageMoveTask would do it server-side, but the local endpoint lacks it).
   */
  async redrive(subscription: Subscription): Promise<RedriveResult> {
    const names = laneNames(this.options.prefix, subscription.id);
    const [queue, deadLetter] = await Promise.all([
      this.queueUrl(names.queueName),
      this.queueUrl(names.deadLetterQueueName),
    ]);
    const deadline = Date.now() + REDRIVE_BUDGET_MS;
    let moved = 0;
    while (Date.now() < deadline) {
      const { Messages = [] } = await this.sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: deadLetter,
          MaxNumberOfMessages: 10,
          WaitTimeSeconds: 0,
          VisibilityTimeout: 60,
        }),
      );
      if (Messages.length === 0) {
        if (moved > 0) await this.wakeIfCold(subscription);
        return { moved, more: false };
      }
      const sent = await this.sqs.send(
        new SendMessageBatchCommand({
          QueueUrl: queue,
          Entries: Messages.map((m, i) => ({ Id: String(i), MessageBody: m.Body ?? '' })),
        }),
      );
      // Only what reached the queue leaves the DLQ; the rest reappears there and is not lost.
      const ok = new Set((sent.Successful ?? []).map((s) => s.Id));
      const done = Messages.map((m, i) => ({
        Id: String(i),
        ReceiptHandle: m.ReceiptHandle,
      })).filter((e) => ok.has(e.Id));
      if (done.length > 0)
        await this.sqs.send(new DeleteMessageBatchCommand({ QueueUrl: deadLetter, Entries: done }));
      moved += done.length;
    }
    await this.wakeIfCold(subscription);
    return { moved, more: true };
  }

  /**
   * The lane's depth: two GetQueueAttributes calls, one per queue. A dead-lettered message a
   * redrive holds for the moment (received, not yet moved) still counts as dead-lettered.
   */
  async backlog(subscription: Subscription): Promise<LaneBacklog> {
    const names = laneNames(this.options.prefix, subscription.id);
    const [queue, deadLetter] = await Promise.all(
      [names.queueName, names.deadLetterQueueName].map(async (name) =>
        queueCounts(this.sqs, await this.queueUrl(name)),
      ),
    );
    return {
      queued: queue?.visible ?? 0,
      inFlight: queue?.notVisible ?? 0,
      delayed: queue?.delayed ?? 0,
      deadLettered: (deadLetter?.visible ?? 0) + (deadLetter?.notVisible ?? 0),
    };
  }

  /**
   * Replays archived events of `[from, to]` to this subscription's rule only. Replayed events
   * carry `replay-name`, so the delivery function sends them even if they were delivered
   * before (that is the point of a replay).
   */
  async replay(subscription: Subscription, from: Date, to: Date): Promise<{ replayName: string }> {
    if (!this.archive) {
      throw new ConflictError(
        'replay_unavailable',
        'replay needs the event archive, which is not configured',
      );
    }
    if (!(from < to)) throw new ValidationError('from: must be before to');
    if (to.getTime() > Date.now()) throw new ValidationError('to: must not be in the future');
    const ruleArn = subscription.resources?.ruleArn;
    if (!ruleArn)
      throw new ConflictError(
        'subscription_not_ready',
        `subscription ${subscription.id} has no rule yet`,
      );
    // Unique even for two replays in one millisecond: StartReplay refuses a name it has seen.
    const replayName = `${subscription.id}-${Date.now()}-${randomBytes(3).toString('hex')}`;
    const busNames = this.options.busNames ?? [this.options.busName];
    const archiveArns = this.options.archiveArns ?? [this.options.archiveArn];
    const [first, ...others] = shardsOfSubscription(subscription, busNames.length);
    // One replay per shard the subscription has a rule on, each from that shard's archive
    // through that shard's rule (an operator subscription's shards 1..N-1 rules exclude
    // broadcasts, so a broadcast is replayed once, from shard 0). One shard: one replay, named
    // as before shards.
    for (const shard of [first ?? 0, ...others]) {
      const busName = busNames[shard] ?? this.options.busName;
      await this.archive.start({
        subscription,
        ruleArn: shard === (first ?? 0) ? ruleArn : onBus(ruleArn, busName),
        busName,
        archiveArn: archiveArns[shard],
        replayName: shard === (first ?? 0) ? replayName : `${replayName}-${shard}`,
        from,
        to,
      });
    }
    return { replayName };
  }

  private async wakeIfCold(subscription: Subscription): Promise<void> {
    if (subscription.lane === 'cold') await this.options.wake?.(subscription.id);
  }

  private async queueUrl(name: string): Promise<string> {
    const { QueueUrl } = await this.sqs.send(new GetQueueUrlCommand({ QueueName: name }));
    return QueueUrl ?? '';
  }
}

/** The ARN of the rule named as `ruleArn` is, on `busName` (`arn:…:rule/<bus>/<name>`). */
function onBus(ruleArn: string, busName: string): string {
  const at = ruleArn.indexOf(':rule/') + ':rule/'.length;
  return `${ruleArn.slice(0, at)}${busName}${ruleArn.slice(ruleArn.lastIndexOf('/'))}`;
}

/** Replay from a shard's archive through EventBridge, filtered to the subscription's rule. */
function eventBridgeReplay(events: EventBridgeClient): ArchiveReplay {
  return {
    async start({ ruleArn, busName, archiveArn, replayName, from, to }) {
      const bus = await events.send(new DescribeEventBusCommand({ Name: busName }));
      await events.send(
        new StartReplayCommand({
          ReplayName: replayName,
          EventSourceArn: archiveArn,
          EventStartTime: from,
          EventEndTime: to,
          Destination: { Arn: bus.Arn, FilterArns: [ruleArn] },
        }),
      );
    },
  };
}
