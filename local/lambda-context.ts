import { randomUUID } from 'node:crypto';
import type { Context } from 'aws-lambda';

export interface LambdaContextOptions {
  readonly functionName: string;
  /** When the invocation times out (epoch ms). */
  readonly deadline: number;
  readonly region?: string;
  readonly accountId?: string;
  readonly memoryLimitInMB?: number;
}

/**
 * A Lambda `Context` for invoking a handler in-process, as the local runtime does: the fields
 * Powertools reads (function name, ARN, request id) and a `getRemainingTimeInMillis` that
 * counts down to the deadline (Powertools idempotency uses it to expire in-progress records).
 */
export function lambdaContext(options: LambdaContextOptions): Context {
  const { functionName, deadline } = options;
  const region = options.region ?? 'us-east-1';
  const account = options.accountId ?? '000000000000';
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:${region}:${account}:function:${functionName}`,
    memoryLimitInMB: String(options.memoryLimitInMB ?? 512),
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: 'local',
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}
