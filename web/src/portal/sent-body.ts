import type { EventDetail } from '../api/types.js';

/**
 * The body an attempt sent, rebuilt from the stored event. The deliverer sends
 * `JSON.stringify(envelope)`, the envelope being `{ id, type, tenantId?, timestamp, data }` in
 * that order (ingest builds it so, and the store keeps that text); the message API answers the
 * same fields, and `JSON.stringify` of parsed `JSON.stringify` output gives the same text
 * again, so this is the exact text sent. `requestBodyBytes` checks it: a size that differs says
 * the stored event is not what this attempt sent.
 */
export function sentBody(event: EventDetail): string | undefined {
  if (!event.payloadRetained || event.data === undefined) return undefined;
  return JSON.stringify({
    id: event.id,
    type: event.type,
    ...(event.tenantId !== undefined && { tenantId: event.tenantId }),
    timestamp: event.timestamp,
    data: event.data,
  });
}

/** The UTF-8 size of a text, as the attempt's `requestBodyBytes` counts it. */
export function utf8Bytes(text: string): number {
  return new TextEncoder().encode(text).length;
}

/** What to say when the body cannot be shown from the event store. */
export function missingBodyReason(input: {
  readonly eventType: string;
  readonly retentionDays: number;
  readonly status?: number;
  readonly payloadRetained?: boolean;
}): string {
  if (input.eventType === 'hookbridge.test')
    return 'A test event is sent straight to the endpoint: the event store does not keep it.';
  if (input.retentionDays === 0)
    return 'The event store is off on this installation: request bodies are not kept.';
  if (input.payloadRetained === false)
    return 'The event was too large for the event store to keep its body.';
  const days = input.retentionDays === 1 ? '1 day' : `${input.retentionDays} days`;
  return `The body is kept for ${days}: this event is no longer in the event store.`;
}
