import { Duration, RemovalPolicy, Token } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import {
  HttpLambdaAuthorizer,
  HttpLambdaResponseType,
} from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import {
  API_KEY_ROUTES,
  CONSOLE_SESSION_ROUTES,
  INGEST_ROUTES,
  MANAGEMENT_ROUTES,
} from '../../shared/http/routes.js';
import { TENANT_KEY_PREFIX } from '../../shared/tenants/tenant.js';
import { LAMBDA_ENTRIES } from '../lambda-bundling.js';
import type { AccessStore } from './access-store.js';
import { apiStage } from './api-stage.js';
import { bundledFunction } from './bundled-function.js';
import { grantOnKeys } from './hookbridge-table.js';

export interface TokenApiProps {
  /** The function behind the ingest routes (the IAM API's). */
  readonly ingestFunction: lambda.IFunction;
  /** The function behind the management routes (the IAM API's). */
  readonly managementFunction: lambda.IFunction;
  /** The tokens and API keys the authorizer checks. */
  readonly accessStore: AccessStore;
  /** The subscriptions table, whose tenant items (`tenant#<id>`) the authorizer reads. */
  readonly subscriptionsTable: dynamodb.ITable;
  /** The stage's throttle: the IAM API's, so neither door is wider than the other. */
  readonly throttle: apigw.ThrottleSettings;
  /**
   * How long API Gateway reuses the authorizer's answer for one `Authorization` header, at
   * most 60 s: a revoked or expired credential is refused at the latest this long after.
   * `Duration.seconds(0)` checks every request.
   * @default Duration.seconds(30)
   */
  readonly authorizerCacheTtl?: Duration;
  /**
   * The browser origins whose pages may call the API (CORS), e.g. the web app's; API Gateway
   * then answers their preflights itself, before any authorizer.
   * @default [] - no CORS: browsers allow only same-origin pages
   */
  readonly corsOrigins?: readonly string[];
  /**
   * Name of the HTTP API.
   * @default 'hookbridge-token-api'
   */
  readonly apiName?: string;
  /**
   * The `service` of the authorizer's logs and metrics.
   * @default 'hookbridge'
   */
  readonly serviceName?: string;
  /**
   * How long the authorizer's logs and the API's access logs are kept.
   * @default logs.RetentionDays.ONE_MONTH
   */
  readonly logRetention?: logs.RetentionDays;
  /**
   * What happens to the log groups when they leave the stack.
   * @default RemovalPolicy.RETAIN
   */
  readonly logRemovalPolicy?: RemovalPolicy;
}

/** The longest authorizer cache accepted: a revoked credential must not live longer. */
export const MAX_AUTHORIZER_CACHE_SECONDS = 60;

const parse = (routeKey: string) => {
  const [method, path] = routeKey.split(' ') as [keyof typeof apigw.HttpMethod, string];
  return { method: apigw.HttpMethod[method], path };
};
const OPERATOR_ONLY = new Set<string>([...API_KEY_ROUTES, ...CONSOLE_SESSION_ROUTES]);

/**
 * The routes of the token API, from the lists the IAM API and the local gateway are built
 * from (shared/http/routes.ts): every ingest and management route but the API-key and
 * console-session routes, which stay with IAM (minting credentials of that power is the
 * operator's, never a credential's).
 */
export const TOKEN_API_ROUTES = {
  ingest: INGEST_ROUTES.map(parse),
  management: MANAGEMENT_ROUTES.filter((routeKey) => !OPERATOR_ONLY.has(routeKey)).map(parse),
};

/**
 * The API for callers without AWS credentials: tenant tokens and API keys, in an
 * `Authorization: Bearer …` header. An HTTP API route takes one authorizer, so the IAM API
 * cannot also take a Lambda authorizer: this second API carries the same routes to the same
 * functions, each route behind the Lambda authorizer. The authorizer answers whether the
 * credential is valid and, in its context, whose it is and what it may do; the handlers decide
 * per route. API Gateway caches that answer by header alone, for every route, which is why it
 * must not depend on the route.
 */
export class TokenApi extends Construct {
  public readonly api: apigw.HttpApi;
  public readonly stage: apigw.HttpStage;
  /** The base URL token and key holders call, ending in `/`. */
  public readonly apiUrl: string;
  /** The Lambda authorizer's function. */
  public readonly authorizerFunction: lambda.Function;
  public readonly authorizer: HttpLambdaAuthorizer;
  public readonly routes: apigw.HttpRoute[];

  constructor(scope: Construct, id: string, props: TokenApiProps) {
    super(scope, id);
    const cacheTtl = checkedCacheTtl(this, props.authorizerCacheTtl ?? Duration.seconds(30));
    const logRetention = props.logRetention ?? logs.RetentionDays.ONE_MONTH;
    const logRemovalPolicy = props.logRemovalPolicy ?? RemovalPolicy.RETAIN;

    this.authorizerFunction = bundledFunction(this, 'Authorizer', {
      entry: LAMBDA_ENTRIES.authorizer,
      description: 'Hookbridge authorizer: checks tenant tokens and API keys for the token API',
      // Every uncached request waits on it: two small DynamoDB reads and a hash. 256 MB gives
      // the CPU share that keeps its cold start short; more buys nothing but cost.
      memorySize: 256,
      // API Gateway waits 10 s for an authorizer, then answers 500 itself: end first.
      timeout: Duration.seconds(5),
      serviceName: props.serviceName ?? 'hookbridge',
      logRetention,
      logRemovalPolicy,
    });
    props.accessStore.grantCheck(this.authorizerFunction);
    this.grantTenantReads(this.authorizerFunction, props.subscriptionsTable);

    this.authorizer = new HttpLambdaAuthorizer('Credentials', this.authorizerFunction, {
      // Payload 2.0 and `{ isAuthorized, context }` answers.
      responseTypes: [HttpLambdaResponseType.SIMPLE],
      identitySource: ['$request.header.Authorization'],
      resultsCacheTtl: cacheTtl,
    });

    this.api = new apigw.HttpApi(this, 'Api', {
      apiName: props.apiName ?? 'hookbridge-token-api',
      description:
        'Hookbridge for callers without AWS credentials: tenant tokens and API keys (Authorization: Bearer); the API-key and console-session routes are on the IAM API only',
      createDefaultStage: false,
      corsPreflight: corsPreflight(props.corsOrigins ?? []),
    });
    // One permission per function for this whole API rather than one per route, as on the
    // IAM API's management routes (function-policies.test.ts): only the routes below integrate
    // with each function, so the API-wide source ARN reaches nothing more.
    const integration = (name: string, fn: lambda.IFunction) =>
      new HttpLambdaIntegration(name, fn, {
        payloadFormatVersion: apigw.PayloadFormatVersion.VERSION_2_0,
        scopePermissionToRoute: false,
      });
    const ingest = integration('Ingest', props.ingestFunction);
    const management = integration('Management', props.managementFunction);
    const routesOf = (
      list: readonly { method: apigw.HttpMethod; path: string }[],
      target: HttpLambdaIntegration,
    ) =>
      list.flatMap(({ method, path }) =>
        this.api.addRoutes({
          path,
          methods: [method],
          integration: target,
          authorizer: this.authorizer,
        }),
      );
    this.routes = [
      ...routesOf(TOKEN_API_ROUTES.ingest, ingest),
      ...routesOf(TOKEN_API_ROUTES.management, management),
    ];

    this.stage = apiStage(this, 'Stage', this.api, {
      throttle: props.throttle,
      logRetention,
      logRemovalPolicy,
      // Why a request was refused before reaching a function (the authorizer's own error).
      extraLogFields: { authorizerError: '$context.authorizer.error' },
    });
    this.apiUrl = this.stage.url;
  }

  /**
   * The authorizer reads a tenant's item (is it still there, not being deleted) from the
   * subscriptions table, and nothing else of it: the condition holds every key it reads to
   * the `tenant#` partitions, so it can read no subscription and no secret.
   */
  private grantTenantReads(fn: lambda.Function, table: dynamodb.ITable): void {
    fn.addEnvironment('HOOKBRIDGE_SUBSCRIPTIONS_TABLE', table.tableName);
    grantOnKeys(fn, table, ['dynamodb:GetItem'], TENANT_KEY_PREFIX);
  }
}

/** The request headers the web app sends: its Bearer credential, JSON and retried writes. */
export const CORS_ALLOWED_HEADERS = ['Authorization', 'Content-Type', 'Idempotency-Key'];

// The methods of the token API's own routes, and no other: a preflight for anything else fails.
function corsPreflight(origins: readonly string[]): apigw.CorsPreflightOptions | undefined {
  if (origins.length === 0) return undefined;
  const methods = new Set(
    [...TOKEN_API_ROUTES.ingest, ...TOKEN_API_ROUTES.management].map(({ method }) => method),
  );
  return {
    allowOrigins: [...origins],
    allowHeaders: CORS_ALLOWED_HEADERS,
    allowMethods: [...methods].map(
      (method) => apigw.CorsHttpMethod[method as keyof typeof apigw.CorsHttpMethod],
    ),
    // Bearer tokens, never cookies: the browser sends no credentials of its own.
    allowCredentials: false,
    maxAge: Duration.hours(1),
  };
}

function checkedCacheTtl(scope: Construct, ttl: Duration): Duration {
  const seconds = ttl.toSeconds({ integral: false });
  if (Token.isUnresolved(seconds)) {
    throw new Error(`${scope.node.path}: authorizerCacheTtl must be known at synthesis`);
  }
  if (!Number.isInteger(seconds) || seconds < 0 || seconds > MAX_AUTHORIZER_CACHE_SECONDS) {
    throw new Error(
      `${scope.node.path}: authorizerCacheTtl must be a whole number of seconds, 0 to ${MAX_AUTHORIZER_CACHE_SECONDS} (got ${ttl.toHumanString()}): a revoked credential would stay usable that long`,
    );
  }
  return ttl;
}
