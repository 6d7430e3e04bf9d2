import { ArnFormat, Duration, RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpIamAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import {
  EVENT_TYPES_BY_NAME_INDEX,
  SUBSCRIPTIONS_BY_TENANT_INDEX,
} from '../../shared/aws/table-indexes.js';
import { ATTEMPTS_BY_TIME_INDEX } from '../../shared/delivery/attempt-keys.js';
import { MANAGEMENT_ROUTES as SHARED_MANAGEMENT_ROUTES } from '../../shared/http/routes.js';
import { lanePrefix } from '../../shared/provisioning/lane-names.js';
import { LAMBDA_ENTRIES } from '../lambda-bundling.js';
import { bundledFunction } from './bundled-function.js';
import { type Delivery, laneQueueArn } from './delivery.js';
import { grantIndexQuery, grantOnTable } from './hookbridge-table.js';

export interface ManagementApiProps {
  /** The HTTP API the routes are added to (the ingest API: one endpoint, one stage). */
  readonly httpApi: apigw.HttpApi;
  /** The bus subscription rules are made on. */
  readonly eventBus: events.IEventBus;
  /**
   * The bus archive replays read from.
   * @default - no replay: the replay route answers 409 replay_unavailable
   */
  readonly archive?: events.Archive;
  /** The subscriptions table (layout: `subscriptionsTable` in base-resources.ts). */
  readonly subscriptionsTable: dynamodb.ITable;
  /** The attempt log, read by the deliveries route. */
  readonly deliveriesTable: dynamodb.ITable;
  /**
   * The delivery function the subscriber queues are mapped to. The settings both sides must
   * agree on (prefix, event source, timeout, SSRF allow-list) are read from it.
   */
  readonly delivery: Delivery;
  /**
   * How often the reconciler runs (whole minutes).
   * @default Duration.minutes(5)
   */
  readonly reconcileInterval?: Duration;
  /**
   * How long the functions' logs are kept.
   * @default logs.RetentionDays.ONE_MONTH
   */
  readonly logRetention?: logs.RetentionDays;
  /**
   * What happens to the log groups when they leave the stack.
   * @default RemovalPolicy.RETAIN
   */
  readonly logRemovalPolicy?: RemovalPolicy;
}

/**
 * The routes operators call, from the one list the handler and the local gateway use
 * (shared/http/routes.ts); each one is IAM-authorized (SigV4).
 */
export const MANAGEMENT_ROUTES = SHARED_MANAGEMENT_ROUTES.map((routeKey) => {
  const [method, path] = routeKey.split(' ') as [keyof typeof apigw.HttpMethod, string];
  return { method: apigw.HttpMethod[method], path };
});

// The subscription store's calls by the API: get (consistent), scan (list), put (create),
// update (every versioned save writes only the changed attributes) and conditional delete.
const SUBSCRIPTIONS_TABLE_ACTIONS = [
  'dynamodb:GetItem',
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
  'dynamodb:DeleteItem',
  'dynamodb:Scan',
];
// The reconciler's: the same but put, as subscriptions are created only through the API.
const RECONCILER_SUBSCRIPTIONS_TABLE_ACTIONS = SUBSCRIPTIONS_TABLE_ACTIONS.filter(
  (action) => action !== 'dynamodb:PutItem',
);
// Making, reading and removing lane queues (CreateQueue with tags needs TagQueue).
const QUEUE_PROVISIONING_ACTIONS = [
  'sqs:CreateQueue',
  'sqs:DeleteQueue',
  'sqs:GetQueueUrl',
  'sqs:GetQueueAttributes',
  'sqs:SetQueueAttributes',
  'sqs:TagQueue',
];
// Redrive takes messages from a lane's DLQ (receive, then delete what reached the queue), and
// from no other queue: a subscriber queue's messages are the delivery function's.
const DEAD_LETTER_ACTIONS = ['sqs:ReceiveMessage', 'sqs:DeleteMessage'];
// Making and removing a lane's rule and its target.
export const RULE_ACTIONS = [
  'events:PutRule',
  'events:DeleteRule',
  'events:PutTargets',
  'events:RemoveTargets',
];
// What only the reconciler does to rules: read them back to find drift.
export const RULE_INSPECTION_ACTIONS = ['events:DescribeRule', 'events:ListTargetsByRule'];

/**
 * The management side: the `/v1/subscriptions…` routes on the HTTP API, served by a function
 * that stores subscriptions and provisions each one's lane (queues, rule, target, mapping);
 * and the reconciler, run on a schedule, that repairs drift, retries failed provisioning and
 * removes what belongs to no subscription. Both may touch only the lane resources of this
 * installation (`<prefix>-sub_*`) and the mappings of its delivery function.
 */
export class ManagementApi extends Construct {
  public readonly function: lambda.Function;
  public readonly reconcilerFunction: lambda.Function;
  public readonly reconcileSchedule: events.Rule;
  public readonly routes: apigw.HttpRoute[];
  private readonly httpApi: apigw.HttpApi;

  constructor(scope: Construct, id: string, props: ManagementApiProps) {
    super(scope, id);
    const interval = props.reconcileInterval ?? Duration.minutes(5);
    checkInterval(this, interval);
    const logRetention = props.logRetention ?? logs.RetentionDays.ONE_MONTH;
    const logRemovalPolicy = props.logRemovalPolicy ?? RemovalPolicy.RETAIN;
    this.httpApi = props.httpApi;

    this.function = bundledFunction(this, 'Function', {
      entry: LAMBDA_ENTRIES.management,
      description: 'Hookbridge management API: subscriptions and their delivery lanes',
      // Operators wait on it: like ingest, 512 MB gives the CPU share that keeps the cold
      // start of a bundle with four SDK clients short; the rest is waiting on AWS calls.
      memorySize: 512,
      // API Gateway gives up after 30 s; ending first means the function, not the gateway,
      // answers (redrive's own budget is 20 s, a lane's provisioning a few seconds).
      timeout: Duration.seconds(29),
      serviceName: props.delivery.serviceName,
      logRetention,
      logRemovalPolicy,
    });
    this.configure(this.function, props);
    grantOnTable(this.function, props.subscriptionsTable, SUBSCRIPTIONS_TABLE_ACTIONS);
    // A tenant's subscriptions are listed from its own partition of the index; the event type
    // catalog from its sparse index.
    grantIndexQuery(this.function, props.subscriptionsTable, [
      SUBSCRIPTIONS_BY_TENANT_INDEX,
      EVENT_TYPES_BY_NAME_INDEX,
    ]);
    this.grantLaneOperations(this.function, props);

    this.reconcilerFunction = bundledFunction(this, 'Reconciler', {
      entry: LAMBDA_ENTRIES.reconciler,
      description: 'Hookbridge reconciler: repairs subscription lanes on a schedule',
      // Nobody waits on it and it mostly waits on AWS calls: the smallest size that loads
      // the bundle comfortably.
      memorySize: 256,
      // A pass inspects every lane with a handful of calls each: a few hundred subscribers
      // (the bus's default rule quota) take about a minute. Passes are idempotent, so one
      // that overlaps the next run does no harm.
      timeout: Duration.minutes(4),
      serviceName: props.delivery.serviceName,
      logRetention,
      logRemovalPolicy,
    });
    // A failed pass is not retried: the next scheduled one does the same work.
    this.reconcilerFunction.configureAsyncInvoke({ retryAttempts: 0 });
    this.configure(this.reconcilerFunction, props);
    grantOnTable(
      this.reconcilerFunction,
      props.subscriptionsTable,
      RECONCILER_SUBSCRIPTIONS_TABLE_ACTIONS,
    );
    // Finishing a tenant's deletion: its remaining subscriptions, from the index.
    grantIndexQuery(this.reconcilerFunction, props.subscriptionsTable, [
      SUBSCRIPTIONS_BY_TENANT_INDEX,
    ]);
    this.grantReconciliation(this.reconcilerFunction, props);

    this.reconcileSchedule = new events.Rule(this, 'ReconcileSchedule', {
      description: 'Runs the Hookbridge reconciler',
      schedule: events.Schedule.rate(interval),
      targets: [new targets.LambdaFunction(this.reconcilerFunction)],
    });

    // One invoke permission for the whole API rather than one per route (CDK's default): each
    // statement is ~450 B of the function's 20 KB resource policy, and 40-odd routes would fill
    // most of it. Only the routes below integrate with this function, so the API-wide source
    // ARN reaches nothing more.
    const integration = new HttpLambdaIntegration('Management', this.function, {
      payloadFormatVersion: apigw.PayloadFormatVersion.VERSION_2_0,
      scopePermissionToRoute: false,
    });
    // Set on every route rather than relying on the API's default authorizer, so the routes
    // stay IAM-authorized on any API they are added to.
    const authorizer = new HttpIamAuthorizer();
    this.routes = MANAGEMENT_ROUTES.flatMap(({ method, path }) =>
      props.httpApi.addRoutes({ path, methods: [method], integration, authorizer }),
    );
  }

  /**
   * Allows `grantee` (an operator's role or user) to call every management route: the
   * subscriptions, the tenants with their own routes (subscriptions, tokens, events), the API
   * keys, console sessions (`hookbridge console`), the event type catalog and the message API. The message API is GET only:
   * `POST /v1/events` is publishing, which `grantPublish` gives.
   */
  grantManage(grantee: iam.IGrantable): iam.Grant {
    return iam.Grant.addToPrincipal({
      grantee,
      actions: ['execute-api:Invoke'],
      resourceArns: [
        ...[
          '/v1/subscriptions',
          '/v1/tenants',
          '/v1/api-keys',
          '/v1/console-sessions',
          '/v1/event-types',
        ].flatMap((path) => [
          this.httpApi.arnForExecuteApi('*', path),
          this.httpApi.arnForExecuteApi('*', `${path}/*`),
        ]),
        this.httpApi.arnForExecuteApi('GET', '/v1/events'),
        this.httpApi.arnForExecuteApi('GET', '/v1/events/*'),
      ],
    });
  }

  /**
   * The configuration and permissions the management function and the reconciler share:
   * the store (whose actions each is granted on its own), and the provisioning and removal of
   * lanes. Each setting is given together with the permission it needs.
   */
  private configure(fn: lambda.Function, props: ManagementApiProps): void {
    const { delivery } = props;
    fn.addEnvironment('HOOKBRIDGE_SUBSCRIPTIONS_TABLE', props.subscriptionsTable.tableName);
    // Required by the shared configuration; only the management function reads the log.
    fn.addEnvironment('HOOKBRIDGE_DELIVERIES_TABLE', props.deliveriesTable.tableName);
    fn.addEnvironment('HOOKBRIDGE_EVENT_SOURCE', delivery.eventSource);
    fn.addEnvironment('HOOKBRIDGE_RESOURCE_PREFIX', delivery.prefix);
    fn.addToRolePolicy(
      new iam.PolicyStatement({
        actions: QUEUE_PROVISIONING_ACTIONS,
        resources: [laneQueueArn(this, delivery.prefix)],
      }),
    );
    fn.addEnvironment('HOOKBRIDGE_EVENT_BUS_NAME', props.eventBus.eventBusName);
    fn.addToRolePolicy(
      new iam.PolicyStatement({ actions: RULE_ACTIONS, resources: [this.laneRuleArn(props)] }),
    );

    // The mapping's function and the queues' visibility timeout (6× the function timeout)
    // come from the delivery construct, so neither can drift from the function itself.
    fn.addEnvironment('HOOKBRIDGE_DELIVERY_FUNCTION_NAME', delivery.functionName);
    delivery.grantMappingControl(fn);
    fn.addEnvironment('HOOKBRIDGE_DELIVERY_TIMEOUT_SECONDS', String(delivery.timeout.toSeconds()));
    // The SSRF guard runs at subscription time here and at connect time in delivery: one
    // allow-list for both.
    fn.addEnvironment('HOOKBRIDGE_ALLOW_CIDRS', delivery.allowedCidrs.join(','));
    fn.addEnvironment('HOOKBRIDGE_ALLOW_HTTP', String(delivery.allowHttp));
  }

  /**
   * What only the reconciler does: read a lane's rule back (drift), and list the queues and
   * rules with the lane prefix (orphan clean-up).
   */
  private grantReconciliation(fn: lambda.Function, props: ManagementApiProps): void {
    fn.addToRolePolicy(
      new iam.PolicyStatement({
        actions: RULE_INSPECTION_ACTIONS,
        resources: [this.laneRuleArn(props)],
      }),
    );
    // ListQueues and ListRules have no resource type in IAM: `*` is the only form they
    // accept. The calls themselves ask only for names with the lane prefix, on this bus.
    fn.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['sqs:ListQueues', 'events:ListRules'],
        resources: ['*'],
      }),
    );
  }

  /** The ARN pattern of the lane rules (`<prefix>-sub_*`) on the Hookbridge bus. */
  private laneRuleArn(props: ManagementApiProps): string {
    return Stack.of(this).formatArn({
      service: 'events',
      resource: 'rule',
      resourceName: `${props.eventBus.eventBusName}/${lanePrefix(props.delivery.prefix)}*`,
      arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
    });
  }

  /**
   * What only the API does: read the attempt log, send test events, redrive, replay, and
   * publish the operational events `subscription.created|updated|deleted`.
   */
  private grantLaneOperations(fn: lambda.Function, props: ManagementApiProps): void {
    // The event's attempts are read from the table, the listing by time from its index.
    const deliveries = props.deliveriesTable.tableArn;
    fn.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['dynamodb:Query'],
        resources: [deliveries, `${deliveries}/index/${ATTEMPTS_BY_TIME_INDEX}`],
      }),
    );
    // The bus is the one named in HOOKBRIDGE_EVENT_BUS_NAME (set in `configure`); the
    // reconciler publishes nothing, so it does not get this.
    props.eventBus.grantPutEventsTo(fn);
    fn.addToRolePolicy(
      new iam.PolicyStatement({
        actions: DEAD_LETTER_ACTIONS,
        resources: [laneQueueArn(this, props.delivery.prefix, '-dlq')],
      }),
    );
    // The test event and the redriven messages go to a lane queue. (IAM cannot say "but not a
    // DLQ": the pattern covers both.)
    fn.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['sqs:SendMessage'],
        resources: [laneQueueArn(this, props.delivery.prefix)],
      }),
    );
    if (!props.archive) return;
    fn.addEnvironment('HOOKBRIDGE_ARCHIVE_ARN', props.archive.archiveArn);
    // Replay reads the bus's ARN, then starts a replay onto that bus filtered to the
    // subscription's rule. StartReplay is authorized on the archive, the destination bus and
    // the replay (named `<subscription id>-<time>`); EventBridge itself puts the replayed
    // events (the PutEvents above is for operational events only).
    fn.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['events:DescribeEventBus'],
        resources: [props.eventBus.eventBusArn],
      }),
    );
    fn.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['events:StartReplay'],
        resources: [
          props.archive.archiveArn,
          props.eventBus.eventBusArn,
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

function checkInterval(scope: Construct, interval: Duration): void {
  const minutes = interval.toMinutes({ integral: false });
  if (Token.isUnresolved(minutes)) return;
  if (!Number.isInteger(minutes) || minutes < 1) {
    throw new Error(
      `${scope.node.path}: reconcileInterval must be a whole number of minutes, at least 1 (got ${interval.toHumanString()})`,
    );
  }
}
