import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import type { AwsClientConfig } from '../aws/client-config.js';

/**
 * Operational events (`source: <source>.system`): `subscription.created|updated|deleted|disabled`
 * and `delivery.exhausted`. They travel on the same bus as producers' events, so operators can
 * subscribe to them like to anything else.
 */
export interface OperationalEvents {
  emit(type: string, detail: Record<string, unknown>): Promise<void>;
}

/** Operational events on the bus, `source: <source>.system`, so operators can subscribe to them. */
export class BusOperationalEvents implements OperationalEvents {
  constructor(
    private readonly events: EventBridgeClient,
    private readonly busName: string,
    private readonly source: string,
  ) {}

  async emit(type: string, detail: Record<string, unknown>): Promise<void> {
    const result = await this.events.send(
      new PutEventsCommand({
        Entries: [
          {
            EventBusName: this.busName,
            Source: `${this.source}.system`,
            DetailType: type,
            Detail: JSON.stringify({ type, timestamp: new Date().toISOString(), ...detail }),
          },
        ],
      }),
    );
    if (result.FailedEntryCount) {
      const [entry] = result.Entries ?? [];
      throw new Error(
        `EventBridge refused the ${type} event: ${entry?.ErrorCode ?? 'unknown error'}`,
      );
    }
  }
}

/** Operational events on `busName`, through an EventBridge client made from `clientConfig`. */
export function busOperationalEvents(
  clientConfig: AwsClientConfig,
  busName: string,
  source: string,
): BusOperationalEvents {
  return new BusOperationalEvents(new EventBridgeClient(clientConfig), busName, source);
}
