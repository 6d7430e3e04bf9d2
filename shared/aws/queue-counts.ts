import { GetQueueAttributesCommand, type SQSClient } from '@aws-sdk/client-sqs';

/** A queue's messages by SQS's approximate counts (they can lag by about a minute). */
export interface QueueCounts {
  /** Waiting to be received. */
  readonly visible: number;
  /** Received and not yet deleted, or hidden until their next attempt. */
  readonly notVisible: number;
  /** Sent with a delay that has not passed yet. */
  readonly delayed: number;
}

/** One GetQueueAttributes: the three approximate counts of a queue. */
export async function queueCounts(sqs: SQSClient, queueUrl: string): Promise<QueueCounts> {
  const { Attributes = {} } = await sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl: queueUrl,
      AttributeNames: [
        'ApproximateNumberOfMessages',
        'ApproximateNumberOfMessagesNotVisible',
        'ApproximateNumberOfMessagesDelayed',
      ],
    }),
  );
  return {
    visible: count(Attributes.ApproximateNumberOfMessages),
    notVisible: count(Attributes.ApproximateNumberOfMessagesNotVisible),
    delayed: count(Attributes.ApproximateNumberOfMessagesDelayed),
  };
}

/** An SQS count attribute as a number (absent or unreadable: 0). */
function count(value: string | undefined): number {
  const parsed = Number(value);
  return Number.isSafeInteger(parsed) && parsed > 0 ? parsed : 0;
}
