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

// SQS publishes its metrics every minute.
const QUEUE_PERIOD_SECONDS = 60;

/** Depth, oldest message age and DLQ depth of every lane queue, found by SEARCH on the prefix. */
export function laneQueueWidgets(prefix: string): cloudwatch.IWidget[] {
  return [
    graph('Subscriber queue depth', [
      laneQueueSearch(prefix, 'ApproximateNumberOfMessagesVisible', 'queue'),
    ]),
    graph('Subscriber oldest message age (s)', [
      laneQueueSearch(prefix, 'ApproximateAgeOfOldestMessage', 'queue'),
    ]),
    graph('Dead-letter queue depth', [
      laneQueueSearch(prefix, 'ApproximateNumberOfMessagesVisible', 'dlq'),
    ]),
  ];
}

/**
 * The lane queues' `metricName`, one line per queue, DLQs or main queues only. The queue
 * term is unquoted on purpose: quoted, a search term must equal the whole name; unquoted,
 * `<prefix>-sub` matches the consecutive tokens of every lane queue name. `dlq` is a token of
 * the DLQ names only (ULIDs have no L).
 */
export function laneQueueSearch(
  prefix: string,
  metricName: string,
  kind: 'queue' | 'dlq',
): cloudwatch.MathExpression {
  const dlq = kind === 'dlq' ? 'QueueName=dlq' : 'NOT QueueName=dlq';
  return new cloudwatch.MathExpression({
    expression: `SEARCH('{AWS/SQS,QueueName} MetricName="${metricName}" QueueName=${prefix}-sub ${dlq}', 'Maximum', ${QUEUE_PERIOD_SECONDS})`,
    usingMetrics: {},
    // Empty: each line is labelled with its queue name alone.
    label: '',
    period: Duration.seconds(QUEUE_PERIOD_SECONDS),
  });
}

// Powertools log lines are JSON: `level` is WARN for a message whose retries are exhausted
// (SQS moves it to the DLQ) and for a disabled subscription, ERROR for a message the function
// sends to the DLQ itself and for a failure of its own.
export const RECENT_FAILURES_QUERY = [
  'fields @timestamp, level, message, subscriptionId, reason, messageId',
  'filter level = "WARN" or level = "ERROR"',
  'sort @timestamp desc',
  'limit 100',
];
