import { describe, expect, it } from 'vitest';
import { isEventId, newEventId } from '../../../shared/events/event-id.js';

/** Crockford base32, the ULID alphabet: no I, L, O or U. */
const ULID = /^[0-9A-HJKMNP-TV-Z]{26}$/;

describe('newEventId', () => {
  it('is evt_ followed by a 26-character ULID', () => {
    const id = newEventId();
    expect(id.startsWith('evt_')).toBe(true);
    expect(id).toHaveLength(30);
    expect(id.slice(4)).toMatch(ULID);
  });

  it('encodes the current time in its first ten characters', () => {
    const before = Date.now();
    const id = newEventId();
    const after = Date.now();
    const alphabet = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
    const ms = [...id.slice(4, 14)].reduce((acc, c) => acc * 32 + alphabet.indexOf(c), 0);
    expect(ms).toBeGreaterThanOrEqual(before);
    expect(ms).toBeLessThanOrEqual(after);
  });

  it('gives 1000 ids made in a tight loop that are unique and strictly increasing', () => {
    const ids = Array.from({ length: 1000 }, () => newEventId());
    expect(new Set(ids).size).toBe(ids.length);
    for (let i = 1; i < ids.length; i++) {
      // Plain string comparison is the order logs and the delivery log sort by.
      expect((ids[i - 1] as string) < (ids[i] as string)).toBe(true);
    }
  });
});

describe('isEventId', () => {
  it('accepts ids from newEventId', () => {
    for (let i = 0; i < 50; i++) expect(isEventId(newEventId())).toBe(true);
  });

  it.each([
    ['an empty string', ''],
    ['a bare ULID', '01ARZ3NDEKTSV4RRFFQ69G5FAV'],
    ['another prefix', 'sub_01ARZ3NDEKTSV4RRFFQ69G5FAV'],
    ['an upper-case prefix', 'EVT_01ARZ3NDEKTSV4RRFFQ69G5FAV'],
    ['25 characters', 'evt_01ARZ3NDEKTSV4RRFFQ69G5FA'],
    ['27 characters', 'evt_01ARZ3NDEKTSV4RRFFQ69G5FAVX'],
    ['lower case', 'evt_01arz3ndektsv4rrffq69g5fav'],
    ['a letter outside Crockford base32 (U)', 'evt_01ARZ3NDEKTSV4RRFFQ69G5FAU'],
    ['a letter outside Crockford base32 (I)', 'evt_01ARZ3NDEKTSV4RRFFQ69G5FAI'],
    ['a UUID', 'evt_0190b8c4-7a3e-7cde-8f00-0123456789ab'],
    ['surrounding text', ' evt_01ARZ3NDEKTSV4RRFFQ69G5FAV'],
    ['a trailing newline', 'evt_01ARZ3NDEKTSV4RRFFQ69G5FAV\n'],
  ])('rejects %s', (_, value) => {
    expect(isEventId(value)).toBe(false);
  });

  it('accepts a well-formed id it did not make', () => {
    expect(isEventId('evt_01ARZ3NDEKTSV4RRFFQ69G5FAV')).toBe(true);
  });
});
