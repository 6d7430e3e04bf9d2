import {
  CreateTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  PutItemCommand,
} from '@aws-sdk/client-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { localResourceNames } from '../../infra/base-resources.js';
import { createBaseResources } from '../../local/base-resources.js';
import { awsClientConfig } from '../../shared/aws/client-config.js';
import { type DeliveryAttempt, DynamoAttemptLog } from '../../shared/delivery/attempt-log.js';
import { ApiError } from '../../shared/errors.js';

const dynamo = new DynamoDBClient(awsClientConfig());
const log = new DynamoAttemptLog(dynamo, localResourceNames.deliveriesTable, 86_400);

// Event ids are ULIDs: A was published before B, B before C.
const A = 'evt_01JAAAAAAAAAAAAAAAAAAAAAAA';
const B = 'evt_01JBBBBBBBBBBBBBBBBBBBBBBB';
const C = 'evt_01JCCCCCCCCCCCCCCCCCCCCCCC';
let subscriptions = 0;
const newSubscription = () =>
  `sub_01JZZZZZZZZZZZZZZZZZZZZZ${String(++subscriptions).padStart(2, '0')}`;

function attempt(
  subscriptionId: string,
  eventId: string,
  minute: number,
  n: number,
  result: DeliveryAttempt['result'],
): DeliveryAttempt {
  return {
    subscriptionId,
    eventId,
    eventType: 'order.created',
    attempt: n,
    attemptedAt: new Date(Date.UTC(2026, 11, 3, 10, minute, 0, 500)).toISOString(),
    result,
    final: result !== 'failed',
    durationMs: 12,
  };
}

/** A's retries interleave with B and C, published after A: the log of a real failing receiver. */
async function interleaved(subscriptionId: string) {
  const attempts = [
    attempt(subscriptionId, A, 0, 1, 'failed'),
    attempt(subscriptionId, B, 1, 1, 'delivered'),
    attempt(subscriptionId, C, 2, 1, 'failed'),
    attempt(subscriptionId, A, 3, 2, 'failed'),
    attempt(subscriptionId, C, 4, 2, 'delivered'),
    attempt(subscriptionId, A, 5, 3, 'delivered'),
  ];
  for (const a of attempts) await log.record(a, `message-of-${a.eventId}`);
  return attempts.map((a) => [a.eventId, a.attempt]).reverse();
}

async function all(
  subscriptionId: string,
  query: { limit: number; result?: 'failed'; eventId?: string },
) {
  const pages: DeliveryAttempt[][] = [];
  let cursor: string | undefined;
  do {
    const page = await log.list(subscriptionId, { ...query, ...(cursor && { cursor }) });
    pages.push(page.items);
    cursor = page.nextCursor;
  } while (cursor && pages.length < 20);
  return pages;
}

beforeAll(async () => {
  await createBaseResources(awsClientConfig());
});

describe('the attempt log on the local endpoint', () => {
  it('lists attempts by attempt time, newest first, across events whose retries interleave', async () => {
    const sub = newSubscription();
    const expected = await interleaved(sub);
    const { items, nextCursor } = await log.list(sub);

    expect(items.map((a) => [a.eventId, a.attempt])).toEqual(expected);
    expect(nextCursor).toBeUndefined();
    // The store's own attributes stay inside.
    for (const item of items) {
      expect(item).not.toHaveProperty('sk');
      expect(item).not.toHaveProperty('messageId');
      expect(item).not.toHaveProperty('expiresAt');
    }
  });

  it('pages through the same order with opaque cursors, unmoved by attempts logged meanwhile', async () => {
    const sub = newSubscription();
    const expected = await interleaved(sub);
    const first = await log.list(sub, { limit: 4 });
    expect(first.nextCursor).toEqual(expect.stringMatching(/^[A-Za-z0-9_-]+$/));
    // A newer attempt arrives between two pages: it tops the next listing, not this one.
    await log.record(attempt(sub, B, 30, 2, 'delivered'), 'a-replay');
    const second = await log.list(sub, { limit: 4, cursor: first.nextCursor });

    expect([...first.items, ...second.items].map((a) => [a.eventId, a.attempt])).toEqual(expected);
    expect(second.nextCursor).toBeUndefined();
    expect((await log.list(sub, { limit: 1 })).items[0]).toMatchObject({ eventId: B, attempt: 2 });
  });

  it('filters by result without returning empty pages while matches remain', async () => {
    const sub = newSubscription();
    await interleaved(sub);
    const pages = await all(sub, { limit: 1, result: 'failed' });

    expect(pages.flat().map((a) => [a.eventId, a.attempt])).toEqual([
      [A, 2],
      [C, 1],
      [A, 1],
    ]);
    for (const page of pages.slice(0, -1)) expect(page).toHaveLength(1);
  });

  it("lists one event's attempts newest first, in pages that stay within the event", async () => {
    const sub = newSubscription();
    await interleaved(sub);
    const pages = await all(sub, { limit: 2, eventId: A });

    expect(pages.flat().map((a) => [a.eventId, a.attempt])).toEqual([
      [A, 3],
      [A, 2],
      [A, 1],
    ]);
  });

  it("refuses a cursor of the time listing that points into another event's attempts", async () => {
    const sub = newSubscription();
    await interleaved(sub);
    const { nextCursor } = await log.list(sub, { limit: 1 }); // after A's last attempt
    const second = await log.list(sub, { limit: 1, cursor: nextCursor }); // after C's
    await expect(log.list(sub, { eventId: A, cursor: second.nextCursor })).rejects.toMatchObject({
      status: 400,
      code: 'invalid_cursor',
    });
    await expect(log.list(sub, { eventId: A, cursor: nextCursor })).resolves.toMatchObject({
      items: [
        { eventId: A, attempt: 2 },
        { eventId: A, attempt: 1 },
      ],
    });
    await expect(log.list(sub, { cursor: 'bm9wZQ' })).rejects.toBeInstanceOf(ApiError);
  });

  it("tells the deliverer an event's attempts by message, and whether one succeeded", async () => {
    const sub = newSubscription();
    for (const n of [1, 2, 3]) await log.record(attempt(sub, A, n, n, 'failed'), 'dead-lettered');
    await log.record(attempt(sub, A, 40, 4, 'failed'), 'redriven');
    await log.record(attempt(sub, B, 41, 1, 'delivered'), 'other-event');

    expect(await log.eventHistory(sub, A, 'redriven')).toEqual({
      delivered: false,
      earlierAttempts: 3,
      thisMessageAttempts: 1,
    });
    expect(await log.eventHistory(sub, A, 'a-third-life')).toMatchObject({ earlierAttempts: 4 });
    expect(await log.eventHistory(sub, B, 'other-event')).toEqual({
      delivered: true,
      earlierAttempts: 0,
      thisMessageAttempts: 1,
    });
    expect(await log.eventHistory(newSubscription(), A, 'redriven')).toEqual({
      delivered: false,
      earlierAttempts: 0,
      thisMessageAttempts: 0,
    });
  });

  it('lists in event order while DynamoDB still fills the index (the first deploy with it)', async () => {
    const sub = newSubscription();
    await interleaved(sub);
    const indexQueries: string[] = [];
    const building = (message: string) => {
      const client = new DynamoDBClient(awsClientConfig());
      // What DynamoDB answers a query of an index that is still CREATING.
      client.middlewareStack.add(
        (next) => async (args) => {
          const index = (args.input as { IndexName?: string }).IndexName;
          if (index) {
            indexQueries.push(index);
            throw Object.assign(new Error(`${message}: ${index}`), { name: 'ValidationException' });
          }
          return next(args);
        },
        { step: 'initialize' },
      );
      return new DynamoAttemptLog(client, localResourceNames.deliveriesTable, 86_400);
    };

    const backfilling = building('Cannot read from backfilling global secondary index');
    const first = await backfilling.list(sub, { limit: 4 });
    expect(indexQueries).toEqual(['byAttemptedAt']);
    // Event order (the table's key), newest event first, and every attempt still reachable.
    const second = await backfilling.list(sub, { limit: 4, cursor: first.nextCursor });
    expect([...first.items, ...second.items].map((a) => [a.eventId, a.attempt])).toEqual([
      [C, 2],
      [C, 1],
      [B, 1],
      [A, 3],
      [A, 2],
      [A, 1],
    ]);
    // Its cursors go on in the index once it is built.
    const later = await log.list(sub, { cursor: first.nextCursor });
    expect(later.items.length).toBeGreaterThan(0);
    // Any other refusal is not papered over.
    await expect(building('One or more parameter values were invalid').list(sub)).rejects.toThrow(
      /parameter values were invalid/,
    );
  });

  it('adds the time index to a deliveries table made before it, with the attempts already there', async () => {
    const legacy = 'hookbridge-deliveries-before-the-index';
    await dynamo.send(
      new CreateTableCommand({
        TableName: legacy,
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
    const sub = newSubscription();
    const old = attempt(sub, A, 1, 1, 'delivered');
    await dynamo.send(
      new PutItemCommand({
        TableName: legacy,
        Item: {
          subscriptionId: { S: sub },
          sk: { S: `${A}#${old.attemptedAt}` },
          eventId: { S: A },
          eventType: { S: old.eventType },
          attempt: { N: '1' },
          attemptedAt: { S: old.attemptedAt },
          result: { S: 'delivered' },
          final: { BOOL: true },
          durationMs: { N: '12' },
        },
      }),
    );

    await createBaseResources(awsClientConfig(), {
      ...localResourceNames,
      deliveriesTable: legacy,
    });
    const { Table } = await dynamo.send(new DescribeTableCommand({ TableName: legacy }));
    expect(Table?.GlobalSecondaryIndexes?.map((i) => i.IndexName)).toEqual(['byAttemptedAt']);
    const upgraded = new DynamoAttemptLog(dynamo, legacy, 86_400);
    await upgraded.record(attempt(sub, B, 2, 1, 'failed'), 'new-message');
    expect((await upgraded.list(sub)).items.map((a) => a.eventId)).toEqual([B, A]);
    // Attempts logged before messages were: counted as earlier messages'.
    expect(await upgraded.eventHistory(sub, A, 'new-message')).toMatchObject({
      delivered: true,
      earlierAttempts: 1,
    });
  });
});
