/**
 * An entry of the event type catalog: what an event type means, the JSON Schema its `data`
 * follows, an example payload, and whether ingest enforces the schema.
 */
export interface EventType {
  /** The event type as events carry it (`invoice.paid`). */
  readonly name: string;
  readonly description?: string;
  /** A JSON Schema of the event's `data` (the subset of event-type-json-schema.ts). */
  readonly schema?: Record<string, unknown>;
  /** An example `data`; it validates against `schema` when both are given. */
  readonly example?: Record<string, unknown>;
  readonly deprecated: boolean;
  /** Ingest refuses events of this type whose `data` fails `schema` (422). */
  readonly validate: boolean;
  readonly createdAt: string;
  readonly updatedAt: string;
  /** Optimistic concurrency: every save checks and bumps it. */
  readonly version: number;
}

/**
 * Catalog entries are items of the subscriptions table keyed `eventtype#<name>`: no `#` can
 * occur in a subscription id (`sub_…`), a tenant key (`tenant#…`) holds the other prefix, and
 * both the subscription and the tenant scans filter on their own prefix.
 */
export const EVENT_TYPE_KEY_PREFIX = 'eventtype#';

/** The `catalog` attribute every entry carries: the one partition of the sparse `byCatalog` index. */
export const EVENT_TYPE_CATALOG = 'eventtype';

/** An entry as the API answers it (without the version). */
export function toEventTypeView(eventType: EventType) {
  const { version: _version, ...view } = eventType;
  return view;
}
