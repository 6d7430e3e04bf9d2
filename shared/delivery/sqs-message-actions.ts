import {
  ChangeMessageVisibilityCommand,
  GetQueueUrlCommand,
  SendMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import type { SQSRecord } from 'aws-lambda';
import type { AwsClientConfig } from '../aws/client-config.js';
import { nameOfArn } from '../provisioning/lane-names.js';
import type { MessageActions } from './deliverer.js';

/**
 * SQS refuses a visibility timeout that ends more than 12 h after the message was received;
 * by the time a failed attempt sets it, up to 30 s (the attempt timeout) and some overhead have
 * passed. A longer retry delay is shortened to this.
 */
const VISIBILITY_CEILING_SECONDS = 43_200 - 60;

/**
 * SQS actions on the record being delivered. Queue URLs are looked up once per queue name and
 * kept for the life of the execution environment.
 */
export class SqsMessageActions implements MessageActions {
  private readonly urls = new Map<string, Promise<string>>();

  constructor(private readonly sqs: SQSClient) {}

  async delay(record: SQSRecord, seconds: number): Promise<void> {
    await this.sqs.send(
      new ChangeMessageVisibilityCommand({
        QueueUrl: await this.url(nameOfArn(record.eventSourceARN)),
        ReceiptHandle: record.receiptHandle,
        VisibilityTimeout: Math.min(seconds, VISIBILITY_CEILING_SECONDS),
      }),
    );
  }

  async deadLetter(record: SQSRecord, reason: string): Promise<void> {
    await this.sqs.send(
      new SendMessageCommand({
        QueueUrl: await this.url(`${nameOfArn(record.eventSourceARN)}-dlq`),
        MessageBody: record.body,
        MessageAttributes: {
          'hookbridge-reason': { DataType: 'String', StringValue: reason.slice(0, 1024) },
          'hookbridge-message-id': { DataType: 'String', StringValue: record.messageId },
        },
      }),
    );
  }

  private url(name: string): Promise<string> {
    let url = this.urls.get(name);
    if (!url) {
      url = this.sqs
        .send(new GetQueueUrlCommand({ QueueName: name }))
        .then(({ QueueUrl }) => QueueUrl ?? '');
      url.catch(() => this.urls.delete(name));
      this.urls.set(name, url);
    }
    return url;
  }
}

/** The message actions, through an SQS client made from `clientConfig`. */
export function sqsMessageActions(clientConfig: AwsClientConfig): SqsMessageActions {
  return new SqsMessageActions(new SQSClient(clientConfig));
}
