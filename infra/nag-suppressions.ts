import { Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { lanePrefix } from '../shared/provisioning/lane-names.js';
import type { Hookbridge } from './hookbridge.js';

/** An IAM wildcard the product needs, recognised by its flattened resource, and why. */
interface WildcardReason {
  readonly resource: RegExp;
  /** When set, the statement may hold these actions and no others. */
  readonly onlyActions?: readonly string[];
  readonly reason: string;
}

// The actions IAM cannot scope to a resource: the Service Authorization Reference lists no
// resource type for them, so `*` is the only form IAM accepts.
const UNSCOPABLE_ACTIONS = [
  'sqs:ListQueues',
  'events:ListRules',
  'lambda:ListEventSourceMappings',
  'lambda:CreateEventSourceMapping',
];

// Region and account render as `<AWS::Region>` (colons included) when the stack has no
// environment, hence `.+` between the service and the resource.
function wildcardReasons(hookbridge: Hookbridge): WildcardReason[] {
  const { prefix } = hookbridge;
  const lanes = escapeRegExp(lanePrefix(prefix));

  return [
    {
      resource: new RegExp(`:sqs:.+:${lanes}\\*$`),
      reason: `Subscriber queues and their DLQs are created at run time by the management API and the reconciler, one pair per subscription, named ${lanePrefix(prefix)}<ULID>[-dlq]; their names are unknown at deploy time. The pattern covers this installation's lane queues and nothing else.`,
    },
    {
      resource: new RegExp(`:sqs:.+:${lanes}\\*-dlq$`),
      reason: `The run-time dead-letter queues (${lanePrefix(prefix)}<ULID>-dlq): the delivery function sends undeliverable records there, and to no other queue; the management API's redrive receives and deletes messages there, and in no other queue.`,
    },
    {
      resource: new RegExp(`:events:.+:rule/[^/]+/${lanes}\\*$`),
      reason: `Subscription rules are created at run time, one per subscription, named ${lanePrefix(prefix)}<ULID>; the pattern is limited to this installation's bus and prefix.`,
    },
    {
      resource: /:events:.+:replay\/sub_\*$/,
      onlyActions: ['events:StartReplay'],
      reason:
        'Replays are started at run time and named after their subscription (sub_<ULID>-<time>); StartReplay is also limited to this archive and this bus.',
    },
    {
      resource: /:lambda:.+:event-source-mapping:\*$/,
      reason:
        'Event source mappings are created at run time and named by a UUID Lambda chooses; every statement on them carries a lambda:FunctionArn condition that limits it to the mappings of the delivery function.',
    },
    {
      resource: /^\*$/,
      onlyActions: UNSCOPABLE_ACTIONS,
      reason:
        'sqs:ListQueues, events:ListRules and lambda:ListEventSourceMappings support no resource-level permission (IAM accepts only "*"); lambda:CreateEventSourceMapping has no resource type and is limited to the delivery function by a lambda:FunctionArn condition.',
    },
  ];
}

const RUNTIME_REASON =
  'Node.js 22 is the LTS runtime Hookbridge targets: the bundles are built for node22, the project runs and is tested on Node 22 (package.json engines), and moving to a newer runtime is a deliberate upgrade of the product rather than a default.';

/**
 * Acknowledges the cdk-nag AwsSolutions findings that are part of the design, each with its
 * reason, on the exact resource and finding it concerns:
 *
 * - AwsSolutions-L1 on each function that runs Node.js 22 (the runtime the product targets);
 * - AwsSolutions-IAM5 for each wildcard resource that names run-time resources (lane queues,
 *   rules, replays, event source mappings), or that IAM cannot
 *   scope at all.
 *
 * Any other wildcard, runtime or finding stays visible. (cdk-nag names a finding by rule and
 * resource only, so a `*` statement added later to one of these policies would share the
 * acknowledgement; the tests hold the product's own `*` statements to the unscopable
 * actions.) Acknowledgements are construct
 * metadata of aws-cdk-lib (`Validations`), which cdk-nag 3 reads: the construct does not
 * depend on cdk-nag.
 */
export function acknowledgeNagFindings(hookbridge: Hookbridge): void {
  const reasons = wildcardReasons(hookbridge);
  for (const node of hookbridge.node.findAll()) {
    if (node instanceof lambda.CfnFunction && node.runtime === lambda.Runtime.NODEJS_22_X.name) {
      Validations.of(node).acknowledge({ id: 'AwsSolutions-L1', reason: RUNTIME_REASON });
    }
    if (node instanceof iam.CfnPolicy) acknowledgeWildcards(node, reasons);
  }
}

interface ResolvedStatement {
  readonly Action?: string | string[];
  readonly Resource?: unknown;
}

function acknowledgeWildcards(policy: iam.CfnPolicy, reasons: readonly WildcardReason[]): void {
  const document = Stack.of(policy).resolve(policy.policyDocument) as {
    Statement?: ResolvedStatement[];
  };
  for (const statement of document.Statement ?? []) {
    const actions = [statement.Action ?? []].flat();
    for (const resource of [statement.Resource].flat().map(flatten)) {
      if (!resource.includes('*')) continue;
      const known = reasons.find(
        (r) =>
          r.resource.test(resource) &&
          (!r.onlyActions || actions.every((a) => r.onlyActions?.includes(a))),
      );
      if (known) {
        Validations.of(policy).acknowledge({
          id: `AwsSolutions-IAM5[Resource::${resource}]`,
          reason: known.reason,
        });
      }
    }
  }
}

/**
 * A resolved CloudFormation value as cdk-nag writes it in a finding's id: references become
 * `<LogicalId>` and `<LogicalId.Attribute>`, joins are flattened.
 */
export function flatten(value: unknown): string {
  if (typeof value === 'string') return value.replace(/\$\{/g, '<').replace(/}/g, '>');
  const node = (value ?? {}) as {
    Ref?: string;
    'Fn::GetAtt'?: [string, string];
    'Fn::Join'?: [string, unknown[]];
    'Fn::Sub'?: unknown;
  };
  if (typeof node['Fn::Sub'] === 'string') return flatten(node['Fn::Sub']);
  if (node['Fn::Join']) return node['Fn::Join'][1].map(flatten).join(node['Fn::Join'][0]);
  if (node['Fn::GetAtt']) return `<${node['Fn::GetAtt'][0]}.${node['Fn::GetAtt'][1]}>`;
  if (node.Ref) return `<${node.Ref}>`;
  return JSON.stringify(value);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
