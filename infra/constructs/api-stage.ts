import type { RemovalPolicy } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';

/**
 * The access log line of every Hookbridge API, as HTTP API context variables
 * ($context.resourcePath and other REST-only ones are invalid here).
 */
export const ACCESS_LOG_FIELDS = {
  requestId: '$context.requestId',
  requestTime: '$context.requestTime',
  routeKey: '$context.routeKey',
  status: '$context.status',
  protocol: '$context.protocol',
  sourceIp: '$context.identity.sourceIp',
  caller: '$context.identity.userArn',
  userAgent: '$context.identity.userAgent',
  responseLength: '$context.responseLength',
  responseLatency: '$context.responseLatency',
  integrationLatency: '$context.integration.latency',
  integrationStatus: '$context.integration.status',
  errorMessage: '$context.error.message',
  integrationError: '$context.integrationErrorMessage',
};

export interface ApiStageOptions {
  readonly throttle: apigw.ThrottleSettings;
  readonly logRetention: logs.RetentionDays;
  readonly logRemovalPolicy: RemovalPolicy;
  /** Fields logged besides ACCESS_LOG_FIELDS. */
  readonly extraLogFields?: Readonly<Record<string, string>>;
}

/**
 * The `$default` stage of a Hookbridge API, deployed on every change, with its throttle and a
 * JSON access log in a log group of its own. (An HTTP API's automatic default stage takes
 * neither, so the APIs are made with `createDefaultStage: false` and get this one.)
 */
export function apiStage(
  scope: Construct,
  id: string,
  api: apigw.IHttpApi,
  options: ApiStageOptions,
): apigw.HttpStage {
  return new apigw.HttpStage(scope, id, {
    httpApi: api,
    stageName: '$default',
    autoDeploy: true,
    throttle: options.throttle,
    accessLogSettings: {
      destination: new apigw.LogGroupLogDestination(
        new logs.LogGroup(scope, 'AccessLogs', {
          retention: options.logRetention,
          removalPolicy: options.logRemovalPolicy,
        }),
      ),
      format: AccessLogFormat.custom(
        JSON.stringify({ ...ACCESS_LOG_FIELDS, ...options.extraLogFields }),
      ),
    },
  });
}
