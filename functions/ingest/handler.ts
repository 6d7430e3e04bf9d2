import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { assertMayPublish, authorizeRoute, principalOf } from '../../shared/access/principal.js';
import { awsClientConfig, dynamoClientConfig } from '../../shared/aws/client-config.js';
import {
  ApiError,
  type ErrorDetail,
  NotFoundError,
  ServiceUnavailableError,
  ValidationError,
} from '../../shared/errors.js';
import { dynamoRuleReader, EventTypeRules } from '../../shared/event-types/event-type-rules.js';
import { EventBridgePublisher } from '../../shared/events/event-publisher.js';
import { parseBatchInput, parseEventInput } from '../../shared/events/event-schema.js';
import { DynamoEventStore } from '../../shared/events/event-store.js';
import {
  type IngestResult,
  ingestEvents,
  type StoreOutcome,
} from '../../shared/events/ingest-events.js';
import { apiErrorHandler } from '../../shared/http/api-error-handler.js';
import {
  assertWellFormed,
  type HttpRequest,
  type HttpResponse,
  header,
  jsonResponse,
  readJsonBody,
} from '../../shared/http/api-gateway.js';
import type { IngestRoute } from '../../shared/http/routes.js';
import {
  IdempotentRequests,
  MAX_IDEMPOTENCY_KEY_LENGTH,
} from '../../shared/idempotency/idempotent-requests.js';
import { logger, metrics } from '../../shared/observability.js';
import { dynamoTenantShardReader, TenantShards } from '../../shared/shards/tenant-shards.js';
import { readIngestConfig } from './config.js';

const config = readIngestConfig();
const publisher = new EventBridgePublisher(new EventBridgeClient(awsClientConfig()), {
  maxRequestBytes: config.maxEntryBytes,
});
const dynamo = new DynamoDBClient(dynamoClientConfig(awsClientConfig()));
const idempotency = new IdempotentRequests({
  tableName: config.idempotencyTable,
  client: dynamo,
  ttlSeconds: config.idempotencyTtlSeconds,
});
const store = config.eventStore && new DynamoEventStore(dynamo, config.eventStore);
const eventTypeRules = config.eventTypesTable
  ? new EventTypeRules(dynamoRuleReader(dynamo, config.eventTypesTable), {
      ttlMs: config.eventTypeCacheMs,
    })
  : undefined;

// Bus shards: each tenant's events on its shard's bus, its shard read once per 5 minutes.
const tenantShards =
  config.busNames.length > 1 && config.tenantsTable
    ? new TenantShards(config.busNames, dynamoTenantShardReader(dynamo, config.tenantsTable))
    : undefined;

const ROUTES: Record<IngestRoute, 'single' | 'batch'> = {
  'POST /v1/events': 'single',
  'POST /v1/events/batch': 'batch',
};

async function lambdaHandler(request: HttpRequest, context: Context): Promise<HttpResponse> {
  const route = ROUTES[routeKeyOf(request) as IngestRoute];
  if (!route) throw new NotFoundError(`no route for ${routeKeyOf(request)}`);
  const principal = principalOf(request);
  authorizeRoute(principal, routeKeyOf(request), undefined);
  const body = readJsonBody(request);
  const inputs = route === 'batch' ? parseBatchInput(body) : [parseEventInput(body)];
  assertMayPublish(principal, inputs, route === 'batch');
  // Before the Idempotency-Key is taken: a refused request is not remembered, so the producer
  // can send the corrected events (or the same ones once the schema changed) under the same key.
  await eventTypeRules?.assertValid(inputs, route === 'batch');
  const key = idempotencyKey(request);

  const ingest = async () => {
    const results = await ingestEvents(inputs, publisher, config, {
      batch: route === 'batch',
      ...(store && { store, onStored: recordStore }),
      ...(tenantShards && { busFor: (tenantId) => tenantShards.busFor(tenantId) }),
    });
    recordMetrics(results);
    return route === 'batch' ? batchResponse(results) : singleResponse(results[0]);
  };
  if (key === undefined) return ingest();
  // An API key's Idempotency-Keys are its own: another caller reusing one learns nothing of it.
  const scope = principal.kind === 'operator' ? route : `${route}#${principal.credentialId}`;
  return idempotency.run({ scope, key, payload: body }, context, ingest);
}

function routeKeyOf(request: HttpRequest): string {
  if (request.routeKey && request.routeKey !== '$default') return request.routeKey;
  return `${request.requestContext.http.method} ${request.rawPath.replace(/\/+$/, '')}`;
}

function idempotencyKey(request: HttpRequest): string | undefined {
  const key = header(request, 'idempotency-key');
  if (key === undefined) return undefined;
  if (key.length === 0 || key.length > MAX_IDEMPOTENCY_KEY_LENGTH) {
    throw new ValidationError(
      `Idempotency-Key: must be 1 to ${MAX_IDEMPOTENCY_KEY_LENGTH} characters (got ${key.length})`,
    );
  }
  assertWellFormed('Idempotency-Key', key);
  return key;
}

/**
 * A failed single event is not remembered, so the producer can retry the key: a 422 when
 * EventBridge refused the event for good, a 503 when a retry can succeed.
 */
function singleResponse(result: IngestResult | undefined): HttpResponse {
  if (result?.status === 'failed' && result.error.code === 'event_rejected') {
    throw new ApiError(
      422,
      'event_rejected',
      `${result.error.message}; sending it again will not help`,
      [{ field: 'body', message: result.error.message }],
    );
  }
  if (!result || result.status === 'failed') {
    throw new ServiceUnavailableError(
      'publish_failed',
      `the event could not be published; it is safe to retry${result?.status === 'failed' ? ` (${result.error.message})` : ''}`,
    );
  }
  return jsonResponse(202, { id: result.id });
}

/**
 * 202 when every event was published; 207 listing each event's id or error when some were
 * not (remembered under the Idempotency-Key, so a retry cannot publish the others twice);
 * when none was, and not remembered: 422 if EventBridge refused every one for good, 503 if
 * every failure may pass on a retry.
 */
function batchResponse(results: readonly IngestResult[]): HttpResponse {
  const failures = results.flatMap((r, index) =>
    r.status === 'failed' ? [{ index, error: r.error }] : [],
  );
  const rejected = failures.filter((f) => f.error.code === 'event_rejected');
  if (failures.length === results.length && rejected.length === failures.length) {
    const details: ErrorDetail[] = rejected.map((f) => ({
      field: `events[${f.index}]`,
      message: f.error.message,
    }));
    throw new ApiError(
      422,
      'event_rejected',
      `EventBridge rejected every event of the batch; sending them again will not help (${details[0]?.message})`,
      details,
    );
  }
  if (failures.length === results.length && rejected.length === 0) {
    throw new ServiceUnavailableError(
      'publish_failed',
      'none of the events could be published; it is safe to retry',
    );
  }
  return jsonResponse(failures.length === 0 ? 202 : 207, { events: results });
}

function recordMetrics(results: readonly IngestResult[]): void {
  const failed = results.filter((r) => r.status === 'failed').length;
  metrics.addMetric('EventsIngested', MetricUnit.Count, results.length);
  metrics.addMetric('EventsPublished', MetricUnit.Count, results.length - failed);
  if (failed > 0) {
    metrics.addMetric('PublishFailures', MetricUnit.Count, failed);
    logger.warn('events not published', {
      failures: results.filter((r) => r.status === 'failed'),
    });
  }
}

/**
 * A store failure is logged with the ids and counted, never answered: the events were
 * published, and an error would make the producer publish them again.
 */
function recordStore(outcome: StoreOutcome): void {
  if (outcome.stored > 0) metrics.addMetric('EventsStored', MetricUnit.Count, outcome.stored);
  if (outcome.failed.length > 0) {
    metrics.addMetric('EventStoreFailures', MetricUnit.Count, outcome.failed.length);
    logger.error('published events could not be stored in the message store', {
      failures: outcome.failed,
    });
  }
  if (outcome.notDiscarded.length > 0) {
    logger.error('events that failed to publish could not be removed from the message store', {
      eventIds: outcome.notDiscarded,
    });
  }
}

export const handler = middy<HttpRequest, HttpResponse>(lambdaHandler)
  .use(injectLambdaContext(logger))
  .use(logMetrics(metrics))
  .use(apiErrorHandler({ logger }));
