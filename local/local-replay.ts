import { randomUUID } from 'node:crypto';
import {
  CreateEventBusCommand,
  DeleteEventBusCommand,
  DeleteRuleCommand,
  DescribeRuleCommand,
  type EventBridgeClient,
  PutEventsCommand,
  PutRuleCommand,
  PutTargetsCommand,
  RemoveTargetsCommand,
} from '@aws-sdk/client-eventbridge';
import {
  CreateQueueCommand,
  DeleteQueueCommand,
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { isMissing } from '../shared/aws/missing-resource.js';
import { ConflictError } from '../shared/errors.js';
import { laneNames } from '../shared/provisioning/lane-names.js';
import type { ArchiveReplay, ReplayRequest } from '../shared/subscriptions/lane-operations.js';
import type { BusEvent, LocalArchive } from './local-archive.js';

export interface LocalReplayOptions {
  readonly prefix: string;
  readonly busName: string;
}

/**
 * Replay as EventBridge does it on AWS, for the local runtime: the archived events of the
 * window that the subscription's rule matches go to its queue alone, as the original event
 * plus `replay-name`. Which ones match is left to the local endpoint's own matcher: the
 * events are put on a temporary bus holding only a copy of the rule, whose target is a
 * temporary queue; bus and queue are deleted afterwards. Done before the call answers.
 */
export class LocalReplay implements ArchiveReplay {
  constructor(
    private readonly sqs: SQSClient,
    private readonly events: EventBridgeClient,
    private readonly archive: LocalArchive,
    private readonly options: LocalReplayOptions,
  ) {}

  async start({ subscription, replayName, from, to }: ReplayRequest): Promise<void> {
    const archived = await this.archive.within(from, to);
    if (archived.length === 0) return;
    const names = laneNames(this.options.prefix, subscription.id);
    const rule = await this.events
      .send(new DescribeRuleCommand({ Name: names.ruleName, EventBusName: this.options.busName }))
      .catch((error: unknown) => {
        // The lane is being repaired (the reconciler re-creates a missing rule): not yet.
        if (!isMissing(error)) throw error;
        throw new ConflictError(
          'subscription_not_ready',
          `subscription ${subscription.id} has no rule yet`,
        );
      });
    const matched = await this.match(archived, rule.EventPattern ?? '{}');
    const { QueueUrl } = await this.sqs.send(
      new GetQueueUrlCommand({ QueueName: names.queueName }),
    );
    for (let i = 0; i < matched.length; i += 10) {
      const batch = matched.slice(i, i + 10);
      const sent = await this.sqs.send(
        new SendMessageBatchCommand({
          QueueUrl,
          Entries: batch.map((event, j) => ({
            Id: String(j),
            MessageBody: JSON.stringify({ ...event, 'replay-name': replayName }),
          })),
        }),
      );
      if (sent.Failed?.length) {
        throw new Error(`replay ${replayName}: ${sent.Failed.length} events could not be queued`);
      }
    }
  }

  /** The events `pattern` matches, in archive order, as the local endpoint decides. */
  private async match(archived: BusEvent[], pattern: string): Promise<BusEvent[]> {
    const name = `hookbridge-replay-${randomUUID()}`;
    const { QueueUrl = '' } = await this.sqs.send(new CreateQueueCommand({ QueueName: name }));
    try {
      await this.events.send(new CreateEventBusCommand({ Name: name }));
      try {
        const { Attributes } = await this.sqs.send(
          new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }),
        );
        await this.events.send(
          new PutRuleCommand({ Name: name, EventBusName: name, EventPattern: pattern }),
        );
        await this.events.send(
          new PutTargetsCommand({
            Rule: name,
            EventBusName: name,
            Targets: [{ Id: 'replay', Arn: Attributes?.QueueArn }],
          }),
        );
        const byBusId = await this.put(archived, name);
        return await this.matchedIn(QueueUrl, byBusId, archived);
      } finally {
        await this.events
          .send(new RemoveTargetsCommand({ Rule: name, EventBusName: name, Ids: ['replay'] }))
          .catch(() => undefined);
        await this.events
          .send(new DeleteRuleCommand({ Name: name, EventBusName: name }))
          .catch(() => undefined);
        await this.events.send(new DeleteEventBusCommand({ Name: name })).catch(() => undefined);
      }
    } finally {
      await this.sqs.send(new DeleteQueueCommand({ QueueUrl })).catch(() => undefined);
    }
  }

  /** Puts the events on the bus; returns archive index by the id the bus gave each. */
  private async put(archived: BusEvent[], busName: string): Promise<Map<string, number>> {
    const byBusId = new Map<string, number>();
    for (let i = 0; i < archived.length; i += 10) {
      const batch = archived.slice(i, i + 10);
      const { Entries = [] } = await this.events.send(
        new PutEventsCommand({
          Entries: batch.map((event) => ({
            EventBusName: busName,
            Source: event.source,
            DetailType: event['detail-type'],
            Detail: JSON.stringify(event.detail),
            Resources: event.resources ?? [],
            Time: new Date(event.time),
          })),
        }),
      );
      Entries.forEach((entry, j) => {
        if (!entry.EventId) throw new Error(`replay: PutEvents failed: ${entry.ErrorMessage}`);
        byBusId.set(entry.EventId, i + j);
      });
    }
    return byBusId;
  }

  private async matchedIn(
    queueUrl: string,
    byBusId: Map<string, number>,
    archived: BusEvent[],
  ): Promise<BusEvent[]> {
    const indexes = new Set<number>();
    // Locally PutEvents has delivered into the queue before it answers: drain until empty.
    for (;;) {
      const { Messages = [] } = await this.sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: queueUrl,
          MaxNumberOfMessages: 10,
          WaitTimeSeconds: 0,
        }),
      );
      if (Messages.length === 0) break;
      for (const message of Messages) {
        const index = byBusId.get((JSON.parse(message.Body ?? '{}') as { id?: string }).id ?? '');
        if (index !== undefined) indexes.add(index);
      }
    }
    return [...indexes].sort((a, b) => a - b).flatMap((i) => archived[i] ?? []);
  }
}
