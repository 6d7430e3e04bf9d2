import type { PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';

/** The `detail` of every Hookbridge event on the bus, and the body every subscriber receives. */
export interface EventEnvelope {
  readonly id: string;
  readonly type: string;
  /** The tenant it is for, or `*` (every tenant); absent for an event without a tenant. */
  readonly tenantId?: string;
  /** ISO 8601, when the event was accepted. */
  readonly timestamp: string;
  readonly data: Record<string, unknown>;
}

/**
 * The top-level field of an SQS body that marks a resend (`POST …/resend`): the deliverer
 * sends it even though the event was delivered before, as it does for a replay. Only
 * Hookbridge writes top-level fields: EventBridge builds that envelope, and a producer's
 * event is only ever its `detail`.
 */
export const RESEND_MARKER = 'hookbridge-resend';

/** A PutEvents entry whose fields are all set. */
export type BusEntry = Required<
  Pick<PutEventsRequestEntry, 'Source' | 'DetailType' | 'Detail' | 'EventBusName'>
>;

/** Builds the EventBridge entry of DESIGN §3: the envelope is the detail, the type the detail-type. */
export function toBusEntry(envelope: EventEnvelope, source: string, busName: string): BusEntry {
  return {
    Source: source,
    DetailType: envelope.type,
    Detail: JSON.stringify(envelope),
    EventBusName: busName,
  };
}

/**
 * The size EventBridge counts against its entry limit: the UTF-8 bytes of Source, DetailType
 * and Detail (plus Resources and 14 bytes for Time, neither of which Hookbridge sets). See
 * "Calculating PutEvents event entry size" in the EventBridge user guide.
 */
export function entrySize(entry: BusEntry): number {
  return (
    Buffer.byteLength(entry.Source) +
    Buffer.byteLength(entry.DetailType) +
    Buffer.byteLength(entry.Detail)
  );
}
