import {
  CreateEventSourceMappingCommand,
  DeleteEventSourceMappingCommand,
  type LambdaClient,
  ListEventSourceMappingsCommand,
  UpdateEventSourceMappingCommand,
} from '@aws-sdk/client-lambda';
import { describe, expect, it } from 'vitest';
import { LambdaEventSourceMappings } from '../../../shared/provisioning/event-source-mappings.js';

const QUEUE = 'arn:aws:sqs:us-east-1:123456789012:hookbridge-sub_01ARZ3NDEKTSV4RRFFQ69G5FAV';

/** A Lambda client that records commands and answers ListEventSourceMappings with `existing`. */
function lambda(existing: Record<string, unknown>[] = []) {
  const sent: { name: string; input: Record<string, unknown> }[] = [];
  const client = {
    send: async (command: { constructor: { name: string }; input: Record<string, unknown> }) => {
      sent.push({ name: command.constructor.name, input: command.input });
      if (command instanceof ListEventSourceMappingsCommand)
        return { EventSourceMappings: existing };
      if (command instanceof CreateEventSourceMappingCommand) return { UUID: 'new-uuid' };
      return {};
    },
  } as unknown as LambdaClient;
  return { client, sent };
}

describe('LambdaEventSourceMappings', () => {
  it('creates a mapping with batches of 10, partial batch responses and the concurrency cap', async () => {
    const { client, sent } = lambda();
    const id = await new LambdaEventSourceMappings(client, 'delivery').ensure({
      queueArn: QUEUE,
      maxConcurrency: 7,
      enabled: true,
    });
    expect(id).toBe('new-uuid');
    const create = sent.find((c) => c.name === CreateEventSourceMappingCommand.name);
    expect(create?.input).toEqual({
      FunctionName: 'delivery',
      EventSourceArn: QUEUE,
      BatchSize: 10,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      ScalingConfig: { MaximumConcurrency: 7 },
      Enabled: true,
    });
  });

  it('updates an existing mapping only when its state or concurrency differ', async () => {
    const existing = [
      {
        UUID: 'm-1',
        EventSourceArn: QUEUE,
        State: 'Enabled',
        ScalingConfig: { MaximumConcurrency: 7 },
        FunctionResponseTypes: ['ReportBatchItemFailures'],
      },
    ];
    const same = lambda(existing);
    await new LambdaEventSourceMappings(same.client, 'delivery').ensure({
      queueArn: QUEUE,
      maxConcurrency: 7,
      enabled: true,
    });
    expect(same.sent.map((c) => c.name)).toEqual([ListEventSourceMappingsCommand.name]);

    const paused = lambda(existing);
    await new LambdaEventSourceMappings(paused.client, 'delivery').ensure({
      queueArn: QUEUE,
      maxConcurrency: 7,
      enabled: false,
    });
    expect(paused.sent.find((c) => c.name === UpdateEventSourceMappingCommand.name)?.input).toEqual(
      {
        UUID: 'm-1',
        Enabled: false,
        ScalingConfig: { MaximumConcurrency: 7 },
      },
    );
  });

  it('reads Disabling and Disabled as disabled, and removes a mapping by its queue', async () => {
    const { client, sent } = lambda([
      {
        UUID: 'm-2',
        EventSourceArn: QUEUE,
        State: 'Disabling',
        ScalingConfig: { MaximumConcurrency: 3 },
      },
    ]);
    const mappings = new LambdaEventSourceMappings(client, 'delivery');
    expect(await mappings.find(QUEUE)).toEqual({
      id: 'm-2',
      queueArn: QUEUE,
      maxConcurrency: 3,
      enabled: false,
      partialBatchResponses: false,
    });
    await mappings.remove(QUEUE);
    expect(sent.find((c) => c.name === DeleteEventSourceMappingCommand.name)?.input).toEqual({
      UUID: 'm-2',
    });
  });

  it('restores partial batch responses on a mapping that lost them', async () => {
    const { client, sent } = lambda([
      {
        UUID: 'm-3',
        EventSourceArn: QUEUE,
        State: 'Enabled',
        ScalingConfig: { MaximumConcurrency: 7 },
      },
    ]);
    await new LambdaEventSourceMappings(client, 'delivery').ensure({
      queueArn: QUEUE,
      maxConcurrency: 7,
      enabled: true,
    });
    expect(sent.find((c) => c.name === UpdateEventSourceMappingCommand.name)?.input).toEqual({
      UUID: 'm-3',
      Enabled: true,
      ScalingConfig: { MaximumConcurrency: 7 },
      BatchSize: 10,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
    });
  });
});
