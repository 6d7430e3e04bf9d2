import { type Duration, RemovalPolicy, Token } from 'aws-cdk-lib';
import type * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { EventBus } from './constructs/event-bus.js';
import { IdempotencyStore } from './constructs/idempotency-store.js';
import { IngestApi } from './constructs/ingest-api.js';

export interface HookbridgeProps {
  /**
   * Names the API and the resources Hookbridge creates at run time for each subscription
   * (queues, rules). Two installations in one account and region need different prefixes.
   * @default 'hookbridge'
   */
  readonly prefix?: string;
  /**
   * EventBridge `Source` of ingested events; subscription rules match on it.
   * @default 'hookbridge'
   */
  readonly eventSource?: string;
  /**
   * How long the bus archive keeps events, i.e. how far back a replay can reach.
   * @default Duration.days(30)
   */
  readonly archiveRetention?: Duration;
  /**
   * Steady-state requests per second the ingest API accepts before answering 429.
   * @default 1000
   */
  readonly throttlingRateLimit?: number;
  /**
   * Requests the ingest API accepts in a burst above the steady rate.
   * @default 500
   */
  readonly throttlingBurstLimit?: number;
  /**
   * The largest event accepted, in bytes (the whole EventBridge entry); at most 1 MB, and
   * above 256 KB only where the account's PutEvents quota allows it.
   * @default 262144
   */
  readonly maxEventBytes?: number;
  /**
   * What happens to the tables and log groups when they leave the stack. `DESTROY` suits
   * throw-away installations; the bus and its archive are always deleted with the stack.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

const PREFIX_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_-]{0,31}$/;

/**
 * Self-hosted webhook delivery: everything one installation needs, to embed in any CDK app.
 * Each architectural job is its own construct, exposed here, so the parts that build on
 * them (subscriptions, delivery, management API, dashboard) are wired from these fields.
 */
export class Hookbridge extends Construct {
  public readonly prefix: string;
  public readonly eventSource: string;
  public readonly removalPolicy: RemovalPolicy;
  public readonly eventBus: EventBus;
  public readonly idempotencyStore: IdempotencyStore;
  public readonly ingestApi: IngestApi;

  constructor(scope: Construct, id: string, props: HookbridgeProps = {}) {
    super(scope, id);
    this.prefix = props.prefix ?? 'hookbridge';
    this.eventSource = props.eventSource ?? 'hookbridge';
    this.removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;
    checkNames(this);

    this.eventBus = new EventBus(this, 'EventBus', { archiveRetention: props.archiveRetention });
    this.idempotencyStore = new IdempotencyStore(this, 'IdempotencyStore', {
      removalPolicy: this.removalPolicy,
    });
    this.ingestApi = new IngestApi(this, 'IngestApi', {
      eventBus: this.eventBus.bus,
      idempotencyTable: this.idempotencyStore.table,
      eventSource: this.eventSource,
      maxEventBytes: props.maxEventBytes,
      throttlingRateLimit: props.throttlingRateLimit,
      throttlingBurstLimit: props.throttlingBurstLimit,
      apiName: `${this.prefix}-ingest`,
      logRemovalPolicy: this.removalPolicy,
    });
  }

  /** Allows a producer (a role, a user) to send events to the ingest API. */
  grantPublish(grantee: iam.IGrantable): iam.Grant {
    return this.ingestApi.grantPublish(grantee);
  }
}

function checkNames(hookbridge: Hookbridge): void {
  const { prefix, eventSource } = hookbridge;
  // Run-time resource names are built from the prefix: SQS and EventBridge allow only these
  // characters, and the longest suffix still has to fit in a rule name's 64.
  if (!Token.isUnresolved(prefix) && !PREFIX_PATTERN.test(prefix)) {
    throw new Error(
      `${hookbridge.node.path}: prefix must be 1 to 32 letters, digits, '-' or '_', starting with a letter or digit (got '${prefix}')`,
    );
  }
  // EventBridge refuses PutEvents entries whose Source starts with "aws.".
  if (!Token.isUnresolved(eventSource) && (!eventSource || eventSource.startsWith('aws.'))) {
    throw new Error(
      `${hookbridge.node.path}: eventSource must be non-empty and must not start with 'aws.' (got '${eventSource}')`,
    );
  }
}
