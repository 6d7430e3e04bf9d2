import { Logger } from '@aws-lambda-powertools/logger';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { createManagementHandler } from '../../functions/management/app.js';
import { LocalEventSourceMappings } from '../../local/local-event-source-mappings.js';
import { awsClientConfig } from '../../shared/aws/client-config.js';
import { EventBridgePublisher } from '../../shared/events/event-publisher.js';
import { readEventStoreConfig } from '../../shared/events/event-store-config.js';
import { ingestEvents } from '../../shared/events/ingest-events.js';
import type { EventSourceMappings } from '../../shared/provisioning/event-source-mappings.js';
import { readManagementConfig } from '../../shared/subscriptions/management-config.js';
import { createSubscriptionComponents } from '../../shared/subscriptions/subscription-wiring.js';
import { apiGatewayEvent, lambdaContext, type RequestOptions } from './api-gateway-event.js';
import { fakeLookup } from './fake-dns.js';

/** The management API wired as the local runtime wires it, over the local AWS endpoint. */
export function managementHarness(
  options: { mappings?: EventSourceMappings; env?: NodeJS.ProcessEnv } = {},
) {
  const env = { ...process.env, ...options.env };
  const config = readManagementConfig(env);
  const clientConfig = awsClientConfig();
  const registry = new LocalEventSourceMappings();
  const mappings = options.mappings ?? registry;
  const logger = new Logger({ serviceName: 'test', logLevel: 'SILENT' });
  const components = createSubscriptionComponents(config, clientConfig, mappings, {
    logger,
    lookup: fakeLookup,
    eventStore: readEventStoreConfig(env),
  });
  const handler = createManagementHandler(components, logger);
  const publisher = new EventBridgePublisher(new EventBridgeClient(clientConfig));

  /** Calls a route like `POST /v1/tenants/{tenantId}/subscriptions/{id}` with its parameters filled in. */
  async function call(
    routeKey: string,
    request: RequestOptions & {
      id?: string;
      tenantId?: string;
      tokenId?: string;
      keyId?: string;
      eventId?: string;
      /** An event type (the catalog routes). */
      name?: string;
      query?: Record<string, string>;
      /** The Lambda authorizer's context (the token/key API); none: the operator. */
      authorizer?: Record<string, string>;
    } = {},
  ) {
    const event = apiGatewayEvent(routeKey, request);
    if (request.authorizer)
      Object.assign(event.requestContext, { authorizer: { lambda: request.authorizer } });
    for (const name of ['id', 'tenantId', 'tokenId', 'keyId', 'eventId', 'name'] as const) {
      const value = request[name];
      if (value === undefined) continue;
      event.pathParameters = { ...event.pathParameters, [name]: value };
      event.rawPath = event.rawPath.replace(`{${name}}`, value);
    }
    if (request.query) event.queryStringParameters = request.query;
    const response = await handler(event, lambdaContext());
    return {
      status: response.statusCode ?? 200,
      body: response.body ? JSON.parse(response.body) : undefined,
    };
  }

  /** Publishes events as the ingest API does. */
  async function publish(events: { type: string; data: Record<string, unknown> }[]) {
    return ingestEvents(events, publisher, {
      source: config.source,
      busName: config.busName,
      maxEntryBytes: 262_144,
    });
  }

  return { config, call, publish, registry, ...components };
}
