/**
 * What the local runtime's state keeping costs (issue 11 §5), on a moto of its own:
 * (1) one snapshot (scan → JSON file) and one restore of an attempt log of N items, the work
 * done every 2 s while the tables change and once per start; (2) PutEvents onto a bus with one
 * subscriber, with moto's own archive, with the local archive's rule, and with both, side by
 * side (moto delivers to every target inside PutEvents). Figures are moto's, not AWS's.
 *
 *   npx tsx bench/local-state.ts [--items 1000] [--events 100]
 */
import { mkdtemp, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import {
  BatchWriteItemCommand,
  CreateTableCommand,
  DeleteTableCommand,
  DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import {
  CreateArchiveCommand,
  CreateEventBusCommand,
  DescribeEventBusCommand,
  EventBridgeClient,
  PutEventsCommand,
  PutRuleCommand,
  PutTargetsCommand,
} from '@aws-sdk/client-eventbridge';
import { CreateQueueCommand, GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { startLocalAws } from '../local/aws-endpoint.js';
import { LocalArchive } from '../local/local-archive.js';
import { TableSnapshots } from '../local/table-snapshots.js';

const { values } = parseArgs({
  options: {
    items: { type: 'string', default: '1000' },
    events: { type: 'string', default: '100' },
  },
});
const items = Number(values.items);
const eventCount = Number(values.events);

const aws = await startLocalAws({ fromEnvironment: false });
const config = {
  endpoint: aws.url,
  region: 'us-east-1',
  credentials: { accessKeyId: 'bench', secretAccessKey: 'bench' },
  maxAttempts: 1,
};
const dynamo = new DynamoDBClient(config);
const events = new EventBridgeClient(config);
const sqs = new SQSClient(config);
const busArns = new Map<string, { bus: string; arn: string }>();

async function put(bus: string): Promise<number> {
  const begin = performance.now();
  for (let i = 0; i < eventCount; i += 10) {
    await events.send(
      new PutEventsCommand({
        Entries: Array.from({ length: Math.min(10, eventCount - i) }, () => ({
          EventBusName: bus,
          Source: 'hookbridge',
          DetailType: 'order.created',
          Detail: '{"id":"evt_x","type":"order.created","data":{}}',
        })),
      }),
    );
  }
  return performance.now() - begin;
}

async function motoArchive(bus: string): Promise<void> {
  const { Arn } = await events.send(new DescribeEventBusCommand({ Name: bus }));
  await events.send(
    new CreateArchiveCommand({ ArchiveName: `${bus}-archive`, EventSourceArn: Arn }),
  );
}

async function localArchive(bus: string): Promise<void> {
  const archive = new LocalArchive(sqs, events, { busName: bus, name: `${bus}-local` });
  await archive.start();
  // Not drained while measuring: the cost measured is PutEvents' own.
  await archive.stop();
}

const dir = await mkdtemp(join(os.tmpdir(), 'hookbridge-bench-state-'));
try {
  const table = 'bench-deliveries';
  const create = () =>
    dynamo.send(
      new CreateTableCommand({
        TableName: table,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [
          { AttributeName: 'subscriptionId', AttributeType: 'S' },
          { AttributeName: 'sk', AttributeType: 'S' },
        ],
        KeySchema: [
          { AttributeName: 'subscriptionId', KeyType: 'HASH' },
          { AttributeName: 'sk', KeyType: 'RANGE' },
        ],
      }),
    );
  await create();
  for (let i = 0; i < items; i += 25) {
    const batch = Array.from({ length: Math.min(25, items - i) }, (_, j) => ({
      PutRequest: {
        Item: {
          subscriptionId: { S: `sub_${(i + j) % 10}` },
          sk: { S: `evt_${String(i + j).padStart(8, '0')}#2026-12-03T10:00:00.000Z` },
          result: { S: 'delivered' },
          statusCode: { N: '204' },
          durationMs: { N: '12' },
          attempt: { N: '1' },
        },
      },
    }));
    await dynamo.send(new BatchWriteItemCommand({ RequestItems: { [table]: batch } }));
  }
  const file = join(dir, 'tables.json');
  const snapshots = new TableSnapshots(dynamo, [{ name: table }], file);
  let started = performance.now();
  await snapshots.save();
  const saveMs = performance.now() - started;
  started = performance.now();
  await snapshots.save();
  const unchangedMs = performance.now() - started;
  const bytes = (await stat(file)).size;
  await dynamo.send(new DeleteTableCommand({ TableName: table }));
  await create();
  started = performance.now();
  await new TableSnapshots(dynamo, [{ name: table }], file).restore();
  const restoreMs = performance.now() - started;
  console.log(`attempt log of ${items} items (${(bytes / 1024).toFixed(0)} KB of JSON):`);
  console.log(
    `  snapshot ${saveMs.toFixed(0)} ms (again with no write since: ${unchangedMs.toFixed(0)} ms, no scan)`,
  );
  console.log(`  restore  ${restoreMs.toFixed(0)} ms`);

  // Every bus has one subscriber (a rule → queue, as a lane has); then the archives.
  const subscriberQueue = await sqs.send(new CreateQueueCommand({ QueueName: 'bench-subscriber' }));
  const { Attributes } = await sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl: subscriberQueue.QueueUrl,
      AttributeNames: ['QueueArn'],
    }),
  );
  const setups: Record<string, (bus: string) => Promise<unknown>> = {
    'one subscriber': async () => undefined,
    "+ moto's archive": (bus) => motoArchive(bus),
    '+ local archive': (bus) => localArchive(bus),
    "+ both (moto's and local)": async (bus) => {
      await motoArchive(bus);
      await localArchive(bus);
    },
  };
  const timings = new Map<string, number[]>();
  for (const [name, setup] of Object.entries(setups)) {
    const bus = `bench-${timings.size}`;
    const { EventBusArn } = await events.send(new CreateEventBusCommand({ Name: bus }));
    await events.send(
      new PutRuleCommand({
        Name: 'sub',
        EventBusName: bus,
        EventPattern: '{"source":["hookbridge"]}',
      }),
    );
    await events.send(
      new PutTargetsCommand({
        Rule: 'sub',
        EventBusName: bus,
        Targets: [{ Id: 'q', Arn: Attributes?.QueueArn }],
      }),
    );
    await setup(bus);
    busArns.set(name, { bus, arn: EventBusArn ?? '' });
    timings.set(name, []);
  }
  // Interleaved rounds, so a slower moment of the machine hits every setup alike.
  for (let round = 0; round < 3; round++) {
    for (const name of Object.keys(setups)) {
      timings.get(name)?.push(await put(busArns.get(name)?.bus ?? ''));
    }
  }
  const median = (runs: number[]) => [...runs].sort((a, b) => a - b)[1] ?? 0;
  const baseline = median(timings.get('one subscriber') ?? []);
  console.log(`PutEvents of ${eventCount} events, 10 per call (median of 3):`);
  for (const [name, runs] of timings) {
    const ms = median(runs);
    console.log(
      `  ${name.padEnd(26)} ${ms.toFixed(0).padStart(5)} ms  ×${(ms / baseline).toFixed(2)}`,
    );
  }
} finally {
  dynamo.destroy();
  events.destroy();
  sqs.destroy();
  await aws.stop();
  await rm(dir, { recursive: true, force: true });
}
