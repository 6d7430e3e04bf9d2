import type { SubscriptionView as ApiSubscriptionView } from '../shared/subscriptions/subscription.js';
import { formatFields, formatSeconds, formatTable, formatTimestamp, truncate } from './output.js';

/** A subscription as the API answers it; the answer to create also carries the secret. */
export type SubscriptionView = ApiSubscriptionView & {
  /** Only in the answer to create. */
  readonly secret?: string;
};

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
    ['tenant', s.tenantId],
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
