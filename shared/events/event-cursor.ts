import { ValidationError } from '../errors.js';

/**
 * A position in the newest-first list of stored events: every event whose `timeKey`
 * (`<timestamp>#<id>`) sorts below it comes after. It is the same position in every partition
 * (each is sorted by timeKey), so one value goes on from a merge of several; it names only an
 * event the caller was shown (or a day boundary), never another partition's key.
 */
const POSITION = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z(#evt_[0-9A-HJKMNP-TV-Z]{26})?$/;

/** The cursor of a position: base64url of it, so clients treat it as opaque. */
export function encodeEventCursor(position: string): string {
  return Buffer.from(position, 'utf8').toString('base64url');
}

/**
 * The position a cursor stands for. A cursor this API did not issue is a 400 `invalid_cursor`
 * naming `cursor` (a start key DynamoDB would refuse, or one outside the caller's partitions,
 * can never be built from it: it only bounds the time range of the caller's own query).
 */
export function decodeEventCursor(cursor: string): string {
  const position = /^[A-Za-z0-9_-]{1,200}$/.test(cursor)
    ? Buffer.from(cursor, 'base64url').toString('utf8')
    : '';
  if (!POSITION.test(position) || encodeEventCursor(position) !== cursor) {
    throw new ValidationError(
      'cursor: is not a cursor this API returned',
      [{ field: 'cursor', message: 'is not a cursor this API returned' }],
      'invalid_cursor',
    );
  }
  return position;
}
