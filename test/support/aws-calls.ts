import type { LambdaName } from '../../infra/lambda-bundling.js';
import {
  ACCESS_BY_TENANT_INDEX,
  EVENT_TYPES_BY_NAME_INDEX,
  EVENTS_BY_TENANT_INDEX,
  EVENTS_BY_TIME_INDEX,
  SUBSCRIPTIONS_BY_TENANT_INDEX,
} from '../../shared/aws/table-indexes.js';
import { ATTEMPTS_BY_TIME_INDEX } from '../../shared/delivery/attempt-keys.js';
import { laneNames } from '../../shared/provisioning/lane-names.js';
import { arn } from './template-resolver.js';

/**
 * Every AWS call each function makes, with the resource it makes it on: the list the IAM
 * simulation (test/infra/iam-simulation.test.ts) checks the synthesized roles against. The
 * same test scans each function's bundle for `new XxxCommand(`, so a call added to the code
 * without a line here fails, and so does a line here whose call is gone. Commands a bundle
 * contains but the function never reaches are listed in NOT_CALLED, with the reason.
 */

/** What a call's resources are named after: the function's environment, as the code reads it. */
export interface CallScope {
  /** The function's environment variables, resolved. */
  readonly env: Readonly<Record<string, string>>;
  /** The function's own ARN and log group name. */
  readonly functionArn: string;
  readonly logGroupName: string;
}

export interface AwsCall {
  /** The SDK command, without `Command` (lib-dynamodb's `Put`, client-sqs's `SendMessage`). */
  readonly command: string;
  /** The repository file that sends it, or `lambda` for what Lambda itself does with the role. */
  readonly sentBy: string;
  /** The resource ARNs IAM authorizes the call on (StartReplay: on each of several). */
  readonly on: (scope: CallScope) => string[];
  /** Request context the conditions read (lambda:FunctionArn, dynamodb:LeadingKeys). */
  readonly context?: (scope: CallScope) => Record<string, string | string[]>;
}

/** A command a bundle contains that the function never sends, and why. */
export interface NotCalled {
  readonly command: string;
  /** The file that sends it. */
  readonly file: string;
  /**
   * How the code calls the method that sends it: no other first-party file of the bundle may
   * match. The same pattern must match in a function that does send the command, so it is
   * known to catch a call.
   */
  readonly calledAs: RegExp;
  readonly why: string;
}

/** The IAM actions each SDK command needs. */
export const COMMAND_ACTIONS: Readonly<Record<string, readonly string[]>> = {
  // DynamoDB: lib-dynamodb's document commands wrap the item commands of the same operation.
  Get: ['dynamodb:GetItem'],
  Put: ['dynamodb:PutItem'],
  Update: ['dynamodb:UpdateItem'],
  Delete: ['dynamodb:DeleteItem'],
  Scan: ['dynamodb:Scan'],
  Query: ['dynamodb:Query'],
  GetItem: ['dynamodb:GetItem'],
  PutItem: ['dynamodb:PutItem'],
  UpdateItem: ['dynamodb:UpdateItem'],
  DeleteItem: ['dynamodb:DeleteItem'],
  BatchWriteItem: ['dynamodb:BatchWriteItem'],
  // SQS: a batch is authorized as its single form; CreateQueue with tags also needs TagQueue.
  CreateQueue: ['sqs:CreateQueue', 'sqs:TagQueue'],
  DeleteQueue: ['sqs:DeleteQueue'],
  GetQueueUrl: ['sqs:GetQueueUrl'],
  GetQueueAttributes: ['sqs:GetQueueAttributes'],
  SetQueueAttributes: ['sqs:SetQueueAttributes'],
  ListQueues: ['sqs:ListQueues'],
  SendMessage: ['sqs:SendMessage'],
  SendMessageBatch: ['sqs:SendMessage'],
  ReceiveMessage: ['sqs:ReceiveMessage'],
  DeleteMessage: ['sqs:DeleteMessage'],
  DeleteMessageBatch: ['sqs:DeleteMessage'],
  ChangeMessageVisibility: ['sqs:ChangeMessageVisibility'],
  // EventBridge.
  PutEvents: ['events:PutEvents'],
  PutRule: ['events:PutRule'],
  DeleteRule: ['events:DeleteRule'],
  DescribeRule: ['events:DescribeRule'],
  PutTargets: ['events:PutTargets'],
  RemoveTargets: ['events:RemoveTargets'],
  ListTargetsByRule: ['events:ListTargetsByRule'],
  ListRules: ['events:ListRules'],
  DescribeEventBus: ['events:DescribeEventBus'],
  StartReplay: ['events:StartReplay'],
  // Lambda event source mappings.
  CreateEventSourceMapping: ['lambda:CreateEventSourceMapping'],
  UpdateEventSourceMapping: ['lambda:UpdateEventSourceMapping'],
  DeleteEventSourceMapping: ['lambda:DeleteEventSourceMapping'],
  ListEventSourceMappings: ['lambda:ListEventSourceMappings'],
  // What Lambda does with the execution role: the function's logs, and polling its queues.
  'logs:CreateLogStream': ['logs:CreateLogStream'],
  'logs:PutLogEvents': ['logs:PutLogEvents'],
  'sqs:ReceiveMessage': ['sqs:ReceiveMessage'],
  'sqs:DeleteMessage': ['sqs:DeleteMessage'],
  'sqs:GetQueueAttributes': ['sqs:GetQueueAttributes'],
};

/** A subscription id as the code makes them (`sub_` + ULID): its lane names the resources. */
export const SUBSCRIPTION_ID = 'sub_01JD6ZQ8Y3V0R5N7C2K4M9T1XH';
/** A mapping's UUID, as Lambda makes them. */
export const MAPPING_UUID = '9f1c2b7e-4d3a-4e8f-b6a1-2c5d7e9f0a1b';
/** The time and random suffix in a replay's name (`<subscription id>-<epoch ms>-<6 hex>`). */
export const REPLAY_TIME = '1764720000000-0a1b2c';

const lane = ({ env }: CallScope) =>
  laneNames(need(env, 'HOOKBRIDGE_RESOURCE_PREFIX'), SUBSCRIPTION_ID);
const table = (variable: string) => (scope: CallScope) => [
  arn('dynamodb', `table/${need(scope.env, variable)}`),
];
const bus = (scope: CallScope) =>
  arn('events', `event-bus/${need(scope.env, 'HOOKBRIDGE_EVENT_BUS_NAME')}`);
const queue = (scope: CallScope) => [arn('sqs', lane(scope).queueName)];
const deadLetterQueue = (scope: CallScope) => [arn('sqs', lane(scope).deadLetterQueueName)];
const bothQueues = (scope: CallScope) => [...queue(scope), ...deadLetterQueue(scope)];
const rule = (scope: CallScope) => [
  arn('events', `rule/${need(scope.env, 'HOOKBRIDGE_EVENT_BUS_NAME')}/${lane(scope).ruleName}`),
];
const anyResource = () => ['*'];
const mapping = () => [arn('lambda', `event-source-mapping:${MAPPING_UUID}`)];
// Management and the reconciler name the delivery function; delivery names itself.
const deliveryFunction = (scope: CallScope) => ({
  'lambda:FunctionArn': arn(
    'lambda',
    `function:${need(scope.env, 'HOOKBRIDGE_DELIVERY_FUNCTION_NAME')}`,
  ),
});
const ownFunction = (scope: CallScope) => ({ 'lambda:FunctionArn': scope.functionArn });
const logStream = (scope: CallScope) => [
  arn('logs', `log-group:${scope.logGroupName}:log-stream:2026/12/03/[$LATEST]0123456789abcdef`),
];

const LOGS: AwsCall[] = [
  { command: 'logs:CreateLogStream', sentBy: 'lambda', on: logStream },
  { command: 'logs:PutLogEvents', sentBy: 'lambda', on: logStream },
];

const STORE = 'shared/subscriptions/subscription-store.ts';
// Tenants are items of the subscriptions table (`tenant#<id>`): the same table, the same grants.
const TENANT_STORE = 'shared/tenants/tenant-store.ts';
const SHARD_LOADS = 'shared/shards/shard-loads.ts';
const PROVISIONER = 'shared/provisioning/provisioner.ts';
const MAPPINGS = 'shared/provisioning/event-source-mappings.ts';
const LANE_OPERATIONS = 'shared/subscriptions/lane-operations.ts';
const CHECKPOINT = 'shared/provisioning/reconcile-checkpoint.ts';
const SLEEPER = 'shared/provisioning/lane-sleeper.ts';
const QUEUE_COUNTS = 'shared/aws/queue-counts.ts';
const ATTEMPT_LOG = 'shared/delivery/attempt-log.ts';
const MESSAGE_ACTIONS = 'shared/delivery/sqs-message-actions.ts';
const OPERATIONAL = 'shared/events/operational-events.ts';
const IDEMPOTENCY =
  'node_modules/@aws-lambda-powertools/idempotency/lib/esm/persistence/DynamoDBPersistenceLayer.js';

/** Provisioning and removing a lane (Provisioner.provision/deprovision, mappings ensure/remove). */
const LANE_PROVISIONING: AwsCall[] = [
  { command: 'CreateQueue', sentBy: PROVISIONER, on: bothQueues },
  { command: 'SetQueueAttributes', sentBy: PROVISIONER, on: bothQueues },
  { command: 'GetQueueUrl', sentBy: PROVISIONER, on: bothQueues },
  { command: 'GetQueueAttributes', sentBy: PROVISIONER, on: bothQueues },
  { command: 'DeleteQueue', sentBy: PROVISIONER, on: bothQueues },
  { command: 'PutRule', sentBy: PROVISIONER, on: rule },
  { command: 'PutTargets', sentBy: PROVISIONER, on: rule },
  { command: 'RemoveTargets', sentBy: PROVISIONER, on: rule },
  { command: 'DeleteRule', sentBy: PROVISIONER, on: rule },
  { command: 'ListEventSourceMappings', sentBy: MAPPINGS, on: anyResource },
  {
    command: 'CreateEventSourceMapping',
    sentBy: MAPPINGS,
    on: anyResource,
    context: deliveryFunction,
  },
  { command: 'UpdateEventSourceMapping', sentBy: MAPPINGS, on: mapping, context: deliveryFunction },
  { command: 'DeleteEventSourceMapping', sentBy: MAPPINGS, on: mapping, context: deliveryFunction },
];

const SUBSCRIPTIONS = table('HOOKBRIDGE_SUBSCRIPTIONS_TABLE');
const index = (variable: string, name: string) => (scope: CallScope) => [
  arn('dynamodb', `table/${need(scope.env, variable)}/index/${name}`),
];
const ACCESS = table('HOOKBRIDGE_ACCESS_TABLE');
const EVENT_STORE_TABLE = table('HOOKBRIDGE_EVENT_STORE_TABLE');
/** A tenant item's key, as the authorizer reads it (the only partitions it may read). */
export const TENANT_KEY = 'tenant#acme';
// A tenant's subscriptions, from its own partition of the index (lists, tenant deletion).
const SUBSCRIPTIONS_BY_TENANT = index(
  'HOOKBRIDGE_SUBSCRIPTIONS_TABLE',
  SUBSCRIPTIONS_BY_TENANT_INDEX,
);
const ACCESS_STORE = 'shared/access/access-store.ts';
const EVENT_TYPE_STORE = 'shared/event-types/event-type-store.ts';
/** A catalog entry's key, as ingest reads it (the only partitions it may read of the table). */
export const EVENT_TYPE_KEY = 'eventtype#invoice.paid';
const CREDENTIAL_CHECK = 'shared/access/credential-check.ts';
/** An API key's item key, the only kind of access item the authorizer may update. */
export const API_KEY_ITEM_KEY = 'apikey#0123456789abcdef01234567';
const EVENT_STORE_WRITER = 'shared/events/event-store.ts';
const EVENT_STORE_READER = 'shared/events/event-store-reader.ts';
const SUBSCRIPTION_QUERIES = 'shared/subscriptions/subscription-queries.ts';

/** The calls of each function. */
export const AWS_CALLS: Readonly<Record<LambdaName, readonly AwsCall[]>> = {
  ingest: [
    ...LOGS,
    { command: 'PutEvents', sentBy: 'shared/events/event-publisher.ts', on: (s) => [bus(s)] },
    // Powertools idempotency: the in-progress record, its completion, the stored answer of a
    // repeat, and its removal when the request failed.
    ...['PutItem', 'UpdateItem', 'GetItem', 'DeleteItem'].map((command) => ({
      command,
      sentBy: IDEMPOTENCY,
      on: table('HOOKBRIDGE_IDEMPOTENCY_TABLE'),
    })),
    // The message store: one event's item, a batch's items (and their removal when the
    // publish failed).
    { command: 'PutItem', sentBy: EVENT_STORE_WRITER, on: EVENT_STORE_TABLE },
    { command: 'BatchWriteItem', sentBy: EVENT_STORE_WRITER, on: EVENT_STORE_TABLE },
    { command: 'DeleteItem', sentBy: EVENT_STORE_WRITER, on: EVENT_STORE_TABLE },
    // Bus shards: a tenant's shard, the `id` and `shard` of its `tenant#` item (only with more
    // than one shard).
    {
      command: 'Get',
      sentBy: 'shared/shards/tenant-shards.ts',
      on: table('HOOKBRIDGE_SUBSCRIPTIONS_TABLE'),
      context: () => ({
        'dynamodb:LeadingKeys': [TENANT_KEY],
        'dynamodb:Attributes': ['id', 'shard'],
        'dynamodb:Select': 'SPECIFIC_ATTRIBUTES',
      }),
    },
    // The event type catalog: one entry's rule per cold cache entry, from `eventtype#` keys only.
    {
      command: 'GetItem',
      sentBy: 'shared/event-types/event-type-rules.ts',
      on: table('HOOKBRIDGE_EVENT_TYPES_TABLE'),
      context: () => ({ 'dynamodb:LeadingKeys': [EVENT_TYPE_KEY] }),
    },
  ],
  management: [
    ...LOGS,
    { command: 'Get', sentBy: STORE, on: SUBSCRIPTIONS },
    { command: 'Scan', sentBy: STORE, on: SUBSCRIPTIONS },
    { command: 'Query', sentBy: STORE, on: SUBSCRIPTIONS_BY_TENANT },
    { command: 'Put', sentBy: STORE, on: SUBSCRIPTIONS },
    { command: 'Update', sentBy: STORE, on: SUBSCRIPTIONS },
    { command: 'Delete', sentBy: STORE, on: SUBSCRIPTIONS },
    ...['Get', 'Scan', 'Put', 'Update', 'Delete'].map((command) => ({
      command,
      sentBy: TENANT_STORE,
      on: SUBSCRIPTIONS,
    })),
    // The event type catalog: read, created, changed, removed, and listed from its index.
    ...['Get', 'Put', 'Update', 'Delete'].map((command) => ({
      command,
      sentBy: EVENT_TYPE_STORE,
      on: SUBSCRIPTIONS,
    })),
    {
      command: 'Query',
      sentBy: EVENT_TYPE_STORE,
      on: index('HOOKBRIDGE_SUBSCRIPTIONS_TABLE', EVENT_TYPES_BY_NAME_INDEX),
    },
    ...LANE_PROVISIONING,
    // Bus shard counters (`shard#<k>` items): read, reserved and released (several shards only).
    { command: 'Get', sentBy: SHARD_LOADS, on: SUBSCRIPTIONS },
    { command: 'Update', sentBy: SHARD_LOADS, on: SUBSCRIPTIONS },
    // Tokens and API keys: minted (Put), read, revoked (Update), API keys listed (Scan), a
    // tenant's tokens listed from its partition of the byTenant index.
    ...['Get', 'Put', 'Update', 'Scan'].map((command) => ({
      command,
      sentBy: ACCESS_STORE,
      on: ACCESS,
    })),
    {
      command: 'Query',
      sentBy: ACCESS_STORE,
      on: (s: CallScope) => [
        arn(
          'dynamodb',
          `table/${need(s.env, 'HOOKBRIDGE_ACCESS_TABLE')}/index/${ACCESS_BY_TENANT_INDEX}`,
        ),
      ],
    },
    // The deliveries route reads the attempt log: one event's attempts from the table, the
    // listing by attempt time from its index.
    { command: 'Query', sentBy: ATTEMPT_LOG, on: table('HOOKBRIDGE_DELIVERIES_TABLE') },
    {
      command: 'Query',
      sentBy: ATTEMPT_LOG,
      on: (s) => [
        arn(
          'dynamodb',
          `table/${need(s.env, 'HOOKBRIDGE_DELIVERIES_TABLE')}/index/${ATTEMPTS_BY_TIME_INDEX}`,
        ),
      ],
    },
    { command: 'PutEvents', sentBy: OPERATIONAL, on: (s) => [bus(s)] },
    // The message API: one stored event, the lists from the store's two indexes, and the
    // subscriptions an event may have gone to (a tenant's from the byTenant index; the
    // operator's own, or all for a broadcast, by a scan).
    { command: 'GetItem', sentBy: EVENT_STORE_READER, on: EVENT_STORE_TABLE },
    {
      command: 'Query',
      sentBy: EVENT_STORE_READER,
      on: (s) => [
        ...index('HOOKBRIDGE_EVENT_STORE_TABLE', EVENTS_BY_TENANT_INDEX)(s),
        ...index('HOOKBRIDGE_EVENT_STORE_TABLE', EVENTS_BY_TIME_INDEX)(s),
      ],
    },
    {
      command: 'Query',
      sentBy: SUBSCRIPTION_QUERIES,
      on: index('HOOKBRIDGE_SUBSCRIPTIONS_TABLE', SUBSCRIPTIONS_BY_TENANT_INDEX),
    },
    { command: 'Scan', sentBy: SUBSCRIPTION_QUERIES, on: SUBSCRIPTIONS },
    // A cold lane a test, resend or redrive went straight into is woken: its wake target removed.
    { command: 'RemoveTargets', sentBy: SLEEPER, on: rule },
    // Test event, resend, redrive (DLQ → queue) and replay.
    { command: 'GetQueueUrl', sentBy: LANE_OPERATIONS, on: bothQueues },
    // The backlog route: both queues' approximate counts.
    { command: 'GetQueueAttributes', sentBy: QUEUE_COUNTS, on: bothQueues },
    { command: 'SendMessage', sentBy: LANE_OPERATIONS, on: queue },
    { command: 'ReceiveMessage', sentBy: LANE_OPERATIONS, on: deadLetterQueue },
    { command: 'SendMessageBatch', sentBy: LANE_OPERATIONS, on: queue },
    { command: 'DeleteMessageBatch', sentBy: LANE_OPERATIONS, on: deadLetterQueue },
    { command: 'DescribeEventBus', sentBy: LANE_OPERATIONS, on: (s) => [bus(s)] },
    {
      command: 'StartReplay',
      sentBy: LANE_OPERATIONS,
      // Replays are named `<subscription id>-<epoch ms>`.
      on: (s) => [
        need(s.env, 'HOOKBRIDGE_ARCHIVE_ARN'),
        bus(s),
        arn('events', `replay/${SUBSCRIPTION_ID}-${REPLAY_TIME}`),
      ],
    },
  ],
  reconciler: [
    ...LOGS,
    { command: 'Get', sentBy: STORE, on: SUBSCRIPTIONS },
    { command: 'Scan', sentBy: STORE, on: SUBSCRIPTIONS },
    { command: 'Query', sentBy: STORE, on: SUBSCRIPTIONS_BY_TENANT },
    { command: 'Update', sentBy: STORE, on: SUBSCRIPTIONS },
    { command: 'Delete', sentBy: STORE, on: SUBSCRIPTIONS },
    // Finishing tenant deletions: the tenants, then each record removed.
    ...['Get', 'Scan', 'Delete'].map((command) => ({
      command,
      sentBy: TENANT_STORE,
      on: SUBSCRIPTIONS,
    })),
    ...LANE_PROVISIONING,
    // Bus shard counters: read and recounted (several shards only).
    { command: 'Get', sentBy: SHARD_LOADS, on: SUBSCRIPTIONS },
    { command: 'Update', sentBy: SHARD_LOADS, on: SUBSCRIPTIONS },
    // Where a pass cut short by its deadline resumes: one item of the subscriptions table.
    { command: 'Get', sentBy: CHECKPOINT, on: SUBSCRIPTIONS },
    { command: 'Update', sentBy: CHECKPOINT, on: SUBSCRIPTIONS },
    // Provisioner.inspect (drift) and survey (a pass's listing; orphans).
    { command: 'DescribeRule', sentBy: PROVISIONER, on: rule },
    { command: 'ListTargetsByRule', sentBy: PROVISIONER, on: rule },
    { command: 'ListQueues', sentBy: PROVISIONER, on: anyResource },
    { command: 'ListRules', sentBy: PROVISIONER, on: anyResource },
    // Cold lanes: a lane's depth, its wake target (put, checked, removed on waking).
    { command: 'GetQueueAttributes', sentBy: QUEUE_COUNTS, on: queue },
    { command: 'ListTargetsByRule', sentBy: SLEEPER, on: rule },
    { command: 'PutTargets', sentBy: SLEEPER, on: rule },
    { command: 'RemoveTargets', sentBy: SLEEPER, on: rule },
    // The waker: the wake queue's event source mapping polls it with the function's role.
    ...['ReceiveMessage', 'DeleteMessage', 'GetQueueAttributes'].map((action) => ({
      command: `sqs:${action}`,
      sentBy: 'lambda',
      on: (s: CallScope) => [need(s.env, 'HOOKBRIDGE_WAKE_QUEUE_ARN')],
    })),
  ],
  authorizer: [
    ...LOGS,
    // The credential's item (with a console session, also the mark of revoking them all), its
    // tenant (`tenant#…` in the subscriptions table), and an API key's lastUsedAt (`apikey#…`).
    { command: 'GetItem', sentBy: CREDENTIAL_CHECK, on: ACCESS },
    {
      command: 'GetItem',
      sentBy: CREDENTIAL_CHECK,
      on: SUBSCRIPTIONS,
      context: () => ({ 'dynamodb:LeadingKeys': [TENANT_KEY] }),
    },
    {
      command: 'UpdateItem',
      sentBy: CREDENTIAL_CHECK,
      on: ACCESS,
      context: () => ({ 'dynamodb:LeadingKeys': [API_KEY_ITEM_KEY] }),
    },
  ],
  delivery: [
    ...LOGS,
    // The event source mapping polls the subscriber queue with the function's role.
    { command: 'sqs:ReceiveMessage', sentBy: 'lambda', on: queue },
    { command: 'sqs:DeleteMessage', sentBy: 'lambda', on: queue },
    { command: 'sqs:GetQueueAttributes', sentBy: 'lambda', on: queue },
    // The subscription (cached) and its failure streak / disabling.
    { command: 'Get', sentBy: STORE, on: SUBSCRIPTIONS },
    { command: 'Update', sentBy: STORE, on: SUBSCRIPTIONS },
    // The duplicate guard and the attempt log.
    { command: 'Query', sentBy: ATTEMPT_LOG, on: table('HOOKBRIDGE_DELIVERIES_TABLE') },
    { command: 'Put', sentBy: ATTEMPT_LOG, on: table('HOOKBRIDGE_DELIVERIES_TABLE') },
    // Retry delay on the queue; dead-lettering to the lane's DLQ.
    { command: 'GetQueueUrl', sentBy: MESSAGE_ACTIONS, on: bothQueues },
    { command: 'ChangeMessageVisibility', sentBy: MESSAGE_ACTIONS, on: queue },
    { command: 'SendMessage', sentBy: MESSAGE_ACTIONS, on: deadLetterQueue },
    { command: 'PutEvents', sentBy: OPERATIONAL, on: (s) => [bus(s)] },
    // Disabling a subscription disables its mapping (EventSourceMappings.ensure): found by
    // listing, updated, or made again (disabled) when it has vanished.
    { command: 'ListEventSourceMappings', sentBy: MAPPINGS, on: anyResource },
    { command: 'UpdateEventSourceMapping', sentBy: MAPPINGS, on: mapping, context: ownFunction },
    {
      command: 'CreateEventSourceMapping',
      sentBy: MAPPINGS,
      on: anyResource,
      context: ownFunction,
    },
  ],
};

/** Commands the bundles hold that the function never sends. */
export const NOT_CALLED: Readonly<Record<LambdaName, readonly NotCalled[]>> = {
  ingest: [],
  authorizer: [],
  management: [
    ...['DescribeRule', 'ListTargetsByRule'].map((command) => ({
      command,
      file: PROVISIONER,
      calledAs: /\.inspect\(/,
      why: 'drift detection (Provisioner.inspect) is the reconciler’s',
    })),
    ...['ListQueues', 'ListRules'].map((command) => ({
      command,
      file: PROVISIONER,
      calledAs: /\.survey\(/,
      why: 'the pass’s survey of lane resources and orphan clean-up (Provisioner.survey) are the reconciler’s',
    })),
    {
      command: 'Put',
      file: ATTEMPT_LOG,
      calledAs: /\battempts\.record\(/,
      why: 'the API reads the attempt log; only delivery writes it',
    },
    {
      command: 'PutTargets',
      file: SLEEPER,
      calledAs: /\bsleeper\.(sleep|putWakeTarget)\(/,
      why: 'lanes are put to sleep (and their wake targets repaired) by the reconciler; the API only wakes them',
    },
    {
      command: 'ListTargetsByRule',
      file: SLEEPER,
      calledAs: /\bsleeper\.hasWakeTarget\(/,
      why: 'wake-target drift is the reconciler’s',
    },
  ],
  reconciler: [
    {
      command: 'Put',
      file: STORE,
      calledAs: /\bstore\.create\(/,
      why: 'subscriptions are created by the API only',
    },
    {
      command: 'Put',
      file: TENANT_STORE,
      calledAs: /\btenants\.create\(/,
      why: 'tenants are created by the API only',
    },
    {
      command: 'Update',
      file: TENANT_STORE,
      calledAs: /\btenants\.save\(/,
      why: 'tenants are changed (and marked deleting) by the API only',
    },
  ],
  delivery: [
    {
      command: 'Scan',
      file: STORE,
      calledAs: /\bstore\.(list|all)\(/,
      why: 'delivery reads one subscription at a time',
    },
    {
      command: 'Query',
      file: STORE,
      calledAs: /\bstore\.(list|all)\(/,
      why: 'delivery reads one subscription at a time (a tenant’s list is the API’s)',
    },
    {
      command: 'Put',
      file: STORE,
      calledAs: /\bstore\.create\(/,
      why: 'subscriptions are created by the API only',
    },
    {
      command: 'Delete',
      file: STORE,
      calledAs: /\bstore\.remove\(/,
      why: 'subscriptions are deleted by the API and the reconciler',
    },
    {
      command: 'DeleteEventSourceMapping',
      file: MAPPINGS,
      calledAs: /\bmappings\.remove\(/,
      why: 'the deliverer disables mappings (ensure) and never removes one',
    },
  ],
};

function need(env: Readonly<Record<string, string>>, name: string): string {
  const value = env[name];
  if (!value) throw new Error(`the function has no ${name}`);
  return value;
}
