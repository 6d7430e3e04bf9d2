import { type ErrorDetail, PayloadTooLargeError } from '../errors.js';
import { type BusEntry, type EventEnvelope, entrySize, toBusEntry } from './bus-entry.js';
import { newEventId } from './event-id.js';
import type { EventPublisher, PublishOutcome } from './event-publisher.js';
import type { EventInput } from './event-schema.js';
import type { EventStoreWriter, StoreWriteResult } from './event-store.js';

export interface IngestSettings {
  /** EventBridge `Source` of every event. */
  readonly source: string;
  readonly busName: string;
  /** The EventBridge entry limit (256 KB by default; raised quotas allow up to 1 MB). */
  readonly maxEntryBytes: number;
}

export interface IngestOptions {
  /** The events came as a batch: errors name `events[i]` rather than the body. */
  readonly batch?: boolean;
  readonly now?: () => Date;
  /** The message store; events are not stored without one (retention 0). */
  readonly store?: EventStoreWriter;
  /** Told what the store did, once the events are published (for logs and metrics). */
  readonly onStored?: (outcome: StoreOutcome) => void;
  /**
   * The bus of an event of a tenant (bus shards): each event is still one entry, on its
   * tenant's bus. @default every event on `settings.busName`
   */
  readonly busFor?: (tenantId: string | undefined) => Promise<string>;
}

/**
 * What the message store did with a request's events. A failure never fails the request: the
 * event was published, and an error answer would make the producer publish it twice.
 */
export interface StoreOutcome {
  /** Published events now in the store. */
  readonly stored: number;
  /** Published events the store could not take (they are delivered, but not findable). */
  readonly failed: readonly { readonly id: string; readonly error: string }[];
  /** Events that failed to publish and could not be removed from the store again. */
  readonly notDiscarded: readonly string[];
}

/** What became of one ingested event. */
export type IngestResult =
  | { readonly id: string; readonly status: 'accepted' }
  | { readonly id: string; readonly status: 'failed'; readonly error: IngestFailure };

export interface IngestFailure {
  /** `event_rejected`: EventBridge refused the event itself; `publish_failed`: anything else. */
  readonly code: 'event_rejected' | 'publish_failed';
  readonly message: string;
}

/**
 * Per-entry EventBridge codes that condemn the event itself: sending it again cannot succeed.
 * Throttling, internal failures, the deployment's own problems (permissions, a missing bus)
 * and a thrown PutEvents call (it fails every entry of the call, the good ones too) are
 * `publish_failed` instead.
 */
const REJECTED_EVENT_CODES = new Set(['MalformedDetail', 'InvalidArgument']);

/**
 * Gives each event an id and a timestamp, checks every entry against the size limit (one
 * too large rejects the whole request with a 413 before anything is published), and
 * publishes them. Returns one result per input, in order; per-entry publish failures that
 * survived the publisher's retries are reported, not thrown.
 */
export async function ingestEvents(
  inputs: readonly EventInput[],
  publisher: EventPublisher,
  settings: IngestSettings,
  options: IngestOptions = {},
): Promise<IngestResult[]> {
  const now = options.now ?? (() => new Date());
  const envelopes: EventEnvelope[] = inputs.map((input) => ({
    id: newEventId(),
    type: input.type,
    ...(input.tenantId !== undefined && { tenantId: input.tenantId }),
    timestamp: now().toISOString(),
    data: input.data,
  }));
  const buses = options.busFor
    ? await busesOf(envelopes, options.busFor)
    : envelopes.map(() => settings.busName);
  const entries = envelopes.map((e, i) =>
    toBusEntry(e, settings.source, buses[i] ?? settings.busName),
  );
  assertWithinLimit(entries, settings.maxEntryBytes, options.batch ?? inputs.length > 1);

  // The store write runs beside PutEvents (the latency is the slower of the two, not the sum);
  // what failed to publish is then taken out again, so the store holds published events only.
  const [outcomes, written] = await Promise.all([
    publisher.publish(entries),
    options.store?.write(
      envelopes.map((envelope, i) => ({ envelope, detail: entries[i]?.Detail ?? '' })),
    ),
  ]);
  if (options.store && written) {
    await reportStore(options.store, written, envelopes, outcomes, options.onStored);
  }
  return envelopes.map(({ id }, index) => {
    const outcome = outcomes[index];
    if (outcome?.ok) return { id, status: 'accepted' };
    return {
      id,
      status: 'failed',
      error: {
        code:
          outcome && REJECTED_EVENT_CODES.has(outcome.code) ? 'event_rejected' : 'publish_failed',
        // The code only: EventBridge's message can name the account and role (it is logged).
        message: outcome
          ? `EventBridge rejected the event (${outcome.code})`
          : 'the event was not published',
      },
    };
  });
}

async function reportStore(
  store: EventStoreWriter,
  written: StoreWriteResult,
  envelopes: readonly EventEnvelope[],
  outcomes: readonly (PublishOutcome | undefined)[],
  onStored: IngestOptions['onStored'],
): Promise<void> {
  const notStored = new Set(written.failed.map((f) => f.id));
  const unpublished = envelopes.filter((_, i) => !outcomes[i]?.ok).map((e) => e.id);
  const toDiscard = unpublished.filter((id) => !notStored.has(id));
  const notDiscarded = toDiscard.length > 0 ? await store.discard(toDiscard) : [];
  const unpublishedIds = new Set(unpublished);
  onStored?.({
    stored: written.stored - toDiscard.length,
    failed: written.failed.filter((f) => !unpublishedIds.has(f.id)),
    notDiscarded,
  });
}

/** Each envelope's bus, each tenant asked once. */
async function busesOf(
  envelopes: readonly EventEnvelope[],
  busFor: (tenantId: string | undefined) => Promise<string>,
): Promise<string[]> {
  const tenants = [...new Set(envelopes.map((e) => e.tenantId))];
  const buses = new Map(
    await Promise.all(tenants.map(async (tenant) => [tenant, await busFor(tenant)] as const)),
  );
  return envelopes.map((e) => buses.get(e.tenantId) ?? '');
}

function assertWithinLimit(entries: readonly BusEntry[], limit: number, batch: boolean): void {
  const details: ErrorDetail[] = [];
  entries.forEach((entry, index) => {
    const size = entrySize(entry);
    if (size > limit) {
      details.push({
        field: batch ? `events[${index}]` : 'body',
        message: `the event is ${size} bytes as an EventBridge entry; the limit is ${limit} bytes`,
      });
    }
  });
  if (details.length === 0) return;
  const first = details[0] as ErrorDetail;
  const more = details.length > 1 ? ` (and ${details.length - 1} more)` : '';
  throw new PayloadTooLargeError(`${first.field}: ${first.message}${more}`, details);
}
