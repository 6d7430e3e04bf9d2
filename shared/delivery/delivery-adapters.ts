import {
  ChangeMessageVisibilityCommand,
  GetQueueUrlCommand,
  SendMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { SQSRecord } from 'aws-lambda';
import { nameOfArn } from '../provisioning/lane-names.js';
import type { Subscription } from '../subscriptions/subscription.js';
import type { SubscriptionStore } from '../subscriptions/subscription-store.js';
import type { MessageActions, SubscriptionSource } from './deliverer.js';

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

/**
 * Subscriptions read through a short cache: a batch of ten records for one subscriber reads it
 * once, and a change made through the API reaches deliveries within `ttlMs`.
 */
export class CachedSubscriptions implements SubscriptionSource {
  private readonly entries = new Map<
    string,
    { at: number; value: Promise<Subscription | undefined> }
  >();

  constructor(
    private readonly store: Pick<SubscriptionStore, 'get'>,
    private readonly ttlMs = 30_000,
    private readonly clock: () => number = Date.now,
  ) {}

  get(id: string): Promise<Subscription | undefined> {
    const cached = this.entries.get(id);
    if (cached && this.clock() - cached.at < this.ttlMs) return cached.value;
    const value = this.store.get(id);
    value.catch(() => this.entries.delete(id));
    this.entries.set(id, { at: this.clock(), value });
    return value;
  }

  forget(id: string): void {
    this.entries.delete(id);
  }
}
