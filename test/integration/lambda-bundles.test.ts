import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  CreateQueueCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localResourceNames } from '../../infra/base-resources.js';
import {
  BUNDLE_ENTRY_FILE,
  esbuildOptions,
  LAMBDA_ENTRIES,
  type LambdaName,
  loadedAtStart,
} from '../../infra/lambda-bundling.js';
import { createBaseResources } from '../../local/base-resources.js';
import { awsClientConfig } from '../../shared/aws/client-config.js';
import { apiGatewayEvent, lambdaContext } from '../support/api-gateway-event.js';
import { captureBus } from '../support/bus-capture.js';
import { startReceiver } from '../support/receiver.js';
import { queueUrl } from '../support/sqs-helpers.js';

// The bundles as deployed: same esbuild settings (including the environment-only credential
// chain), run against the local endpoint with credentials given the way Lambda gives them.
const outdir = mkdtempSync(path.join(tmpdir(), 'hookbridge-bundles-'));

async function bundle(name: LambdaName | 'webhook-client'): Promise<string> {
  const entry =
    name === 'webhook-client' ? 'shared/delivery/webhook-client.ts' : LAMBDA_ENTRIES[name];
  await build({
    ...esbuildOptions(path.resolve(entry), path.join(outdir, name)),
    logLevel: 'silent',
  });

  return pathToFileURL(path.join(outdir, name, BUNDLE_ENTRY_FILE)).href;
}

beforeAll(async () => {
  await createBaseResources(awsClientConfig());
  process.env.AWS_SESSION_TOKEN = 'session-token';
  process.env.HOOKBRIDGE_DELIVERY_FUNCTION_NAME = 'hookbridge-delivery';
});

afterAll(() => {
  delete process.env.AWS_SESSION_TOKEN;
  rmSync(outdir, { recursive: true, force: true });
});

describe('the Lambda bundles', () => {
  it('ingest publishes through the bundled SDK with environment credentials', async () => {
    const bus = await captureBus(localResourceNames.eventBus);
    const { handler } = await import(await bundle('ingest'));
    const response = await handler(
      apiGatewayEvent('POST /v1/events', {
        body: { type: 'bundle.smoke', data: { ok: true } },
        headers: { 'Idempotency-Key': 'bundle-smoke' },
      }),
      lambdaContext(),
    );
    expect(response.statusCode).toBe(202);
    expect((await bus.drain()).map((e) => e.detail.type)).toEqual(['bundle.smoke']);
  });

  it('the delivery HTTP client works as bundled (undici by module path, without Milo)', async () => {
    const receiver = await startReceiver(() => ({ status: 201, body: 'made' }));
    try {
      const { WebhookClient } = await import(await bundle('webhook-client'));
      const { AddressPolicy } = await import('../../shared/net/address-policy.js');
      const client = new WebhookClient({
        policy: new AddressPolicy({ allowCidrs: ['127.0.0.0/8'], allowHttp: true }),
        userAgent: 'Hookbridge/test',
      });
      const response = await client.post(`${receiver.url}/hook`, '{"a":1}', {
        'webhook-id': 'evt_x',
      });
      await client.close();
      expect(response).toMatchObject({ status: 201, body: 'made' });
      expect(receiver.received[0]).toMatchObject({ path: '/hook', body: '{"a":1}' });
    } finally {
      await receiver.close();
    }
  });

  it.each(['management', 'reconciler', 'delivery'] as const)(
    '%s loads with its configuration',
    async (name) => {
      const module = await import(await bundle(name));
      expect(typeof module.handler).toBe('function');
    },
  );

  it('delivery loads its Lambda, SQS and EventBridge clients on first use, from chunks that work as bundled', async () => {
    const { metafile } = await build({
      ...esbuildOptions(path.resolve(LAMBDA_ENTRIES.delivery), path.join(outdir, 'split')),
      metafile: true,
      logLevel: 'silent',
    });
    const atStart = loadedAtStart(metafile).flatMap((output) => Object.keys(output.inputs));
    expect(atStart.some((input) => input.includes('@aws-sdk/client-dynamodb/'))).toBe(true);
    for (const client of ['client-lambda', 'client-sqs', 'client-eventbridge']) {
      expect(atStart.filter((input) => input.includes(`@aws-sdk/${client}/`))).toEqual([]);
    }
    /** The chunk that holds `source`, imported as the function would on first use. */
    const chunkOf = async (source: string) => {
      const chunk = Object.entries(metafile.outputs).find(
        ([file, output]) =>
          file.endsWith('.mjs') && Object.keys(output.inputs).some((i) => i.endsWith(source)),
      );
      expect(chunk, source).toBeDefined();
      return import(pathToFileURL(path.resolve(chunk?.[0] ?? '')).href);
    };
    const config = awsClientConfig();

    const { lambdaEventSourceMappings } = await chunkOf(
      'shared/provisioning/event-source-mappings.ts',
    );
    const mappings = lambdaEventSourceMappings(config, 'hookbridge-delivery');
    const queueArn = 'arn:aws:sqs:us-east-1:123456789012:hookbridge-sub-none';
    await expect(mappings.find(queueArn)).resolves.toBeUndefined();

    const { busOperationalEvents } = await chunkOf('shared/events/operational-events.ts');
    const bus = await captureBus(localResourceNames.eventBus, 'hookbridge.system');
    await busOperationalEvents(config, localResourceNames.eventBus, 'hookbridge').emit(
      'bundle.chunk',
      { ok: true },
    );
    expect((await bus.drain()).map((e) => e.detail.type)).toContain('bundle.chunk');

    const { sqsMessageActions } = await chunkOf('shared/delivery/sqs-message-actions.ts');
    const sqs = new SQSClient(config);
    const lane = 'hookbridge-sub_chunk';
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: lane }));
    await sqs.send(new CreateQueueCommand({ QueueName: `${lane}-dlq` }));
    await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: '{"n":1}' }));
    const [message] =
      (await sqs.send(new ReceiveMessageCommand({ QueueUrl, WaitTimeSeconds: 1 }))).Messages ?? [];
    await sqsMessageActions(config).deadLetter(
      {
        messageId: message?.MessageId,
        receiptHandle: message?.ReceiptHandle,
        body: message?.Body,
        eventSourceARN: `arn:aws:sqs:us-east-1:123456789012:${lane}`,
      },
      'bundled chunk',
    );
    expect(await queueBodies(`${lane}-dlq`)).toEqual(['{"n":1}']);
  });
});

/** The bodies of the messages waiting in a queue. */
async function queueBodies(name: string): Promise<string[]> {
  const sqs = new SQSClient(awsClientConfig());
  const QueueUrl = await queueUrl(name);
  const { Messages = [] } = await sqs.send(
    new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }),
  );
  return Messages.map((message) => message.Body ?? '');
}
