import { isUtf8 } from 'node:buffer';
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type {
  APIGatewayProxyEventV2,
  APIGatewayProxyStructuredResultV2,
  Context,
} from 'aws-lambda';
import { lambdaContext } from './lambda-context.js';
import type { GatewayAuthorization } from './local-authorizer.js';
import type { StaticHandler } from './web-static.js';

/** A Lambda handler for API Gateway HTTP API (payload format 2.0) events. */
export type HttpApiHandler = (
  event: APIGatewayProxyEventV2,
  context: Context,
) => Promise<APIGatewayProxyStructuredResultV2>;

/** One route of the gateway: API Gateway's route key, e.g. `GET /v1/subscriptions/{id}`. */
export interface GatewayRoute {
  readonly routeKey: string;
  readonly handler: HttpApiHandler;
}

/** API Gateway's payload limit. */
const MAX_BODY_BYTES = 10 * 1024 * 1024;
/** API Gateway's integration timeout. */
const TIMEOUT_MS = 30_000;

/**
 * The local runtime's stand-in for API Gateway: an HTTP server on loopback that matches each
 * request to a route key, turns it into the payload-2.0 event API Gateway would send, invokes
 * the same handler the Lambda runs, and writes its answer back. There is no IAM check: it
 * listens on 127.0.0.1 only. With `authorize`, a bearer credential is checked as the token/key
 * API checks it, and its authorizer context reaches the handler as `authorizer.lambda`.
 */
export async function startHttpGateway(
  routes: readonly GatewayRoute[],
  options: {
    port: number;
    host?: string;
    functionName?: string;
    authorize?: (authorization: string | undefined) => Promise<GatewayAuthorization>;
    /** Serves every path outside `/v1` (the web app); without it they are 404s. */
    web?: StaticHandler;
  },
): Promise<{ url: string; server: Server; close(): Promise<void> }> {
  const compiled = routes.map((route) => ({ ...route, ...compileRoute(route.routeKey) }));
  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent)
        writeJson(res, 500, { error: { code: 'internal_error', message: 'internal error' } });
      process.stderr.write(
        `gateway error: ${error instanceof Error ? error.stack : String(error)}\n`,
      );
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const method = req.method ?? 'GET';
    const path = url.pathname.replace(/\/+$/, '') || '/';
    if (options.web && !/^\/v1(\/|$)/.test(path)) {
      await options.web(req, res, url);
      return;
    }
    const match = compiled
      .map((route) => ({ route, params: route.method === method ? route.match(path) : undefined }))
      .find((m) => m.params);
    if (!match?.params) {
      const allowed = compiled.some((route) => route.match(path));
      writeJson(res, allowed ? 405 : 404, {
        error: allowed
          ? { code: 'method_not_allowed', message: `${method} is not allowed on ${path}` }
          : { code: 'not_found', message: `no route for ${method} ${path}` },
      });
      return;
    }
    // API Gateway runs the authorizer before it reads the body, and answers its refusal so.
    const authorization = options.authorize
      ? await options.authorize(req.headers.authorization)
      : ({ outcome: 'operator' } as const);
    if (authorization.outcome === 'refused') {
      await readBody(req);
      writeJson(res, authorization.status, { message: authorization.message });
      return;
    }
    const body = await readBody(req);
    if (body === undefined) {
      writeJson(res, 413, {
        error: {
          code: 'payload_too_large',
          message: `the request body exceeds ${MAX_BODY_BYTES} bytes`,
        },
      });
      return;
    }
    const event = toEvent(req, url, match.route.routeKey, match.params, body);
    if (authorization.outcome === 'authorized')
      Object.assign(event.requestContext, { authorizer: { lambda: authorization.context } });
    const result = await match.route.handler(
      event,
      lambdaContext({
        functionName: options.functionName ?? 'hookbridge-local',
        deadline: Date.now() + TIMEOUT_MS,
      }),
    );
    res.writeHead(result.statusCode ?? 200, flattenHeaders(result.headers));
    res.end(
      result.body === undefined
        ? undefined
        : Buffer.from(result.body, result.isBase64Encoded ? 'base64' : 'utf8'),
    );
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${options.host ?? '127.0.0.1'}:${port}`,
    server,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function compileRoute(routeKey: string) {
  const [method = 'GET', template = '/'] = routeKey.split(' ');
  const names: string[] = [];
  const pattern = template.replace(/\{(\w+)\}/g, (_, name: string) => {
    names.push(name);
    return '([^/]+)';
  });
  const regex = new RegExp(`^${pattern}$`);
  return {
    method,
    match(path: string): Record<string, string> | undefined {
      const found = regex.exec(path);
      if (!found) return undefined;
      return Object.fromEntries(names.map((name, i) => [name, safeDecode(found[i + 1] ?? '')]));
    },
  };
}

async function readBody(req: IncomingMessage): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  // An oversized body is read to its end and dropped: leaving the loop early would destroy
  // the socket, and the client would see a reset instead of the 413.
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size <= MAX_BODY_BYTES) chunks.push(chunk as Buffer);
  }
  return size > MAX_BODY_BYTES ? undefined : Buffer.concat(chunks);
}

function toEvent(
  req: IncomingMessage,
  url: URL,
  routeKey: string,
  pathParameters: Record<string, string>,
  body: Buffer,
): APIGatewayProxyEventV2 {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined)
      headers[name.toLowerCase()] = Array.isArray(value) ? value.join(',') : value;
  }
  // API Gateway (payload 2.0) combines a repeated query parameter's values with commas.
  const query = Object.fromEntries(
    [...new Set(url.searchParams.keys())].map((name) => [
      name,
      url.searchParams.getAll(name).join(','),
    ]),
  );
  const now = Date.now();
  return {
    version: '2.0',
    routeKey,
    rawPath: url.pathname,
    rawQueryString: url.search.slice(1),
    headers,
    ...(Object.keys(query).length > 0 && { queryStringParameters: query }),
    ...(Object.keys(pathParameters).length > 0 && { pathParameters }),
    requestContext: {
      accountId: '000000000000',
      apiId: 'local',
      domainName: headers.host ?? 'localhost',
      domainPrefix: 'localhost',
      http: {
        method: req.method ?? 'GET',
        path: url.pathname,
        protocol: `HTTP/${req.httpVersion}`,
        sourceIp: req.socket.remoteAddress ?? '127.0.0.1',
        userAgent: headers['user-agent'] ?? '',
      },
      requestId: randomUUID(),
      routeKey,
      stage: '$default',
      time: new Date(now).toISOString(),
      timeEpoch: now,
    },
    // Text that is not UTF-8 goes on base64-encoded, as API Gateway sends binary bodies, so the
    // handler sees the bytes as sent rather than U+FFFD in place of each bad sequence.
    ...(body.length > 0 && { body: body.toString(isUtf8(body) ? 'utf8' : 'base64') }),
    isBase64Encoded: body.length > 0 && !isUtf8(body),
  };
}

function flattenHeaders(
  headers: APIGatewayProxyStructuredResultV2['headers'],
): Record<string, string> {
  return Object.fromEntries(Object.entries(headers ?? {}).map(([k, v]) => [k, String(v)]));
}

function writeJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

/** A path segment as API Gateway passes it on: decoded, or as it came when it is not valid. */
function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
