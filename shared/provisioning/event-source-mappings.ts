import {
  CreateEventSourceMappingCommand,
  DeleteEventSourceMappingCommand,
  type EventSourceMappingConfiguration,
  LambdaClient,
  ListEventSourceMappingsCommand,
  UpdateEventSourceMappingCommand,
} from '@aws-sdk/client-lambda';
import type { AwsClientConfig } from '../aws/client-config.js';
import { rateLimited } from '../aws/control-plane.js';

/** What a subscriber's queue → delivery function mapping should look like. */
export interface MappingSpec {
  readonly queueArn: string;
  /** Lambda's MaximumConcurrency for this queue (2–1000): the subscriber's concurrency cap. */
  readonly maxConcurrency: number;
  /** A paused or disabled subscription's mapping is disabled: its backlog waits in the queue. */
  readonly enabled: boolean;
}

/** A mapping as it exists. */
export interface MappingState extends MappingSpec {
  readonly id: string;
  /**
   * Whether the mapping takes partial batch responses. Without them Lambda deletes a whole
   * batch that returned, failed records included: a drift the reconciler must repair.
   * @default true (the local poller always honours them)
   */
  readonly partialBatchResponses?: boolean;
}

/** SQS batches of 10 (DESIGN §1), with partial batch responses. */
export const MAPPING_BATCH_SIZE = 10;

/**
 * The port behind which event source mappings are made: on AWS, Lambda event source
 * mappings; in the local runtime, registrations with the local poller (the local AWS
 * endpoint must never hold mappings: it fires them inside SendMessage).
 */
export interface EventSourceMappings {
  /** Creates the mapping or brings it to `spec`; returns its id. */
  ensure(spec: MappingSpec): Promise<string>;
  find(queueArn: string): Promise<MappingState | undefined>;
  /** Removes the mapping of a queue, if any. */
  remove(queueArn: string): Promise<void>;
  /** Every mapping this port manages (for orphan clean-up). */
  list(): Promise<MappingState[]>;
}

/** The mappings to `functionName`, through a Lambda client made from `clientConfig`. */
export function lambdaEventSourceMappings(
  clientConfig: AwsClientConfig,
  functionName: string,
  /** Lambda control-plane calls a second at most (the reconciler's share). */
  perSecond?: number,
): LambdaEventSourceMappings {
  const client = new LambdaClient(clientConfig);
  return new LambdaEventSourceMappings(
    perSecond === undefined ? client : rateLimited(client, perSecond),
    functionName,
  );
}

/** Lambda event source mappings from the subscriber queues to the delivery function. */
export class LambdaEventSourceMappings implements EventSourceMappings {
  constructor(
    private readonly lambda: LambdaClient,
    private readonly functionName: string,
  ) {}

  async ensure(spec: MappingSpec): Promise<string> {
    const existing = await this.find(spec.queueArn);
    if (!existing) {
      const created = await this.lambda.send(
        new CreateEventSourceMappingCommand({
          FunctionName: this.functionName,
          EventSourceArn: spec.queueArn,
          BatchSize: MAPPING_BATCH_SIZE,
          FunctionResponseTypes: ['ReportBatchItemFailures'],
          ScalingConfig: { MaximumConcurrency: spec.maxConcurrency },
          Enabled: spec.enabled,
        }),
      );
      return created.UUID ?? '';
    }
    if (
      existing.enabled !== spec.enabled ||
      existing.maxConcurrency !== spec.maxConcurrency ||
      existing.partialBatchResponses === false
    ) {
      await this.lambda.send(
        new UpdateEventSourceMappingCommand({
          UUID: existing.id,
          Enabled: spec.enabled,
          ScalingConfig: { MaximumConcurrency: spec.maxConcurrency },
          ...(existing.partialBatchResponses === false && {
            BatchSize: MAPPING_BATCH_SIZE,
            FunctionResponseTypes: ['ReportBatchItemFailures'],
          }),
        }),
      );
    }
    return existing.id;
  }

  async find(queueArn: string): Promise<MappingState | undefined> {
    const { EventSourceMappings = [] } = await this.lambda.send(
      new ListEventSourceMappingsCommand({
        FunctionName: this.functionName,
        EventSourceArn: queueArn,
      }),
    );
    const [first] = EventSourceMappings;
    return first && toState(first);
  }

  async remove(queueArn: string): Promise<void> {
    const existing = await this.find(queueArn);
    if (existing)
      await this.lambda.send(new DeleteEventSourceMappingCommand({ UUID: existing.id }));
  }

  async list(): Promise<MappingState[]> {
    const out: MappingState[] = [];
    let marker: string | undefined;
    do {
      const page = await this.lambda.send(
        new ListEventSourceMappingsCommand({ FunctionName: this.functionName, Marker: marker }),
      );
      out.push(...(page.EventSourceMappings ?? []).map(toState));
      marker = page.NextMarker;
    } while (marker);
    return out;
  }
}

function toState(mapping: EventSourceMappingConfiguration): MappingState {
  return {
    id: mapping.UUID ?? '',
    queueArn: mapping.EventSourceArn ?? '',
    maxConcurrency: mapping.ScalingConfig?.MaximumConcurrency ?? 0,
    // Creating/Enabling/Updating all end Enabled; Disabling/Disabled end disabled.
    enabled: !['Disabled', 'Disabling'].includes(mapping.State ?? ''),
    partialBatchResponses: (mapping.FunctionResponseTypes ?? []).includes(
      'ReportBatchItemFailures',
    ),
  };
}
