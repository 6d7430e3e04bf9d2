import {
  type EventBridgeClient,
  PutEventsCommand,
  type PutEventsCommandInput,
} from '@aws-sdk/client-eventbridge';
import {
  ChangeMessageVisibilityCommand,
  GetQueueUrlCommand,
  SendMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { SQSRecord } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { SqsMessageActions } from '../../../shared/delivery/sqs-message-actions.js';
import { BusOperationalEvents } from '../../../shared/events/operational-events.js';

const SUB_ID = 'sub_01JABCDEFGHJKMNPQRSTVWXYZ0';
const QUEUE = `hookbridge-${SUB_ID}`;

/** An SQS client double: records each command and answers GetQueueUrl from `urls`. */
function fakeSqs(failLookups = 0) {
  const sent: object[] = [];
  let failures = failLookups;
  const client = {
    send: async (command: object) => {
      sent.push(command);
      if (command instanceof GetQueueUrlCommand) {
        if (failures > 0) {
          failures -= 1;
          throw new Error('AWS.SimpleQueueService.NonExistentQueue');
        }
        return {
          QueueUrl: `https://sqs.us-east-1.amazonaws.com/123456789012/${command.input.QueueName}`,
        };
      }
      return {};
    },
  };
  return { client: client as unknown as SQSClient, sent };
}

function record(messageId: string, queue = QUEUE): SQSRecord {
  return {
    messageId,
    receiptHandle: `handle-${messageId}`,
    body: '{"detail":{"id":"evt_1","type":"order.created"}}',
    attributes: {
      ApproximateReceiveCount: '1',
      SentTimestamp: '1735689600000',
      SenderId: 'AIDAIENQZJOLO23YVJ4VO',
      ApproximateFirstReceiveTimestamp: '1735689600100',
    },
    messageAttributes: {},
    md5OfBody: '',
    eventSource: 'aws:sqs',
    eventSourceARN: `arn:aws:sqs:us-east-1:123456789012:${queue}`,
    awsRegion: 'us-east-1',
  };
}

describe('SqsMessageActions', () => {
  it("changes the visibility of the record's own message in its own queue", async () => {
    const sqs = fakeSqs();
    await new SqsMessageActions(sqs.client).delay(record('m1'), 300);

    const change = sqs.sent.find((c) => c instanceof ChangeMessageVisibilityCommand);
    expect(change?.input).toEqual({
      QueueUrl: `https://sqs.us-east-1.amazonaws.com/123456789012/${QUEUE}`,
      ReceiptHandle: 'handle-m1',
      VisibilityTimeout: 300,
    });
  });

  it('keeps a retry delay within the 12 h SQS allows from the receive', async () => {
    const sqs = fakeSqs();
    await new SqsMessageActions(sqs.client).delay(record('m1'), 43_190);
    const change = sqs.sent.find((c) => c instanceof ChangeMessageVisibilityCommand);
    expect(change?.input.VisibilityTimeout).toBe(43_140);
  });

  it('looks a queue URL up once for all records of that queue', async () => {
    const sqs = fakeSqs();
    const actions = new SqsMessageActions(sqs.client);
    await Promise.all([actions.delay(record('m1'), 5), actions.delay(record('m2'), 5)]);
    await actions.delay(record('m3'), 5);

    expect(sqs.sent.filter((c) => c instanceof GetQueueUrlCommand)).toHaveLength(1);
  });

  it('looks a queue URL up again after a failed lookup', async () => {
    const sqs = fakeSqs(1);
    const actions = new SqsMessageActions(sqs.client);

    await expect(actions.delay(record('m1'), 5)).rejects.toThrow('NonExistentQueue');
    await actions.delay(record('m1'), 5);

    expect(sqs.sent.filter((c) => c instanceof GetQueueUrlCommand)).toHaveLength(2);
    expect(sqs.sent.filter((c) => c instanceof ChangeMessageVisibilityCommand)).toHaveLength(1);
  });

  it("sends a dead letter to the queue's DLQ with the body, the reason and the message id", async () => {
    const sqs = fakeSqs();
    const dead = record('m9');
    await new SqsMessageActions(sqs.client).deadLetter(dead, 'x'.repeat(2000));

    const lookup = sqs.sent.find((c) => c instanceof GetQueueUrlCommand);
    expect(lookup?.input).toEqual({ QueueName: `${QUEUE}-dlq` });
    const send = sqs.sent.find((c) => c instanceof SendMessageCommand);
    expect(send?.input).toMatchObject({
      QueueUrl: `https://sqs.us-east-1.amazonaws.com/123456789012/${QUEUE}-dlq`,
      MessageBody: dead.body,
      MessageAttributes: {
        'hookbridge-reason': { DataType: 'String', StringValue: 'x'.repeat(1024) },
        'hookbridge-message-id': { DataType: 'String', StringValue: 'm9' },
      },
    });
  });
});

// The deliverer's exhaustion and disable announcements go through it (shared/events).
describe('BusOperationalEvents', () => {
  it('puts one `<source>.system` event on the bus, its type in the detail too', async () => {
    const sent: PutEventsCommand[] = [];
    const client = {
      send: async (command: PutEventsCommand) => {
        sent.push(command);
        return { FailedEntryCount: 0, Entries: [{ EventId: 'e-1' }] };
      },
    } as unknown as EventBridgeClient;

    await new BusOperationalEvents(client, 'hookbridge-bus', 'hookbridge').emit(
      'delivery.exhausted',
      { subscriptionId: SUB_ID, attempts: 8 },
    );

    expect(sent).toHaveLength(1);
    expect(sent[0]).toBeInstanceOf(PutEventsCommand);
    const input: PutEventsCommandInput = sent[0]?.input ?? { Entries: [] };
    const [entry] = input.Entries ?? [];
    expect(entry).toMatchObject({
      EventBusName: 'hookbridge-bus',
      Source: 'hookbridge.system',
      DetailType: 'delivery.exhausted',
    });
    expect(JSON.parse(entry?.Detail ?? '{}')).toEqual({
      type: 'delivery.exhausted',
      timestamp: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/),
      subscriptionId: SUB_ID,
      attempts: 8,
    });
  });
});
