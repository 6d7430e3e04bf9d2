/** What a lane's resources must say, and how to compare what they say with it. */

/** Only the rule may send to the queue (confused-deputy guard through aws:SourceArn). */
export function queuePolicy(queueArn: string, ruleArn: string) {
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'HookbridgeRuleOnly',
        Effect: 'Allow',
        Principal: { Service: 'events.amazonaws.com' },
        Action: 'sqs:SendMessage',
        Resource: queueArn,
        Condition: { ArnEquals: { 'aws:SourceArn': ruleArn } },
      },
    ],
  };
}

/** A JSON attribute (an SQS RedrivePolicy, say) as an object; undefined when absent or invalid. */
export function parseJson(text: string | undefined): Record<string, unknown> | undefined {
  try {
    return text ? JSON.parse(text) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Whether a rule's stored pattern says what `expected` says: EventBridge may hand a pattern back
 * with its keys in another order, so both are compared in a canonical form.
 */
export function samePattern(
  actual: string | undefined,
  expected: Record<string, unknown>,
): boolean {
  if (!actual) return false;
  try {
    return canonical(JSON.parse(actual)) === canonical(expected);
  } catch {
    return false;
  }
}

function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value).sort(([a], [b]) => a.localeCompare(b));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}
