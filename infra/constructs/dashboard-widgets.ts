import { Duration } from 'aws-cdk-lib';
import type * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as lambda from 'aws-cdk-lib/aws-lambda';

/** The period of the dashboard's graphs and of the alarms. */
export const WIDGET_PERIOD = Duration.minutes(5);

/** A graph of `metrics`, 6 high; three to a row by default. */
export function graph(
  title: string,
  metrics: cloudwatch.IMetric[],
  width = 8,
): cloudwatch.GraphWidget {
  return new cloudwatch.GraphWidget({ title, left: metrics, width, height: 6 });
}

/** Requests, latency p50/p99 and 4xx/5xx of an HTTP API, titled `<name> requests` and so on. */
export function apiWidgets(name: string, api: apigw.IHttpApi): cloudwatch.IWidget[] {
  const period = WIDGET_PERIOD;
  return [
    graph(`${name} requests`, [api.metricCount({ period, statistic: 'Sum', label: 'Requests' })]),
    graph(`${name} latency`, [
      api.metricLatency({ period, statistic: 'p50', label: 'p50' }),
      api.metricLatency({ period, statistic: 'p99', label: 'p99' }),
    ]),
    graph(`${name} errors`, [
      api.metricClientError({ period, statistic: 'Sum', label: '4xx' }),
      api.metricServerError({ period, statistic: 'Sum', label: '5xx' }),
    ]),
  ];
}

/**
 * The authorizer: how often it runs (cache misses), how long it takes (every uncached request
 * waits on it), its failures, and the credentials it accepts and refuses. A burst of refusals
 * is someone trying tokens or keys.
 */
export function authorizerWidgets(
  authorizer: lambda.IFunction,
  metric: (name: string) => cloudwatch.IMetric,
): cloudwatch.IWidget[] {
  const period = WIDGET_PERIOD;
  return [
    graph('Authorizer invocations and errors', [
      authorizer.metricInvocations({ period, statistic: 'Sum', label: 'Invocations' }),
      authorizer.metricErrors({ period, statistic: 'Sum', label: 'Errors' }),
      authorizer.metricThrottles({ period, statistic: 'Sum', label: 'Throttles' }),
    ]),
    graph('Authorizer duration', [
      authorizer.metricDuration({ period, statistic: 'p50', label: 'p50' }),
      authorizer.metricDuration({ period, statistic: 'p99', label: 'p99' }),
    ]),
    graph('Credentials accepted and refused', [
      metric('CredentialsAccepted'),
      metric('CredentialsRefused'),
    ]),
  ];
}
