import type { Duration, RemovalPolicy } from 'aws-cdk-lib';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type * as sns from 'aws-cdk-lib/aws-sns';

/** The settings of a Hookbridge installation, each with its default. */
export interface HookbridgeProps {
  /**
   * Names the API and the resources Hookbridge creates at run time for each subscription
   * (queues, rules). Two installations in one account and region need different prefixes.
   * @default 'hookbridge'
   */
  readonly prefix?: string;
  /**
   * EventBridge `Source` of ingested events; subscription rules match on it.
   * @default 'hookbridge'
   */
  readonly eventSource?: string;
  /**
   * How long the bus archive keeps events, i.e. how far back a replay can reach.
   * @default Duration.days(30)
   */
  readonly archiveRetention?: Duration;
  /**
   * How many EventBridge buses carry events (bus shards): each holds at most `rulesPerShard`
   * subscription rules, so capacity grows by raising this and redeploying. Shard 0 is the
   * first bus; shards 1..N-1 are `<prefix>-bus-<k>`, each with its archive. A tenant is placed
   * on one shard for good. At most 90 (EventBridge allows 100 buses per account by default).
   * @default 1
   */
  readonly busShards?: number;
  /**
   * The most subscription rules Hookbridge puts on one bus shard; a tenant subscription may use
   * 90 % of it (the rest is kept for operator subscriptions, which have a rule on every shard).
   * Above 300 only after raising EventBridge's "Rules per event bus" quota.
   * @default 250
   */
  readonly rulesPerShard?: number;
  /**
   * Steady-state requests per second the ingest API accepts before answering 429.
   * @default 1000
   */
  readonly throttlingRateLimit?: number;
  /**
   * Requests the ingest API accepts in a burst above the steady rate.
   * @default 500
   */
  readonly throttlingBurstLimit?: number;
  /**
   * The largest event accepted, in bytes (the whole EventBridge entry); at most 1 MB, and
   * above 256 KB only where the account's PutEvents quota allows it.
   * @default 262144
   */
  readonly maxEventBytes?: number;
  /**
   * What happens to the tables and log groups when they leave the stack. `DESTROY` suits
   * throw-away installations; the bus and its archive are always deleted with the stack.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
  /**
   * How long one delivery attempt may take (connect, headers and body), 1 to 30 s.
   * @default Duration.seconds(15)
   */
  readonly deliveryAttemptTimeout?: Duration;
  /**
   * How long delivery attempts stay in the attempt log, 1 to 365 days.
   * @default Duration.days(30)
   */
  readonly deliveryLogTtl?: Duration;
  /**
   * A subscription failing without a single success this long is disabled when a message
   * exhausts its retries (whole hours, at most 90 days).
   * @default Duration.hours(120)
   */
  readonly autoDisableAfter?: Duration;
  /**
   * CIDRs subscriber URLs may resolve into despite the SSRF guard, e.g. a peered VPC.
   * @default [] - only public addresses
   */
  readonly allowedDestinationCidrs?: readonly string[];
  /**
   * Whether plain `http:` subscriber URLs are allowed.
   * @default false
   */
  readonly allowHttpDestinations?: boolean;
  /**
   * How often the reconciler repairs lanes and retries failed provisioning (whole minutes).
   * @default Duration.minutes(5)
   */
  readonly reconcileInterval?: Duration;
  /**
   * A subscriber lane with no delivery for this long goes cold: the reconciler disables its
   * event source mapping (no polling, no cost) and the next event for it wakes it through a
   * shared wake queue, with a longer first-event latency. `Duration.seconds(0)` keeps every
   * lane hot. Otherwise at least 2 hours (delivery notes a lane's activity hourly).
   * @default Duration.hours(24)
   */
  readonly laneIdleTimeout?: Duration;
  /**
   * Whether delivery metrics are also published per subscription (a `SubscriptionId`
   * dimension), and shown by subscription on the dashboard. Each subscriber then costs one
   * custom metric per metric name.
   * @default false
   */
  readonly perSubscriptionMetrics?: boolean;
  /**
   * The topic the alarms notify (on ALARM and back to OK).
   * @default - a new encrypted topic if `alarmEmail` is given; otherwise alarms notify nobody
   */
  readonly alarmTopic?: sns.ITopic;
  /**
   * An address subscribed to the alarm topic; AWS asks it to confirm first.
   * @default - no subscription
   */
  readonly alarmEmail?: string;
  /**
   * A delivery reaching its subscriber later than this after it was queued raises the
   * message-age alarm.
   * @default Duration.hours(1)
   */
  readonly messageAgeThreshold?: Duration;
  /**
   * How long ingested events are kept for the message API (`GET /v1/events…`, resend), in
   * whole days, at most 365. `Duration.days(0)` turns the store off: nothing is stored and
   * ingest may not write the table.
   * @default Duration.days(30)
   */
  readonly eventRetention?: Duration;
  /**
   * Whether the token API is made: a second HTTP API with the same routes (but the API-key
   * routes) for callers holding a tenant token or an API key instead of AWS credentials,
   * behind a Lambda authorizer.
   * @default true
   */
  readonly tokenApi?: boolean;
  /**
   * How long the token API reuses the authorizer's answer for one credential, 0 to 60 s: a
   * revoked or expired token or key is refused at the latest this long after.
   * @default Duration.seconds(30)
   */
  readonly authorizerCacheTtl?: Duration;
  /**
   * Whether the web app (portal and console) is deployed: a private S3 bucket behind a
   * CloudFront distribution (the stack's `WebAppUrl` output), which the token API's CORS
   * admits. It needs the token API.
   * @default - true when `tokenApi` is
   */
  readonly webApp?: boolean;
  /**
   * The pages that may show the portal in a frame, as CSP `frame-ancestors` sources, e.g.
   * `['https://app.example.com']` for a customer-facing app that embeds it; `["'self'"]` or
   * `["'none'"]` also work.
   * @default ["'none'"] - no page may frame it
   */
  readonly portalFrameAncestors?: readonly string[];
  /**
   * More browser origins (`https://host[:port]`) whose pages may call the token API (CORS),
   * besides the web app's own, e.g. a customer-facing app calling it with a tenant token.
   * @default [] - the web app's origin only
   */
  readonly webAppOrigins?: readonly string[];
  /**
   * How long the functions' log groups and the API access log keep their lines.
   * @default logs.RetentionDays.ONE_MONTH
   */
  readonly logRetention?: logs.RetentionDays;
}
