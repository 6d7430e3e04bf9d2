import { describe, expect, it } from 'vitest';
import { decodeAccessCursor, encodeAccessCursor } from '../../../shared/access/access-cursor.js';
import { decodeTenantCursor, encodeCursor } from '../../../shared/subscriptions/table-cursor.js';

const ID = 'a'.repeat(24);
const SUB = 'sub_01JD6ZQ8Y3V0R5N7C2K4M9T1XH';

function code(run: () => unknown): string | undefined {
  try {
    run();
    return undefined;
  } catch (error) {
    return (error as { code?: string }).code;
  }
}

describe('token list cursors', () => {
  it('round-trips a key of the tenant’s own partition', () => {
    const key = { id: `token#${ID}`, tenantId: 'acme', createdAt: '2026-12-03T12:00:00.000Z' };
    expect(decodeAccessCursor(encodeAccessCursor(key), 'acme')).toEqual(key);
  });

  it('refuses a cursor naming another tenant, or carrying anything more', () => {
    const key = { id: `token#${ID}`, tenantId: 'globex', createdAt: '2026-12-03T12:00:00.000Z' };
    expect(code(() => decodeAccessCursor(encodeAccessCursor(key), 'acme'))).toBe('invalid_cursor');
    const extra = { ...key, tenantId: 'acme', secretHash: 'x' };
    expect(code(() => decodeAccessCursor(encodeAccessCursor(extra), 'acme'))).toBe(
      'invalid_cursor',
    );
    for (const bad of ['', 'x', encodeAccessCursor({ id: 'tenant#acme' }), 'bnVsbA'])
      expect(code(() => decodeAccessCursor(bad, 'acme'))).toBe('invalid_cursor');
  });

  it('takes a table key (no tenant) for the API-key scan only', () => {
    expect(decodeAccessCursor(encodeAccessCursor({ id: `apikey#${ID}` }))).toEqual({
      id: `apikey#${ID}`,
    });
    expect(code(() => decodeAccessCursor(encodeAccessCursor({ id: `apikey#${ID}` }), 'acme'))).toBe(
      'invalid_cursor',
    );
  });
});

describe('tenant subscription cursors', () => {
  it('carry only the tenant’s own partition', () => {
    expect(decodeTenantCursor(encodeCursor({ id: SUB, tenantId: 'acme' }), 'acme')).toEqual({
      id: SUB,
      tenantId: 'acme',
    });
    for (const key of [
      { id: SUB, tenantId: 'globex' },
      { id: SUB },
      { id: 'tenant#acme', tenantId: 'acme' },
      { id: SUB, tenantId: 'acme', x: 1 },
    ]) {
      expect(
        code(() => decodeTenantCursor(encodeCursor(key), 'acme')),
        JSON.stringify(key),
      ).toBe('invalid_cursor');
    }
  });
});
