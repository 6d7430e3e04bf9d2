import {
  type EventBridgeClient,
  ListTargetsByRuleCommand,
  PutTargetsCommand,
  RemoveTargetsCommand,
} from '@aws-sdk/client-eventbridge';
import type { SQSClient } from '@aws-sdk/client-sqs';
import { ignoreMissing } from '../aws/missing-resource.js';
import { queueCounts } from '../aws/queue-counts.js';
import { ConflictError } from '../errors.js';
import type { Log } from '../observability.js';
import { shardsOfSubscription } from '../shards/shard-placement.js';
import type { Subscription } from '../subscriptions/subscription.js';
import type { SubscriptionStore } from '../subscriptions/subscription-store.js';
import { isCold, WAKE_TARGET_ID, wakeDecision, wakeInput } from './cold-lanes.js';
import type { EventSourceMappings } from './event-source-mappings.js';
import { laneNames } from './lane-names.js';

export interface LaneSleeperOptions {
  readonly prefix: string;
  readonly busName: string;
  /** Every bus shard, in shard order (the first is `busName`). @default [busName] */
  readonly busNames?: readonly string[];
  /** The shared wake queue a cold lane's rule also sends to. */
  readonly wakeQueueArn: string;
}

export interface LaneSleeperPorts {
  readonly sqs: SQSClient;
  readonly events: EventBridgeClient;
  readonly mappings: EventSourceMappings;
  readonly store: Pick<SubscriptionStore, 'get' | 'save'>;
  readonly logger?: Log;
  readonly now?: () => Date;
}

/** What the sleeper needs of a subscription to find its rules. */
type LaneRules = Pick<Subscription, 'id' | 'tenantId' | 'shard'>;

/** What a wake did: woke the lane, found it awake, or dropped the wake (paused, deleted…). */
export type WakeResult = 'woken' | 'already-hot' | 'dropped';

/**
 * Puts idle lanes to sleep and wakes them. A sleeping (cold) lane's event source mapping is
 * disabled, so nothing polls its queue; a second target on its rule sends a small wake message
 * to the shared wake queue with every event it matches, while the event itself waits in the
 * lane's own queue, never received, so its receive count and retry schedule are whole.
 * The record is the lock: each transition is a versioned write made before the resources
 * follow it, so of a burst of wake messages one wins and the rest find the lane hot.
 */
export class LaneSleeper {
  private readonly now: () => Date;

  constructor(
    private readonly ports: LaneSleeperPorts,
    private readonly options: LaneSleeperOptions,
  ) {
    this.now = ports.now ?? (() => new Date());
  }

  /** Messages in the lane's queue, visible, in flight or delayed (SQS's approximate counts). */
  async depth(queueUrl: string): Promise<number> {
    const { visible, notVisible, delayed } = await queueCounts(this.ports.sqs, queueUrl);
    return visible + notVisible + delayed;
  }

  /** Whether each of the lane's rules (one per bus shard it is on) has its wake target. */
  async hasWakeTarget(subscription: LaneRules): Promise<boolean> {
    const ruleName = laneNames(this.options.prefix, subscription.id).ruleName;
    for (const bus of this.busesOf(subscription)) {
      const { Targets = [] } = await this.ports.events.send(
        new ListTargetsByRuleCommand({ Rule: ruleName, EventBusName: bus }),
      );
      const found = Targets.some(
        (target) => target.Id === WAKE_TARGET_ID && target.Arn === this.options.wakeQueueArn,
      );
      if (!found) return false;
    }
    return true;
  }

  /** Adds (or repairs) the wake target on each of the lane's rules. */
  async putWakeTarget(subscription: LaneRules): Promise<void> {
    const ruleName = laneNames(this.options.prefix, subscription.id).ruleName;
    for (const bus of this.busesOf(subscription)) {
      const result = await this.ports.events.send(
        new PutTargetsCommand({
          Rule: ruleName,
          EventBusName: bus,
          Targets: [
            {
              Id: WAKE_TARGET_ID,
              Arn: this.options.wakeQueueArn,
              InputTransformer: wakeInput(subscription.id),
            },
          ],
        }),
      );
      if (result.FailedEntryCount) {
        const [failed] = result.FailedEntries ?? [];
        throw new Error(`PutTargets failed: ${failed?.ErrorCode}: ${failed?.ErrorMessage}`);
      }
    }
  }

  /** Removes the wake target from each of the lane's rules; a missing one is no error. */
  async removeWakeTarget(subscription: LaneRules): Promise<void> {
    const ruleName = laneNames(this.options.prefix, subscription.id).ruleName;
    for (const bus of this.busesOf(subscription)) {
      await ignoreMissing(
        this.ports.events.send(
          new RemoveTargetsCommand({ Rule: ruleName, EventBusName: bus, Ids: [WAKE_TARGET_ID] }),
        ),
      );
    }
  }

  /** The buses the lane has a rule on: its tenant's shard, or every shard (an operator's). */
  private busesOf(subscription: LaneRules): string[] {
    const buses = this.options.busNames ?? [this.options.busName];
    return shardsOfSubscription(subscription, buses.length).flatMap((shard) => {
      const bus = buses[shard];
      return bus === undefined ? [] : [bus];
    });
  }

  /**
   * Puts a lane found idle and empty to sleep: the record first (so a wake message that comes
   * at any later moment finds it cold and wakes it), then the wake target (from here on every
   * event also wakes it), then the mapping disabled. A message that came meanwhile, or a wake
   * that won the race, wakes it again at once; one the approximate count misses is found by
   * the next pass. Returns false when the record changed since it was read (nothing was done).
   */
  async sleep(subscription: Subscription): Promise<boolean> {
    const queueArn = subscription.resources?.queueArn;
    const queueUrl = subscription.resources?.queueUrl;
    if (!queueArn || !queueUrl) return false;
    try {
      await this.ports.store.save(subscription, { lane: 'cold' });
    } catch (error) {
      if (error instanceof ConflictError) return false;
      throw error;
    }
    await this.putWakeTarget(subscription);
    await this.disable(subscription, queueArn, queueUrl);
    return true;
  }

  /**
   * A cold lane whose mapping is still enabled — its sleep stopped after the record (a
   * throttled UpdateEventSourceMapping, a crash) and Lambda still polls it: disables it as the
   * end of a sleep does. Answers whether the mapping was enabled (read afresh).
   */
  async finishSleep(subscription: Subscription): Promise<boolean> {
    const queueArn = subscription.resources?.queueArn;
    const queueUrl = subscription.resources?.queueUrl;
    if (!queueArn || !queueUrl) return false;
    if (!(await this.ports.mappings.find(queueArn))?.enabled) return false;
    await this.disable(subscription, queueArn, queueUrl);
    return true;
  }

  /** Disables the mapping, then undoes it if a wake or a message came meanwhile. */
  private async disable(subscription: Subscription, queueArn: string, queueUrl: string) {
    await this.ports.mappings.ensure({
      queueArn,
      maxConcurrency: subscription.maxConcurrency,
      enabled: false,
    });
    const current = await this.ports.store.get(subscription.id);
    if (current && !isCold(current) && current.status === 'active') {
      // A wake came between the record and the mapping, and the mapping was disabled after it.
      await this.enable(current);
    } else if ((await this.depth(queueUrl)) > 0) {
      await this.wake(subscription.id);
    }
  }

  /**
   * Wakes the lane of subscription `id` if it sleeps: the record is marked hot first (the
   * versioned write a burst of wakes races on: one wins), then the mapping is enabled and the
   * wake target removed. Idempotent; a paused or deleted subscription's wake is dropped. If it
   * fails after the record, the reconciler finds the hot lane's mapping disabled (drift) and
   * enables it on its next pass.
   */
  async wake(id: string): Promise<WakeResult> {
    for (let tries = 0; ; tries++) {
      const subscription = await this.ports.store.get(id);
      const decision = wakeDecision(subscription);
      if (decision === 'drop') return 'dropped';
      if (decision === 'already-hot' || !subscription) return 'already-hot';
      let hot: Subscription;
      try {
        hot = await this.ports.store.save(subscription, {
          lane: 'hot',
          lastActiveAt: this.now().toISOString(),
        });
      } catch (error) {
        // An edit, or another wake, came between the read and the write: look again.
        if (error instanceof ConflictError && tries < 3) continue;
        throw error;
      }
      await this.enable(hot);
      this.ports.logger?.info('woke a cold lane', { subscriptionId: id });
      return 'woken';
    }
  }

  private async enable(subscription: Subscription): Promise<void> {
    const queueArn = subscription.resources?.queueArn;
    if (queueArn) {
      await this.ports.mappings.ensure({
        queueArn,
        maxConcurrency: subscription.maxConcurrency,
        enabled: true,
      });
    }
    await this.removeWakeTarget(subscription);
  }
}
