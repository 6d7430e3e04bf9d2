import { describe, expect, it } from 'vitest';
import type { AuthorizerResult } from '../../../functions/authorizer/app.js';
import { localAuthorizer } from '../../../local/local-authorizer.js';

/** An authorizer whose answer can change, counting its calls (the credential store's stand-in). */
function switchable() {
  const state = { allowed: true, calls: 0 };
  const authorizer = async (): Promise<AuthorizerResult> => {
    state.calls++;
    return state.allowed
      ? { isAuthorized: true, context: { kind: 'api-key', credentialId: 'k', scope: 'manage' } }
      : { isAuthorized: false };
  };
  return { state, authorizer };
}

describe('the local gateway’s authorizer', () => {
  it('treats no header, or one that is not Bearer (SigV4), as the operator', async () => {
    const { state, authorizer } = switchable();
    const authorize = localAuthorizer(authorizer, { cacheSeconds: 30 });
    expect(await authorize(undefined)).toEqual({ outcome: 'operator' });
    expect(await authorize('AWS4-HMAC-SHA256 Credential=AKIA/…')).toEqual({ outcome: 'operator' });
    expect(await authorize('Basic dXNlcjpwYXNz')).toEqual({ outcome: 'operator' });
    expect(await authorize('Bearerx abc')).toEqual({ outcome: 'operator' });
    expect(state.calls).toBe(0);
  });

  it('answers 401 for a Bearer with no value, as API Gateway without an identity source', async () => {
    const authorize = localAuthorizer(switchable().authorizer, { cacheSeconds: 30 });
    for (const header of ['Bearer', 'Bearer ', 'bearer   '])
      expect(await authorize(header)).toEqual({
        outcome: 'refused',
        status: 401,
        message: 'Unauthorized',
      });
  });

  it('answers 403 Forbidden when the authorizer refuses', async () => {
    const { state, authorizer } = switchable();
    state.allowed = false;
    const authorize = localAuthorizer(authorizer, { cacheSeconds: 0 });
    expect(await authorize('Bearer hbk_x')).toEqual({
      outcome: 'refused',
      status: 403,
      message: 'Forbidden',
    });
  });

  it('reuses a result for the cache TTL, then asks again', async () => {
    let now = 1_000_000;
    const { state, authorizer } = switchable();
    const authorize = localAuthorizer(authorizer, { cacheSeconds: 30, now: () => now });
    expect((await authorize('Bearer hbk_a')).outcome).toBe('authorized');
    state.allowed = false; // revoked meanwhile
    now += 29_999;
    expect((await authorize('Bearer hbk_a')).outcome).toBe('authorized');
    expect(state.calls).toBe(1);
    // Another header value is its own cache entry.
    expect((await authorize('Bearer hbk_b')).outcome).toBe('refused');
    now += 1;
    expect((await authorize('Bearer hbk_a')).outcome).toBe('refused');
    expect(state.calls).toBe(3);
  });

  it('asks every time with a TTL of 0', async () => {
    const { state, authorizer } = switchable();
    const authorize = localAuthorizer(authorizer, { cacheSeconds: 0 });
    await authorize('Bearer hbk_a');
    state.allowed = false;
    expect((await authorize('Bearer hbk_a')).outcome).toBe('refused');
    expect(state.calls).toBe(2);
  });
});
