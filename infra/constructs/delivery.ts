import { ArnFormat, Duration, RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { AddressPolicy } from '../../shared/net/address-policy.js';
import { lanePrefix } from '../../shared/provisioning/lane-names.js';
import { LAMBDA_ENTRIES } from '../lambda-bundling.js';
import { bundledFunction } from './bundled-function.js';
import { grantOnTable } from './hookbridge-table.js';

export interface DeliveryProps {
  /** The subscriptions table (layout: `subscriptionsTable` in base-resources.ts). */
  readonly subscriptionsTable: dynamodb.ITable;
  /** The attempt log (layout: `deliveriesTable` in base-resources.ts). */
  readonly deliveriesTable: dynamodb.ITable;
  /** The bus operational events (`<source>.system`) are published on. */
  readonly eventBus: events.IEventBus;
  /**
   * Prefix of the run-time resource names: the function may use only the queues named
   * `<prefix>-sub_*`, which the management API creates.
   * @default 'hookbridge'
   */
  readonly prefix?: string;
  /**
   * EventBridge `Source` of ingested events; operational events use `<source>.system`.
   * @default 'hookbridge'
   */
  readonly eventSource?: string;
  /**
   * How long one delivery attempt may take (connect, headers and body), 1 to 30 s.
   * @default Duration.seconds(15)
   */
  readonly attemptTimeout?: Duration;
  /**
   * How long attempts stay in the delivery log (DynamoDB TTL), 1 to 365 days.
   * @default Duration.days(30)
   */
  readonly attemptLogTtl?: Duration;
  /**
   * A subscription whose deliveries have failed without a single success this long is
   * disabled when a message exhausts its retries (whole hours, at most 90 days).
   * @default Duration.hours(120)
   */
  readonly autoDisableAfter?: Duration;
  /**
   * CIDRs subscriber URLs may resolve into despite the SSRF guard (e.g. a VPC range).
   * @default [] - only public addresses
   */
  readonly allowedCidrs?: readonly string[];
  /**
   * Whether plain `http:` subscriber URLs are allowed.
   * @default false
   */
  readonly allowHttp?: boolean;
  /**
   * Whether delivery metrics are also published per subscription (a `SubscriptionId`
   * dimension). Each subscriber then costs a custom metric per metric name, which is why
   * this is off by default.
   * @default false
   */
  readonly metricsPerSubscription?: boolean;
  /**
   * The `service` of the function's logs and metrics.
   * @default - the prefix
   */
  readonly serviceName?: string;
  /**
   * How long the function's logs are kept.
   * @default logs.RetentionDays.ONE_MONTH
   */
  readonly logRetention?: logs.RetentionDays;
  /**
   * What happens to the log group when it leaves the stack.
   * @default RemovalPolicy.RETAIN
   */
  readonly logRemovalPolicy?: RemovalPolicy;
}

// Attempts of one batch run concurrently, so a batch takes about one attempt timeout (≤ 30 s)
// plus the DynamoDB and SQS calls around it: 60 s leaves room for a cold start on top.
const FUNCTION_TIMEOUT = Duration.seconds(60);

// Reads a subscription (cached), and moves its failure streak / disables it.
const SUBSCRIPTIONS_TABLE_ACTIONS = ['dynamodb:GetItem', 'dynamodb:UpdateItem'];
// Writes attempts, and queries an event's attempts to skip what was already delivered.
const DELIVERIES_TABLE_ACTIONS = ['dynamodb:PutItem', 'dynamodb:Query'];
// What Lambda needs of the execution role to poll a queue for an event source mapping, and
// what the function does itself: delay a record's next attempt, find a queue's URL.
const QUEUE_ACTIONS = [
  'sqs:ReceiveMessage',
  'sqs:DeleteMessage',
  'sqs:GetQueueAttributes',
  'sqs:ChangeMessageVisibility',
  'sqs:GetQueueUrl',
];

/**
 * The delivery function: fed by the event source mappings the management API creates at run
 * time (one per subscriber queue), it signs and POSTs each event to the subscriber, logs the
 * attempt, schedules the retry through the message's visibility, and dead-letters or disables
 * as DESIGN §3 says. Its settings that the management side must agree with (timeout, SSRF
 * allow-list, prefix, source, service name) are exposed here so the two are wired from one
 * place.
 */
export class Delivery extends Construct {
  public readonly function: lambda.Function;
  public readonly functionName: string;
  public readonly functionArn: string;
  /** The function's timeout; subscriber queues get 6× it as visibility timeout. */
  public readonly timeout: Duration;
  public readonly prefix: string;
  public readonly eventSource: string;
  public readonly allowedCidrs: readonly string[];
  public readonly allowHttp: boolean;
  /** The `service` of the logs and metrics of the functions wired from this one. */
  public readonly serviceName: string;
  /** Where the function logs every attempt's outcome. */
  public readonly logGroup: logs.ILogGroup;

  constructor(scope: Construct, id: string, props: DeliveryProps) {
    super(scope, id);
    this.prefix = props.prefix ?? 'hookbridge';
    this.eventSource = props.eventSource ?? 'hookbridge';
    this.allowedCidrs = [...(props.allowedCidrs ?? [])];
    this.allowHttp = props.allowHttp ?? false;
    this.serviceName = props.serviceName ?? this.prefix;
    this.timeout = FUNCTION_TIMEOUT;
    checkAllowedCidrs(this, this.allowedCidrs);
    const attemptTimeoutMs = checkedRange(
      this,
      'attemptTimeout',
      (props.attemptTimeout ?? Duration.seconds(15)).toMilliseconds(),
      { min: 1000, max: 30_000, unit: 'ms' },
    );
    const logTtlDays = checkedRange(
      this,
      'attemptLogTtl',
      (props.attemptLogTtl ?? Duration.days(30)).toDays({ integral: false }),
      { min: 1, max: 365, unit: 'days' },
    );
    const autoDisableHours = checkedRange(
      this,
      'autoDisableAfter',
      (props.autoDisableAfter ?? Duration.hours(120)).toHours({ integral: false }),
      { min: 1, max: 24 * 90, unit: 'hours' },
    );

    this.function = bundledFunction(this, 'Function', {
      entry: LAMBDA_ENTRIES.delivery,
      description: 'Hookbridge delivery: signs and sends queued events to their subscriber',
      // The work is waiting on subscribers, and billed duration is memory × that wait, so
      // memory buys little but cost. 256 MB (vs 128) keeps enough CPU share for TLS
      // handshakes, signing and the cold start of a bundle with the SDK inside.
      memorySize: 256,
      timeout: FUNCTION_TIMEOUT,
      serviceName: this.serviceName,
      logRetention: props.logRetention ?? logs.RetentionDays.ONE_MONTH,
      logRemovalPolicy: props.logRemovalPolicy ?? RemovalPolicy.RETAIN,
    });
    // No reserved concurrency: each mapping's MaximumConcurrency caps its subscriber, and
    // reserving would take capacity from the account's unreserved pool.
    this.functionName = this.function.functionName;
    this.functionArn = this.function.functionArn;
    this.logGroup = this.function.logGroup;

    // Each setting is given together with the permission it needs.
    const fn = this.function;
    fn.addEnvironment('HOOKBRIDGE_SUBSCRIPTIONS_TABLE', props.subscriptionsTable.tableName);
    grantOnTable(fn, props.subscriptionsTable, SUBSCRIPTIONS_TABLE_ACTIONS);
    fn.addEnvironment('HOOKBRIDGE_DELIVERIES_TABLE', props.deliveriesTable.tableName);
    // The tables alone, not their indexes, which the delivery path never reads.
    grantOnTable(fn, props.deliveriesTable, DELIVERIES_TABLE_ACTIONS);
    fn.addEnvironment('HOOKBRIDGE_EVENT_BUS_NAME', props.eventBus.eventBusName);
    props.eventBus.grantPutEventsTo(fn);
    fn.addEnvironment('HOOKBRIDGE_RESOURCE_PREFIX', this.prefix);
    const queues = laneQueueArn(this, this.prefix);
    fn.addToRolePolicy(new iam.PolicyStatement({ actions: QUEUE_ACTIONS, resources: [queues] }));
    // Exhausted or refused records are sent to the lane's DLQ, and to no other queue.
    fn.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['sqs:SendMessage'],
        resources: [laneQueueArn(this, this.prefix, '-dlq')],
      }),
    );
    fn.addEnvironment('HOOKBRIDGE_EVENT_SOURCE', this.eventSource);
    fn.addEnvironment('HOOKBRIDGE_ATTEMPT_TIMEOUT_MS', String(attemptTimeoutMs));
    fn.addEnvironment('HOOKBRIDGE_DELIVERY_LOG_TTL_DAYS', String(logTtlDays));
    fn.addEnvironment('HOOKBRIDGE_AUTO_DISABLE_AFTER_HOURS', String(autoDisableHours));
    fn.addEnvironment('HOOKBRIDGE_ALLOW_CIDRS', this.allowedCidrs.join(','));
    fn.addEnvironment('HOOKBRIDGE_ALLOW_HTTP', String(this.allowHttp));
    if (props.metricsPerSubscription) {
      fn.addEnvironment('HOOKBRIDGE_METRICS_PER_SUBSCRIPTION', 'true');
    }

    // On 410 Gone (or days of failures) the function disables the mapping of that queue: it
    // finds it by listing, updates it, or makes it again, disabled, when it has vanished
    // (EventSourceMappings.ensure). These statements name the function's own ARN, so they live
    // in a policy of their own: in the role's default policy (which the function waits for)
    // they would make a dependency cycle.
    new iam.Policy(this, 'OwnMappingsPolicy', {
      roles: fn.role ? [fn.role] : [],
      statements: this.mappingStatements(['lambda:UpdateEventSourceMapping'], true),
    });
  }

  /**
   * Allows `grantee` to list, create, update and delete the event source mappings that feed
   * this function (the management API and the reconciler do, per subscriber queue; a mapping
   * is found by listing, so GetEventSourceMapping is not needed).
   */
  grantMappingControl(grantee: iam.IGrantable): void {
    for (const statement of this.mappingStatements(
      ['lambda:UpdateEventSourceMapping', 'lambda:DeleteEventSourceMapping'],
      true,
    )) {
      grantee.grantPrincipal.addToPrincipalPolicy(statement);
    }
  }

  private mappingStatements(actions: string[], create = false): iam.PolicyStatement[] {
    // Mappings are named by UUID, so the resource cannot say whose they are: the
    // lambda:FunctionArn condition does (qualified forms included, in case Lambda reports one).
    const ownFunction = {
      ArnLike: { 'lambda:FunctionArn': [this.functionArn, `${this.functionArn}:*`] },
    };
    const mappings = Stack.of(this).formatArn({
      service: 'lambda',
      resource: 'event-source-mapping',
      resourceName: '*',
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });
    return [
      new iam.PolicyStatement({ actions, resources: [mappings], conditions: ownFunction }),
      // CreateEventSourceMapping has no resource type (IAM needs `*`), but it does take the
      // lambda:FunctionArn condition: mappings can be made to this function only.
      ...(create
        ? [
            new iam.PolicyStatement({
              actions: ['lambda:CreateEventSourceMapping'],
              resources: ['*'],
              conditions: ownFunction,
            }),
          ]
        : []),
      // ListEventSourceMappings supports neither a resource nor a condition: `*` is the only
      // form IAM accepts. It reveals mapping configurations, not data.
      new iam.PolicyStatement({ actions: ['lambda:ListEventSourceMappings'], resources: ['*'] }),
    ];
  }
}

/**
 * The ARN pattern of the lane queues of an installation (`<prefix>-sub_*`, DLQs included),
 * or of those whose name ends in `suffix`.
 */
export function laneQueueArn(scope: Construct, prefix: string, suffix = ''): string {
  return Stack.of(scope).formatArn({
    service: 'sqs',
    resource: `${lanePrefix(prefix)}*${suffix}`,
    arnFormat: ArnFormat.NO_RESOURCE_NAME,
  });
}

function checkAllowedCidrs(scope: Construct, cidrs: readonly string[]): void {
  const literal = cidrs.filter((cidr) => !Token.isUnresolved(cidr));
  try {
    // The parser the functions use, so a CIDR they would refuse at INIT fails synthesis.
    new AddressPolicy({ allowCidrs: literal });
  } catch (error) {
    throw new Error(`${scope.node.path}: allowedCidrs: ${(error as Error).message}`);
  }
}

function checkedRange(
  scope: Construct,
  name: string,
  value: number,
  range: { readonly min: number; readonly max: number; readonly unit: string },
): number {
  if (Token.isUnresolved(value)) return value;
  if (!Number.isInteger(value) || value < range.min || value > range.max) {
    throw new Error(
      `${scope.node.path}: ${name} must be a whole number of ${range.unit} from ${range.min} to ${range.max} (got ${value})`,
    );
  }
  return value;
}
