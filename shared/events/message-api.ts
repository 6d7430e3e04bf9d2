import { NO_TENANT_KEY } from '../aws/table-indexes.js';
import type { AttemptLog } from '../delivery/attempt-log.js';
import { ApiError, ConflictError, ValidationError } from '../errors.js';
import type { Subscription } from '../subscriptions/subscription.js';
import type { SubscriptionQueries } from '../subscriptions/subscription-queries.js';
import { BROADCAST_TENANT, tenantMayReceive } from '../tenants/tenant.js';
import { decodeEventCursor } from './event-cursor.js';
import { type EventDelivery, eventDestinations } from './event-destinations.js';
import { isEventId } from './event-id.js';
import {
  dayGroups,
  type EventListPage,
  LIST_READ_BUDGET,
  listEvents,
  type PartitionGroup,
  type TypeCondition,
} from './event-list.js';
import type { EventListQuery } from './event-queries.js';
import { MAX_EVENT_RETENTION_DAYS } from './event-store-config.js';
import type { DynamoEventStoreReader } from './event-store-reader.js';
import type { StoredEvent } from './stored-event.js';

/** What `GET …/events/{eventId}` answers. */
export interface EventView {
  readonly id: string;
  readonly type: string;
  readonly tenantId?: string;
  readonly timestamp: string;
  readonly payloadRetained: boolean;
  /** The event's data as it was delivered; absent when the payload was not retained. */
  readonly data?: Record<string, unknown>;
  readonly deliveries: EventDelivery[];
  readonly destinationsTruncated: boolean;
}

export interface MessageApiOptions {
  /** The store's reader; undefined when the store is off (retention 0). */
  readonly reader: DynamoEventStoreReader | undefined;
  readonly retentionDays: number;
  readonly subscriptions: Pick<SubscriptionQueries, 'ofTenant' | 'scan'>;
  readonly attempts: Pick<AttemptLog, 'list'>;
  /** EventBridge `Source` of ingested events (rules match it). */
  readonly source: string;
  readonly now?: () => Date;
}

/** Subscriptions read per answer to find destinations: beyond, the answer says it is truncated. */
const MAX_CANDIDATES = 1000;

/** The store is off: the message routes say so instead of answering as if it were empty. */
export class EventStoreDisabledError extends ApiError {
  override readonly name = 'EventStoreDisabledError';
  constructor(status: 404 | 409) {
    super(
      status,
      'event_store_disabled',
      'the message store is off (HOOKBRIDGE_EVENT_RETENTION_DAYS is 0): events are not stored',
    );
  }
}

/** An event that is not there, or not the caller's: the same answer for both. */
export class EventNotFoundError extends ApiError {
  override readonly name = 'EventNotFoundError';
  constructor(id: string) {
    super(404, 'not_found', `event ${id} not found`);
  }
}

/**
 * The message API over the store: one event with where it went, lists of events, and the
 * stored event for a resend. `tenantId` (a tenant's own routes) narrows every answer to that
 * tenant's events and broadcasts, and its own subscriptions as destinations; another tenant's
 * event answers exactly as a missing one.
 */
export class MessageApi {
  private readonly now: () => Date;

  constructor(private readonly options: MessageApiOptions) {
    this.now = options.now ?? (() => new Date());
  }

  /** Whether the store is on (retention above 0). */
  get enabled(): boolean {
    return this.options.reader !== undefined;
  }

  /** How many days an event (the body its deliveries sent) is kept; 0 when the store is off. */
  get retentionDays(): number {
    return this.enabled ? this.options.retentionDays : 0;
  }

  /** The event and its deliveries. */
  async get(id: string, tenantId?: string): Promise<EventView> {
    const stored = await this.find(id, 404);
    if (tenantId !== undefined && !tenantMayReceive(tenantId, stored.tenantId)) {
      throw new EventNotFoundError(id);
    }
    const envelope =
      stored.envelope === undefined
        ? undefined
        : (JSON.parse(stored.envelope) as Record<string, unknown>);
    const candidates = await this.candidates(stored.tenantId, tenantId);
    const { id: _id, envelope: _e, ...summary } = stored;
    const { deliveries, truncated } = await eventDestinations(
      { summary: { id, ...summaryOf(stored) }, envelope },
      candidates.subscriptions,
      this.options.attempts,
      this.options.source,
    );
    const data = envelope?.data as Record<string, unknown> | undefined;
    return {
      id,
      ...summary,
      ...(data !== undefined && { data }),
      deliveries,
      destinationsTruncated: truncated || candidates.truncated,
    };
  }

  /**
   * The stored envelope to resend to `subscription`: an event its tenant may not receive is
   * answered as missing (404), one without its payload is a 409 `payload_not_retained`.
   */
  async forResend(eventId: string, subscription: Subscription): Promise<string> {
    const stored = await this.find(eventId, 409);
    if (!tenantMayReceive(subscription.tenantId, stored.tenantId))
      throw new EventNotFoundError(eventId);
    if (stored.envelope === undefined) {
      throw new ConflictError(
        'payload_not_retained',
        `event ${eventId} was too large for the message store to keep its payload; it cannot be resent`,
      );
    }
    return stored.envelope;
  }

  /** A page of event summaries, newest first. */
  async list(query: EventListQuery, tenantScope?: string): Promise<EventListPage> {
    const reader = this.requireReader(404);
    const now = this.now();
    const to = query.to ?? now;
    const from = query.from ?? new Date(now.getTime() - this.options.retentionDays * 86_400_000);
    if (from.getTime() > to.getTime()) {
      throw new ValidationError('from: must not be after to', [
        { field: 'from', message: 'must not be after to' },
      ]);
    }
    // No stored event is older than the longest retention, nor newer than now (ingest sets the
    // timestamp; a day of clock skew allowed): the days walked stay bounded whatever is asked.
    const oldest = now.getTime() - (MAX_EVENT_RETENTION_DAYS + 1) * 86_400_000;
    const newest = now.getTime() + 86_400_000;
    const lower = new Date(Math.max(from.getTime(), oldest)).toISOString();
    // `to` is inclusive: every id sorts below `~`.
    let upper = `${new Date(Math.min(to.getTime(), newest)).toISOString()}#~`;
    if (upper < lower) return { data: [] };
    if (query.cursor !== undefined) {
      const position = decodeEventCursor(query.cursor);
      if (position < upper) upper = position;
    }
    const groups = this.groups(query.tenantId, tenantScope, lower, upper);
    return listEvents(reader, {
      groups,
      lower,
      upper,
      ...(query.type !== undefined && { type: typeCondition(query.type) }),
      limit: query.limit,
      readBudget: LIST_READ_BUDGET,
    });
  }

  private groups(
    tenantId: string | undefined,
    tenantScope: string | undefined,
    lower: string,
    upper: string,
  ): PartitionGroup[] {
    if (tenantScope !== undefined) {
      return [{ index: 'byTenant', partitions: [tenantScope, BROADCAST_TENANT], upper }];
    }
    if (tenantId !== undefined) return [{ index: 'byTenant', partitions: [tenantId], upper }];
    return dayGroups(lower, upper);
  }

  private async find(id: string, disabledStatus: 404 | 409): Promise<StoredEvent> {
    const reader = this.requireReader(disabledStatus);
    // Not an id Hookbridge makes: no such event (and never a key DynamoDB would refuse).
    if (!isEventId(id)) throw new EventNotFoundError(id.length > 64 ? `${id.slice(0, 63)}…` : id);
    const stored = await reader.get(id, this.now());
    if (!stored) throw new EventNotFoundError(id);
    return stored;
  }

  private requireReader(disabledStatus: 404 | 409): DynamoEventStoreReader {
    if (!this.options.reader) throw new EventStoreDisabledError(disabledStatus);
    return this.options.reader;
  }

  /**
   * The subscriptions that could have received an event of `eventTenant`: in a tenant's view,
   * that tenant's; otherwise the event's tenant's plus the operator's own, and every
   * subscription for a broadcast.
   */
  private async candidates(
    eventTenant: string | undefined,
    viewer: string | undefined,
  ): Promise<{ subscriptions: Subscription[]; truncated: boolean }> {
    const { subscriptions } = this.options;
    const max = MAX_CANDIDATES + 1;
    let found: Subscription[];
    if (viewer !== undefined) found = await subscriptions.ofTenant(viewer, max);
    else if (eventTenant === BROADCAST_TENANT) found = await subscriptions.scan(false, max);
    else if (eventTenant === undefined || eventTenant === NO_TENANT_KEY)
      found = await subscriptions.scan(true, max);
    else {
      const [own, operator] = await Promise.all([
        subscriptions.ofTenant(eventTenant, max),
        subscriptions.scan(true, max),
      ]);
      found = [...own, ...operator];
    }
    // Never another tenant's subscription, whatever an index returned, and each one once.
    const unique = [...new Map(found.map((s) => [s.id, s])).values()];
    const allowed = unique.filter(
      (s) =>
        tenantMayReceive(s.tenantId, eventTenant) &&
        (viewer === undefined || s.tenantId === viewer),
    );
    return {
      subscriptions: allowed.slice(0, MAX_CANDIDATES),
      truncated: found.length > MAX_CANDIDATES,
    };
  }
}

function summaryOf(stored: StoredEvent) {
  return {
    type: stored.type,
    timestamp: stored.timestamp,
    ...(stored.tenantId !== undefined && { tenantId: stored.tenantId }),
  };
}

function typeCondition(type: string): TypeCondition {
  return type.endsWith('.*') ? { prefix: type.slice(0, -1) } : { exact: type };
}
