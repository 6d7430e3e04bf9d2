/**
 * Deterministic resource names of a subscriber's lane, from the configured prefix and the
 * subscription id (`sub_` + ULID): the same inputs always name the same resources, which is
 * what makes provisioning idempotent and lets the reconciler find what belongs to nobody.
 * SQS names allow 80 characters and rule names 64: with a 30-character id the prefix may be
 * up to 20.
 */
export interface LaneNames {
  readonly queueName: string;
  readonly deadLetterQueueName: string;
  readonly ruleName: string;
}

export const MAX_PREFIX_LENGTH = 20;

/** The names of the lane of subscription `id`. */
export function laneNames(prefix: string, id: string): LaneNames {
  const base = `${prefix}-${id}`;
  return { queueName: base, deadLetterQueueName: `${base}-dlq`, ruleName: base };
}

/** The prefix every lane resource name of this installation starts with. */
export function lanePrefix(prefix: string): string {
  return `${prefix}-sub_`;
}

/** The subscription id a lane resource (queue, DLQ or rule) belongs to, if it is one of ours. */
export function subscriptionIdOf(prefix: string, resourceName: string): string | undefined {
  return lanePattern(prefix).exec(resourceName)?.[1];
}

// Every delivered record asks: compile the pattern once per prefix.
const patterns = new Map<string, RegExp>();

function lanePattern(prefix: string): RegExp {
  let pattern = patterns.get(prefix);
  if (!pattern) {
    pattern = new RegExp(`^${escapeRegExp(prefix)}-(sub_[0-9A-Z]{26})(-dlq)?$`);
    patterns.set(prefix, pattern);
  }
  return pattern;
}

/** The name at the end of an ARN (`arn:aws:sqs:region:account:name`). */
export function nameOfArn(arn: string): string {
  return arn.slice(arn.lastIndexOf(':') + 1);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
