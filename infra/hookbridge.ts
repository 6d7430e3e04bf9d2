import { Aws, RemovalPolicy, Token } from 'aws-cdk-lib';
import type * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as events from 'aws-cdk-lib/aws-events';
import type * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { MAX_PREFIX_LENGTH } from '../shared/provisioning/lane-names.js';
import { AccessStore } from './constructs/access-store.js';
import { BusShards } from './constructs/bus-shards.js';
import { Delivery } from './constructs/delivery.js';
import { EventBus } from './constructs/event-bus.js';
import { EventStore } from './constructs/event-store.js';
import { IdempotencyStore } from './constructs/idempotency-store.js';
import { IngestApi } from './constructs/ingest-api.js';
import {
  ManagementApi,
  RULE_ACTIONS,
  RULE_INSPECTION_ACTIONS,
} from './constructs/management-api.js';
import { Observability } from './constructs/observability.js';
import { SubscriptionStore } from './constructs/subscription-store.js';
import { TokenApi } from './constructs/token-api.js';
import { coldLanesOn, WakeQueue } from './constructs/wake-queue.js';
import { WebApp } from './constructs/web-app.js';
import type { HookbridgeProps } from './hookbridge-props.js';
import { acknowledgeNagFindings } from './nag-suppressions.js';

export type { HookbridgeProps } from './hookbridge-props.js';

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
  /** The bus shards (shard 0 is `eventBus`); with one shard it holds nothing more. */
  public readonly busShards: BusShards;
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
  /** The tenant tokens and API keys, as a construct. */
  public readonly accessStore: AccessStore;
  /** The stored events of the message API, as a construct. */
  public readonly eventStore: EventStore;
  /**
   * The second HTTP API, for tenant tokens and API keys, with its Lambda authorizer;
   * undefined when `tokenApi` is false.
   */
  public readonly tokenApi?: TokenApi;
  /** The dashboard, the alarms and their topic. */
  public readonly observability: Observability;
  /** The deployed portal and console; undefined when `webApp` is false. */
  public readonly webApp?: WebApp;
  /**
   * Base URL of the web app, ending in `/` (the stack's `WebAppUrl` output): the console at
   * it, a tenant's portal at `<webAppUrl>portal#token=…`; undefined when `webApp` is false.
   */
  public readonly webAppUrl?: string;
  /** The CloudFront distribution serving the web app; undefined when `webApp` is false. */
  public readonly webAppDistribution?: cloudfront.IDistribution;
  /** The private bucket holding the web app's files; undefined when `webApp` is false. */
  public readonly webAppBucket?: s3.IBucket;

  /**
   * Base URL of the API: `/v1/events` for producers, `/v1/subscriptions` for operators
   * (SigV4-signed requests, service `execute-api`). The stack's `ApiUrl` output.
   */
  public readonly apiUrl: string;
  /**
   * Base URL of the token API: the same routes as `apiUrl` but the API-key routes, for
   * `Authorization: Bearer <tenant token or API key>` (the stack's `TokenApiUrl` output);
   * undefined when `tokenApi` is false.
   */
  public readonly tokenApiUrl?: string;
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
  /**
   * Tenant tokens and API keys, as hashes, with its index `byTenant` (the stack's
   * `AccessTableName` output).
   */
  public readonly accessTable: dynamodb.ITable;
  /**
   * Ingested events, kept `eventRetention` long, with its indexes `byTenant` and `byTime` (the
   * stack's `EventStoreTableName` output).
   */
  public readonly eventStoreTable: dynamodb.ITable;
  /** The function behind `/v1/events` and `/v1/events/batch`. */
  public readonly ingestFunction: lambda.IFunction;
  /** The function that sends webhooks (the stack's `DeliveryFunctionName` output). */
  public readonly deliveryFunction: lambda.IFunction;
  /** The function behind `/v1/subscriptions…` (the stack's `ManagementFunctionName` output). */
  public readonly managementFunction: lambda.IFunction;
  /** Cold lanes' shared wake queue and its DLQ; none when `laneIdleTimeout` is 0. */
  public readonly wakeQueue?: WakeQueue;
  /** The scheduled function that repairs lanes (the stack's `ReconcilerFunctionName` output). */
  public readonly reconcilerFunction: lambda.IFunction;
  /**
   * The token API's Lambda authorizer (the stack's `AuthorizerFunctionName` output); undefined
   * when `tokenApi` is false.
   */
  public readonly authorizerFunction?: lambda.IFunction;
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
    this.busShards = new BusShards(this, 'BusShards', {
      first: this.eventBus,
      prefix: this.prefix,
      eventSource: this.eventSource,
      busShards: props.busShards,
      rulesPerShard: props.rulesPerShard,
      archiveRetention: props.archiveRetention,
    });
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
    if (coldLanesOn(this, props.laneIdleTimeout)) {
      this.wakeQueue = new WakeQueue(this, 'WakeQueue', {
        eventBus: this.eventBus.bus,
        prefix: this.prefix,
        reconcilerFunction: this.managementApi.reconcilerFunction,
        managementFunction: this.managementApi.function,
        deliveryFunction: this.delivery.function,
        laneIdleTimeout: props.laneIdleTimeout,
        shardBuses: this.busShards.count > 1,
      });
    }
    this.accessStore = new AccessStore(this, 'AccessStore', {
      removalPolicy: this.removalPolicy,
    });
    this.eventStore = new EventStore(this, 'EventStore', {
      retention: props.eventRetention,
      removalPolicy: this.removalPolicy,
    });
    this.eventStore.grantStore(this.ingestApi.function);
    this.subscriptionStore.grantCatalogRead(this.ingestApi.function);
    this.subscriptionStore.grantTenantShardRead(this.ingestApi.function);
    this.busShards.configureIngest(this.ingestApi.function);
    this.busShards.configureLanes(this.managementApi.function, RULE_ACTIONS);
    this.busShards.configureReplay(this.managementApi.function);
    this.busShards.configureLanes(this.managementApi.reconcilerFunction, [
      ...RULE_ACTIONS,
      ...RULE_INSPECTION_ACTIONS,
    ]);
    this.eventStore.grantRead(this.managementApi.function);
    this.accessStore.grantAdmin(this.managementApi.function);
    const withTokenApi = props.tokenApi ?? true;
    if (props.webApp === true && !withTokenApi) {
      throw new Error(`${this.node.path}: webApp needs the token API (tokenApi: true)`);
    }
    if (props.webApp ?? withTokenApi) {
      this.webApp = new WebApp(this, 'WebApp', {
        frameAncestors: props.portalFrameAncestors,
        removalPolicy: this.removalPolicy,
      });
    }
    const corsOrigins = [
      ...(this.webApp ? [this.webApp.origin] : []),
      ...checkedOrigins(this, props.webAppOrigins ?? []),
    ];
    if (withTokenApi) {
      this.tokenApi = new TokenApi(this, 'TokenApi', {
        corsOrigins,
        ingestFunction: this.ingestApi.function,
        managementFunction: this.managementApi.function,
        accessStore: this.accessStore,
        subscriptionsTable: this.subscriptionStore.subscriptionsTable,
        throttle: this.ingestApi.throttle,
        authorizerCacheTtl: props.authorizerCacheTtl,
        apiName: `${this.prefix}-token-api`,
        serviceName: this.prefix,
        logRetention,
        logRemovalPolicy: this.removalPolicy,
      });
    }
    if (this.webApp && this.tokenApi) {
      this.webApp.deployPages({
        url: this.tokenApi.apiUrl,
        origin: `https://${this.tokenApi.api.apiId}.execute-api.${Aws.REGION}.${Aws.URL_SUFFIX}`,
      });
    }
    this.observability = new Observability(this, 'Observability', {
      prefix: this.prefix,
      serviceName: this.delivery.serviceName,
      httpApi: this.ingestApi.api,
      ingestFunction: this.ingestApi.function,
      deliveryFunction: this.delivery.function,
      deliveryLogGroup: this.delivery.logGroup,
      eventBus: this.eventBus.bus,
      eventBuses: this.busShards.buses,
      alarmTopic: props.alarmTopic,
      alarmEmail: props.alarmEmail,
      messageAgeThreshold: props.messageAgeThreshold,
      perSubscriptionMetrics: props.perSubscriptionMetrics,
      tokenApi: this.tokenApi && {
        httpApi: this.tokenApi.api,
        authorizerFunction: this.tokenApi.authorizerFunction,
      },
      eventStoreEnabled: this.eventStore.enabled,
      wakeDeadLetterQueue: this.wakeQueue?.deadLetterQueue,
    });
    this.apiUrl = this.ingestApi.apiUrl;
    this.bus = this.eventBus.bus;
    this.eventBusName = this.eventBus.eventBusName;
    this.archive = this.eventBus.archive;
    this.subscriptionsTable = this.subscriptionStore.subscriptionsTable;
    this.deliveriesTable = this.subscriptionStore.deliveriesTable;
    this.idempotencyTable = this.idempotencyStore.table;
    this.accessTable = this.accessStore.table;
    this.eventStoreTable = this.eventStore.table;
    this.tokenApiUrl = this.tokenApi?.apiUrl;
    this.authorizerFunction = this.tokenApi?.authorizerFunction;
    this.ingestFunction = this.ingestApi.function;
    this.deliveryFunction = this.delivery.function;
    this.managementFunction = this.managementApi.function;
    this.reconcilerFunction = this.managementApi.reconcilerFunction;
    this.dashboardName = this.observability.dashboard.dashboardName;
    this.dashboardUrl = this.observability.dashboardUrl;
    this.alarmTopic = this.observability.alarmTopic;
    this.webAppUrl = this.webApp?.url;
    this.webAppDistribution = this.webApp?.distribution;
    this.webAppBucket = this.webApp?.bucket;
    // The reasons travel with the construct: an application that runs cdk-nag on its own
    // stacks sees only what it adds itself.
    acknowledgeNagFindings(this);
  }

  /** Allows a producer (a role, a user) to send events to the IAM API. */
  grantPublish(grantee: iam.IGrantable): iam.Grant {
    return this.ingestApi.grantPublish(grantee);
  }

  /**
   * Allows an operator (a role, a user) to call every management route of the IAM API:
   * subscriptions, tenants (with their tokens and events), API keys and `GET /v1/events…`.
   */
  grantManage(grantee: iam.IGrantable): iam.Grant {
    return this.managementApi.grantManage(grantee);
  }
}

// A CORS origin is scheme, host and port, nothing more: API Gateway compares it as text with
// the browser's `Origin`, so a path or a trailing '/' would match no browser at all.
const ORIGIN = /^https:\/\/[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*(?::\d{1,5})?$/;

function checkedOrigins(scope: Construct, origins: readonly string[]): string[] {
  const bad = origins.find((origin) => !Token.isUnresolved(origin) && !ORIGIN.test(origin));
  if (bad !== undefined) {
    throw new Error(
      `${scope.node.path}: webAppOrigins: "${bad}" is not an https origin (https://host[:port], no path)`,
    );
  }
  return [...origins];
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
