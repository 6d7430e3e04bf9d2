/**
 * The settings of a client that calls AWS control planes (EventBridge rules and targets,
 * Lambda event source mappings), whose request rates are low account-wide quotas: the SDK's
 * adaptive retry mode backs off and slows the client down when a call is throttled, over 4
 * attempts (the default 3, plus one; throttled retries wait up to 0.5, 1 and 2 s, which keeps
 * an API request well inside API Gateway's 30 s). An explicit `maxAttempts` (the tests' 1)
 * still wins.
 */
export const CONTROL_PLANE_RETRIES = { retryMode: 'adaptive', maxAttempts: 4 } as const;

/**
 * The names AWS services give a throttled call. Not the SDK's own throttling list: that counts
 * `LimitExceededException`, which from EventBridge's PutRule means the bus's rule quota is full
 * — a lasting refusal that must fail a creation, not defer it.
 */
const THROTTLED = new Set([
  'ThrottlingException',
  'Throttling',
  'ThrottledException',
  'TooManyRequestsException',
  'RequestThrottled',
  'RequestThrottledException',
  'RequestLimitExceeded',
  'SlowDown',
]);

/** Whether an AWS call failed because it was throttled (429, ThrottlingException, …). */
export function isThrottled(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const { $metadata, $retryable } = error as {
    $metadata?: { httpStatusCode?: number };
    $retryable?: { throttling?: boolean };
  };
  return (
    THROTTLED.has(error.name) ||
    $metadata?.httpStatusCode === 429 ||
    $retryable?.throttling === true
  );
}

/** The one method of an SDK client's middleware stack this needs (every client has it). */
interface MiddlewareAdder {
  add(
    middleware: (next: (args: unknown) => Promise<unknown>) => (args: unknown) => Promise<unknown>,
    options: { step: 'initialize'; name: string },
  ): void;
}

/**
 * Holds a client to at most `perSecond` calls a second, spread evenly (each call waits for
 * its slot): the reconciler's concurrent pass then takes only its share of an account-wide
 * control-plane quota, leaving the rest to the management API. Returns the client.
 */
export function rateLimited<C extends { middlewareStack: object }>(
  client: C,
  perSecond: number,
): C {
  if (!(perSecond > 0) || !Number.isFinite(perSecond)) return client;
  const interval = 1000 / perSecond;
  let nextSlot = 0;
  (client.middlewareStack as MiddlewareAdder).add(
    (next) => async (args) => {
      const now = Date.now();
      const slot = Math.max(now, nextSlot);
      nextSlot = slot + interval;
      if (slot > now) await new Promise((resolve) => setTimeout(resolve, slot - now));
      return next(args);
    },
    { step: 'initialize', name: 'hookbridgeRateLimit' },
  );
  return client;
}
