import { formatFields, formatSeconds, formatTable, formatTimestamp, truncate } from './output.js';

/** A subscription as the API answers it (see shared/subscriptions/subscription-responses.ts). */
export interface SubscriptionView {
  readonly id: string;
  readonly url: string;
  readonly eventTypes: readonly string[];
  readonly filter?: Record<string, unknown>;
  readonly description?: string;
  readonly metadata?: Record<string, string>;
  readonly headers?: Record<string, string>;
  readonly maxConcurrency: number;
  readonly retrySchedule: readonly number[];
  readonly status: string;
  readonly statusReason?: string;
  readonly resources?: { queue: string; deadLetterQueue: string; rule: string };
  readonly failingSince?: string;
  readonly createdAt: string;
  readonly updatedAt: string;
  /** Only in the answer to create. */
  readonly secret?: string;
}

/** One page of `GET /v1/subscriptions`. */
export interface SubscriptionPage {
  readonly data: SubscriptionView[];
  readonly nextCursor?: string;
}

/** The answer of the secret routes. */
export interface SecretView {
  readonly secret: string;
  readonly previous: readonly { secret: string; expiresAt: string }[];
}

const pairs = (record: Record<string, string> | undefined) =>
  record && Object.keys(record).length > 0
    ? Object.entries(record)
        .map(([key, value]) => `${key}: ${value}`)
        .join(', ')
    : undefined;

/** The fields of one subscription, one per line. */
export function formatSubscription(subscription: SubscriptionView): string {
  const s = subscription;
  return formatFields([
    ['id', s.id],
    ['status', s.statusReason ? `${s.status} (${s.statusReason})` : s.status],
    ['url', s.url],
    ['event types', s.eventTypes.join(', ')],
    ['filter', s.filter && JSON.stringify(s.filter)],
    ['description', s.description],
    ['max concurrency', String(s.maxConcurrency)],
    ['retry schedule', s.retrySchedule.map(formatSeconds).join(', ') || 'none (one attempt)'],
    ['headers', pairs(s.headers)],
    ['metadata', pairs(s.metadata)],
    ['failing since', s.failingSince && formatTimestamp(s.failingSince)],
    ['queue', s.resources?.queue],
    ['dead-letter queue', s.resources?.deadLetterQueue],
    ['created', formatTimestamp(s.createdAt)],
    ['updated', formatTimestamp(s.updatedAt)],
    ['secret', s.secret],
  ]);
}

/** Subscriptions as a table, one row each. */
export function formatSubscriptionTable(subscriptions: readonly SubscriptionView[]): string {
  return formatTable(
    ['ID', 'STATUS', 'URL', 'EVENT TYPES', 'CREATED (UTC)'],
    subscriptions.map((s) => [
      s.id,
      s.status,
      truncate(s.url, 60),
      truncate(s.eventTypes.join(','), 40),
      formatTimestamp(s.createdAt),
    ]),
  );
}
