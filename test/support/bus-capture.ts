import { EventBridgeClient, PutRuleCommand, PutTargetsCommand } from '@aws-sdk/client-eventbridge';
import {
  CreateQueueCommand,
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { awsClientConfig } from '../../shared/aws/client-config.js';

/** An EventBridge event as it arrives in an SQS queue target. */
export interface CapturedEvent {
  readonly source: string;
  readonly 'detail-type': string;
  readonly detail: { id: string; type: string; timestamp: string; data: Record<string, unknown> };
}

/**
 * A rule on the bus that sends every event of `source` to a fresh queue, so a test can see
 * exactly what was published.
 */
export async function captureBus(busName: string, source = 'hookbridge') {
  const config = awsClientConfig();
  const sqs = new SQSClient(config);
  const events = new EventBridgeClient(config);
  const name = `capture-${Math.random().toString(36).slice(2, 10)}`;
  const { QueueUrl: queueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: name }));
  const attributes = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] }),
  );
  await events.send(
    new PutRuleCommand({
      Name: name,
      EventBusName: busName,
      EventPattern: JSON.stringify({ source: [source] }),
    }),
  );
  await events.send(
    new PutTargetsCommand({
      Rule: name,
      EventBusName: busName,
      Targets: [{ Id: 'queue', Arn: attributes.Attributes?.QueueArn }],
    }),
  );

  /** Receives and deletes everything that arrived, until the queue stays empty. */
  async function drain(): Promise<CapturedEvent[]> {
    const out: CapturedEvent[] = [];
    for (;;) {
      const { Messages = [] } = await sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: queueUrl,
          MaxNumberOfMessages: 10,
          WaitTimeSeconds: 0,
        }),
      );
      if (Messages.length === 0) return out;
      for (const message of Messages) out.push(JSON.parse(message.Body ?? '{}'));
      await sqs.send(
        new DeleteMessageBatchCommand({
          QueueUrl: queueUrl,
          Entries: Messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle })),
        }),
      );
    }
  }

  return { drain };
}
