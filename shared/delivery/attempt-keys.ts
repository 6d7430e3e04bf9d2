import { ValidationError } from '../errors.js';

/**
 * The deliveries table's index of a subscription's attempts by `attemptedAt` (kept free of
 * SDK imports: the CDK app and the local runtime read it from base-resources.ts).
 */
export const ATTEMPTS_BY_TIME_INDEX = 'byAttemptedAt';

/**
 * The sort key of an attempt in the deliveries table: `<event id>#<attempted at, ISO 8601>`.
 * One event's attempts share a prefix (the lookup by event id, time-ordered within it); the
 * time index orders the whole log by `attemptedAt`.
 */
export function attemptSortKey(eventId: string, attemptedAt: string): string {
  return `${eventId}#${attemptedAt}`;
}

const SORT_KEY = /^(evt_[0-9A-Z]{26})#(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?Z)$/;

/**
 * The page's last attempt as an opaque cursor: its sort key, base64url. The sort key alone is
 * enough to go on from, in the time index (its `attemptedAt` is inside) as in the event's
 * attempts; cursors issued before the time index existed stay valid.
 */
export function encodeAttemptCursor(sortKey: string): string {
  return Buffer.from(sortKey).toString('base64url');
}

/**
 * The DynamoDB start key a cursor stands for: the table's key plus, for a query of the time
 * index, its `attemptedAt`. A cursor this API did not issue, or one of another event's attempts
 * when `eventId` is given, is a 400 naming `cursor` (DynamoDB would refuse a start key outside
 * the query's key condition with an opaque error).
 */
export function decodeAttemptCursor(
  cursor: string,
  subscriptionId: string,
  eventId?: string,
): Record<string, string> {
  const sk = Buffer.from(cursor, 'base64url').toString('utf8');
  const match = SORT_KEY.exec(sk);
  if (!match || encodeAttemptCursor(sk) !== cursor) {
    throw new ValidationError(
      'cursor: is not a cursor this API returned',
      undefined,
      'invalid_cursor',
    );
  }
  if (eventId !== undefined && match[1] !== eventId) {
    throw new ValidationError(
      `cursor: belongs to another listing than the attempts of ${eventId}`,
      undefined,
      'invalid_cursor',
    );
  }
  return eventId === undefined
    ? { subscriptionId, sk, attemptedAt: match[2] as string }
    : { subscriptionId, sk };
}
