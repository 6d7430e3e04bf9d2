/**
 * A lane's rules across bus shards: a tenant subscription has one rule, on its tenant's shard;
 * an operator subscription has one on every shard, all with the same name and target queue,
 * those on shards 1..N-1 excluding broadcasts (shard 0 forwards each broadcast to them, and the
 * shard-0 rule has already delivered it).
 */
import { shardsOfSubscription } from '../shards/shard-placement.js';
import { buildEventPattern } from '../subscriptions/event-pattern.js';
import type { Subscription } from '../subscriptions/subscription.js';
import { parseJson, queuePolicy } from './lane-policies.js';

/** One rule of a lane: the bus it is on and the pattern it must have. */
export interface RulePlacement {
  readonly shard: number;
  readonly bus: string;
  readonly pattern: Record<string, unknown>;
}

/** The rules `subscription` has, one per shard it is on, in shard order. */
export function rulePlacements(
  subscription: Pick<Subscription, 'eventTypes' | 'filter' | 'tenantId' | 'shard'>,
  busNames: readonly string[],
  source: string,
): RulePlacement[] {
  return shardsOfSubscription(subscription, busNames.length).map((shard) => {
    const bus = busNames[shard];
    if (bus === undefined) {
      throw new Error(
        `subscription is on bus shard ${shard}, but ${busNames.length} shard(s) are deployed; raise busShards`,
      );
    }
    const { eventTypes, filter, tenantId } = subscription;
    return {
      shard,
      bus,
      pattern: buildEventPattern(source, eventTypes, filter, tenantId, shard > 0),
    };
  });
}

/**
 * The queue policy of a lane whose rules are `ruleArns` (shard order, shard 0's first when
 * there are several). One rule: exactly the single-bus policy. Several (an operator
 * subscription): one statement whose source condition names the shard-0 rule and a pattern
 * for the same rule name on every `<prefix>-bus-*` bus, so its size does not grow with N.
 */
export function lanePolicy(queueArn: string, ruleArns: readonly string[], prefix: string) {
  const [first = ''] = ruleArns;
  const policy = queuePolicy(queueArn, first);
  if (ruleArns.length < 2) return policy;
  const [allow, ...rest] = policy.Statement;
  const sharded = {
    ...allow,
    Condition: { ArnLike: { 'aws:SourceArn': [first, shardRulePattern(first, prefix)] } },
  };
  return { ...policy, Statement: [sharded, ...rest] };
}

/** `arn:…:rule/<bus>/<name>` → `arn:…:rule/<prefix>-bus-*\/<name>`. */
function shardRulePattern(ruleArn: string, prefix: string): string {
  const at = ruleArn.indexOf(':rule/');
  const name = ruleArn.slice(ruleArn.lastIndexOf('/') + 1);
  return `${ruleArn.slice(0, at)}:rule/${prefix}-bus-*/${name}`;
}

/**
 * Whether a queue policy lets every rule of `ruleArns` send to the queue: through an
 * `ArnEquals` or `ArnLike` condition on `aws:SourceArn` (a value or a list, `*` and `?`
 * globbing as IAM does for ArnLike).
 */
export function letsRulesSend(policy: string | undefined, ruleArns: readonly string[]): boolean {
  const statements = [parseJson(policy)?.Statement].flat().filter(isRecord);
  const allowed = statements.filter((statement) => {
    const actions = [statement.Action].flat();
    return (
      statement.Effect === 'Allow' &&
      (actions.includes('sqs:SendMessage') || actions.includes('sqs:*'))
    );
  });
  return ruleArns.every((arn) =>
    allowed.some((statement) => {
      const condition = isRecord(statement.Condition) ? statement.Condition : {};
      const exact = valuesOf(condition.ArnEquals);
      const like = valuesOf(condition.ArnLike);
      return exact.includes(arn) || like.some((glob) => globMatches(glob, arn));
    }),
  );
}

function valuesOf(operator: unknown): string[] {
  if (!isRecord(operator)) return [];
  return [operator['aws:SourceArn']].flat().filter((v): v is string => typeof v === 'string');
}

function globMatches(glob: string, value: string): boolean {
  const pattern = glob
    .split('')
    .map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.+^${}()|[\]\\]/g, '\\$&')))
    .join('');
  return new RegExp(`^${pattern}$`).test(value);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
