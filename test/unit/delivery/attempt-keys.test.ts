import { describe, expect, it } from 'vitest';
import {
  attemptSortKey,
  decodeAttemptCursor,
  encodeAttemptCursor,
} from '../../../shared/delivery/attempt-keys.js';
import { ApiError } from '../../../shared/errors.js';

const SUB = 'sub_01JABCDEFGHJKMNPQRSTVWXYZ0';
const EVT = 'evt_01JABCDEFGHJKMNPQRSTVWXYZ1';
const OTHER = 'evt_01JABCDEFGHJKMNPQRSTVWXYZ2';
const AT = '2026-12-03T10:15:30.123Z';

function refusal(run: () => unknown): ApiError {
  try {
    run();
  } catch (error) {
    if (error instanceof ApiError) return error;
    throw error;
  }
  throw new Error('the cursor was accepted');
}

describe('attempt cursors', () => {
  it('go on in the time index from the attempt they name', () => {
    const cursor = encodeAttemptCursor(attemptSortKey(EVT, AT));
    expect(decodeAttemptCursor(cursor, SUB)).toEqual({
      subscriptionId: SUB,
      sk: `${EVT}#${AT}`,
      attemptedAt: AT,
    });
  });

  it("go on in one event's attempts with the table key alone", () => {
    const cursor = encodeAttemptCursor(attemptSortKey(EVT, AT));
    expect(decodeAttemptCursor(cursor, SUB, EVT)).toEqual({
      subscriptionId: SUB,
      sk: `${EVT}#${AT}`,
    });
  });

  it("refuse a cursor of another event's attempts with a 400 naming the cursor", () => {
    const error = refusal(() =>
      decodeAttemptCursor(encodeAttemptCursor(attemptSortKey(OTHER, AT)), SUB, EVT),
    );
    expect(error).toMatchObject({ status: 400, code: 'invalid_cursor' });
    expect(error.message).toMatch(/^cursor: /);
  });

  it.each([
    ['not base64 of a sort key', 'not-a-cursor'],
    ['empty', ''],
    ['a sort key without a time', encodeAttemptCursor(`${EVT}#`)],
    ['a sort key with a second key inside', encodeAttemptCursor(`${EVT}#${AT}#${OTHER}#${AT}`)],
    ['another table key smuggled in', encodeAttemptCursor(`${EVT}#${AT}\u0000sub_x`)],
    ['a lower-case event id', encodeAttemptCursor(`${EVT.toLowerCase()}#${AT}`)],
    [
      'JSON of a start key',
      Buffer.from(JSON.stringify({ sk: `${EVT}#${AT}` })).toString('base64url'),
    ],
    ['padded base64', `${encodeAttemptCursor(`${EVT}#${AT}`)}==`],
    ['standard base64 of a valid key', Buffer.from(`${EVT}#${AT}?`).toString('base64')],
  ])('refuse a forged cursor: %s', (_name, cursor) => {
    for (const eventId of [undefined, EVT]) {
      const error = refusal(() => decodeAttemptCursor(cursor, SUB, eventId));
      expect(error).toMatchObject({ status: 400, code: 'invalid_cursor' });
    }
  });
});
