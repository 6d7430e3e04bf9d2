import type { Message } from '@aws-sdk/client-sqs';
import type { SQSRecord } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { parseQueueArn, settleBatch, toSqsEvent } from '../../../local/sqs-event.js';

const queueArn = 'arn:aws:sqs:eu-west-1:123456789012:hookbridge-sub-1';

describe('parseQueueArn', () => {
  it('splits a queue ARN into region, account and name', () => {
    expect(parseQueueArn(queueArn)).toEqual({
      region: 'eu-west-1',
      accountId: '123456789012',
      queueName: 'hookbridge-sub-1',
    });
    expect(parseQueueArn('arn:aws-cn:sqs:cn-north-1:123456789012:q.fifo').queueName).toBe('q.fifo');
  });

  it.each([
    'hookbridge-sub-1',
    'arn:aws:sns:eu-west-1:123456789012:topic',
    'arn:aws:sqs:eu-west-1:123456789012',
    'arn:aws:sqs:eu-west-1:123456789012:q:extra',
    'https://sqs.eu-west-1.amazonaws.com/123456789012/q',
  ])('refuses %s', (arn) => {
    expect(() => parseQueueArn(arn)).toThrow(TypeError);
  });
});

describe('toSqsEvent', () => {
  const message: Message = {
    MessageId: 'm-1',
    ReceiptHandle: 'rh-1',
    Body: '{"id":"evt_1"}',
    MD5OfBody: 'b0dy',
    MD5OfMessageAttributes: 'attr5',
    Attributes: {
      ApproximateReceiveCount: '3',
      SentTimestamp: '1700000000000',
      SenderId: 'AIDAEXAMPLE',
      ApproximateFirstReceiveTimestamp: '1700000000100',
      MessageGroupId: 'g-1',
      SequenceNumber: '18',
    },
    MessageAttributes: {
      kind: { DataType: 'String', StringValue: 'order' },
      count: { DataType: 'Number', StringValue: '42' },
      blob: { DataType: 'Binary', BinaryValue: new Uint8Array([0xff, 0x00, 0x10]) },
    },
  };

  it('builds each record exactly as Lambda does', () => {
    expect(toSqsEvent([message], { queueArn, awsRegion: 'eu-west-1' })).toEqual({
      Records: [
        {
          messageId: 'm-1',
          receiptHandle: 'rh-1',
          body: '{"id":"evt_1"}',
          attributes: {
            ApproximateReceiveCount: '3',
            SentTimestamp: '1700000000000',
            SenderId: 'AIDAEXAMPLE',
            ApproximateFirstReceiveTimestamp: '1700000000100',
            MessageGroupId: 'g-1',
            SequenceNumber: '18',
          },
          messageAttributes: {
            kind: {
              stringValue: 'order',
              stringListValues: [],
              binaryListValues: [],
              dataType: 'String',
            },
            count: {
              stringValue: '42',
              stringListValues: [],
              binaryListValues: [],
              dataType: 'Number',
            },
            blob: {
              binaryValue: '/wAQ',
              stringListValues: [],
              binaryListValues: [],
              dataType: 'Binary',
            },
          },
          md5OfBody: 'b0dy',
          md5OfMessageAttributes: 'attr5',
          eventSource: 'aws:sqs',
          eventSourceARN: queueArn,
          awsRegion: 'eu-west-1',
        },
      ],
    });
  });

  it('keeps the batch order and leaves out md5OfMessageAttributes when there are none', () => {
    const plain = { MessageId: 'm-2', ReceiptHandle: 'rh-2', Body: 'x', MD5OfBody: 'x5' };
    const { Records } = toSqsEvent([plain, message], { queueArn, awsRegion: 'eu-west-1' });
    expect(Records.map((record) => record.messageId)).toEqual(['m-2', 'm-1']);
    expect(Records[0]).not.toHaveProperty('md5OfMessageAttributes');
    expect(Records[0]?.messageAttributes).toEqual({});
  });
});

describe('settleBatch', () => {
  const records = ['a', 'b', 'c'].map((id) => ({ messageId: id }) as SQSRecord);
  const ids = (list: readonly SQSRecord[]) => list.map((record) => record.messageId);

  it.each([
    ['no answer', undefined],
    ['null', null],
    ['an empty object', {}],
    ['an empty list', { batchItemFailures: [] }],
    ['a null list', { batchItemFailures: null }],
  ])('counts %s as complete success', (_, response) => {
    const settlement = settleBatch(records, response);
    expect(settlement.ok && ids(settlement.succeeded)).toEqual(['a', 'b', 'c']);
  });

  it('keeps the listed records and deletes the rest', () => {
    const settlement = settleBatch(records, {
      batchItemFailures: [{ itemIdentifier: 'b' }, { itemIdentifier: 'b' }],
    });
    expect(settlement.ok && ids(settlement.succeeded)).toEqual(['a', 'c']);
    expect(settlement.ok && ids(settlement.failed)).toEqual(['b']);
  });

  it.each([
    ['a string', 'ok'],
    ['a list', [{ itemIdentifier: 'a' }]],
    ['a batchItemFailures that is not a list', { batchItemFailures: { itemIdentifier: 'a' } }],
    ['an id not in the batch', { batchItemFailures: [{ itemIdentifier: 'zzz' }] }],
    ['an empty id', { batchItemFailures: [{ itemIdentifier: '' }] }],
    ['a missing id', { batchItemFailures: [{ itemId: 'a' }] }],
    ['a null entry', { batchItemFailures: [null] }],
    ['a number id', { batchItemFailures: [{ itemIdentifier: 1 }] }],
  ])('fails the whole batch for %s', (_, response) => {
    expect(settleBatch(records, response).ok).toBe(false);
  });
});
