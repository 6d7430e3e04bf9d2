/**
 * What a month of Hookbridge costs on AWS list prices (us-east-1, no free tier), from the
 * requests the code makes per delivery (DESIGN §7: ≤ $2 per million deliveries at 3× fan-out).
 * Sizes are computed with the project's own code (bus entry, attempt item, EMF output); every
 * price is in PRICES and every assumption in DEFAULTS or on the command line. See
 * bench/cost-model.md.
 *
 *   npx tsx bench/cost-model.ts [--fan-out 3] [--event-bytes 1024] [--retry-rate 0.05] …
 */
import { randomUUID } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { newSigningSecret, webhookHeaders } from '../shared/delivery/signing.js';
import { entrySize, toBusEntry } from '../shared/events/bus-entry.js';
import { newEventId } from '../shared/events/event-id.js';
import { jsonResponse } from '../shared/http/api-gateway.js';
import { idleColdSubscriber, wakeCost, wakeQueueFloor } from './cold-lane-cost.js';

const TARGET_PER_MILLION = 2;
const KB = 1024;
const GB = 1024 ** 3;

interface Price {
  readonly usd: number;
  readonly unit: string;
  readonly source: string;
  /** When the figure was taken, and how sure it is. */
  readonly asOf: string;
}

const ISSUE = '2026-11, as quoted in issue 6';
const KNOWN = '2026-11, list price as known to the author; not re-read in this run';
/** us-east-1 list prices. Update a figure here and every table follows. */
const PRICES = {
  httpApiRequest: {
    usd: 1.0 / 1e6,
    unit: 'request (each 512 KB)',
    source: 'aws.amazon.com/api-gateway/pricing (HTTP API, first 300M)',
    asOf: ISSUE,
  },
  lambdaRequest: {
    usd: 0.2 / 1e6,
    unit: 'invocation',
    source: 'aws.amazon.com/lambda/pricing',
    asOf: ISSUE,
  },
  lambdaArmGbSecond: {
    usd: 0.0000133334,
    unit: 'GB-s (arm64)',
    source: 'aws.amazon.com/lambda/pricing',
    asOf: ISSUE,
  },
  eventBridgeEvent: {
    usd: 1.0 / 1e6,
    unit: 'custom event (each 64 KB)',
    source: 'aws.amazon.com/eventbridge/pricing',
    asOf: ISSUE,
  },
  eventBridgeArchiveGb: {
    usd: 0.1,
    unit: 'GB archived (processing)',
    source: 'aws.amazon.com/eventbridge/pricing (archive)',
    asOf: KNOWN,
  },
  eventBridgeArchiveStorage: {
    usd: 0.023,
    unit: 'GB-month archive storage',
    source: 'aws.amazon.com/eventbridge/pricing (archive)',
    asOf: KNOWN,
  },
  sqsRequest: {
    usd: 0.4 / 1e6,
    unit: 'request (each 64 KB)',
    source: 'aws.amazon.com/sqs/pricing (standard)',
    asOf: ISSUE,
  },
  dynamoWrite: {
    usd: 0.625 / 1e6,
    unit: 'write request unit',
    source: 'aws.amazon.com/dynamodb/pricing/on-demand (Nov 2024 cut)',
    asOf: ISSUE,
  },
  dynamoRead: {
    usd: 0.125 / 1e6,
    unit: 'read request unit',
    source: 'aws.amazon.com/dynamodb/pricing/on-demand (Nov 2024 cut)',
    asOf: ISSUE,
  },
  dynamoStorage: {
    usd: 0.25,
    unit: 'GB-month (Standard table class)',
    source: 'aws.amazon.com/dynamodb/pricing/on-demand',
    asOf: KNOWN,
  },
  dynamoPitr: {
    usd: 0.2,
    unit: 'GB-month point-in-time recovery',
    source: 'aws.amazon.com/dynamodb/pricing/on-demand',
    asOf: KNOWN,
  },
  logsIngestion: {
    usd: 0.5,
    unit: 'GB ingested (Standard log class)',
    source: 'aws.amazon.com/cloudwatch/pricing',
    asOf: ISSUE,
  },
  customMetric: {
    usd: 0.3,
    unit: 'custom metric-month (first 10k)',
    source: 'aws.amazon.com/cloudwatch/pricing',
    asOf: KNOWN,
  },
  alarmMetric: {
    usd: 0.1,
    unit: 'standard alarm metric-month',
    source: 'aws.amazon.com/cloudwatch/pricing',
    asOf: KNOWN,
  },
  dataTransferOut: {
    usd: 0.09,
    unit: 'GB out to the internet (first 10 TB)',
    source:
      'aws.amazon.com/ec2/pricing/on-demand (data transfer; Lambda and API Gateway bill at it)',
    asOf: KNOWN,
  },
  dashboard: {
    usd: 3.0,
    unit: 'dashboard-month',
    source: 'aws.amazon.com/cloudwatch/pricing',
    asOf: KNOWN,
  },
} satisfies Record<string, Price>;

/** What the code does not decide: traffic shape, latencies, platform behaviour. */
const DEFAULTS = {
  fanOut: 3,
  /** Bytes of an event's `data` as JSON. */
  eventBytes: 1024,
  batchEvents: 100,
  /** Share of ingest requests that carry an Idempotency-Key (1 = all: the careful producer). */
  idempotencyShare: 1,
  /** Ingest function time per request (512 MB): PutEvents ≈ 20 ms + parsing; batch: 10 calls at once. */
  ingestSingleMs: 30,
  ingestBatchMs: 60,
  /** One DynamoDB call from Lambda in the same region. */
  dynamoMs: 8,
  /** The subscriber's answer time; the records of a batch are delivered concurrently. */
  subscriberMs: 100,
  /** Per invocation beyond the calls: SQS event parsing, signing, Powertools flush. */
  deliveryOverheadMs: 10,
  deliveryBatch: 10,
  /** Failed attempts per delivery (e.g. 1 % of deliveries failing 5 times). */
  retryRate: 0.05,
  /** A failed attempt is received and invoked alone, and lasts this long (5xx or timeout mix). */
  failedAttemptMs: 1000,
  /** Bytes of the subscriber's answer kept in the attempt log: none for a 2xx (the code keeps failures' bodies only, ≤ 4096). */
  responseBodyBytes: 0,
  attemptLogTtlDays: 30,
  /** Read units of the duplicate guard's Query: 0.5 eventually consistent (the code), 1 strongly. */
  guardRru: 0.5,
  /**
   * 0: the subscription is read once per invocation, for the whole batch (the code); 1: once
   * per attempt. Either read is strongly consistent (issue 11 §3), billed per 4 KB of the item.
   */
  subscriptionReadPerAttempt: 0,
  /** 1: point-in-time recovery on the attempt log too (the stack enables it on every table). */
  attemptLogPitr: 1,
  /** 1: Lambda's START/REPORT system lines are logged (system log level INFO, the default). */
  platformLogs: 1,
  archiveRetentionDays: 30,
  reconcileMinutes: 5,
  /** Lambda's pollers on an idle queue: 5 when MaximumConcurrency is set (every mapping here). */
  idlePollers: 5,
  /** Seconds of one long poll; 20 s is SQS's maximum (Lambda does not document its own). */
  longPollSeconds: 20,
  /** Cold lanes: the idle period after which a lane's mapping is disabled (construct default). */
  laneIdleHours: 24,
  /** Reconciler time per cold lane and pass: a depth check and a target listing, at once. */
  coldLaneReconcilerMs: 40,
  /** One wake (256 MB): a read, a versioned write, a mapping listed and updated, a target removed. */
  wakeMs: 300,
  /**
   * One reconciler pass: fixed part (the scan and the survey's listings), and per hot lane
   * looked at alone (≈ 5 API calls one after another: its record, 3 GetQueueAttributes and a
   * ListTargetsByRule; the rule, queue URLs and mapping come from the survey).
   */
  reconcilerBaseMs: 500,
  reconcilerPerSubscriptionMs: 150,
  /** Lanes a pass looks at at once (HOOKBRIDGE_RECONCILE_CONCURRENCY's default). */
  reconcileConcurrency: 8,
  /** The pass's EventBridge calls a second at most (HOOKBRIDGE_RECONCILE_EVENTS_PER_SECOND). */
  reconcileEventsPerSecond: 20,
  /** A cold lane's wake target is listed in one pass of this many (…_COLD_TARGET_CHECK_EVERY). */
  coldTargetCheckEvery: 6,
  /** One page of the pass's survey (ListQueues, ListRules, ListEventSourceMappings), in turn. */
  surveyPageMs: 50,
  /** The pass's Lambda calls a second at most (HOOKBRIDGE_RECONCILE_LAMBDA_PER_SECOND). */
  reconcileLambdaPerSecond: 5,
  /** Days each event is kept in the message store (the construct's default; 0 = off). */
  eventRetentionDays: 30,
  /**
   * Stored payload size over the event's JSON: 1 = stored as sent. (gzip usually takes a JSON
   * webhook to 0.3–0.5; pass that if the store compresses.)
   */
  storedPayloadRatio: 1,
  /** Share of ingest requests sent through the token API (an API key) instead of IAM. */
  tokenApiShare: 0,
  /** Share of token-API requests answered from API Gateway's authorizer cache (30 s TTL). */
  authorizerCacheHitRatio: 0.9,
  /** One authorizer invocation (256 MB): two GetItem and one UpdateItem, plus hashing. */
  authorizerMs: 30,
};
type Assumptions = typeof DEFAULTS;

const HOURS_PER_MONTH = 730;
const DAYS_PER_MONTH = HOURS_PER_MONTH / 24;
/** SQS attributes and receipt handle that come with each message handed to Lambda. */
const SQS_RECORD_OVERHEAD_BYTES = 700;
/** DynamoDB's storage overhead per item. */
const DYNAMO_ITEM_OVERHEAD_BYTES = 100;
/** A subscription record (secrets, filter, resource ARNs), read by the reconciler's scan. */
const SUBSCRIPTION_ITEM_BYTES = 1500;
/**
 * Metric names the functions emit (delivery 9, ingest 5 with EventsStored and
 * EventStoreFailures, reconciler 8 with the cold lanes' LanesCooled, LanesWokenByReconciler,
 * LanesWoken and WakeLatency, authorizer 2), `service` dimension.
 */
const CUSTOM_METRICS = 24;
/**
 * The alarms of infra/constructs/observability.ts: nine on one metric each (with the token
 * API's 5xx, the authorizer's errors, EventStoreFailures and the wake DLQ), one over two metrics.
 */
const ALARM_METRICS = 11;

const chunks = (bytes: number, size: number) => Math.max(1, Math.ceil(bytes / size));
const utf8 = (text: string) => Buffer.byteLength(text);

/** DynamoDB's item size: attribute names plus values (numbers ≈ 1 byte per 2 digits + 1). */
function itemBytes(item: Record<string, string | number | boolean>): number {
  let total = 0;
  for (const [name, value] of Object.entries(item)) {
    total += utf8(name);
    if (typeof value === 'string') total += utf8(value);
    else if (typeof value === 'number')
      total += Math.ceil(String(value).replace(/\D/g, '').length / 2) + 1;
    else total += 1;
  }
  return total;
}

/** Sizes that follow from the code and the event size, measured with the project's own code. */
function sizes(a: Assumptions) {
  const timestamp = new Date().toISOString();
  const data = { blob: 'x'.repeat(Math.max(0, a.eventBytes - 11)) };
  const envelope = { id: newEventId(), type: 'order.created', timestamp, data };
  const busBytes = entrySize(toBusEntry(envelope, 'hookbridge', 'hookbridge-bus'));
  // What a rule target puts in the queue: the whole event (DESIGN §3).
  const sqsBody = JSON.stringify({
    version: '0',
    id: randomUUID(),
    'detail-type': envelope.type,
    source: 'hookbridge',
    account: '123456789012',
    time: timestamp,
    region: 'us-east-1',
    resources: [],
    detail: envelope,
  });
  const attempt = {
    subscriptionId: `sub_${envelope.id.slice(4)}`,
    sk: `${envelope.id}#01`,
    eventId: envelope.id,
    eventType: envelope.type,
    // The SQS message id (a UUID) the attempt was made under: attempt numbers across redrives.
    messageId: '00000000-0000-4000-8000-000000000000',
    attempt: 1,
    attemptedAt: timestamp,
    result: 'delivered',
    final: true,
    statusCode: 200,
    durationMs: a.subscriberMs,
    responseBody: 'x'.repeat(a.responseBodyBytes),
    expiresAt: 1_800_000_000,
  };
  // Powertools idempotency's record: hashed key, expiries, status, validation hash, response.
  const idempotencyRecord = (response: unknown) =>
    itemBytes({
      id: `hookbridge#${'0'.repeat(32)}`,
      expiration: 1_800_000_000,
      in_progress_expiration: 1_800_000_000_000,
      status: 'COMPLETED',
      validation: '0'.repeat(32),
      data: JSON.stringify(response),
    });
  const ids = Array.from({ length: a.batchEvents }, () => ({
    id: newEventId(),
    status: 'accepted',
  }));
  const requestBytes = utf8(JSON.stringify({ type: envelope.type, data }));
  // The message store's item (infra/base-resources.ts eventStoreTable) and its two index
  // items, which copy the keys and the listed attributes only.
  const storedPayloadBytes = Math.ceil(utf8(JSON.stringify(data)) * a.storedPayloadRatio);
  const listed = { type: envelope.type, timestamp, tenantId: 'acme-customer-0042' };
  const keys = {
    id: envelope.id,
    tenantKey: listed.tenantId,
    timeKey: `${timestamp}#${envelope.id}`,
    bucket: `${timestamp.slice(0, 10)}#3`,
  };
  const storedEventBytes =
    itemBytes({ ...keys, ...listed, expiresAt: 1_800_000_000 }) +
    utf8('payload') +
    storedPayloadBytes;
  const { bucket: _bucket, ...byTenantKeys } = keys;
  const { tenantKey: _tenantKey, ...byTimeKeys } = keys;
  const storedIndexBytes = [
    itemBytes({ ...byTenantKeys, ...listed }),
    itemBytes({ ...byTimeKeys, ...listed, tenantKey: keys.tenantKey }),
  ];
  // One delivery on the wire: request line, the headers the delivery function sends, the body.
  const body = JSON.stringify(envelope);
  const headers = {
    host: 'hooks.example.com',
    'content-type': 'application/json',
    'user-agent': 'Hookbridge/0.1.0',
    'content-length': String(utf8(body)),
    connection: 'keep-alive',
    ...webhookHeaders({
      id: envelope.id,
      timestamp: 1_800_000_000,
      body,
      secrets: [newSigningSecret()],
    }),
  };
  const head = Object.entries(headers).map(([k, v]) => `${k}: ${v}\r\n`);
  return {
    deliveryWireBytes: utf8(`POST /webhooks/hookbridge HTTP/1.1\r\n${head.join('')}\r\n${body}`),
    busBytes,
    sqsBytes: utf8(sqsBody),
    requestBytes,
    batchRequestBytes: a.batchEvents * (requestBytes + 1) + 12,
    attemptBytes: itemBytes(attempt),
    storedPayloadBytes,
    storedEventBytes,
    storedIndexBytes,
    idempotencySingleBytes: idempotencyRecord(jsonResponse(202, { id: envelope.id })),
    idempotencyBatchBytes: idempotencyRecord(jsonResponse(202, { events: ids })),
    logs: logBytes(a),
  };
}

/** Bytes logged per invocation: Lambda's JSON platform lines, the EMF blob, access logs. */
function logBytes(a: Assumptions) {
  const emf = (fill: (m: Metrics) => void) => {
    const metrics = new Metrics({ namespace: 'Hookbridge', serviceName: 'hookbridge' });
    fill(metrics);
    return utf8(JSON.stringify(metrics.serializeMetrics())) + 1;
  };
  const requestId = randomUUID();
  const time = new Date().toISOString();
  // The shape of Lambda's JSON-format system log records (platform.start, platform.report).
  const platform =
    utf8(
      JSON.stringify({ time, type: 'platform.start', record: { requestId, version: '$LATEST' } }),
    ) +
    utf8(
      JSON.stringify({
        time,
        type: 'platform.report',
        record: {
          requestId,
          metrics: {
            durationMs: 126.31,
            billedDurationMs: 127,
            memorySizeMB: 256,
            maxMemoryUsedMB: 98,
          },
          status: 'success',
        },
      }),
    ) +
    2;
  // The fields of infra/constructs/ingest-api.ts ACCESS_LOG_FIELDS, with typical values.
  const accessLog = utf8(
    JSON.stringify({
      requestId: 'Abc1dEfGhIjKLmN=',
      requestTime: '23/Nov/2026:06:53:38 +0000',
      routeKey: 'POST /v1/events',
      status: '202',
      protocol: 'HTTP/1.1',
      sourceIp: '203.0.113.10',
      caller: 'arn:aws:sts::123456789012:assumed-role/producer/i-0abc',
      userAgent: 'aws-sdk-js/3 ua/2.1 os/linux lang/js md/nodejs#22',
      responseLength: '40',
      responseLatency: '31',
      integrationLatency: '30',
      integrationStatus: '202',
      errorMessage: '-',
      integrationError: '-',
    }),
  );
  return {
    platform,
    accessLog,
    emfIngest: emf((m) => {
      m.addMetric('EventsIngested', MetricUnit.Count, 1);
      m.addMetric('EventsPublished', MetricUnit.Count, 1);
    }),
    emfDelivery: emf((m) => {
      for (let i = 0; i < a.deliveryBatch; i += 1) {
        m.addMetric('Delivered', MetricUnit.Count, 1);
        m.addMetric('DeliveryLatency', MetricUnit.Milliseconds, 1234 + i);
      }
    }),
    emfAuthorizer: emf((m) => {
      m.addMetric('CredentialsAccepted', MetricUnit.Count, 1);
    }),
    emfReconciler: emf((m) => {
      for (const name of ['LanesProvisioned', 'LanesRepaired', 'OrphansRemoved', 'ReconcileErrors'])
        m.addMetric(name, MetricUnit.Count, 0);
    }),
    // Powertools Logger's `reconciled` line (Lambda context keys) with an empty report.
    reconcilerInfo: utf8(
      JSON.stringify({
        level: 'INFO',
        message: 'reconciled',
        timestamp: time,
        service: 'hookbridge',
        cold_start: false,
        function_arn: 'arn:aws:lambda:us-east-1:123456789012:function:hookbridge-Reconciler',
        function_memory_size: '256',
        function_name: 'hookbridge-Reconciler',
        function_request_id: requestId,
        sampling_rate: 0,
        provisioned: [],
        repaired: [],
        deleted: [],
        orphansRemoved: [],
        errors: [],
      }),
    ),
  };
}

type Sizes = ReturnType<typeof sizes>;
type Mode = 'single' | 'batch';

interface Line {
  readonly component: string;
  /** USD per million deliveries (variable) or per month (floor). */
  readonly usd: number;
  /** How the figure was counted. */
  readonly basis: string;
}

const lambdaUsd = (invocations: number, memoryGb: number, ms: number) =>
  invocations * PRICES.lambdaRequest.usd +
  invocations * memoryGb * (Math.ceil(ms) / 1000) * PRICES.lambdaArmGbSecond.usd;
const n = (value: number) => Math.round(value).toLocaleString('en-US');

/** What one million deliveries cost, component by component, with ingest in `mode`. */
function perMillion(a: Assumptions, s: Sizes, mode: Mode): Line[] {
  const deliveries = 1e6;
  const events = Math.ceil(deliveries / a.fanOut);
  const batch = mode === 'batch';
  const requests = batch ? Math.ceil(events / a.batchEvents) : events;
  const keyed = requests * a.idempotencyShare;
  const ingestMs =
    (batch ? a.ingestBatchMs : a.ingestSingleMs) + a.idempotencyShare * 2 * a.dynamoMs;
  const requestChunks = chunks(batch ? s.batchRequestBytes : s.requestBytes, 512 * KB);
  const idempotencyBytes = batch ? s.idempotencyBatchBytes : s.idempotencySingleBytes;
  // PutItem of the in-progress record, then UpdateItem billed on the completed record's size.
  const idempotencyWru = 1 + chunks(idempotencyBytes, KB);
  const eventChunks = chunks(s.busBytes, 64 * KB);

  const batches = deliveries / a.deliveryBatch;
  const failed = deliveries * a.retryRate;
  const attempts = deliveries + failed;
  const receiveChunks = chunks(a.deliveryBatch * (s.sqsBytes + SQS_RECORD_OVERHEAD_BYTES), 64 * KB);
  const sqsRequests =
    deliveries * chunks(s.sqsBytes, 64 * KB) + batches * (receiveChunks + 1) + failed * 2;
  const deliveryMs = a.subscriberMs + 2 * a.dynamoMs + a.deliveryOverheadMs;
  const invocations = batches + failed;
  const attemptWru = chunks(s.attemptBytes, KB);
  const subscriptionReads = a.subscriptionReadPerAttempt ? attempts : invocations;
  const subscriptionRru = chunks(SUBSCRIPTION_ITEM_BYTES, 4 * KB);
  // Twice: the table and its byAttemptedAt index, which projects every attribute.
  const attemptGb =
    (2 * attempts * (s.attemptBytes + DYNAMO_ITEM_OVERHEAD_BYTES) * a.attemptLogTtlDays) /
    DAYS_PER_MONTH /
    GB;
  const keyGb = (keyed * (idempotencyBytes + DYNAMO_ITEM_OVERHEAD_BYTES)) / DAYS_PER_MONTH / GB;
  const platform = s.logs.platform * a.platformLogs;
  // The message store: the item and its two index items, each billed per 1 KB written, held
  // for the retention (with PITR, which the stack enables on every table).
  const storing = a.eventRetentionDays > 0;
  const storeWru = storing
    ? chunks(s.storedEventBytes, KB) + s.storedIndexBytes.reduce((t, b) => t + chunks(b, KB), 0)
    : 0;
  const storedBytes =
    s.storedEventBytes +
    s.storedIndexBytes.reduce((t, b) => t + b, 0) +
    3 * DYNAMO_ITEM_OVERHEAD_BYTES;
  const storeGb = storing ? (events * storedBytes * a.eventRetentionDays) / DAYS_PER_MONTH / GB : 0;
  // The authorizer runs on the token API's requests the cache does not answer: two
  // strongly consistent GetItem (credential, tenant) and an UpdateItem (last use) each.
  const authorized = requests * a.tokenApiShare * (1 - a.authorizerCacheHitRatio);
  const archiveGb = (events * s.busBytes) / GB;
  // Subscribers are on the internet; answers coming back are inbound, which is free.
  const egressGb = (attempts * s.deliveryWireBytes + requests * 300) / GB;
  const logGb =
    (requests * (platform + s.logs.emfIngest + s.logs.accessLog) +
      invocations * (platform + s.logs.emfDelivery)) /
    GB;

  return [
    {
      component: 'API Gateway HTTP API',
      usd: requests * requestChunks * PRICES.httpApiRequest.usd,
      basis: `${n(requests)} requests of ${n(batch ? s.batchRequestBytes : s.requestBytes)} B`,
    },
    {
      component: 'Ingest Lambda (512 MB)',
      usd: lambdaUsd(requests, 0.5, ingestMs),
      basis: `${n(requests)} invocations × ${Math.ceil(ingestMs)} ms`,
    },
    {
      component: 'DynamoDB idempotency keys',
      usd: keyed * idempotencyWru * PRICES.dynamoWrite.usd,
      basis: `${n(keyed)} keyed requests × (PutItem + UpdateItem) = ${idempotencyWru} WRU`,
    },
    {
      component: 'EventBridge PutEvents',
      usd: events * eventChunks * PRICES.eventBridgeEvent.usd,
      basis: `${n(events)} events of ${n(s.busBytes)} B; same-account SQS targets are not billed`,
    },
    {
      component: 'EventBridge archive',
      usd:
        archiveGb * PRICES.eventBridgeArchiveGb.usd +
        ((archiveGb * a.archiveRetentionDays) / DAYS_PER_MONTH) *
          PRICES.eventBridgeArchiveStorage.usd,
      basis: `${archiveGb.toFixed(3)} GB archived, kept ${a.archiveRetentionDays} days`,
    },
    {
      component: 'SQS requests',
      usd: sqsRequests * PRICES.sqsRequest.usd,
      basis: `${n(sqsRequests)}: SendMessage per delivery, ReceiveMessage + DeleteMessageBatch per batch of ${a.deliveryBatch}, ChangeMessageVisibility + ReceiveMessage per failed attempt`,
    },
    {
      component: 'Delivery Lambda (256 MB arm64)',
      usd: lambdaUsd(batches, 0.25, deliveryMs) + lambdaUsd(failed, 0.25, a.failedAttemptMs),
      basis: `${n(batches)} batches × ${deliveryMs} ms + ${n(failed)} failed attempts × ${a.failedAttemptMs} ms`,
    },
    {
      component: 'DynamoDB attempt log',
      // The byAttemptedAt index (every attribute projected) is written with each item.
      usd:
        attempts * attemptWru * 2 * PRICES.dynamoWrite.usd +
        attempts * a.guardRru * PRICES.dynamoRead.usd,
      basis: `${n(attempts)} attempts × (Query ${a.guardRru} RRU + PutItem ${attemptWru} WRU of ${s.attemptBytes} B + the same ${attemptWru} WRU into the byAttemptedAt index)`,
    },
    {
      component: 'DynamoDB subscription reads',
      usd: subscriptionReads * subscriptionRru * PRICES.dynamoRead.usd,
      basis: `${n(subscriptionReads)} strongly consistent GetItem (${subscriptionRru} RRU, ${SUBSCRIPTION_ITEM_BYTES} B item), one per ${a.subscriptionReadPerAttempt ? 'attempt' : `invocation (batch of ${a.deliveryBatch} or a failed attempt alone)`}; no cache, so a change reaches the next batch`,
    },
    {
      component: 'DynamoDB storage + PITR',
      usd:
        (attemptGb + keyGb) * PRICES.dynamoStorage.usd +
        (attemptGb * a.attemptLogPitr + keyGb) * PRICES.dynamoPitr.usd,
      basis: `${(attemptGb + keyGb).toFixed(3)} GB held (attempts for ${a.attemptLogTtlDays} days, keys for 1 day)`,
    },
    {
      component: 'DynamoDB event store (writes)',
      usd: events * storeWru * PRICES.dynamoWrite.usd,
      basis: storing
        ? `${n(events)} events × ${storeWru} WRU: the ${n(s.storedEventBytes)} B item (payload stored as ${n(s.storedPayloadBytes)} B, ${a.storedPayloadRatio} × its JSON) + 2 index items of ${s.storedIndexBytes.map(n).join(' and ')} B`
        : 'the store is off (eventRetentionDays 0)',
    },
    {
      component: 'DynamoDB event store (storage + PITR)',
      usd: storeGb * (PRICES.dynamoStorage.usd + PRICES.dynamoPitr.usd),
      basis: storing
        ? `${storeGb.toFixed(3)} GB held: ${n(storedBytes)} B per event with its index items, kept ${a.eventRetentionDays} days`
        : 'the store is off',
    },
    {
      component: 'Token API authorizer',
      usd:
        lambdaUsd(authorized, 0.25, a.authorizerMs) +
        authorized *
          (2 * PRICES.dynamoRead.usd +
            PRICES.dynamoWrite.usd +
            ((platform + s.logs.emfAuthorizer) / GB) * PRICES.logsIngestion.usd),
      basis: `${n(authorized)} invocations × ${a.authorizerMs} ms + 2 RRU + 1 WRU: ${a.tokenApiShare * 100} % of requests through the token API, ${a.authorizerCacheHitRatio * 100} % answered from the authorizer cache`,
    },
    {
      component: 'Data transfer out',
      usd: egressGb * PRICES.dataTransferOut.usd,
      basis: `${(egressGb * 1024).toFixed(0)} MB: ${s.deliveryWireBytes} B per attempt to the subscriber (TLS framing not counted), ≈ 300 B per API answer`,
    },
    {
      component: 'CloudWatch Logs ingestion',
      usd: logGb * PRICES.logsIngestion.usd,
      basis: `${(logGb * 1024).toFixed(0)} MB: platform ${platform} B + EMF per invocation, access log ${s.logs.accessLog} B per request; no INFO lines on the happy path`,
    },
  ];
}

/** The monthly cost that depends on the number of subscribers, not on traffic. */
function floor(a: Assumptions, s: Sizes, subscribers: number): Line[] {
  const pollsPerQueue = a.idlePollers * (3600 / a.longPollSeconds) * HOURS_PER_MONTH;
  const passes = (HOURS_PER_MONTH * 60) / a.reconcileMinutes;
  const passMs = reconcilePassMs(a, subscribers, 0, 1);
  const scanRru = 0.5 * chunks(subscribers * SUBSCRIPTION_ITEM_BYTES, 4 * KB);
  const passLogBytes = s.logs.platform + s.logs.emfReconciler + s.logs.reconcilerInfo;
  return [
    {
      component: 'Idle polling of subscriber queues',
      usd: subscribers * pollsPerQueue * PRICES.sqsRequest.usd,
      basis: `${subscribers} queues × ${n(pollsPerQueue)} empty ReceiveMessage/month`,
    },
    {
      component: 'Reconciler SQS calls',
      usd: passes * (3 * subscribers + chunks(2 * subscribers, 1000)) * PRICES.sqsRequest.usd,
      basis: `${n(passes)} passes × (3 GetQueueAttributes per lane + ListQueues pages; queue URLs come from the pass's survey)`,
    },
    {
      component: 'Reconciler Lambda (256 MB)',
      usd: lambdaUsd(passes, 0.25, passMs),
      basis: `${n(passes)} passes × ${(passMs / 1000).toFixed(1)} s`,
    },
    {
      component: 'Reconciler scan + logs',
      usd:
        passes * scanRru * PRICES.dynamoRead.usd +
        ((passes * passLogBytes) / GB) * PRICES.logsIngestion.usd,
      basis: `${scanRru} RRU and ${passLogBytes} B of logs per pass`,
    },
    {
      component: 'CloudWatch metrics, alarms, dashboard',
      usd:
        CUSTOM_METRICS * PRICES.customMetric.usd +
        ALARM_METRICS * PRICES.alarmMetric.usd +
        PRICES.dashboard.usd,
      basis: `${CUSTOM_METRICS} custom metrics (at most), ${ALARM_METRICS} alarm metrics, 1 dashboard`,
    },
  ];
}

/** The cold-lane figures, with this model's prices. */
function coldLanes(a: Assumptions) {
  const prices = {
    sqsRequest: PRICES.sqsRequest.usd,
    dynamoRead: PRICES.dynamoRead.usd,
    dynamoWrite: PRICES.dynamoWrite.usd,
    lambdaRequest: PRICES.lambdaRequest.usd,
    lambdaArmGbSecond: PRICES.lambdaArmGbSecond.usd,
  };
  return {
    idle: idleColdSubscriber(a, prices),
    wake: wakeCost(a, prices),
    shared: wakeQueueFloor(a, prices),
  };
}

/** Subscriber counts of the scale table (issue 14), with the share of them active in a month. */
const SCALE = [100, 1000, 10000];
const ACTIVE_SHARE = 0.1;
/** Tenant subscriptions one bus shard holds: 90 % of the default rulesPerShard (250). */
const TENANT_RULES_PER_SHARD = 225;
/** The reconciler function's timeout (infra/constructs/management-api.ts). */
const RECONCILER_TIMEOUT_MS = 4 * 60_000;
/** What a pass may use of it: it stops taking lanes 30 s before (functions/reconciler). */
const RECONCILER_BUDGET_MS = RECONCILER_TIMEOUT_MS - 30_000;

/**
 * One pass's wall time: the lanes' own time shared by `reconcileConcurrency` workers, or the
 * time its EventBridge calls take at `reconcileEventsPerSecond`, whichever is longer. Calls:
 * a ListTargetsByRule per hot lane, one per cold lane every `coldTargetCheckEvery` passes, and
 * the survey's ListRules pages (100 rules a page) per shard.
 */
function reconcilePassMs(a: Assumptions, hot: number, cold: number, shards: number): number {
  const lanes = hot + cold;
  const work = a.reconcilerPerSubscriptionMs * hot + a.coldLaneReconcilerMs * cold;
  // The survey, before the lanes, page after page, each at its client's rate: 1,000 queues a
  // page (two per lane), 100 rules a page per shard, 100 mappings a page.
  const rulePages = shards * Math.max(1, Math.ceil(Math.ceil(lanes / shards) / 100));
  const queuePages = Math.max(1, Math.ceil((2 * lanes) / 1000));
  const mappingPages = Math.max(1, Math.ceil(lanes / 100));
  const surveyMs =
    queuePages * a.surveyPageMs +
    rulePages * Math.max(a.surveyPageMs, 1000 / a.reconcileEventsPerSecond) +
    mappingPages * Math.max(a.surveyPageMs, 1000 / a.reconcileLambdaPerSecond);
  const eventBridgeCalls = hot + cold / a.coldTargetCheckEvery;
  const rateMs = (1000 * eventBridgeCalls) / a.reconcileEventsPerSecond;
  return a.reconcilerBaseMs + surveyMs + Math.max(work / a.reconcileConcurrency, rateMs);
}

/**
 * The monthly cost of `subscribers` subscriptions of which `ACTIVE_SHARE` are active (hot
 * lanes: polled, and inspected in full by every reconciler pass) and the rest idle all month
 * (cold lanes), one tenant subscription each; with the reconciler's pass time.
 */
function atScale(a: Assumptions, s: Sizes, subscribers: number) {
  const hot = Math.round(subscribers * ACTIVE_SHARE);
  const cold = subscribers - hot;
  const hotFloor = floor(a, s, hot);
  const coldIdle = sum(coldLanes(a).idle);
  const shared = sum(coldLanes(a).shared);
  const shards = Math.ceil(subscribers / TENANT_RULES_PER_SHARD);
  const passMs = reconcilePassMs(a, hot, cold, shards);
  return {
    subscribers,
    hot,
    cold,
    shards,
    hotUsd: sum(hotFloor.slice(0, 4)),
    coldUsd: cold * coldIdle,
    sharedUsd: shared + (hotFloor[4]?.usd ?? 0),
    totalUsd: sum(hotFloor) + cold * coldIdle + shared,
    passSeconds: passMs / 1000,
    passFits: passMs < RECONCILER_BUDGET_MS,
  };
}

/** Small amounts, legibly: fractions of a cent in scientific notation. */
const fine = (value: number) =>
  value === 0 ? '0' : value < 1e-4 ? value.toExponential(2) : value.toFixed(5);

/** ≤ $0.03 a month for an idle subscriber (issue 14). */
const IDLE_SUBSCRIBER_TARGET = 0.03;

const sum = (lines: readonly Line[]) => lines.reduce((total, line) => total + line.usd, 0);

const VOLUMES = [1e6, 1e7, 1e8];
const SUBSCRIBERS = [10, 100, 300];
const usd = (value: number) => `$${value < 10 ? value.toFixed(3) : value.toFixed(2)}`;
const kebab = (key: string) => key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

/** Assumptions the model divides by. */
const DIVISORS = new Set<keyof Assumptions>([
  'fanOut',
  'batchEvents',
  'deliveryBatch',
  'longPollSeconds',
  'reconcileMinutes',
  'reconcileConcurrency',
  'reconcileEventsPerSecond',
  'coldTargetCheckEvery',
  'reconcileLambdaPerSecond',
]);

/** Assumptions that are shares of a whole (0 to 1). */
const SHARES = new Set<keyof Assumptions>([
  'idempotencyShare',
  'tokenApiShare',
  'authorizerCacheHitRatio',
]);

/**
 * The message store on its own, per million events: the writes, and each month of retention
 * (storage and PITR), so either can be scaled to a retention or a traffic.
 */
function eventStorePerMillionEvents(a: Assumptions, s: Sizes) {
  const line = (name: string) =>
    perMillion({ ...a, fanOut: 1 }, s, 'single').find((l) => l.component === name)?.usd ?? 0;
  const writes = line('DynamoDB event store (writes)');
  const storage = line('DynamoDB event store (storage + PITR)');
  return {
    writes,
    perMonthOfRetention: a.eventRetentionDays > 0 ? (storage * 30) / a.eventRetentionDays : 0,
  };
}

/** The authorizer per million token-API requests, at the assumed cache hit ratio. */
function authorizerPerMillionRequests(a: Assumptions, s: Sizes): number {
  const lines = perMillion({ ...a, fanOut: 1, tokenApiShare: 1 }, s, 'single');
  return lines.find((l) => l.component === 'Token API authorizer')?.usd ?? 0;
}

function readAssumptions(): Assumptions {
  const options = Object.fromEntries(
    Object.keys(DEFAULTS).map((key) => [kebab(key), { type: 'string' as const }]),
  );
  const { values } = parseArgs({ options });
  const a = { ...DEFAULTS };
  for (const key of Object.keys(DEFAULTS) as (keyof Assumptions)[]) {
    const text = values[kebab(key)];
    if (text === undefined) continue;
    const value = Number(text);
    const least = DIVISORS.has(key) ? 'a number > 0' : 'a number ≥ 0';
    if (!Number.isFinite(value) || value < 0 || (value === 0 && DIVISORS.has(key))) {
      process.stderr.write(`--${kebab(key)} must be ${least}\n`);
      process.exit(2);
    }
    if (SHARES.has(key) && value > 1) {
      process.stderr.write(`--${kebab(key)} must be a share from 0 to 1\n`);
      process.exit(2);
    }
    a[key] = value;
  }
  return a;
}

function volumeTable(lines: readonly Line[]): string[] {
  const total = sum(lines);
  return [
    `| component | ${VOLUMES.map((v) => `${v / 1e6} M deliveries`).join(' | ')} | how (per million) |`,
    `| --- | ${VOLUMES.map(() => '---:').join(' | ')} | --- |`,
    ...lines.map(
      (l) =>
        `| ${l.component} | ${VOLUMES.map((v) => usd((l.usd * v) / 1e6)).join(' | ')} | ${l.basis} |`,
    ),
    `| **total** | ${VOLUMES.map((v) => `**${usd((total * v) / 1e6)}**`).join(' | ')} | |`,
    `| per million deliveries | ${VOLUMES.map(() => usd(total)).join(' | ')} | |`,
  ];
}

async function main(): Promise<void> {
  const a = readAssumptions();
  const s = sizes(a);
  const single = perMillion(a, s, 'single');
  const batch = perMillion(a, s, 'batch');
  const floors = SUBSCRIBERS.map((count) => floor(a, s, count));
  const perQueueIdle = floor(a, s, 1)[0]?.usd ?? 0;
  const cold = coldLanes(a);
  const idleCold = sum(cold.idle);
  const coldTable = (title: string, lines: readonly Line[]) => [
    `| ${title} | USD | how |`,
    '| --- | ---: | --- |',
    ...lines.map((l) => `| ${l.component} | ${fine(l.usd)} | ${l.basis} |`),
    `| **total** | **${fine(sum(lines))}** | |`,
  ];
  const twoPollers = floor({ ...a, idlePollers: 2 }, s, 1)[0]?.usd ?? 0;
  const scale = SCALE.map((count) => atScale(a, s, count));

  const floorTable = [
    `| component | ${SUBSCRIBERS.map((c) => `N = ${c}`).join(' | ')} | how |`,
    `| --- | ${SUBSCRIBERS.map(() => '---:').join(' | ')} | --- |`,
    ...(floors[0] ?? []).map(
      (line, row) =>
        `| ${line.component} | ${floors.map((f) => usd(f[row]?.usd ?? 0)).join(' | ')} | ${floors[floors.length - 1]?.[row]?.basis ?? ''} (N = ${SUBSCRIBERS[SUBSCRIBERS.length - 1]}) |`,
    ),
    `| **floor per month** | ${floors.map((f) => `**${usd(sum(f))}**`).join(' | ')} | |`,
  ];
  const effective = [
    `| deliveries / month | ${SUBSCRIBERS.map((c) => `N = ${c}: single / batch ingest`).join(' | ')} |`,
    `| --- | ${SUBSCRIBERS.map(() => '---:').join(' | ')} |`,
    ...VOLUMES.map(
      (v) =>
        `| ${v / 1e6} M | ${floors
          .map((f) =>
            [single, batch].map((lines) => usd(sum(lines) + (sum(f) * 1e6) / v)).join(' / '),
          )
          .join(' | ')} |`,
    ),
  ];
  const variants: [string, Partial<Assumptions>][] = [
    ['as assumed', {}],
    ['no Idempotency-Key sent', { idempotencyShare: 0 }],
    ['delivery batches of 1 (low traffic per subscriber)', { deliveryBatch: 1 }],
    ['subscribers answer in 1 s', { subscriberMs: 1000 }],
    ['4 KB response bodies kept for every attempt', { responseBodyBytes: 4096 }],
    ['10 KB events', { eventBytes: 10 * KB }],
    ['no failed attempts', { retryRate: 0 }],
    ['fan-out 1', { fanOut: 1 }],
    ['event store off (retention 0)', { eventRetentionDays: 0 }],
    ['event store kept 7 days', { eventRetentionDays: 7 }],
    ['event store kept 365 days', { eventRetentionDays: 365 }],
    ['event store payload compressed to 40 %', { storedPayloadRatio: 0.4 }],
    ['every request through the token API, 90 % cached', { tokenApiShare: 1 }],
    [
      'every request through the token API, never cached',
      { tokenApiShare: 1, authorizerCacheHitRatio: 0 },
    ],
    ['strongly consistent duplicate guard', { guardRru: 1 }],
    ['subscription read per attempt, not per batch', { subscriptionReadPerAttempt: 1 }],
    ['no PITR on the attempt log', { attemptLogPitr: 0 }],
    ['system logs at WARN (no START/REPORT lines)', { platformLogs: 0 }],
    ['the two above together', { attemptLogPitr: 0, platformLogs: 0 }],
    ['the two above, 1 % failed attempts', { attemptLogPitr: 0, platformLogs: 0, retryRate: 0.01 }],
  ];
  const sensitivity = variants.map(([name, change]) => {
    const changed = { ...a, ...change };
    const changedSizes = sizes(changed);
    return {
      name,
      single: sum(perMillion(changed, changedSizes, 'single')),
      batch: sum(perMillion(changed, changedSizes, 'batch')),
    };
  });
  const sensitivityTable = [
    '| per million deliveries, traffic only | single ingest | batch ingest |',
    '| --- | ---: | ---: |',
    ...sensitivity.map((v) => `| ${v.name} | ${usd(v.single)} | ${usd(v.batch)} |`),
  ];
  const store = eventStorePerMillionEvents(a, s);
  const authorizerPerMillion = authorizerPerMillionRequests(a, s);
  const verdict = (lines: readonly Line[]) =>
    sum(lines) <= TARGET_PER_MILLION ? 'meets ≤ $2' : 'MISSES ≤ $2';
  const verdicts = [
    `Single ingest: ${usd(sum(single))} per million deliveries (traffic only): ${verdict(single)}.`,
    `Batch ingest (${a.batchEvents} a request): ${usd(sum(batch))} per million deliveries (traffic only): ${verdict(batch)}.`,
    `Message store: ${usd(store.writes)} per million events written (item + 2 index items; payload stored as ${n(s.storedPayloadBytes)} B, ${a.storedPayloadRatio} × its JSON), ${usd(store.perMonthOfRetention)} per million events per 30 days kept (storage + PITR); at ${a.eventRetentionDays} days it is in the totals above.`,
    `Token API authorizer: ${usd(authorizerPerMillion)} per million token-API requests at ${a.authorizerCacheHitRatio * 100} % authorizer-cache hits (${usd(authorizerPerMillionRequests({ ...a, authorizerCacheHitRatio: 0 }, s))} with none); ${a.tokenApiShare * 100} % of ingest requests are assumed to use it in the totals (IAM is the default).`,
    `Idle subscriber with cold lanes: ${usd(idleCold)} a month (${idleCold <= IDLE_SUBSCRIBER_TARGET ? 'meets' : 'MISSES'} ≤ ${usd(IDLE_SUBSCRIBER_TARGET)}; ${usd(perQueueIdle)} while hot), plus ${usd(sum(cold.wake))} per wake and ${usd(sum(cold.shared))} a month for the shared wake queue.`,
    `Fixed floor: ${usd(perQueueIdle)} per subscriber queue-month of idle polling (${usd(twoPollers)} if Lambda could drop to 2 pollers, which it does not while MaximumConcurrency is set); ${SUBSCRIBERS.map((c, i) => `${usd(sum(floors[i] ?? []))} a month at N = ${c}`).join(', ')}.`,
  ];
  const priceTable = [
    '| price | USD | unit | source | as of |',
    '| --- | ---: | --- | --- | --- |',
    ...Object.entries(PRICES).map(
      ([key, p]) =>
        `| ${key} | ${p.usd < 0.01 ? p.usd.toExponential(4) : p.usd} | ${p.unit} | ${p.source} | ${p.asOf} |`,
    ),
  ];

  const out = [
    `Per million deliveries at fan-out ${a.fanOut} (${n(Math.ceil(1e6 / a.fanOut))} events of ${a.eventBytes} B of data), us-east-1 list prices, no free tier.`,
    '',
    '## Single ingest (one event per request)',
    '',
    ...volumeTable(single),
    '',
    `## Batch ingest (${a.batchEvents} events per request)`,
    '',
    ...volumeTable(batch),
    '',
    '## Fixed monthly floor (grows with subscribers, not traffic)',
    '',
    ...floorTable,
    '',
    '## Effective cost per million deliveries, floor included',
    '',
    ...effective,
    '',
    '## What moves the per-million figure',
    '',
    ...sensitivityTable,
    '',
    `## Cold lanes (idle period ${a.laneIdleHours} h, reconciler every ${a.reconcileMinutes} min)`,
    '',
    `Assumptions: ${a.idlePollers} pollers per polled queue at ${a.longPollSeconds} s long polls; a cold lane costs the reconciler ${a.coldLaneReconcilerMs} ms per pass; a wake takes ${a.wakeMs} ms of a 256 MB function; a ${n(SUBSCRIPTION_ITEM_BYTES)} B subscription record; control-plane calls (Lambda mappings, EventBridge rules and targets) are not billed.`,
    '',
    ...coldTable('an idle subscriber, per month, lane cold', cold.idle),
    '',
    ...coldTable('one wake (a cold start), once per wake', cold.wake),
    '',
    ...coldTable('the shared wake queue, per month, per installation', cold.shared),
    '',
    `## At scale: ${SCALE.map((c) => c.toLocaleString('en-US')).join(' / ')} subscribers, ${ACTIVE_SHARE * 100} % active`,
    '',
    `Each subscriber one tenant subscription; the active ${ACTIVE_SHARE * 100} % have hot lanes all month (polled, inspected in full by each reconciler pass: ${a.reconcilerPerSubscriptionMs} ms, 3 SQS calls), the rest are idle all month (cold lanes, as above). A pass first lists its survey (page after page, ${a.surveyPageMs} ms each or its client's rate: ListQueues, ListRules per shard at ${a.reconcileEventsPerSecond}/s, ListEventSourceMappings at ${a.reconcileLambdaPerSecond}/s), then looks at ${a.reconcileConcurrency} lanes at once and makes at most ${a.reconcileEventsPerSecond} EventBridge calls a second (a ListTargetsByRule per hot lane, one per cold lane every ${a.coldTargetCheckEvery} passes); the lanes take the longer of the two. Bus shards hold ${TENANT_RULES_PER_SHARD} tenant subscriptions each (buses cost nothing). The per-delivery figure adds the floor to the batch-ingest cost per million, at 10 M deliveries a month.`,
    '',
    '| subscribers | hot / cold | shards | hot lanes + reconciler | cold lanes | fixed (metrics, alarms, dashboard, wake queue) | **per month** | per million deliveries at 10 M/month | reconciler pass (budget 210 s of the 240 s timeout) |',
    '| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...scale.map(
      (row) =>
        `| ${n(row.subscribers)} | ${n(row.hot)} / ${n(row.cold)} | ${row.shards} | ${usd(row.hotUsd)} | ${usd(row.coldUsd)} | ${usd(row.sharedUsd)} | **${usd(row.totalUsd)}** | ${usd(sum(batch) + row.totalUsd / 10)} | ${row.passSeconds.toFixed(0)} s${row.passFits ? '' : ' — **over the budget**: the pass stops and the next resumes'} |`,
    ),
    '',
    '## Verdict',
    '',
    ...verdicts.map((v) => `- ${v}`),
    '',
  ];
  process.stdout.write(`${out.join('\n')}\n`);

  const date = new Date().toISOString();
  const results = fileURLToPath(new URL('./results/', import.meta.url));
  const markdown = [
    '# Cost model result',
    '',
    `${date} — \`${['npx tsx bench/cost-model.ts', ...process.argv.slice(2)].join(' ')}\` (assumptions and sources: bench/cost-model.md)`,
    '',
    ...out,
    '## Prices used',
    '',
    ...priceTable,
    '',
  ];
  const json = {
    model: 'cost',
    date,
    assumptions: a,
    sizes: s,
    prices: PRICES,
    perMillion: { single, batch, singleTotal: sum(single), batchTotal: sum(batch) },
    floor: Object.fromEntries(
      SUBSCRIBERS.map((c, i) => [c, { lines: floors[i], total: sum(floors[i] ?? []) }]),
    ),
    perQueueIdleMonthly: perQueueIdle,
    coldLanes: {
      idleSubscriberMonthly: idleCold,
      perWake: sum(cold.wake),
      wakeQueueMonthly: sum(cold.shared),
      lines: cold,
      target: IDLE_SUBSCRIBER_TARGET,
    },
    atScale: scale,
    eventStorePerMillionEvents: store,
    authorizerPerMillionRequests: authorizerPerMillion,
    sensitivity,
    target: { perMillion: TARGET_PER_MILLION, single: verdict(single), batch: verdict(batch) },
  };
  await mkdir(results, { recursive: true });
  await writeFile(join(results, 'cost-model.json'), `${JSON.stringify(json, null, 2)}\n`);
  await writeFile(join(results, 'cost-model.md'), markdown.join('\n'));
  process.stdout.write(`wrote ${join(results, 'cost-model.json')} and cost-model.md\n`);
}

await main();
