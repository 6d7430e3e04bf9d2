import { Annotations, ArnFormat, Duration, Stack, Token } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { lanePrefix } from '../../shared/provisioning/lane-names.js';
import {
  DEFAULT_RULES_PER_SHARD,
  EVENTBRIDGE_RULES_PER_BUS,
  MAX_BUS_SHARDS,
  shardBusName,
} from '../../shared/shards/bus-shards.js';
import type { EventBus } from './event-bus.js';

export interface BusShardsProps {
  /** Shard 0: the installation's first bus and its archive, as before shards. */
  readonly first: EventBus;
  readonly prefix: string;
  readonly eventSource: string;
  /** How many buses in all. @default 1 */
  readonly busShards?: number;
  /** The most rules Hookbridge puts on one bus. @default 250 */
  readonly rulesPerShard?: number;
  /** Each shard's archive keeps events this long. @default Duration.days(30) */
  readonly archiveRetention?: Duration;
}

/** EventBridge's quota of targets per rule (not adjustable). */
const TARGETS_PER_RULE = 5;

/**
 * The bus shards of an installation: shard 0 is the first bus (unchanged), shards 1..N-1 are
 * `<prefix>-bus-<k>`, each archived like the first. Broadcasts (`detail.tenantId` `*`) are
 * published on shard 0 and forwarded to every other shard by rules on shard 0 (five targets
 * each, EventBridge's most), through one role whose policy names the shards by prefix, so
 * neither grows a statement per shard. With one shard this makes nothing at all.
 */
export class BusShards extends Construct {
  public readonly count: number;
  public readonly rulesPerShard: number;
  /** Every shard's bus, in shard order. */
  public readonly buses: events.IEventBus[];
  /** Every shard's archive, in shard order. */
  public readonly archives: events.Archive[];
  private readonly prefix: string;

  constructor(scope: Construct, id: string, props: BusShardsProps) {
    super(scope, id);
    this.prefix = props.prefix;
    this.count = checked(this, 'busShards', props.busShards ?? 1, 1, MAX_BUS_SHARDS);
    this.rulesPerShard = checked(
      this,
      'rulesPerShard',
      props.rulesPerShard ?? DEFAULT_RULES_PER_SHARD,
      10,
      10_000,
    );
    if (this.rulesPerShard > EVENTBRIDGE_RULES_PER_BUS) {
      Annotations.of(this).addWarningV2(
        'hookbridge:rulesPerShard',
        `rulesPerShard ${this.rulesPerShard} is above EventBridge's default quota of ${EVENTBRIDGE_RULES_PER_BUS} rules per bus: raise "Rules per event bus" in Service Quotas first`,
      );
    }
    this.buses = [props.first.bus];
    this.archives = [props.first.archive];
    for (let k = 1; k < this.count; k++) {
      const bus = new events.EventBus(this, `Bus${k}`, {
        eventBusName: shardBusName(props.prefix, k),
        description: `Hookbridge events, bus shard ${k}: the events of the tenants placed on it, and every broadcast`,
      });
      this.buses.push(bus);
      this.archives.push(
        new events.Archive(this, `Archive${k}`, {
          sourceEventBus: bus,
          archiveName: shardBusName(props.prefix, k),
          description: `Every event on Hookbridge bus shard ${k}, for replay`,
          eventPattern: {},
          retention: props.archiveRetention ?? Duration.days(30),
        }),
      );
    }
    if (this.count > 1) this.forwardBroadcasts(props);
  }

  /** Whether there is more than one shard (nothing here applies otherwise). */
  get sharded(): boolean {
    return this.count > 1;
  }

  private forwardBroadcasts(props: BusShardsProps): void {
    const role = new iam.Role(this, 'ForwardRole', {
      assumedBy: new iam.ServicePrincipal('events.amazonaws.com'),
      description:
        'Lets the broadcast rules of Hookbridge bus shard 0 put events on the other shards',
    });
    role.addToPolicy(
      new iam.PolicyStatement({ actions: ['events:PutEvents'], resources: [this.shardBusArns()] }),
    );
    const others = this.buses.slice(1);
    for (let i = 0; i < others.length; i += TARGETS_PER_RULE) {
      const rule = new events.Rule(this, `Broadcast${i / TARGETS_PER_RULE}`, {
        eventBus: props.first.bus,
        description: 'Hookbridge: forwards each broadcast to bus shards',
        eventPattern: { source: [props.eventSource], detail: { tenantId: ['*'] } },
      });
      for (const bus of others.slice(i, i + TARGETS_PER_RULE)) {
        rule.addTarget({ bind: () => ({ arn: bus.eventBusArn, role }) });
      }
    }
  }

  /** The ARN pattern of shards 1..N-1 (`<prefix>-bus-*`). */
  shardBusArns(): string {
    return Stack.of(this).formatArn({
      service: 'events',
      resource: 'event-bus',
      resourceName: `${this.prefix}-bus-*`,
      arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
    });
  }

  /** The names of every shard's bus, comma-separated in shard order. */
  private busNames(): string {
    // Shards 1..N-1 by their literal names: nothing in the functions' environment waits on them.
    const [first] = this.buses;
    const others = this.buses.slice(1).map((_, i) => shardBusName(this.prefix, i + 1));
    return [first?.eventBusName, ...others].join(',');
  }

  /** Ingest: the shards' names and PutEvents on shards 1..N-1 (shard 0 is granted as before). */
  configureIngest(fn: lambda.Function): void {
    if (!this.sharded) return;
    fn.addEnvironment('HOOKBRIDGE_EVENT_BUS_NAMES', this.busNames());
    fn.addToRolePolicy(
      new iam.PolicyStatement({ actions: ['events:PutEvents'], resources: [this.shardBusArns()] }),
    );
  }

  /**
   * The management function and the reconciler: the shards' names and ceiling, and the same
   * rule actions on the lane rules of shards 1..N-1 as on shard 0 (`actions`).
   */
  configureLanes(fn: lambda.Function, actions: readonly string[]): void {
    if (!this.sharded) return;
    fn.addEnvironment('HOOKBRIDGE_EVENT_BUS_NAMES', this.busNames());
    fn.addEnvironment('HOOKBRIDGE_RULES_PER_SHARD', String(this.rulesPerShard));
    fn.addToRolePolicy(
      new iam.PolicyStatement({
        actions: [...actions],
        resources: [
          Stack.of(this).formatArn({
            service: 'events',
            resource: 'rule',
            resourceName: `${this.prefix}-bus-*/${lanePrefix(this.prefix)}*`,
            arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
          }),
        ],
      }),
    );
  }

  /** The management function's replays: each shard's archive onto its own bus. */
  configureReplay(fn: lambda.Function): void {
    if (!this.sharded) return;
    fn.addEnvironment('HOOKBRIDGE_ARCHIVE_ARNS', this.archives.map((a) => a.archiveArn).join(','));
    const archives = Stack.of(this).formatArn({
      service: 'events',
      resource: 'archive',
      resourceName: `${this.prefix}-bus-*`,
      arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
    });
    fn.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['events:DescribeEventBus'],
        resources: [this.shardBusArns()],
      }),
    );
    fn.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['events:StartReplay'],
        resources: [
          archives,
          this.shardBusArns(),
          Stack.of(this).formatArn({
            service: 'events',
            resource: 'replay',
            resourceName: 'sub_*',
            arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
          }),
        ],
      }),
    );
  }
}

function checked(scope: Construct, name: string, value: number, min: number, max: number): number {
  if (Token.isUnresolved(value)) {
    throw new Error(`${scope.node.path}: ${name} must be a number known at synthesis`);
  }
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new Error(
      `${scope.node.path}: ${name} must be a whole number from ${min} to ${max} (got ${value})`,
    );
  }
  return value;
}
