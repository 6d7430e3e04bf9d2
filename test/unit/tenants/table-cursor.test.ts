import { describe, expect, it } from 'vitest';
import { decodeCursor, encodeCursor } from '../../../shared/subscriptions/table-cursor.js';

const SUB = 'sub_01JD5Z8Q4X9V2M7K3T6N0R1B8C';

describe('list cursors of the subscriptions table', () => {
  it('round-trip a subscription key and a tenant key, and nothing but the id', () => {
    expect(decodeCursor(encodeCursor({ id: SUB }))).toEqual({ id: SUB });
    expect(decodeCursor(encodeCursor({ id: 'tenant#acme' }))).toEqual({ id: 'tenant#acme' });
    expect(decodeCursor(encodeCursor({ id: SUB, other: 'x' }))).toEqual({ id: SUB });
  });

  it.each([
    ['a tenant key with a bad id', { id: 'tenant#*' }],
    ['a bare tenant prefix', { id: 'tenant#' }],
    ['another key', { id: 'idem#1' }],
    ['a number', { id: 7 }],
    ['no id', {}],
  ])('refuse %s with 400 invalid_cursor', (_what, key) => {
    expect(() => decodeCursor(encodeCursor(key))).toThrow(
      expect.objectContaining({ code: 'invalid_cursor', status: 400 }),
    );
  });

  it('refuse what is not base64 JSON', () => {
    for (const cursor of ['not-a-cursor', '', '%%%', Buffer.from('[1]').toString('base64url')]) {
      expect(() => decodeCursor(cursor)).toThrow(/cursor: is not a cursor this API returned/);
    }
  });
});
