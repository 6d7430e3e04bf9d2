import { Duration, Stack } from 'aws-cdk-lib';
import type * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as events from 'aws-cdk-lib/aws-events';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { alarmTopicFor } from './alarm-topic.js';
import { METRICS_NAMESPACE } from './bundled-function.js';
import {
  apiWidgets,
  authorizerWidgets,
  graph,
  laneQueueWidgets,
  RECENT_FAILURES_QUERY,
  WIDGET_PERIOD,
} from './dashboard-widgets.js';

export { laneQueueSearch } from './dashboard-widgets.js';

export interface ObservabilityProps {
  /** Prefix of the run-time resource names: subscriber queues are `<prefix>-sub_<id>[-dlq]`. */
  readonly prefix: string;
  /**
   * The `service` dimension the functions' metrics carry (POWERTOOLS_SERVICE_NAME).
   * @default - the prefix
   */
  readonly serviceName?: string;
  /** The HTTP API producers and operators call. */
  readonly httpApi: apigw.IHttpApi;
  readonly ingestFunction: lambda.IFunction;
  readonly deliveryFunction: lambda.IFunction;
  /** The delivery function's log group, searched for recent failures. */
  readonly deliveryLogGroup: logs.ILogGroup;
  /** The bus the subscription rules are on. */
  readonly eventBus: events.IEventBus;
  /** Every bus shard (shard 0 first); the fan-out widget sums their rules. @default [eventBus] */
  readonly eventBuses?: readonly events.IEventBus[];
  /**
   * Where alarms notify (on ALARM and back to OK).
   * @default - a topic is created if `alarmEmail` is given; otherwise alarms notify nobody
   */
  readonly alarmTopic?: sns.ITopic;
  /**
   * An address subscribed to the alarm topic (AWS sends it a confirmation email first).
   * @default - no subscription
   */
  readonly alarmEmail?: string;
  /**
   * A delivery that reaches its subscriber later than this after it was queued raises the
   * message-age alarm.
   * @default Duration.hours(1)
   */
  readonly messageAgeThreshold?: Duration;
  /**
   * Whether the delivery function publishes per-subscription metrics (see `Delivery`), in
   * which case the dashboard shows failures by subscription.
   * @default false
   */
  readonly perSubscriptionMetrics?: boolean;
  /**
   * The token API and its authorizer, graphed and alarmed like the IAM API.
   * @default - no token API
   */
  readonly tokenApi?: TokenApiMonitoring;
  /**
   * Whether ingest stores events (a retention above 0): the stored events are then graphed
   * and a failure to store one raises an alarm.
   * @default false
   */
  readonly eventStoreEnabled?: boolean;
  /**
   * Cold lanes' wake DLQ: a message there is a wake that failed five times (the reconciler's
   * depth check still wakes the lane, a pass later). Its alarm and the cold-lane widgets.
   * @default - cold lanes off
   */
  readonly wakeDeadLetterQueue?: sqs.IQueue | undefined;
}

/** What the dashboard and the alarms read of the token API. */
export interface TokenApiMonitoring {
  readonly httpApi: apigw.IHttpApi;
  readonly authorizerFunction: lambda.IFunction;
}

/** The alarms of an installation; each notifies the alarm topic, if there is one. */
export interface ObservabilityAlarms {
  /** Messages went to a subscriber's dead-letter queue. */
  readonly deadLetters: cloudwatch.Alarm;
  /** A delivery reached its subscriber later than the threshold after it was queued. */
  readonly messageAge: cloudwatch.Alarm;
  /** A subscription was disabled automatically; its queue holds its events until resumed. */
  readonly subscriptionsDisabled: cloudwatch.Alarm;
  /** The API answered with a 5xx. */
  readonly apiServerErrors: cloudwatch.Alarm;
  /** Accepted events could not be published on the bus. */
  readonly publishFailures: cloudwatch.Alarm;
  /**
   * The delivery function itself failed (crash, timeout, failed INIT, or an AWS call of its
   * own): records it could not settle count as receives without an attempt being logged.
   */
  readonly deliveryFunctionErrors: cloudwatch.Alarm;
  /** The token API answered with a 5xx (only with a token API). */
  readonly tokenApiServerErrors?: cloudwatch.Alarm;
  /**
   * The authorizer failed (crash, timeout, failed INIT): API Gateway answers 500 to the
   * request, whatever its credential (only with a token API).
   */
  readonly authorizerErrors?: cloudwatch.Alarm;
  /**
   * Accepted events could not be stored for the message API: they were delivered, but
   * `GET /v1/events/{id}` and resend will not find them (only with the store on).
   */
  readonly eventStoreFailures?: cloudwatch.Alarm;
  /** Wake messages of cold lanes went to the wake DLQ (only with cold lanes on). */
  readonly wakeDeadLetters?: cloudwatch.Alarm;
}

// Alarms look at 5-minute windows; the custom metrics exist only when something happened, so
// a missing data point means "nothing happened", never a breach.
const ALARM_PERIOD = WIDGET_PERIOD;

/**
 * One CloudWatch dashboard and the alarms of DESIGN §6 for an installation: API traffic,
 * ingest, fan-out, delivery outcomes and per-subscriber queue depth, age and DLQ depth. The
 * subscriber queues are created at run time, so their widgets are SEARCH expressions over
 * the queue-name prefix: a new subscriber appears without a redeploy, for free (AWS/SQS).
 */
export class Observability extends Construct {
  public readonly dashboard: cloudwatch.Dashboard;
  public readonly alarms: ObservabilityAlarms;
  /** The console address of the dashboard. */
  public readonly dashboardUrl: string;
  /** Where alarms notify, if anywhere. */
  public readonly alarmTopic?: sns.ITopic;
  private readonly serviceName: string;

  constructor(scope: Construct, id: string, props: ObservabilityProps) {
    super(scope, id);
    this.serviceName = props.serviceName ?? props.prefix;
    this.alarmTopic = alarmTopicFor(this, props.alarmTopic, props.alarmEmail);
    this.alarms = this.createAlarms(props);
    if (this.alarmTopic) {
      const action = new SnsAction(this.alarmTopic);
      for (const alarm of this.alarmList()) {
        alarm.addAlarmAction(action);
        alarm.addOkAction(action);
      }
    }

    const region = Stack.of(this).region;
    this.dashboard = new cloudwatch.Dashboard(this, 'Dashboard', {
      // Dashboard names are unique in the whole account, the prefix only in its region.
      dashboardName: `${props.prefix}-${region}`,
      defaultInterval: Duration.hours(3),
    });
    this.dashboard.addWidgets(
      new cloudwatch.AlarmStatusWidget({
        title: 'Alarms',
        alarms: this.alarmList(),
        width: 24,
        height: 3,
      }),
    );
    this.addApiWidgets(props);
    if (props.tokenApi) {
      this.dashboard.addWidgets(...apiWidgets('Token API', props.tokenApi.httpApi));
      this.dashboard.addWidgets(
        ...authorizerWidgets(props.tokenApi.authorizerFunction, (name) => this.metric(name)),
      );
    }
    this.addFanOutWidgets(props.eventBuses ?? [props.eventBus]);
    this.addDeliveryWidgets(props);
    this.dashboard.addWidgets(...laneQueueWidgets(props.prefix));
    if (props.wakeDeadLetterQueue) {
      this.dashboard.addWidgets(
        graph(
          'Cold lanes (put to sleep, woken by an event, woken by the reconciler)',
          ['LanesCooled', 'LanesWoken', 'LanesWokenByReconciler'].map((name) => this.metric(name)),
        ),
        graph('Wake latency (event → lane polling again)', [
          this.metric('WakeLatency', { statistic: 'p50', label: 'p50' }),
          this.metric('WakeLatency', { statistic: 'Maximum', label: 'max' }),
        ]),
      );
    }
    this.dashboard.addWidgets(
      new cloudwatch.LogQueryWidget({
        title:
          'Recent delivery failures (exhausted and dead-lettered messages, disabled subscriptions, errors)',
        logGroupNames: [props.deliveryLogGroup.logGroupName],
        queryLines: RECENT_FAILURES_QUERY,
        view: cloudwatch.LogQueryVisualizationType.TABLE,
        width: 24,
        height: 8,
      }),
    );
    this.dashboardUrl = `https://${region}.console.aws.amazon.com/cloudwatch/home?region=${region}#dashboards:name=${this.dashboard.dashboardName}`;
  }

  /** A metric the functions emit (EMF under `Hookbridge`, dimension `service`). */
  metric(metricName: string, options: cloudwatch.MetricOptions = {}): cloudwatch.Metric {
    return new cloudwatch.Metric({
      namespace: METRICS_NAMESPACE,
      metricName,
      dimensionsMap: { service: this.serviceName },
      statistic: 'Sum',
      period: ALARM_PERIOD,
      ...options,
    });
  }

  /** Every alarm made, for the status widget and the notifications. */
  private alarmList(): cloudwatch.Alarm[] {
    return Object.values(this.alarms).filter(
      (alarm): alarm is cloudwatch.Alarm => alarm !== undefined,
    );
  }

  private createAlarms(props: ObservabilityProps): ObservabilityAlarms {
    const threshold = props.messageAgeThreshold ?? Duration.hours(1);
    const anyOf = (id: string, metric: cloudwatch.IMetric, description: string) =>
      this.alarm(id, metric, 0, description);
    return {
      // Why not the DLQs' own ApproximateNumberOfMessagesVisible: the queues are created at
      // run time, so their names are unknown here. CloudWatch alarms refuse SEARCH
      // expressions, MAX(SEARCH(…)) included; Metrics Insights alarm queries, which do follow
      // new resources, select dimension values by equality (=, !=), not by prefix; and an
      // alarm per subscriber would have to be made and removed by the provisioner. What the
      // delivery function counts is exact instead: DeliveryExhausted when a message's last
      // attempt fails (SQS then moves it to the DLQ through maxReceiveCount) and DeadLettered
      // when it sends an undeliverable message there itself. The DLQ widget of the dashboard
      // shows what is still waiting in each DLQ.
      deadLetters: anyOf(
        'DeadLetters',
        new cloudwatch.MathExpression({
          expression: 'FILL(exhausted, 0) + FILL(deadLettered, 0)',
          usingMetrics: {
            exhausted: this.metric('DeliveryExhausted'),
            deadLettered: this.metric('DeadLettered'),
          },
          label: 'Messages sent to a dead-letter queue',
          period: ALARM_PERIOD,
        }),
        'Messages went to a subscriber dead-letter queue (retries exhausted or undeliverable). See the dashboard DLQ widget and the delivery logs; redrive with POST /v1/subscriptions/{id}/redrive once the subscriber is fixed. DLQ messages expire after 14 days.',
      ),
      // For the same reason the age is measured where it is known for every queue: at
      // delivery, from SQS's SentTimestamp to the subscriber's 2xx. A backlog that drains
      // slowly (a concurrency cap, a subscriber recovering after retries) shows here; one
      // that does not drain at all shows as failures, dead letters or disabled subscriptions.
      messageAge: this.alarm(
        'MessageAge',
        this.metric('DeliveryLatency', { statistic: 'Maximum' }),
        threshold.toMilliseconds(),
        `A delivery reached its subscriber more than ${threshold.toHumanString()} after it was queued. See the dashboard queue-age widget for the subscriber whose backlog is old.`,
      ),
      // A disabled subscription gets nothing until it is resumed, while its queue keeps
      // filling: its messages age towards the 14-day retention without another signal.
      subscriptionsDisabled: anyOf(
        'SubscriptionsDisabled',
        this.metric('SubscriptionsDisabled'),
        'A subscription was disabled after failing for too long (or answering 410 Gone). Its events wait in its queue (14 days at most) until it is resumed with PATCH status=active.',
      ),
      apiServerErrors: anyOf(
        'ApiServerErrors',
        props.httpApi.metricServerError({ period: ALARM_PERIOD, statistic: 'Sum' }),
        'The Hookbridge API answered with a 5xx. See the ingest and management function logs.',
      ),
      publishFailures: anyOf(
        'PublishFailures',
        this.metric('PublishFailures'),
        'Events accepted by the ingest API could not be published on the bus (the producer was told which ones). See the ingest function logs.',
      ),
      // The dead-letter alarm counts what the function saw exhaust; this covers what it cannot
      // count: an invocation that crashed, timed out or failed at INIT (Lambda's Errors), and a
      // record left unsettled because one of its own AWS calls failed (DeliveryErrors). Such
      // records return to their queue, each time as one more receive, and may reach the DLQ
      // through maxReceiveCount without an exhausted attempt being logged.
      deliveryFunctionErrors: anyOf(
        'DeliveryFunctionErrors',
        new cloudwatch.MathExpression({
          expression: 'FILL(invocationErrors, 0) + FILL(recordErrors, 0)',
          usingMetrics: {
            invocationErrors: props.deliveryFunction.metricErrors({
              period: ALARM_PERIOD,
              statistic: 'Sum',
            }),
            recordErrors: this.metric('DeliveryErrors'),
          },
          label: 'Delivery function errors',
          period: ALARM_PERIOD,
        }),
        'The delivery function failed: an invocation crashed, timed out or failed at INIT, or a record could not be handled because an AWS call of the function failed. Its records go back to their queues and count as receives, so repeated failures can move messages to a DLQ without a logged final attempt. See the delivery function logs (level ERROR).',
      ),
      ...(props.tokenApi && this.tokenApiAlarms(props.tokenApi)),
      ...(props.wakeDeadLetterQueue && {
        wakeDeadLetters: anyOf(
          'WakeDeadLetters',
          props.wakeDeadLetterQueue.metricApproximateNumberOfMessagesVisible({
            period: ALARM_PERIOD,
            statistic: 'Maximum',
          }),
          'Waking a cold lane failed five times for some wake messages (see the reconciler function logs, level ERROR). No event is lost: they wait in their subscriber queues and the reconciler wakes any cold lane whose queue is not empty on its next pass. Purge the wake DLQ once the cause is fixed.',
        ),
      }),
      ...(props.eventStoreEnabled && {
        eventStoreFailures: anyOf(
          'EventStoreFailures',
          this.metric('EventStoreFailures'),
          'Events accepted by the ingest API could not be stored for the message API: they were published and delivered, but GET /v1/events/{id} and resend will not find them. See the ingest function logs.',
        ),
      }),
    };
  }

  private tokenApiAlarms(tokenApi: TokenApiMonitoring) {
    return {
      tokenApiServerErrors: this.alarm(
        'TokenApiServerErrors',
        tokenApi.httpApi.metricServerError({ period: ALARM_PERIOD, statistic: 'Sum' }),
        0,
        'The Hookbridge token API answered with a 5xx. See the authorizer, ingest and management function logs.',
      ),
      // A failing authorizer refuses nothing and accepts nothing: every uncached request of
      // the token API gets a 500 from API Gateway.
      authorizerErrors: this.alarm(
        'AuthorizerErrors',
        tokenApi.authorizerFunction.metricErrors({ period: ALARM_PERIOD, statistic: 'Sum' }),
        0,
        'The token API authorizer failed (crash, timeout or failed INIT): API Gateway answers 500 to token and API-key callers. See the authorizer function logs.',
      ),
    };
  }

  private alarm(
    id: string,
    metric: cloudwatch.IMetric,
    threshold: number,
    description: string,
  ): cloudwatch.Alarm {
    return new cloudwatch.Alarm(this, id, {
      metric,
      threshold,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
      datapointsToAlarm: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      alarmDescription: description,
    });
  }

  private addApiWidgets(props: ObservabilityProps): void {
    const period = ALARM_PERIOD;
    const ingest = props.ingestFunction;
    this.dashboard.addWidgets(...apiWidgets('API', props.httpApi));
    this.dashboard.addWidgets(
      graph('Ingest function errors', [
        ingest.metricErrors({ period, label: 'Errors' }),
        ingest.metricThrottles({ period, label: 'Throttles' }),
      ]),
      graph('Events ingested and published', [
        this.metric('EventsIngested'),
        this.metric('EventsPublished'),
        this.metric('PublishFailures'),
      ]),
      ...(props.eventStoreEnabled
        ? [
            graph('Events stored for the message API', [
              this.metric('EventsStored'),
              this.metric('EventStoreFailures'),
            ]),
          ]
        : []),
    );
  }

  private addFanOutWidgets(buses: readonly events.IEventBus[]): void {
    // Rules on a custom bus report with the dimensions EventBusName and RuleName; the sum
    // over the bus's rules is the fan-out to every subscriber. Bus shards: one SEARCH per
    // eight buses (a search expression stays under its 1,024 characters), summed.
    const search = (metricName: string, group: readonly events.IEventBus[]) => {
      const names = group.map((bus) => `EventBusName="${bus.eventBusName}"`);
      const term = names.length === 1 ? names[0] : `(${names.join(' OR ')})`;
      return `SUM(SEARCH('{AWS/Events,EventBusName,RuleName} MetricName="${metricName}" ${term}', 'Sum', 300))`;
    };
    const onBuses = (metricName: string) => {
      const groups: (readonly events.IEventBus[])[] = [];
      for (let i = 0; i < buses.length; i += 8) groups.push(buses.slice(i, i + 8));
      if (groups.length === 1) {
        return new cloudwatch.MathExpression({
          expression: search(metricName, groups[0] ?? []),
          usingMetrics: {},
          label: metricName,
          period: ALARM_PERIOD,
        });
      }
      const parts = Object.fromEntries(
        groups.map((group, i) => [
          `${metricName.toLowerCase()}${i}`,
          new cloudwatch.MathExpression({
            expression: search(metricName, group),
            usingMetrics: {},
            period: ALARM_PERIOD,
          }),
        ]),
      );
      return new cloudwatch.MathExpression({
        expression: Object.keys(parts).join(' + '),
        usingMetrics: parts,
        label: metricName,
        period: ALARM_PERIOD,
      });
    };
    this.dashboard.addWidgets(
      graph(
        'EventBridge fan-out (all subscription rules)',
        ['TriggeredRules', 'Invocations', 'FailedInvocations'].map(onBuses),
        24,
      ),
    );
  }

  private addDeliveryWidgets(props: ObservabilityProps): void {
    const period = ALARM_PERIOD;
    this.dashboard.addWidgets(
      graph(
        'Delivery outcomes',
        ['Delivered', 'DeliveryFailed', 'DeliveryExhausted', 'DeadLettered'].map((name) =>
          this.metric(name),
        ),
      ),
      graph('Delivery latency (queued → 2xx)', [
        this.metric('DeliveryLatency', { statistic: 'p50', label: 'p50' }),
        this.metric('DeliveryLatency', { statistic: 'p99', label: 'p99' }),
      ]),
      graph('Delivery function errors', [
        props.deliveryFunction.metricErrors({ period, label: 'Errors' }),
        props.deliveryFunction.metricThrottles({ period, label: 'Throttles' }),
      ]),
    );
    if (props.perSubscriptionMetrics) {
      const search = `SEARCH('{${METRICS_NAMESPACE},SubscriptionId,service} MetricName="DeliveryFailed" service="${this.serviceName}"', 'Sum', 300)`;
      this.dashboard.addWidgets(
        graph(
          'Delivery failures by subscription',
          [new cloudwatch.MathExpression({ expression: search, usingMetrics: {}, label: '' })],
          24,
        ),
      );
    }
  }
}
