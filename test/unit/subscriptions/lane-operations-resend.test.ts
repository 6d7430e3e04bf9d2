import type { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { GetQueueUrlCommand, SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { describe, expect, it } from 'vitest';
import { RESEND_MARKER } from '../../../shared/events/bus-entry.js';
import { LaneOperations } from '../../../shared/subscriptions/lane-operations.js';
import type { Subscription } from '../../../shared/subscriptions/subscription.js';

const subscription = { id: 'sub_01M8XT50K4J871GVZ0X0521HY2' } as Subscription;

function lanes() {
  const sent: (GetQueueUrlCommand | SendMessageCommand)[] = [];
  const sqs = {
    send: async (command: GetQueueUrlCommand | SendMessageCommand) => {
      sent.push(command);
      return command instanceof GetQueueUrlCommand ? { QueueUrl: 'https://sqs.local/q' } : {};
    },
  } as unknown as SQSClient;
  const operations = new LaneOperations(sqs, {} as EventBridgeClient, {
    prefix: 'hookbridge',
    busName: 'bus',
    source: 'app',
  });
  return { operations, sent };
}

describe('LaneOperations.resend', () => {
  it('queues the envelope as EventBridge would deliver it, marked at the top level, its detail unchanged', async () => {
    const { operations, sent } = lanes();
    const envelope = JSON.stringify({
      id: 'evt_x',
      type: 'a.b',
      tenantId: 'acme',
      timestamp: 't',
      data: { deep: [[{ n: 1.5 }]] },
    });
    await operations.resend(subscription, envelope);
    const message = sent.find((c): c is SendMessageCommand => c instanceof SendMessageCommand);
    const body = JSON.parse(message?.input.MessageBody ?? '{}');
    expect(body).toMatchObject({ 'detail-type': 'a.b', source: 'app', [RESEND_MARKER]: true });
    // The deliverer serializes the detail again: it must come out as the stored text.
    expect(JSON.stringify(body.detail)).toBe(envelope);
    expect((sent[0] as GetQueueUrlCommand).input.QueueName).toBe(`hookbridge-${subscription.id}`);
  });

  it('refuses an event larger than an SQS message with a 409, sending nothing', async () => {
    const { operations, sent } = lanes();
    const envelope = JSON.stringify({
      id: 'evt_x',
      type: 'a',
      timestamp: 't',
      data: { s: 'x'.repeat(262_144) },
    });
    await expect(operations.resend(subscription, envelope)).rejects.toMatchObject({
      status: 409,
      code: 'event_too_large_to_resend',
    });
    expect(sent).toEqual([]);
  });
});
