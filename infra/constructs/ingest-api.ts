import { Duration, RemovalPolicy, Token } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpIamAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { INGEST_ROUTES as SHARED_INGEST_ROUTES } from '../../shared/http/routes.js';
import { LAMBDA_ENTRIES } from '../lambda-bundling.js';
import { apiStage } from './api-stage.js';
import { bundledFunction } from './bundled-function.js';

export interface IngestApiProps {
  /** The bus events are published on. */
  readonly eventBus: events.IEventBus;
  /** The table of Idempotency-Keys (layout: `idempotencyTable` in base-resources.ts). */
  readonly idempotencyTable: dynamodb.ITable;
  /**
   * EventBridge `Source` of every published event.
   * @default 'hookbridge'
   */
  readonly eventSource?: string;
  /**
   * The largest EventBridge entry accepted, in bytes; a larger event is answered with a 413.
   * Raise it only with the account's PutEvents entry-size quota (at most 1 MB).
   * @default 262144
   */
  readonly maxEventBytes?: number;
  /**
   * How long an Idempotency-Key is remembered (1 minute to 7 days).
   * @default Duration.hours(24)
   */
  readonly idempotencyTtl?: Duration;
  /**
   * Steady-state requests per second the stage accepts before answering 429.
   * @default 1000
   */
  readonly throttlingRateLimit?: number;
  /**
   * Requests the stage accepts in a burst above the steady rate.
   * @default 500
   */
  readonly throttlingBurstLimit?: number;
  /**
   * Name of the HTTP API (the management routes are added to it too).
   * @default 'hookbridge-api'
   */
  readonly apiName?: string;
  /**
   * The `service` of the function's logs and metrics.
   * @default 'hookbridge'
   */
  readonly serviceName?: string;
  /**
   * How long the function's logs and the API's access logs are kept.
   * @default logs.RetentionDays.ONE_MONTH
   */
  readonly logRetention?: logs.RetentionDays;
  /**
   * What happens to the log groups when they leave the stack.
   * @default RemovalPolicy.RETAIN
   */
  readonly logRemovalPolicy?: RemovalPolicy;
}

/**
 * The paths producers POST to, from the one list the handler and the local gateway use
 * (shared/http/routes.ts); each one is IAM-authorized (SigV4).
 */
export const INGEST_ROUTES = SHARED_INGEST_ROUTES.map(
  (routeKey) => routeKey.split(' ')[1] as string,
);

// The calls of Powertools idempotency's DynamoDB persistence layer, and nothing else.
const IDEMPOTENCY_TABLE_ACTIONS = [
  'dynamodb:GetItem',
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
  'dynamodb:DeleteItem',
];

/**
 * The ingest path: the product's HTTP API, whose routes are authorized with IAM (producers
 * sign with SigV4; `ManagementApi` adds the operators' routes to it), and a Lambda function
 * that checks each event, remembers its Idempotency-Key and publishes it on the bus. Answers
 * 202 without waiting for any delivery.
 */
export class IngestApi extends Construct {
  public readonly api: apigw.HttpApi;
  public readonly stage: apigw.HttpStage;
  /** The stage's throttle (the token API gets the same one). */
  public readonly throttle: apigw.ThrottleSettings;
  /** The base URL producers send to, ending in `/`. */
  public readonly apiUrl: string;
  public readonly function: lambda.Function;

  constructor(scope: Construct, id: string, props: IngestApiProps) {
    super(scope, id);
    const maxEventBytes = checkedInteger(this, 'maxEventBytes', props.maxEventBytes, 262_144, {
      min: 1024,
      max: 1_048_576,
    });
    const ttlSeconds = checkedInteger(
      this,
      'idempotencyTtl',
      props.idempotencyTtl?.toSeconds(),
      86_400,
      { min: 60, max: 7 * 86_400 },
    );
    const rateLimit = checkedInteger(this, 'throttlingRateLimit', props.throttlingRateLimit, 1000, {
      min: 1,
    });
    const burstLimit = checkedInteger(
      this,
      'throttlingBurstLimit',
      props.throttlingBurstLimit,
      500,
      { min: 0 },
    );
    const logRetention = props.logRetention ?? logs.RetentionDays.ONE_MONTH;
    const logRemovalPolicy = props.logRemovalPolicy ?? RemovalPolicy.RETAIN;

    this.function = bundledFunction(this, 'Function', {
      entry: LAMBDA_ENTRIES.ingest,
      description: 'Hookbridge ingest: validates events and publishes them on the bus',
      // CPU scales with memory: at 512 MB the cold start (loading the bundled SDK) and the
      // parsing of a batch body (up to API Gateway's 10 MB payload limit) stay short.
      memorySize: 512,
      // The handler may wait up to 10 s for a concurrent request with the same Idempotency-Key,
      // then publish up to 10 PutEvents calls with retries. 20 s covers both and stays under
      // API Gateway's 30 s integration timeout, so a slow call ends in this function (whose
      // in-progress key expires with it) rather than at the gateway while work goes on.
      timeout: Duration.seconds(20),
      serviceName: props.serviceName ?? 'hookbridge',
      logRetention,
      logRemovalPolicy,
    });
    this.function.addEnvironment('HOOKBRIDGE_EVENT_SOURCE', props.eventSource ?? 'hookbridge');
    this.function.addEnvironment('HOOKBRIDGE_MAX_EVENT_BYTES', String(maxEventBytes));
    this.function.addEnvironment('HOOKBRIDGE_IDEMPOTENCY_TTL_SECONDS', String(ttlSeconds));
    // Each setting is given together with the permission it needs, so one cannot be added
    // without the other.
    this.function.addEnvironment('HOOKBRIDGE_EVENT_BUS_NAME', props.eventBus.eventBusName);
    props.eventBus.grantPutEventsTo(this.function);
    this.function.addEnvironment('HOOKBRIDGE_IDEMPOTENCY_TABLE', props.idempotencyTable.tableName);
    props.idempotencyTable.grant(this.function, ...IDEMPOTENCY_TABLE_ACTIONS);
    props.idempotencyTable.encryptionKey?.grantEncryptDecrypt(this.function);

    this.api = new apigw.HttpApi(this, 'Api', {
      apiName: props.apiName ?? 'hookbridge-api',
      description:
        'Hookbridge: producers POST events to /v1/events, operators manage /v1/subscriptions; every route is signed with SigV4',
      // Applies to every route of this API, including any added later.
      defaultAuthorizer: new HttpIamAuthorizer(),
      // The automatic default stage takes no throttling or access logs: the stage below does.
      createDefaultStage: false,
    });
    const integration = new HttpLambdaIntegration('Ingest', this.function, {
      payloadFormatVersion: apigw.PayloadFormatVersion.VERSION_2_0,
    });
    for (const path of INGEST_ROUTES) {
      this.api.addRoutes({
        path,
        methods: [apigw.HttpMethod.POST],
        integration,
      });
    }

    this.throttle = { rateLimit, burstLimit };
    this.stage = apiStage(this, 'Stage', this.api, {
      throttle: this.throttle,
      logRetention,
      logRemovalPolicy,
    });
    this.apiUrl = this.stage.url;
  }

  /** Allows `grantee` to call the ingest routes (and nothing else of the API). */
  grantPublish(grantee: iam.IGrantable): iam.Grant {
    return iam.Grant.addToPrincipal({
      grantee,
      actions: ['execute-api:Invoke'],
      resourceArns: INGEST_ROUTES.map((path) => this.api.arnForExecuteApi('POST', path)),
    });
  }
}

function checkedInteger(
  scope: Construct,
  name: string,
  value: number | undefined,
  fallback: number,
  range: { readonly min: number; readonly max?: number },
): number {
  const n = value ?? fallback;
  if (Token.isUnresolved(n)) return n;
  if (!Number.isInteger(n) || n < range.min || (range.max !== undefined && n > range.max)) {
    const bounds =
      range.max === undefined ? `at least ${range.min}` : `${range.min} to ${range.max}`;
    throw new Error(`${scope.node.path}: ${name} must be an integer ${bounds} (got ${n})`);
  }
  return n;
}
