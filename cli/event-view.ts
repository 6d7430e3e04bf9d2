import { formatFields, formatTable, formatTimestamp, truncate } from './output.js';

/** One delivery attempt of an event to one subscription, as the attempt log keeps it. */
export interface EventAttemptView {
  readonly attempt?: number;
  readonly attemptedAt?: string;
  readonly result?: string;
  readonly final?: boolean;
  readonly statusCode?: number;
  readonly durationMs?: number;
  readonly error?: string;
}

/** Where an event was routed, and how its delivery there went. */
export interface EventDestinationView {
  readonly subscriptionId: string;
  readonly tenantId?: string;
  readonly state: string;
  readonly attempts: readonly EventAttemptView[];
}

/** `GET /v1/events/{eventId}`: a stored event and its destinations. */
export interface EventView {
  readonly id: string;
  readonly type: string;
  readonly tenantId?: string;
  readonly timestamp: string;
  readonly data?: unknown;
  readonly payloadRetained: boolean;
  readonly deliveries: readonly EventDestinationView[];
  readonly destinationsTruncated?: boolean;
}

/** One line of `GET /v1/events`. */
export interface EventSummaryView {
  readonly id: string;
  readonly type: string;
  readonly tenantId?: string;
  readonly timestamp: string;
}

/** The data shown inline; past this, `--json` has all of it. */
const DATA_COLUMNS = 400;

/** `acme`, `* (broadcast)`, or `-` for an event sent without a tenant. */
function tenantLabel(tenantId: string | undefined): string {
  if (tenantId === undefined) return '-';
  return tenantId === '*' ? '* (broadcast)' : tenantId;
}

/** The latest attempt: by time, then by number (the API's order is not promised here). */
function lastAttempt(attempts: readonly EventAttemptView[]): EventAttemptView | undefined {
  let last: EventAttemptView | undefined;
  for (const attempt of attempts) {
    const later =
      !last ||
      (attempt.attemptedAt ?? '') > (last.attemptedAt ?? '') ||
      ((attempt.attemptedAt ?? '') === (last.attemptedAt ?? '') &&
        (attempt.attempt ?? 0) > (last.attempt ?? 0));
    if (later) last = attempt;
  }
  return last;
}

/** The HTTP status the receiver answered, or why there was none (`timeout`, `refused`…). */
function statusOf(attempt: EventAttemptView | undefined): string {
  if (!attempt) return '-';
  if (attempt.statusCode !== undefined) return String(attempt.statusCode);
  return truncate(attempt.error ?? attempt.result ?? '-', 40);
}

/** The event's fields, then one row per destination. */
export function formatEvent(event: EventView): string {
  // Compact JSON has no line breaks; cut, not truncate(), so spaces inside strings stay as sent.
  const json = [...(JSON.stringify(event.data) ?? 'null')];
  const data = !event.payloadRetained
    ? 'not retained (the event was too large to store; it was still delivered)'
    : json.length <= DATA_COLUMNS
      ? json.join('')
      : `${json.slice(0, DATA_COLUMNS - 1).join('')}… (--json for all of it)`;
  const fields = formatFields([
    ['id', event.id],
    ['type', event.type],
    ['tenant', tenantLabel(event.tenantId)],
    ['time', `${formatTimestamp(event.timestamp)} UTC`],
    ['data', data],
  ]);
  if (event.deliveries.length === 0) {
    return `${fields}\n\nno destinations: no subscription was routed this event`;
  }
  const withTenant = event.deliveries.some((d) => d.tenantId !== undefined);
  const table = formatTable(
    [
      'SUBSCRIPTION',
      ...(withTenant ? ['TENANT'] : []),
      'STATE',
      'ATTEMPTS',
      'LAST STATUS',
      'LAST ATTEMPT (UTC)',
    ],
    event.deliveries.map((destination) => {
      const last = lastAttempt(destination.attempts);
      return [
        destination.subscriptionId,
        ...(withTenant ? [destination.tenantId ?? '-'] : []),
        destination.state,
        String(destination.attempts.length),
        statusOf(last),
        formatTimestamp(last?.attemptedAt),
      ];
    }),
  );
  return `${fields}\n\n${table}`;
}

/** Stored events as a table, in the order the API answers (newest first). */
export function formatEventTable(events: readonly EventSummaryView[]): string {
  return formatTable(
    ['ID', 'TYPE', 'TENANT', 'TIME (UTC)'],
    events.map((e) => [
      e.id,
      truncate(e.type, 60),
      tenantLabel(e.tenantId),
      formatTimestamp(e.timestamp),
    ]),
  );
}
