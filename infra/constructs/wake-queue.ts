import { ArnFormat, Duration, Stack, Token } from 'aws-cdk-lib';
import type * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { lanePrefix } from '../../shared/provisioning/lane-names.js';

/** The default idle period after which a lane goes cold. */
export const DEFAULT_LANE_IDLE_TIMEOUT = Duration.hours(24);
// The delivery function notes activity hourly: a shorter period would put busy lanes to sleep.
const MIN_LANE_IDLE_TIMEOUT = Duration.hours(2);
/** Receives of a wake message before its DLQ (the reconciler's depth check still wakes the lane). */
export const WAKE_MAX_RECEIVE_COUNT = 5;

export interface WakeQueueProps {
  /** The bus the lane rules are on. */
  readonly eventBus: events.IEventBus;
  /** The installation's resource prefix (lane rules are `<prefix>-sub_*`). */
  readonly prefix: string;
  /** The reconciler: it puts lanes to sleep and, as the waker, takes the wake queue's batches. */
  readonly reconcilerFunction: lambda.Function;
  /** The management function: wakes a cold lane it sends a test, resend or redrive into. */
  readonly managementFunction: lambda.Function;
  /** The delivery function: notes lane activity at least twice per idle period. */
  readonly deliveryFunction: lambda.Function;
  /** @default DEFAULT_LANE_IDLE_TIMEOUT */
  readonly laneIdleTimeout?: Duration;
  /** Lane rules are also on the bus shards `<prefix>-bus-<k>` (more than one shard). @default false */
  readonly shardBuses?: boolean;
}

/**
 * Cold lanes: the shared queue a sleeping lane's rule sends a small wake message to (its
 * second target), with its DLQ, mapped to the reconciler function, which wakes the lane.
 * Only EventBridge rules of this installation may send to it (one statement, a condition on
 * the lane rules' ARN prefix), over TLS. Made only when the idle period is not 0.
 */
export class WakeQueue extends Construct {
  public readonly queue: sqs.Queue;
  public readonly deadLetterQueue: sqs.Queue;
  public readonly laneIdleTimeout: Duration;

  constructor(scope: Construct, id: string, props: WakeQueueProps) {
    super(scope, id);
    this.laneIdleTimeout = props.laneIdleTimeout ?? DEFAULT_LANE_IDLE_TIMEOUT;
    this.deadLetterQueue = new sqs.Queue(this, 'DeadLetterQueue', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    this.queue = new sqs.Queue(this, 'Queue', {
      // SSE-SQS: EventBridge can send to it without a key policy (it cannot use aws/sqs).
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      // A wake is a few control-plane calls; a failed one comes back after the function's
      // timeout (Lambda's minimum for the visibility timeout), the reconciler's pass may be sooner.
      visibilityTimeout: props.reconcilerFunction.timeout ?? Duration.minutes(4),
      retentionPeriod: Duration.days(1),
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount: WAKE_MAX_RECEIVE_COUNT },
    });
    this.queue.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'HookbridgeLaneRulesOnly',
        principals: [new iam.ServicePrincipal('events.amazonaws.com')],
        actions: ['sqs:SendMessage'],
        resources: [this.queue.queueArn],
        conditions: { ArnLike: { 'aws:SourceArn': laneRuleArnPattern(this, props) } },
      }),
    );
    // The mapping by hand rather than SqsEventSource, whose grant adds calls Lambda's poller
    // does not make (ChangeMessageVisibility, GetQueueUrl): the role gets the three it does.
    props.reconcilerFunction.addEventSourceMapping('WakeMapping', {
      eventSourceArn: this.queue.queueArn,
      batchSize: 10,
      reportBatchItemFailures: true,
      // Wakes are rare and idempotent: two batches at a time is enough (and Lambda's minimum).
      maxConcurrency: 2,
    });
    props.reconcilerFunction.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes'],
        resources: [this.queue.queueArn],
      }),
    );
    const seconds = String(this.laneIdleTimeout.toSeconds());
    for (const fn of [props.reconcilerFunction, props.managementFunction]) {
      fn.addEnvironment('HOOKBRIDGE_WAKE_QUEUE_ARN', this.queue.queueArn);
    }
    props.reconcilerFunction.addEnvironment('HOOKBRIDGE_LANE_IDLE_SECONDS', seconds);
    props.deliveryFunction.addEnvironment('HOOKBRIDGE_LANE_IDLE_SECONDS', seconds);
  }
}

/**
 * Whether cold lanes are on for `laneIdleTimeout` (0 turns them off); throws when it is
 * shorter than twice the delivery function's hourly activity note.
 */
export function coldLanesOn(scope: Construct, laneIdleTimeout: Duration | undefined): boolean {
  const idle = laneIdleTimeout ?? DEFAULT_LANE_IDLE_TIMEOUT;
  const seconds = idle.toSeconds({ integral: false });
  if (Token.isUnresolved(seconds)) return true;
  if (seconds === 0) return false;
  if (!Number.isInteger(seconds) || seconds < MIN_LANE_IDLE_TIMEOUT.toSeconds()) {
    throw new Error(
      `${scope.node.path}: laneIdleTimeout must be 0 (cold lanes off) or whole seconds of at least ${MIN_LANE_IDLE_TIMEOUT.toHumanString()} (got ${idle.toHumanString()})`,
    );
  }
  return true;
}

function laneRuleArnPattern(scope: Construct, props: WakeQueueProps): string | string[] {
  const onBus = (bus: string) =>
    Stack.of(scope).formatArn({
      service: 'events',
      resource: 'rule',
      resourceName: `${bus}/${lanePrefix(props.prefix)}*`,
      arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
    });
  const first = onBus(props.eventBus.eventBusName);
  // One pattern for every other shard, whatever their number (shardBusName's form).
  return props.shardBuses ? [first, onBus(`${props.prefix}-bus-*`)] : first;
}
