import { type ChildProcess, spawn } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  CreateTableCommand,
  DynamoDBClient,
  PutItemCommand,
  QueryCommand,
  type QueryCommandInput,
} from '@aws-sdk/client-dynamodb';
import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  SendMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { freePort } from '../../local/aws-endpoint.js';

// local/moto_speedups.py replaces parts of moto in the local endpoint. The same requests go to
// it and to a moto started as it is: every answer must be the same.
let plain: { url: string; child: ChildProcess };

beforeAll(async () => {
  const port = await freePort();
  const child = spawn('python3', ['-m', 'moto.server', '-H', '127.0.0.1', '-p', String(port)], {
    stdio: 'ignore',
  });
  const url = `http://127.0.0.1:${port}`;
  for (let tries = 0; ; tries++) {
    const up = await fetch(`${url}/moto-api/reset`, { method: 'POST' }).then(
      (response) => response.ok,
      () => false,
    );
    if (up) break;
    if (tries > 300) throw new Error('the plain moto did not start');
    await sleep(100);
  }
  plain = { url, child };
});

afterAll(() => {
  plain?.child.kill('SIGTERM');
});

function clients(endpoint: string) {
  const config = {
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    maxAttempts: 1,
  };
  return { dynamo: new DynamoDBClient(config), sqs: new SQSClient(config) };
}

/** Runs `scenario` on the patched endpoint and on the plain one; returns both results. */
async function onBoth<T>(scenario: (c: ReturnType<typeof clients>) => Promise<T>) {
  const patched = clients(inject('awsEndpoint'));
  const reference = clients(plain.url);
  return { patched: await scenario(patched), reference: await scenario(reference) };
}

/** Every answer of a query, page by page, and the error if it is refused. */
async function queryPages(dynamo: DynamoDBClient, input: QueryCommandInput) {
  const pages: unknown[] = [];
  let start: QueryCommandInput['ExclusiveStartKey'];
  try {
    for (let page = 0; page < 50; page++) {
      const { Items, Count, ScannedCount, LastEvaluatedKey } = await dynamo.send(
        new QueryCommand({ ...input, ExclusiveStartKey: start }),
      );
      pages.push({ Items, Count, ScannedCount, LastEvaluatedKey });
      start = LastEvaluatedKey;
      if (!start) break;
    }
  } catch (error) {
    pages.push({ error: (error as Error).name });
  }
  return pages;
}

/**
 * 200 messages taken by 12 receivers at once, as fast as they can, until the queue is empty
 * for each: how many bodies they got, and how many different ones.
 */
async function concurrentReceives(sqs: SQSClient) {
  const { QueueUrl } = await sqs.send(
    new CreateQueueCommand({
      QueueName: `race-${Date.now()}`,
      Attributes: { VisibilityTimeout: '60' },
    }),
  );
  const total = 200;
  for (let i = 0; i < total; i += 10) {
    await sqs.send(
      new SendMessageBatchCommand({
        QueueUrl,
        Entries: Array.from({ length: 10 }, (_, j) => ({
          Id: String(j),
          MessageBody: `m${i + j}`,
        })),
      }),
    );
  }
  const bodies: string[] = [];
  await Promise.all(
    Array.from({ length: 12 }, async () => {
      for (let empty = 0; empty < 3; ) {
        const { Messages = [] } = await sqs.send(
          new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10 }),
        );
        if (Messages.length === 0) empty++;
        for (const message of Messages) bodies.push(message.Body ?? '');
      }
    }),
  );
  return { received: bodies.length, distinct: new Set(bodies).size };
}

describe('the local endpoint with moto_speedups', () => {
  it('never hands one message to two receives at once (plain moto can)', async () => {
    const { sqs } = clients(inject('awsEndpoint'));
    // Three rounds: plain moto gave 201 bodies for 200 in two rounds of three.
    for (let round = 0; round < 3; round++) {
      expect(await concurrentReceives(sqs)).toEqual({ received: 200, distinct: 200 });
    }
  });

  it('answers DynamoDB queries exactly as moto does', async () => {
    const { patched, reference } = await onBoth(async ({ dynamo }) => {
      const table = `attempts-${Date.now()}`;
      await dynamo.send(
        new CreateTableCommand({
          TableName: table,
          BillingMode: 'PAY_PER_REQUEST',
          AttributeDefinitions: [
            { AttributeName: 'pk', AttributeType: 'S' },
            { AttributeName: 'sk', AttributeType: 'S' },
            { AttributeName: 'kind', AttributeType: 'S' },
          ],
          KeySchema: [
            { AttributeName: 'pk', KeyType: 'HASH' },
            { AttributeName: 'sk', KeyType: 'RANGE' },
          ],
          GlobalSecondaryIndexes: [
            {
              IndexName: 'byKind',
              KeySchema: [
                { AttributeName: 'kind', KeyType: 'HASH' },
                { AttributeName: 'sk', KeyType: 'RANGE' },
              ],
              Projection: { ProjectionType: 'ALL' },
            },
          ],
        }),
      );
      // Three partitions; sort keys share prefixes (e1 is a prefix of e10), one is empty-ish.
      for (const pk of ['a', 'b', 'c']) {
        for (let i = 0; i < 25; i++) {
          await dynamo.send(
            new PutItemCommand({
              TableName: table,
              Item: {
                pk: { S: pk },
                sk: { S: `e${i % 12}#2026-01-${String(10 + i).padStart(2, '0')}` },
                kind: { S: i % 3 === 0 ? 'x' : 'y' },
                result: { S: i % 4 === 0 ? 'delivered' : 'failed' },
                n: { N: String(i) },
              },
            }),
          );
        }
      }
      const key = (prefix: string) => ({
        TableName: table,
        KeyConditionExpression: 'pk = :p AND begins_with(sk, :e)',
        ExpressionAttributeValues: { ':p': { S: 'b' }, ':e': { S: prefix } },
      });
      return Promise.all([
        queryPages(dynamo, key('e1')),
        queryPages(dynamo, key('e1#')),
        queryPages(dynamo, key('nothing')),
        queryPages(dynamo, { ...key('e'), Limit: 4, ScanIndexForward: false }),
        queryPages(dynamo, {
          ...key('e1'),
          FilterExpression: '#r = :d',
          ExpressionAttributeNames: { '#r': 'result' },
          ExpressionAttributeValues: {
            ':p': { S: 'b' },
            ':e': { S: 'e1' },
            ':d': { S: 'delivered' },
          },
          Select: 'COUNT',
        }),
        queryPages(dynamo, {
          TableName: table,
          KeyConditionExpression: 'pk = :p',
          ExpressionAttributeValues: { ':p': { S: 'c' } },
          Limit: 7,
        }),
        queryPages(dynamo, {
          TableName: table,
          KeyConditionExpression: 'pk = :p AND sk BETWEEN :l AND :h',
          ExpressionAttributeValues: { ':p': { S: 'a' }, ':l': { S: 'e2' }, ':h': { S: 'e5' } },
        }),
        queryPages(dynamo, {
          TableName: table,
          KeyConditionExpression: 'pk = :p AND sk > :l',
          ExpressionAttributeValues: { ':p': { S: 'a' }, ':l': { S: 'e7' } },
          ScanIndexForward: false,
        }),
        queryPages(dynamo, {
          TableName: table,
          KeyConditionExpression: 'pk = :p',
          ExpressionAttributeValues: { ':p': { S: 'missing' } },
        }),
        queryPages(dynamo, {
          TableName: table,
          IndexName: 'byKind',
          KeyConditionExpression: 'kind = :k AND begins_with(sk, :e)',
          ExpressionAttributeValues: { ':k': { S: 'x' }, ':e': { S: 'e' } },
          Limit: 5,
        }),
        queryPages(dynamo, {
          TableName: table,
          KeyConditionExpression: 'pk = :p AND begins_with(n, :e)',
          ExpressionAttributeValues: { ':p': { S: 'a' }, ':e': { S: '1' } },
        }),
      ]);
    });
    expect(patched).toEqual(reference);
    // The scenario is not vacuous: the prefix queries found items and the pages were paged.
    expect(JSON.stringify(reference[0])).toContain('e10#');
    expect((reference[3] as unknown[]).length).toBeGreaterThan(3);
  });

  it('sends and receives SQS messages exactly as moto does', async () => {
    const { patched, reference } = await onBoth(async ({ sqs }) => {
      const suffix = Date.now();
      const standard = await sqs.send(new CreateQueueCommand({ QueueName: `std-${suffix}` }));
      const fifo = await sqs.send(
        new CreateQueueCommand({
          QueueName: `dedup-${suffix}.fifo`,
          Attributes: { FifoQueue: 'true', ContentBasedDeduplication: 'true' },
        }),
      );
      const strict = await sqs.send(
        new CreateQueueCommand({
          QueueName: `strict-${suffix}.fifo`,
          Attributes: { FifoQueue: 'true' },
        }),
      );
      for (let i = 0; i < 15; i++) {
        await sqs.send(
          new SendMessageCommand({ QueueUrl: standard.QueueUrl, MessageBody: `m${i}` }),
        );
      }
      for (const body of ['same', 'same', 'other']) {
        await sqs.send(
          new SendMessageCommand({
            QueueUrl: fifo.QueueUrl,
            MessageBody: body,
            MessageGroupId: 'g',
          }),
        );
      }
      const refused = await sqs
        .send(
          new SendMessageCommand({
            QueueUrl: strict.QueueUrl,
            MessageBody: 'x',
            MessageGroupId: 'g',
          }),
        )
        .then(
          () => 'sent',
          (error: Error) => error.name,
        );
      const received = await sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: standard.QueueUrl,
          MaxNumberOfMessages: 10,
          MessageSystemAttributeNames: ['ApproximateReceiveCount'],
        }),
      );
      const counts = async (url: string | undefined) =>
        (
          await sqs.send(
            new GetQueueAttributesCommand({
              QueueUrl: url,
              AttributeNames: [
                'ApproximateNumberOfMessages',
                'ApproximateNumberOfMessagesNotVisible',
                'ContentBasedDeduplication',
              ],
            }),
          )
        ).Attributes;
      const fromFifo = await sqs.send(
        new ReceiveMessageCommand({ QueueUrl: fifo.QueueUrl, MaxNumberOfMessages: 10 }),
      );
      return {
        refused,
        received: (received.Messages ?? []).map((m) => [m.Body, m.Attributes]),
        standard: await counts(standard.QueueUrl),
        fifo: (fromFifo.Messages ?? []).map((m) => m.Body),
        fifoCounts: await counts(fifo.QueueUrl),
      };
    });
    expect(patched).toEqual(reference);
    expect(reference.received).toHaveLength(10);
    expect(reference.fifo).toEqual(['same', 'other']);
  });
});
