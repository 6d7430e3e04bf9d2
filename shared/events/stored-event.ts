import { gunzipSync, gzipSync } from 'node:zlib';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { EVENT_DAY_SHARDS, NO_TENANT_KEY } from '../aws/table-indexes.js';
import type { EventEnvelope } from './bus-entry.js';

/**
 * The message store's item (see `eventStoreTable` in infra/base-resources.ts), written with the
 * low-level DynamoDB client so the ingest bundle carries no document-client marshaller. The
 * envelope is kept as the exact JSON text that was published (the bytes a subscriber is sent),
 * never as a DynamoDB map: a map nests at most 32 levels and rewrites numbers, a string does
 * neither. Above GZIP_ABOVE_BYTES it is gzipped into a binary attribute; when even that does
 * not fit in an item, the event is stored without it and flagged `payloadRetained: false`.
 */

/** Envelopes longer than this are gzipped: below it, gzip's header costs more than it saves. */
export const GZIP_ABOVE_BYTES = 1024;

/**
 * The most bytes of payload one item may hold: DynamoDB's 400 KB item limit (attribute names
 * included) less room for the other attributes, which are short and bounded (a type is at most
 * 128 characters, a tenant id 64).
 */
export const MAX_STORED_PAYLOAD_BYTES = 400 * 1024 - 4096;

/** A stored event as the message API reads it back. */
export interface StoredEvent {
  readonly id: string;
  readonly type: string;
  readonly tenantId?: string;
  readonly timestamp: string;
  /** False when the event was too large to keep its payload (it was still published). */
  readonly payloadRetained: boolean;
  /** The published envelope's JSON text, exactly; absent when the payload was not retained. */
  readonly envelope?: string;
}

/** The summary a list shows (what the indexes project). */
export interface EventSummary {
  readonly id: string;
  readonly type: string;
  readonly tenantId?: string;
  readonly timestamp: string;
}

/** The `tenantKey` of an event: its tenant id, `*` for a broadcast, `-` for no tenant. */
export function tenantKeyOf(tenantId: string | undefined): string {
  return tenantId ?? NO_TENANT_KEY;
}

/** The sort key of both indexes: `<timestamp>#<id>`, so equal timestamps still sort (by id). */
export function timeKeyOf(timestamp: string, id: string): string {
  return `${timestamp}#${id}`;
}

/**
 * The `byTime` partition of an event: its UTC day and a shard from a stable hash of its id
 * (FNV-1a), so one day's writes spread over EVENT_DAY_SHARDS partitions.
 */
export function bucketOf(timestamp: string, id: string): string {
  return `${timestamp.slice(0, 10)}#${shardOf(id)}`;
}

/** The shard (0 to EVENT_DAY_SHARDS-1) of an event id: FNV-1a over its UTF-16 code units. */
export function shardOf(id: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) {
    hash ^= id.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash % EVENT_DAY_SHARDS;
}

/**
 * The DynamoDB item of a published event, expiring `retentionDays` after its timestamp.
 * `detail` is the envelope's JSON text as published (toBusEntry's Detail).
 */
export function toStoredItem(
  envelope: EventEnvelope,
  detail: string,
  retentionDays: number,
): Record<string, AttributeValue> {
  const { id, type, tenantId, timestamp } = envelope;
  const item: Record<string, AttributeValue> = {
    id: { S: id },
    type: { S: type },
    timestamp: { S: timestamp },
    tenantKey: { S: tenantKeyOf(tenantId) },
    timeKey: { S: timeKeyOf(timestamp, id) },
    bucket: { S: bucketOf(timestamp, id) },
    expiresAt: { N: String(Math.floor(Date.parse(timestamp) / 1000) + retentionDays * 86_400) },
  };
  if (tenantId !== undefined) item.tenantId = { S: tenantId };
  const bytes = Buffer.byteLength(detail);
  if (bytes <= GZIP_ABOVE_BYTES) {
    item.envelope = { S: detail };
  } else {
    const packed = gzipSync(detail);
    if (packed.byteLength <= MAX_STORED_PAYLOAD_BYTES) item.envelopeGzip = { B: packed };
  }
  item.payloadRetained = { BOOL: item.envelope !== undefined || item.envelopeGzip !== undefined };
  return item;
}

/** A stored item read back; undefined for an item that is not a stored event. */
export function fromStoredItem(item: Record<string, AttributeValue>): StoredEvent | undefined {
  const summary = summaryOf(item);
  if (!summary) return undefined;
  const text = item.envelope?.S;
  const packed = item.envelopeGzip?.B;
  const envelope = text ?? (packed ? gunzipSync(packed).toString('utf8') : undefined);
  return { ...summary, payloadRetained: envelope !== undefined, ...(envelope && { envelope }) };
}

/** The summary of an item or of an index entry; undefined when an attribute is missing. */
export function summaryOf(item: Record<string, AttributeValue>): EventSummary | undefined {
  const id = item.id?.S;
  const type = item.type?.S;
  const timestamp = item.timestamp?.S;
  if (id === undefined || type === undefined || timestamp === undefined) return undefined;
  const tenantId = item.tenantId?.S;
  return { id, type, timestamp, ...(tenantId !== undefined && { tenantId }) };
}
