import { type Duration, RemovalPolicy, Token } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as events from 'aws-cdk-lib/aws-events';
import type * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { MAX_PREFIX_LENGTH } from '../shared/provisioning/lane-names.js';
import { Delivery } from './constructs/delivery.js';
import { EventBus } from './constructs/event-bus.js';
import { IdempotencyStore } from './constructs/idempotency-store.js';
import { IngestApi } from './constructs/ingest-api.js';
import { ManagementApi } from './constructs/management-api.js';
import { Observability } from './constructs/observability.js';
import { SubscriptionStore } from './constructs/subscription-store.js';
import { acknowledgeNagFindings } from './nag-suppressions.js';

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
  /**
   * How long one delivery attempt may take (connect, headers and body), 1 to 30 s.
   * @default Duration.seconds(15)
   */
  readonly deliveryAttemptTimeout?: Duration;
  /**
   * How long delivery attempts stay in the attempt log, 1 to 365 days.
   * @default Duration.days(30)
   */
  readonly deliveryLogTtl?: Duration;
  /**
   * A subscription failing without a single success this long is disabled when a message
   * exhausts its retries (whole hours, at most 90 days).
   * @default Duration.hours(120)
   */
  readonly autoDisableAfter?: Duration;
  /**
   * CIDRs subscriber URLs may resolve into despite the SSRF guard, e.g. a peered VPC.
   * @default [] - only public addresses
   */
  readonly allowedDestinationCidrs?: readonly string[];
  /**
   * Whether plain `http:` subscriber URLs are allowed.
   * @default false
   */
  readonly allowHttpDestinations?: boolean;
  /**
   * How often the reconciler repairs lanes and retries failed provisioning (whole minutes).
   * @default Duration.minutes(5)
   */
  readonly reconcileInterval?: Duration;
  /**
   * Whether delivery metrics are also published per subscription (a `SubscriptionId`
   * dimension), and shown by subscription on the dashboard. Each subscriber then costs one
   * custom metric per metric name.
   * @default false
   */
  readonly perSubscriptionMetrics?: boolean;
  /**
   * The topic the alarms notify (on ALARM and back to OK).
   * @default - a new encrypted topic if `alarmEmail` is given; otherwise alarms notify nobody
   */
  readonly alarmTopic?: sns.ITopic;
  /**
   * An address subscribed to the alarm topic; AWS asks it to confirm first.
   * @default - no subscription
   */
  readonly alarmEmail?: string;
  /**
   * A delivery reaching its subscriber later than this after it was queued raises the
   * message-age alarm.
   * @default Duration.hours(1)
   */
  readonly messageAgeThreshold?: Duration;
  /**
   * How long the functions' log groups and the API access log keep their lines.
   * @default logs.RetentionDays.ONE_MONTH
   */
  readonly logRetention?: logs.RetentionDays;
}

// Run-time names are `<prefix>-sub_<ULID>[-dlq]`; the functions accept exactly this prefix
// (letters, digits, '-'; the SQS and rule name limits leave room for 20 characters).
const PREFIX_PATTERN = new RegExp(`^[A-Za-z0-9][A-Za-z0-9-]{0,${MAX_PREFIX_LENGTH - 1}}$`);

/**
 * Self-hosted webhook delivery: everything one installation needs, to embed in any CDK app,
 * with its dashboard and alarms. Each architectural job is its own construct, exposed here,
 * so what an application adds on top (more alarms, extra grants) is wired from these fields.
 */
export class Hookbridge extends Construct {
  /** Prefix of the queues, DLQs and rules made at run time (`<prefix>-sub_<id>[-dlq]`). */
  public readonly prefix: string;
  /** EventBridge `Source` of ingested events; operational events use `<eventSource>.system`. */
  public readonly eventSource: string;
  /** What happens to the tables and log groups when they leave the stack. */
  public readonly removalPolicy: RemovalPolicy;
  /** The bus and its archive, as a construct. */
  public readonly eventBus: EventBus;
  /** The idempotency table of the ingest API, as a construct. */
  public readonly idempotencyStore: IdempotencyStore;
  /** The HTTP API (one stage, one throttle) and the ingest function. */
  public readonly ingestApi: IngestApi;
  /** The subscriptions table and the attempt log, as a construct. */
  public readonly subscriptionStore: SubscriptionStore;
  /** The function that signs and sends webhooks. */
  public readonly delivery: Delivery;
  /** The `/v1/subscriptions…` routes, their function and the reconciler. */
  public readonly managementApi: ManagementApi;
  /** The dashboard, the alarms and their topic. */
  public readonly observability: Observability;

  /**
   * Base URL of the API: `/v1/events` for producers, `/v1/subscriptions` for operators
   * (SigV4-signed requests, service `execute-api`). The stack's `ApiUrl` output.
   */
  public readonly apiUrl: string;
  /**
   * The bus every ingested event is published on, with the operational events; a rule of
   * yours on it sees every event (the stack's `EventBusName` output is its name).
   */
  public readonly bus: events.IEventBus;
  /** The bus's name (the stack's `EventBusName` output). */
  public readonly eventBusName: string;
  /** The bus's archive, which replays read from (`archiveRetention` long). */
  public readonly archive: events.Archive;
  /** Subscriptions, by id (the stack's `SubscriptionsTableName` output). */
  public readonly subscriptionsTable: dynamodb.ITable;
  /**
   * The delivery attempt log, with its index `byAttemptedAt` (the stack's
   * `DeliveriesTableName` output).
   */
  public readonly deliveriesTable: dynamodb.ITable;
  /** Idempotency keys of the ingest API, kept for a day. */
  public readonly idempotencyTable: dynamodb.ITable;
  /** The function behind `/v1/events` and `/v1/events/batch`. */
  public readonly ingestFunction: lambda.IFunction;
  /** The function that sends webhooks (the stack's `DeliveryFunctionName` output). */
  public readonly deliveryFunction: lambda.IFunction;
  /** The function behind `/v1/subscriptions…` (the stack's `ManagementFunctionName` output). */
  public readonly managementFunction: lambda.IFunction;
  /** The scheduled function that repairs lanes (the stack's `ReconcilerFunctionName` output). */
  public readonly reconcilerFunction: lambda.IFunction;
  /** The CloudWatch dashboard's name: `<prefix>-<region>`. */
  public readonly dashboardName: string;
  /** The CloudWatch console URL of the dashboard (the stack's `DashboardUrl` output). */
  public readonly dashboardUrl: string;
  /**
   * The topic the alarms notify (the stack's `AlarmTopicArn` output); undefined when alarms
   * notify nobody (neither `alarmTopic` nor `alarmEmail` given).
   */
  public readonly alarmTopic?: sns.ITopic;

  constructor(scope: Construct, id: string, props: HookbridgeProps = {}) {
    super(scope, id);
    this.prefix = props.prefix ?? 'hookbridge';
    this.eventSource = props.eventSource ?? 'hookbridge';
    this.removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;
    const logRetention = props.logRetention ?? logs.RetentionDays.ONE_MONTH;
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
      apiName: `${this.prefix}-api`,
      // Keeps the metrics of installations that share an account apart.
      serviceName: this.prefix,
      logRetention,
      logRemovalPolicy: this.removalPolicy,
    });
    this.subscriptionStore = new SubscriptionStore(this, 'SubscriptionStore', {
      removalPolicy: this.removalPolicy,
    });
    this.delivery = new Delivery(this, 'Delivery', {
      subscriptionsTable: this.subscriptionStore.subscriptionsTable,
      deliveriesTable: this.subscriptionStore.deliveriesTable,
      eventBus: this.eventBus.bus,
      prefix: this.prefix,
      eventSource: this.eventSource,
      attemptTimeout: props.deliveryAttemptTimeout,
      attemptLogTtl: props.deliveryLogTtl,
      autoDisableAfter: props.autoDisableAfter,
      allowedCidrs: props.allowedDestinationCidrs,
      allowHttp: props.allowHttpDestinations,
      metricsPerSubscription: props.perSubscriptionMetrics,
      serviceName: this.prefix,
      logRetention,
      logRemovalPolicy: this.removalPolicy,
    });
    // On the ingest API: producers and operators use one endpoint, one stage, one throttle.
    this.managementApi = new ManagementApi(this, 'ManagementApi', {
      httpApi: this.ingestApi.api,
      eventBus: this.eventBus.bus,
      archive: this.eventBus.archive,
      subscriptionsTable: this.subscriptionStore.subscriptionsTable,
      deliveriesTable: this.subscriptionStore.deliveriesTable,
      delivery: this.delivery,
      reconcileInterval: props.reconcileInterval,
      logRetention,
      logRemovalPolicy: this.removalPolicy,
    });
    this.observability = new Observability(this, 'Observability', {
      prefix: this.prefix,
      serviceName: this.delivery.serviceName,
      httpApi: this.ingestApi.api,
      ingestFunction: this.ingestApi.function,
      deliveryFunction: this.delivery.function,
      deliveryLogGroup: this.delivery.logGroup,
      eventBus: this.eventBus.bus,
      alarmTopic: props.alarmTopic,
      alarmEmail: props.alarmEmail,
      messageAgeThreshold: props.messageAgeThreshold,
      perSubscriptionMetrics: props.perSubscriptionMetrics,
    });
    this.apiUrl = this.ingestApi.apiUrl;
    this.bus = this.eventBus.bus;
    this.eventBusName = this.eventBus.eventBusName;
    this.archive = this.eventBus.archive;
    this.subscriptionsTable = this.subscriptionStore.subscriptionsTable;
    this.deliveriesTable = this.subscriptionStore.deliveriesTable;
    this.idempotencyTable = this.idempotencyStore.table;
    this.ingestFunction = this.ingestApi.function;
    this.deliveryFunction = this.delivery.function;
    this.managementFunction = this.managementApi.function;
    this.reconcilerFunction = this.managementApi.reconcilerFunction;
    this.dashboardName = this.observability.dashboard.dashboardName;
    this.dashboardUrl = this.observability.dashboardUrl;
    this.alarmTopic = this.observability.alarmTopic;
    // The reasons travel with the construct: an application that runs cdk-nag on its own
    // stacks sees only what it adds itself.
    acknowledgeNagFindings(this);
  }

  /** Allows a producer (a role, a user) to send events to the ingest API. */
  grantPublish(grantee: iam.IGrantable): iam.Grant {
    return this.ingestApi.grantPublish(grantee);
  }

  /** Allows an operator (a role, a user) to call every `/v1/subscriptions…` route. */
  grantManage(grantee: iam.IGrantable): iam.Grant {
    return this.managementApi.grantManage(grantee);
  }
}

function checkNames(hookbridge: Hookbridge): void {
  const { prefix, eventSource } = hookbridge;
  // Run-time resource names are built from the prefix, and the functions refuse at INIT a
  // prefix their configuration does not accept: refuse it here, before anything is deployed.
  if (!Token.isUnresolved(prefix) && !PREFIX_PATTERN.test(prefix)) {
    throw new Error(
      `${hookbridge.node.path}: prefix must be 1 to ${MAX_PREFIX_LENGTH} letters, digits or '-', starting with a letter or digit (got '${prefix}')`,
    );
  }
  // EventBridge refuses PutEvents entries whose Source starts with "aws.".
  if (!Token.isUnresolved(eventSource) && (!eventSource || eventSource.startsWith('aws.'))) {
    throw new Error(
      `${hookbridge.node.path}: eventSource must be non-empty and must not start with 'aws.' (got '${eventSource}')`,
    );
  }
}
