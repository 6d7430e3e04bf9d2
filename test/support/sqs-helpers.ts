import {
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  ListQueuesCommand,
  ReceiveMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { awsClientConfig } from '../../shared/aws/client-config.js';

const sqs = new SQSClient(awsClientConfig());

/** The URL of a queue, or undefined if it does not exist. */
export async function queueUrl(name: string): Promise<string | undefined> {
  try {
    return (await sqs.send(new GetQueueUrlCommand({ QueueName: name }))).QueueUrl;
  } catch {
    return undefined;
  }
}

export async function queueAttributes(name: string): Promise<Record<string, string>> {
  const url = await queueUrl(name);
  if (!url) throw new Error(`queue ${name} does not exist`);
  const { Attributes = {} } = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['All'] }),
  );
  return Attributes;
}

/** Names of the queues whose name starts with `prefix`. */
export async function queueNames(prefix: string): Promise<string[]> {
  const { QueueUrls = [] } = await sqs.send(new ListQueuesCommand({ QueueNamePrefix: prefix }));
  return QueueUrls.map((url) => url.slice(url.lastIndexOf('/') + 1)).sort();
}

/** Receives and deletes everything in a queue; returns the EventBridge events' detail types. */
export async function drainQueue(
  name: string,
): Promise<{ type: string; data: Record<string, unknown> }[]> {
  const url = await queueUrl(name);
  if (!url) throw new Error(`queue ${name} does not exist`);
  const out: { type: string; data: Record<string, unknown> }[] = [];
  for (;;) {
    const { Messages = [] } = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }),
    );
    if (Messages.length === 0) return out;
    for (const message of Messages) {
      const event = JSON.parse(message.Body ?? '{}');
      out.push({ type: event.detail.type, data: event.detail.data });
    }
    await sqs.send(
      new DeleteMessageBatchCommand({
        QueueUrl: url,
        Entries: Messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle })),
      }),
    );
  }
}
