/** What a lane's resources must say, and how to compare what they say with it. */

/**
 * Only the rule may send to the queue (confused-deputy guard through aws:SourceArn), and only
 * over TLS.
 */
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
      tlsOnly(queueArn),
    ],
  };
}

/** A dead-letter queue takes requests over TLS only; SQS itself moves messages into it. */
export function deadLetterQueuePolicy(queueArn: string) {
  return { Version: '2012-10-17', Statement: [tlsOnly(queueArn)] };
}

/** Refuses any request to the queue made without TLS (what cdk-nag's SQS4 asks of a queue). */
function tlsOnly(queueArn: string) {
  return {
    Sid: 'HookbridgeTlsOnly',
    Effect: 'Deny',
    Principal: '*',
    Action: 'sqs:*',
    Resource: queueArn,
    Condition: { Bool: { 'aws:SecureTransport': 'false' } },
  };
}

/** The statements of a queue policy (its JSON text); none when absent or unreadable. */
function statementsOf(policy: string | undefined): Record<string, unknown>[] {
  const statements = parseJson(policy)?.Statement;
  const list = Array.isArray(statements) ? statements : [statements];
  return list.filter(
    (statement): statement is Record<string, unknown> =>
      typeof statement === 'object' && statement !== null,
  );
}

/** A statement's condition value for `operator` and `key`, as text. */
function conditionValue(statement: Record<string, unknown>, operator: string, key: string) {
  const condition = statement.Condition as Record<string, Record<string, unknown>> | undefined;
  return String(condition?.[operator]?.[key]);
}

/** Whether a queue's policy refuses requests made without TLS. */
export function refusesPlainHttp(policy: string | undefined): boolean {
  return statementsOf(policy).some(
    (statement) =>
      statement.Effect === 'Deny' &&
      conditionValue(statement, 'Bool', 'aws:SecureTransport') === 'false',
  );
}

/** Whether a queue's policy lets the rule `ruleArn` send to it. */
export function letsRuleSend(policy: string | undefined, ruleArn: string): boolean {
  return statementsOf(policy).some((statement) => {
    const actions = [statement.Action].flat();
    return (
      statement.Effect === 'Allow' &&
      (actions.includes('sqs:SendMessage') || actions.includes('sqs:*')) &&
      conditionValue(statement, 'ArnEquals', 'aws:SourceArn') === ruleArn
    );
  });
}

/** Whether a queue's attributes say its messages are encrypted at rest (SSE-SQS or SSE-KMS). */
export function encryptedAtRest(attributes: Record<string, string>): boolean {
  return attributes.SqsManagedSseEnabled === 'true' || Boolean(attributes.KmsMasterKeyId);
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
