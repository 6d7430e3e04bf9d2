import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { lambdaContext as localLambdaContext } from '../../local/lambda-context.js';

export interface RequestOptions {
  readonly headers?: Record<string, string>;
  /** A string is sent as it is; anything else as JSON. */
  readonly body?: unknown;
  readonly contentType?: string | null;
  readonly base64?: boolean;
}

/** An API Gateway HTTP API (payload format 2.0) event, as API Gateway builds it. */
export function apiGatewayEvent(
  routeKey: string,
  options: RequestOptions = {},
): APIGatewayProxyEventV2 {
  const [method = 'GET', path = '/'] = routeKey.split(' ');
  const headers: Record<string, string> = {};
  if (options.contentType !== null)
    headers['content-type'] = options.contentType ?? 'application/json';
  for (const [name, value] of Object.entries(options.headers ?? {}))
    headers[name.toLowerCase()] = value;
  const text =
    options.body === undefined
      ? undefined
      : typeof options.body === 'string'
        ? options.body
        : JSON.stringify(options.body);
  const now = Date.now();
  return {
    version: '2.0',
    routeKey,
    rawPath: path,
    rawQueryString: '',
    headers,
    requestContext: {
      accountId: '123456789012',
      apiId: 'local',
      domainName: 'localhost',
      domainPrefix: 'localhost',
      http: { method, path, protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'test' },
      requestId: `req-${now}-${Math.random().toString(36).slice(2)}`,
      routeKey,
      stage: '$default',
      time: new Date(now).toISOString(),
      timeEpoch: now,
    },
    body:
      text === undefined ? undefined : options.base64 ? Buffer.from(text).toString('base64') : text,
    isBase64Encoded: Boolean(options.base64),
  };
}

/** A Lambda context with a 30 s budget. */
export function lambdaContext(functionName = 'hookbridge-test'): Context {
  return localLambdaContext({
    functionName,
    deadline: Date.now() + 30_000,
    accountId: '123456789012',
  });
}
