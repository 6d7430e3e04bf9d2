import { Logger } from '@aws-lambda-powertools/logger';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient, PutRuleCommand } from '@aws-sdk/client-eventbridge';
import {
  CreateQueueCommand,
  DeleteQueueCommand,
  SendMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAuthorizerHandler } from '../../functions/authorizer/app.js';
import { createDeliveryHandler } from '../../functions/delivery/app.js';
import { localResourceNames } from '../../infra/base-resources.js';
import type { LambdaName } from '../../infra/lambda-bundling.js';
import { createBaseResources } from '../../local/base-resources.js';
import { EsmPoller } from '../../local/esm-poller.js';
import { ensureLocalWakeQueue } from '../../local/local-waker.js';
import { awsClientConfig, dynamoClientConfig } from '../../shared/aws/client-config.js';
import { readDeliveryConfig } from '../../shared/delivery/delivery-config.js';
import { createDeliveryComponents } from '../../shared/delivery/delivery-wiring.js';
import { QuietMetrics } from '../../shared/observability.js';
import { DynamoReconcileCheckpoint } from '../../shared/provisioning/reconcile-checkpoint.js';
import { reconcile } from '../../shared/provisioning/reconciler.js';
import { apiGatewayEvent, lambdaContext } from '../support/api-gateway-event.js';
import { type RecordedCall, recordAwsCalls } from '../support/aws-call-recorder.js';
import { AWS_CALLS, type CallScope, REPLAY_TIME, SUBSCRIPTION_ID } from '../support/aws-calls.js';
import { LOCAL_ENV } from '../support/delivery-harness.js';
import { fakeLookup } from '../support/fake-dns.js';
import { managementHarness } from '../support/management-harness.js';
import { startReceiver, waitFor } from '../support/receiver.js';
import { queueAttributes, queueUrl } from '../support/sqs-helpers.js';

/**
 * The real code paths of every function, run against the local AWS endpoint with each SDK
 * command recorded: what they send must be what test/support/aws-calls.ts declares (the list
 * the IAM simulation checks the roles against), resources included. Lambda's event source
 * mappings are the one thing not exercised here: the local runtime registers them with its own
 * poller (see NOT_EXERCISED).
 */

const recorder = recordAwsCalls();
const receivers: { close(): Promise<void> }[] = [];
let h: ReturnType<typeof managementHarness>;
let stopDelivery: (() => Promise<void>) | undefined;
let archiveArn: string;

/** Declared calls no local run makes (by `command file`, or by file), and why. */
const NOT_EXERCISED: Record<string, string> = {
  'shared/provisioning/event-source-mappings.ts':
    'Lambda event source mappings: locally, mappings are registrations with the poller',
  'GetItem node_modules/@aws-lambda-powertools/idempotency/lib/esm/persistence/DynamoDBPersistenceLayer.js':
    'read back only when a conditional put returns no item (the stored answer comes with the failed put)',
  'DeleteItem node_modules/@aws-lambda-powertools/idempotency/lib/esm/persistence/DynamoDBPersistenceLayer.js':
    'only when the request fails while holding the key (a publish that throws)',
  'DeleteItem shared/events/event-store.ts':
    'only when an event failed to publish: its stored item is removed again',
  // Bus shards: with one shard (this run) nothing is placed or counted. The calls are made
  // by test/integration/bus-shards.test.ts (three shards) and simulated by
  // test/infra/bus-shards-iam.test.ts and iam-simulation.test.ts.
  'shared/shards/tenant-shards.ts':
    'a tenant’s shard is read only with more than one bus shard (bus-shards.test.ts)',
  'shared/shards/shard-loads.ts':
    'shard counters exist only with more than one bus shard (bus-shards.test.ts)',
};

beforeAll(async () => {
  const base = await createBaseResources(awsClientConfig());
  archiveArn = base.archiveArn ?? '';
  expect(archiveArn).not.toBe('');
  const wakeQueueArn = await ensureLocalWakeQueue(sqs, 'hookbridge');
  const env = {
    ...LOCAL_ENV,
    HOOKBRIDGE_ARCHIVE_ARN: archiveArn,
    HOOKBRIDGE_WAKE_QUEUE_ARN: wakeQueueArn,
  };
  h = managementHarness({ env });
  // The delivery path as the local runtime wires it, every invocation recorded as delivery's.
  const logger = new Logger({ serviceName: 'test', logLevel: 'SILENT' });
  const config = readDeliveryConfig({
    ...process.env,
    ...env,
    HOOKBRIDGE_ATTEMPT_TIMEOUT_MS: '1000',
  });
  const delivery = createDeliveryComponents(config, awsClientConfig(), h.registry, {
    logger,
    lookup: fakeLookup,
  });
  const handler = createDeliveryHandler(
    delivery.deliverer,
    logger,
    new QuietMetrics({ namespace: 'test', serviceName: 'test' }),
  );
  const poller = new EsmPoller({
    mappings: h.registry,
    handler: (event, context) => recorder.as('delivery', () => handler(event, context)),
    sqs: new SQSClient(awsClientConfig()),
    waitTimeSeconds: 1,
    logger,
  });
  poller.start();
  stopDelivery = async () => {
    await poller.stop();
    await delivery.close();
  };
  await exercise();
}, 120_000);

afterAll(async () => {
  recorder.stop();
  await stopDelivery?.();
  await Promise.all(receivers.map((r) => r.close()));
});

const manage = (...args: Parameters<typeof h.call>) =>
  recorder.as('management', () => h.call(...args));

async function subscribe(status: number, eventType: string, extra: Record<string, unknown> = {}) {
  const receiver = await startReceiver(() => ({ status }));
  receivers.push(receiver);
  const created = await manage('POST /v1/subscriptions', {
    body: { url: receiver.url, eventTypes: [eventType], maxConcurrency: 2, ...extra },
  });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  return created.body.id as string;
}

const sqs = new SQSClient(awsClientConfig());

async function depth(queue: string): Promise<number> {
  return Number((await queueAttributes(queue)).ApproximateNumberOfMessages);
}

async function attemptsOf(id: string): Promise<{ result: string }[]> {
  return (await manage('GET /v1/subscriptions/{id}/deliveries', { id })).body.data;
}

/** Every path whose calls the declaration lists: ingest, delivery, the API and a reconciler pass. */
async function exercise(): Promise<void> {
  const ok = await subscribe(200, 'calls.ok');
  const gone = await subscribe(410, 'calls.gone');
  const failing = await subscribe(500, 'calls.fail', { retrySchedule: [1] });

  // The event type catalog: written and listed by the API, read by ingest (as the stack sets it).
  const schema = { type: 'object', properties: { n: { type: 'integer' } } };
  const entry = { name: 'calls.checked', schema, validate: true };
  expect((await manage('POST /v1/event-types', { body: entry })).status).toBe(201);
  await manage('GET /v1/event-types');
  await manage('PATCH /v1/event-types/{name}', {
    name: 'calls.checked',
    body: { deprecated: true },
  });
  process.env.HOOKBRIDGE_EVENT_TYPES_TABLE = process.env.HOOKBRIDGE_SUBSCRIPTIONS_TABLE;
  const { handler: ingest } = await import('../../functions/ingest/handler.js');
  const checked = await recorder.as('ingest', () =>
    ingest(
      apiGatewayEvent('POST /v1/events', { body: { type: 'calls.checked', data: { n: 'x' } } }),
      lambdaContext(),
    ),
  );
  expect(checked.statusCode).toBe(422);
  expect((await manage('DELETE /v1/event-types/{name}', { name: 'calls.checked' })).status).toBe(
    204,
  );
  const publish = (type: string, key?: string) =>
    recorder.as('ingest', () =>
      ingest(
        apiGatewayEvent('POST /v1/events', {
          body: { type, data: {} },
          ...(key && { headers: { 'idempotency-key': key } }),
        }),
        lambdaContext(),
      ),
    );
  expect((await publish('calls.ok', 'calls-key-1')).statusCode).toBe(202);
  expect((await publish('calls.ok', 'calls-key-1')).statusCode).toBe(202);
  await publish('calls.gone');
  await publish('calls.fail');
  // A batch is stored with BatchWriteItem; one event of a tenant, for the message API below.
  const batch = await recorder.as('ingest', () =>
    ingest(
      apiGatewayEvent('POST /v1/events/batch', {
        body: {
          events: [
            { type: 'calls.ok', data: {}, tenantId: 'calls-tenant' },
            { type: 'calls.none', data: {} },
          ],
        },
      }),
      lambdaContext(),
    ),
  );
  expect(batch.statusCode).toBe(202);
  const [tenantEvent] = JSON.parse(batch.body ?? '{}').events as { id: string }[];

  // Delivered; disabled on 410; retried, then dead-lettered by the redrive policy.
  await waitFor(async () => (await attemptsOf(ok)).some((a) => a.result === 'delivered'));
  await waitFor(
    async () =>
      (await manage('GET /v1/subscriptions/{id}', { id: gone })).body.status === 'disabled',
  );
  await waitFor(async () => (await depth(`hookbridge-${failing}-dlq`)) === 1, 20_000, 'the DLQ');
  // A message that is no event is dead-lettered by the function itself.
  await sqs.send(
    new SendMessageCommand({
      QueueUrl: await queueUrl(`hookbridge-${ok}`),
      MessageBody: 'no event',
    }),
  );
  await waitFor(async () => (await depth(`hookbridge-${ok}-dlq`)) === 1, 20_000, 'the DLQ');

  // The API's other routes.
  await manage('GET /v1/subscriptions');
  await manage('GET /v1/subscriptions/{id}/secret', { id: ok });
  await manage('POST /v1/subscriptions/{id}/secret/rotate', { id: ok, body: {} });
  await manage('PATCH /v1/subscriptions/{id}', { id: ok, body: { maxConcurrency: 3 } });
  expect((await manage('POST /v1/subscriptions/{id}/test', { id: ok })).status).toBe(202);
  expect((await manage('GET /v1/subscriptions/{id}/backlog', { id: failing })).status).toBe(200);
  expect((await manage('POST /v1/subscriptions/{id}/redrive', { id: failing })).status).toBe(200);
  const to = new Date(Date.now() - 1000).toISOString();
  const from = new Date(Date.now() - 3_600_000).toISOString();
  const replay = await manage('POST /v1/subscriptions/{id}/replay', { id: ok, body: { from, to } });
  expect(replay.status, JSON.stringify(replay.body)).toBe(202);
  // The message API: one event (its tenant's and the operator's subscriptions), both lists,
  // and a resend.
  const eventId = tenantEvent?.id as string;
  expect((await manage('GET /v1/events/{eventId}', { eventId })).status).toBe(200);
  expect((await manage('GET /v1/events', { query: { limit: '5' } })).status).toBe(200);
  expect((await manage('GET /v1/events', { query: { tenantId: 'calls-tenant' } })).status).toBe(
    200,
  );
  const resent = await manage('POST /v1/subscriptions/{id}/resend', { id: ok, body: { eventId } });
  expect(resent.status, JSON.stringify(resent.body)).toBe(202);

  // A reconciler pass with drift (a queue deleted), an interrupted deletion, and an orphan
  // lane (a queue and a rule of no subscription).
  // Tenants: made, read, changed and deleted by the API; one left `deleting` for the reconciler.
  const tenant = `calls-${Date.now()}`;
  expect((await manage('POST /v1/tenants', { body: { id: tenant, name: 'Calls' } })).status).toBe(
    201,
  );
  await manage('GET /v1/tenants');
  await manage('PATCH /v1/tenants/{tenantId}', { tenantId: tenant, body: { name: 'Calls 2' } });
  const tenantSub = await manage('POST /v1/tenants/{tenantId}/subscriptions', {
    tenantId: tenant,
    body: { url: 'https://hooks.example.test/t', eventTypes: ['calls.tenant'] },
  });
  expect(tenantSub.status, JSON.stringify(tenantSub.body)).toBe(201);
  // Tokens and API keys: minted, listed, revoked; each credential checked by the authorizer.
  const minted = await manage('POST /v1/tenants/{tenantId}/tokens', { tenantId: tenant, body: {} });
  expect(minted.status, JSON.stringify(minted.body)).toBe(201);
  await manage('GET /v1/tenants/{tenantId}/tokens', { tenantId: tenant });
  const apiKey = await manage('POST /v1/api-keys', {
    body: { name: 'calls', scope: 'publish', tenantId: tenant },
  });
  await manage('GET /v1/api-keys');
  await manage('GET /v1/api-keys/{keyId}', { keyId: apiKey.body.id });
  const authorize = createAuthorizerHandler({
    client: new DynamoDBClient(dynamoClientConfig(awsClientConfig())),
    accessTable: localResourceNames.accessTable,
    subscriptionsTable: localResourceNames.subscriptionsTable,
    logger: new Logger({ serviceName: 'test', logLevel: 'SILENT' }),
  });
  for (const credential of [minted.body.token, apiKey.body.key]) {
    const event = { headers: { authorization: `Bearer ${credential}` } };
    expect((await recorder.as('authorizer', () => authorize(event))).isAuthorized).toBe(true);
  }
  await manage('DELETE /v1/tenants/{tenantId}/tokens/{tokenId}', {
    tenantId: tenant,
    tokenId: minted.body.id,
  });
  await manage('DELETE /v1/tenants/{tenantId}/tokens', { tenantId: tenant });
  await manage('DELETE /v1/api-keys/{keyId}', { keyId: apiKey.body.id });
  const leaving = `${tenant}-gone`;
  await manage('POST /v1/tenants', { body: { id: leaving, name: 'Gone' } });
  expect((await manage('DELETE /v1/tenants/{tenantId}', { tenantId: leaving })).status).toBe(204);
  const stored = await h.tenantStore.get(tenant);
  if (stored) await h.tenantStore.save(stored, { status: 'deleting' });
  // A subscription whose tenant record vanished (a deletion racing a create): the reconciler
  // reads the tenant again, finds none, and deletes the subscription.
  const vanished = `${tenant}-vanished`;
  await manage('POST /v1/tenants', { body: { id: vanished, name: 'Vanished' } });
  const strandedSub = await manage('POST /v1/tenants/{tenantId}/subscriptions', {
    tenantId: vanished,
    body: { url: 'https://hooks.example.test/v', eventTypes: ['calls.vanished'] },
  });
  const vanishing = await h.tenantStore.get(vanished);
  if (vanishing) await h.tenantStore.remove(vanished, vanishing.version);

  await sqs.send(new DeleteQueueCommand({ QueueUrl: await queueUrl(`hookbridge-${ok}`) }));
  // A rule whose pattern drifted: the survey's pattern differs, so the pass reads the rule
  // itself (DescribeRule) before it repairs it.
  await new EventBridgeClient(awsClientConfig()).send(
    new PutRuleCommand({
      Name: `hookbridge-${failing}`,
      EventBusName: localResourceNames.eventBus,
      EventPattern: '{"source":["drifted"]}',
    }),
  );
  const record = await h.store.get(gone);
  if (record) await h.store.save(record, { status: 'deleting' });
  const orphan = 'sub_01ARZ3NDEKTSV4RRFFQ69G5FAV';
  await sqs.send(new CreateQueueCommand({ QueueName: `hookbridge-${orphan}` }));
  await new EventBridgeClient(awsClientConfig()).send(
    new PutRuleCommand({
      Name: `hookbridge-${orphan}`,
      EventBusName: localResourceNames.eventBus,
      EventPattern: '{"source":["nobody"]}',
    }),
  );
  // With its checkpoint, as the function runs it: a pass left unfinished (its resume point
  // written) is gone round in full by this one, which clears it.
  const checkpoint = new DynamoReconcileCheckpoint(
    new DynamoDBClient(dynamoClientConfig(awsClientConfig())),
    h.config.subscriptionsTable,
  );
  const report = await recorder.as('reconciler', async () => {
    await checkpoint.write(ok);
    return reconcile({
      store: h.store,
      tenants: h.tenantStore,
      provisioner: h.provisioner,
      checkpoint,
      concurrency: 4,
    });
  });
  expect(await checkpoint.read()).toBeUndefined();
  expect(report.errors).toEqual([]);
  expect(report.repaired.map((r) => r.id)).toContain(ok);
  expect(report.repaired.find((r) => r.id === failing)?.problems).toEqual([
    `rule hookbridge-${failing} has another event pattern`,
  ]);
  expect(report.deleted.sort()).toEqual([gone, tenantSub.body.id, strandedSub.body.id].sort());
  expect(report.tenantsDeleted).toEqual([tenant]);
  expect(report.orphansRemoved).toEqual([orphan]);

  await exerciseColdLanes();

  for (const id of [ok, failing]) {
    expect((await manage('DELETE /v1/subscriptions/{id}', { id })).status).toBe(204);
  }
}

/**
 * Cold lanes: a pass puts an idle lane to sleep (depth, wake target), the API wakes it for a
 * test event, a pass puts it to sleep again, and a pass wakes it for a message in its queue.
 */
async function exerciseColdLanes(): Promise<void> {
  const sleepy = await subscribe(200, 'calls.sleepy');
  const sleeper = h.sleeper;
  if (!sleeper) throw new Error('the harness has no wake queue');
  const pass = () =>
    recorder.as('reconciler', () =>
      reconcile({
        store: h.store,
        tenants: h.tenantStore,
        provisioner: h.provisioner,
        sleeper,
        laneIdleMs: 1,
      }),
    );
  const lane = async () => (await h.store.get(sleepy))?.lane;
  const first = await pass();
  expect(first.errors).toEqual([]);
  expect(first.cooled).toContain(sleepy);
  expect((await manage('POST /v1/subscriptions/{id}/test', { id: sleepy })).status).toBe(202);
  expect(await lane()).toBe('hot');
  await waitFor(async () => (await attemptsOf(sleepy)).length === 1, 15_000, 'the test event');
  // Deleted from its queue once the handler returned: only an empty lane goes to sleep.
  await waitFor(
    async () => {
      const attributes = await queueAttributes(`hookbridge-${sleepy}`);
      return (
        Number(attributes.ApproximateNumberOfMessages) +
          Number(attributes.ApproximateNumberOfMessagesNotVisible) ===
        0
      );
    },
    15_000,
    'the test event to leave its queue',
  );
  expect((await pass()).cooled).toContain(sleepy);
  // A receive the poller had under way when the mapping was disabled (a 1 s long poll) would
  // take the message below: let it end first.
  await new Promise((resolve) => setTimeout(resolve, 1500));
  await sqs.send(
    new SendMessageCommand({
      QueueUrl: await queueUrl(`hookbridge-${sleepy}`),
      MessageBody: JSON.stringify({ not: 'delivered before the pass' }),
    }),
  );
  expect((await pass()).woken).toContain(sleepy);
  expect((await manage('DELETE /v1/subscriptions/{id}', { id: sleepy })).status).toBe(204);
}

/** The local run's names, as the functions' environment gives them on AWS. */
function scope(): CallScope {
  const env = {
    ...(process.env as Record<string, string>),
    HOOKBRIDGE_RESOURCE_PREFIX: h.config.prefix,
    HOOKBRIDGE_ARCHIVE_ARN: archiveArn,
  };
  return { env, functionArn: '', logGroupName: '' };
}

/** A recorded call in the declaration's terms: its subscription id and replay time. */
function normalized(call: RecordedCall): RecordedCall {
  return {
    ...call,
    resources: call.resources.map((resource) =>
      resource
        .replace(/sub_[0-9A-HJKMNP-TV-Z]{26}/g, SUBSCRIPTION_ID)
        .replace(/(replay\/sub_\w+)-\d+-[0-9a-f]{6}$/, `$1-${REPLAY_TIME}`),
    ),
  };
}

const key = (lambda: LambdaName, command: string, file: string) => `${lambda} ${command} ${file}`;

describe('what the functions send', () => {
  it('is declared, call and resource, for the function that sends it', () => {
    const undeclared = new Set<string>();
    for (const call of recorder.calls.map(normalized)) {
      const declared = AWS_CALLS[call.lambda].filter(
        (d) => d.command === call.command && d.sentBy === call.file,
      );
      const on = new Set(declared.flatMap((d) => d.on(scope())));
      if (declared.length === 0 || !call.resources.every((r) => on.has(r))) {
        undeclared.add(`${key(call.lambda, call.command, call.file)} on ${call.resources}`);
      }
    }
    expect([...undeclared]).toEqual([]);
  });

  it('covers every declared call but what only Lambda’s mappings do', () => {
    const seen = new Set(recorder.calls.map((c) => key(c.lambda, c.command, c.file)));
    const missing: string[] = [];
    for (const [lambda, calls] of Object.entries(AWS_CALLS) as [
      LambdaName,
      typeof AWS_CALLS.ingest,
    ][]) {
      for (const call of calls) {
        if (call.sentBy === 'lambda' || NOT_EXERCISED[call.sentBy]) continue;
        if (NOT_EXERCISED[`${call.command} ${call.sentBy}`]) continue;
        if (!seen.has(key(lambda, call.command, call.sentBy)))
          missing.push(key(lambda, call.command, call.sentBy));
      }
    }
    expect(missing).toEqual([]);
  });
});
