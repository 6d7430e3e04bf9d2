import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  SetQueueAttributesCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { LaneSleeper } from '../shared/provisioning/lane-sleeper.js';
import { wakeBatch } from '../shared/provisioning/wake-batch.js';
import { EsmPoller, type PollerLogger } from './esm-poller.js';
import { LocalEventSourceMappings } from './local-event-source-mappings.js';

/** The names of the local wake queue and its DLQ (outside the lane prefix `<prefix>-sub_`). */
export function localWakeQueueNames(prefix: string) {
  return { queueName: `${prefix}-wake`, deadLetterQueueName: `${prefix}-wake-dlq` };
}

/** How many receives a wake message gets before it goes to the DLQ (the stack's value too). */
export const WAKE_MAX_RECEIVES = 5;

/**
 * Makes the local wake queue (and its DLQ) if missing and returns its ARN: what the stack's
 * wake queue is on AWS, made here before the configuration that names it is read.
 */
export async function ensureLocalWakeQueue(sqs: SQSClient, prefix: string): Promise<string> {
  const names = localWakeQueueNames(prefix);
  const arnOf = async (url: string | undefined) => {
    const { Attributes } = await sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['QueueArn'] }),
    );
    return Attributes?.QueueArn ?? '';
  };
  const dlq = await sqs.send(new CreateQueueCommand({ QueueName: names.deadLetterQueueName }));
  const queue = await sqs.send(
    new CreateQueueCommand({ QueueName: names.queueName, Attributes: { VisibilityTimeout: '30' } }),
  );
  await sqs.send(
    new SetQueueAttributesCommand({
      QueueUrl: queue.QueueUrl,
      Attributes: {
        RedrivePolicy: JSON.stringify({
          deadLetterTargetArn: await arnOf(dlq.QueueUrl),
          maxReceiveCount: WAKE_MAX_RECEIVES,
        }),
      },
    }),
  );
  return arnOf(queue.QueueUrl);
}

/**
 * The local waker: the wake queue polled like a lane (its own mapping registry and poller,
 * the way the stack maps it to the reconciler function), each batch handled by `wakeBatch`.
 */
export function startLocalWaker(options: {
  sqs: SQSClient;
  sleeper: LaneSleeper;
  wakeQueueArn: string;
  logger: PollerLogger & Parameters<typeof wakeBatch>[2];
}): { stop(): Promise<void> } {
  const mappings = new LocalEventSourceMappings();
  void mappings.ensure({ queueArn: options.wakeQueueArn, maxConcurrency: 2, enabled: true });
  const poller = new EsmPoller({
    mappings,
    sqs: options.sqs,
    functionName: 'hookbridge-waker-local',
    logger: options.logger,
    handler: async (event) =>
      (await wakeBatch(options.sleeper, event.Records, options.logger)).response,
  });
  poller.start();
  return { stop: () => poller.stop() };
}
